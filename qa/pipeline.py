"""The question-answering pipeline: understand the question, find what answers it, compose the answer."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from corpus.departments import Department, DepartmentRegistry
from corpus.library import Library
from corpus.models import Passage, PassageKind
from index.backend import Backend
from index.fusion import FusionMode
from index.hybrid import IndexConfig, Query, Ranking, SearchIndex, open_index
from index.store import IndexStore
from index.tokenizer import Tokenizer
from index.translate import QueryTranslator
from qa.abstention import AbstentionPolicy, VocabularyEvidence, evidence
from qa.answer import Answer, Intent
from qa.compose import Composer
from qa.conversation import ConversationMemory, Turn
from qa.places import OtherJurisdictions
from qa.settings import Settings
from qa.understanding import DEPARTMENT_LIST_INTENTS, QuestionReader, Understanding

MAX_QUESTION_CHARS = 500
LEAD_ONLY_INTENTS = {Intent.DEPT_LEAD, Intent.DEPT_LEAD_COUNT}
COUNT_INTENTS = {Intent.DEPT_LEAD_COUNT, Intent.DEPT_ALL_COUNT}
RETRIEVAL_INTENTS = {Intent.LEAD, Intent.DEPARTMENTS, Intent.TOPIC}


class InvalidQuestionError(ValueError):
    pass


def validate_question(question: str) -> str:
    stripped = question.strip()
    if not stripped:
        raise InvalidQuestionError("the question is empty")
    if len(stripped) > MAX_QUESTION_CHARS:
        raise InvalidQuestionError(f"the question is {len(stripped)} characters long; the limit is {MAX_QUESTION_CHARS}")
    return stripped


def index_config(settings: Settings) -> IndexConfig:
    if settings.backend is Backend.MILVUS:
        # Milvus fuses with RRF whatever settings.fusion says
        return IndexConfig(tuple(settings.encoder_specs), settings.bm25, FusionMode.RRF, Backend.MILVUS)
    return IndexConfig(tuple(settings.encoder_specs), settings.bm25, settings.fusion)


def build_tokenizer(registry: DepartmentRegistry, translator: QueryTranslator) -> Tokenizer:
    return Tokenizer(user_words=[*registry.surface_forms(), *translator.chinese_terms()])


class QAPipeline:
    def __init__(
        self,
        library: Library,
        registry: DepartmentRegistry,
        index: SearchIndex,
        translator: QueryTranslator,
        abstention: AbstentionPolicy,
        top_k: int = 5,
    ):
        self.library = library
        self.registry = registry
        self.index = index
        self.translator = translator
        self.abstention = abstention
        self.top_k = top_k
        self.reader = QuestionReader(registry)
        self.composer = Composer(registry, library)
        self.memory = ConversationMemory()
        self.other_jurisdictions = OtherJurisdictions.load(
            (passage.text for passage in library.passages), (document.issuer for document in library.documents)
        )
        self._rows = {id(passage): row for row, passage in enumerate(index.passages)}

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        build_missing: bool = True,
        force: bool = False,
        progress: Callable[[str, int], None] | None = None,
        abstention: AbstentionPolicy | None = None,
    ) -> QAPipeline:
        """`abstention` defaults to the policy calibrated for this configuration."""
        library = Library.load(settings.library_dir)
        registry = DepartmentRegistry.load()
        translator = QueryTranslator()
        config = index_config(settings)
        if config.backend is Backend.MILVUS:
            # Imported here: pymilvus is an optional extra that the embedded index does without.
            from index.milvus import MilvusIndex

            index = MilvusIndex.open(
                library.passages,
                library.checksum,
                config,
                settings.milvus_address,
                settings.milvus_collection,
                build_tokenizer(registry, translator),
                build_missing=build_missing,
                force=force,
                progress=progress,
                token=settings.milvus_token,
            )
        else:
            index = open_index(
                library.passages,
                library.checksum,
                config,
                IndexStore(settings.data_dir),
                build_tokenizer(registry, translator),
                build_missing=build_missing,
                force=force,
                progress=progress,
            )
        return cls(library, registry, index, translator, abstention or AbstentionPolicy.for_config(config), settings.top_k)

    def warm_up(self) -> None:
        """Load what the first questions would otherwise wait for: jieba's dictionary, the encoders'
        first run and the English dictionary (seconds each on a cold start)."""
        self.translator.load_dictionary()
        self.index.search(Query(text="政策", lexical_text="政策"), 1)

    def ask(self, question: str, top_k: int | None = None, conversation_id: str | None = None) -> Answer:
        question = validate_question(question)
        previous = self.memory.last(conversation_id)
        understanding = self.reader.read(question, has_context=previous is not None)
        answer, passages = self._answer(understanding, previous, top_k or self.top_k)
        self.memory.remember(conversation_id, Turn(understanding, answer, tuple(passages)))
        return answer

    def _answer(self, understanding: Understanding, previous: Turn | None, k: int) -> tuple[Answer, list[Passage]]:
        intent = understanding.intent
        if intent is Intent.FOLLOW_UP and previous is not None:
            return self._follow_up(understanding, previous, k)
        if intent is Intent.MEASURE:
            return self._measures(understanding)
        if intent in DEPARTMENT_LIST_INTENTS:
            return self._department(understanding, understanding.departments[0], k)
        return self._retrieve(understanding, intent, k)

    def _measures(self, understanding: Understanding) -> tuple[Answer, list[Passage]]:
        found = [p for n in understanding.measures for d in self.library.documents if (p := d.measure(n)) is not None]
        if not found:
            missing = "、".join(str(n) for n in understanding.measures)
            total = len(self.library.measures())
            reason = (
                f"文库中没有第{missing}条措施（共{total}条）。"
                if understanding.language == "zh"
                else f"There is no measure {missing} (the library has {total})."
            )
            return self.composer.abstain(understanding, Intent.MEASURE, reason), []
        return self.composer.answer(understanding, Intent.MEASURE, [(p, 1.0) for p in found]), found

    def _department(self, understanding: Understanding, department: Department, k: int) -> tuple[Answer, list[Passage]]:
        """Answered from the parsed responsibilities, exactly; retrieval only orders a topic within them."""
        intent = understanding.intent
        leads_only = intent in LEAD_ONLY_INTENTS
        measures = [
            p
            for p in self.library.measures()
            if (p.lead_department == department.name if leads_only else department.name in p.departments)
        ]
        if understanding.topic and intent not in COUNT_INTENTS and measures:
            ranking = self._search(understanding, k, rows=[self._rows[id(p)] for p in measures])
            ranked = [(hit.passage, hit.score) for hit in ranking.hits]
        else:
            ranked = [(p, 1.0) for p in measures]
        answer = self.composer.answer(understanding, intent, ranked, count=len(measures))
        return answer, [p for p, _ in ranked]

    def _retrieve(self, understanding: Understanding, intent: Intent, k: int) -> tuple[Answer, list[Passage]]:
        rows = self._scope_rows(understanding)
        if rows is not None and not understanding.topic:
            listed = [self.index.passages[row] for row in rows]
            titles = list(dict.fromkeys(p.subsection if understanding.subsections else p.part for p in listed))
            heading = self.composer.scope_heading(titles, len(listed), understanding.language)
            return self.composer.answer(understanding, intent, [(p, 1.0) for p in listed], heading=heading), listed
        if rows is None and (places := self._places_out_of_scope(understanding, intent)):
            reason = self.composer.uncovered_places(places, understanding.language)
            return self.composer.abstain(understanding, Intent.OUT_OF_SCOPE, reason), []
        ranking = self._search(understanding, k, rows)
        if not ranking.hits or (rows is None and self.abstention.should_abstain(self._evidence(understanding, ranking), understanding.language)):
            return self.composer.abstain(understanding, Intent.OUT_OF_SCOPE), []
        hits = ranking.hits
        if intent in (Intent.LEAD, Intent.DEPARTMENTS):
            # who-is-responsible questions are answered by measures: only they name departments
            hits = [hit for hit in hits if hit.passage.kind is PassageKind.MEASURE] or hits
        passages = [(hit.passage, hit.score) for hit in hits]
        return self.composer.answer(understanding, intent, passages), [p for p, _ in passages]

    def retrieval_evidence(self, question: str) -> dict[str, float] | None:
        """What the abstention model sees for a question answered by retrieval; None for the
        questions it never judges (departments, measure numbers, parts, uncovered places)."""
        understanding = self.reader.read(validate_question(question))
        if understanding.intent not in RETRIEVAL_INTENTS or self._scope_rows(understanding) is not None:
            return None
        if self._places_out_of_scope(understanding, understanding.intent):
            return None
        return self._evidence(understanding, self._search(understanding, self.top_k))

    def _places_out_of_scope(self, understanding: Understanding, intent: Intent) -> list[str]:
        """Other jurisdictions the question asks about; a responsibility question may name one
        that a measure cites as a model to follow."""
        asks_who_is_responsible = intent in (Intent.LEAD, Intent.DEPARTMENTS)
        return [
            place.surface
            for place in self.other_jurisdictions.find(understanding.question)
            if not (place.mentioned_by_library and asks_who_is_responsible)
        ]

    def _evidence(self, understanding: Understanding, ranking: Ranking) -> dict[str, float]:
        return evidence(ranking, self._vocabulary(understanding), understanding)

    def _vocabulary(self, understanding: Understanding) -> VocabularyEvidence:
        """How much of the question the library's vocabulary knows. English is measured against
        the policy glossary, since the dictionary fallback translates anything at all."""
        if understanding.language == "en":
            return VocabularyEvidence(self.translator.coverage(understanding.topic or understanding.question), 0.0)
        vocabulary = self.index.vocabulary(self.query(understanding))
        if vocabulary is None:
            return VocabularyEvidence(1.0, 0.0)
        # single characters and department names say little about the subject asked about
        terms = [t for t in vocabulary.terms if len(t) > 1 and self.registry.get(t) is None]
        unknown = [t for t in vocabulary.unknown if t in terms]
        coverage = 1.0 - len(unknown) / len(terms) if terms else 0.0
        return VocabularyEvidence(coverage, max((vocabulary.rarity[t] for t in unknown), default=0.0))

    def _follow_up(self, understanding: Understanding, previous: Turn, k: int) -> tuple[Answer, list[Passage]]:
        """Resolve a follow-up against the previous answer; the answer names the resolved intent."""
        passages = list(previous.passages)
        previous_intent = previous.answer.intent
        if understanding.ordinal is not None:
            index = understanding.ordinal - 1 if understanding.ordinal > 0 else len(passages) - 1
            if not 0 <= index < len(passages):
                reason = (
                    f"上一个回答只引用了{len(passages)}条。" if understanding.language == "zh" else f"The previous answer cited only {len(passages)}."
                )
                return self.composer.abstain(understanding, Intent.MEASURE, reason), []
            chosen = passages[index]
            return self.composer.answer(understanding, Intent.MEASURE, [(chosen, 1.0)]), [chosen]
        inherited = replace(
            understanding, departments=understanding.departments or previous.understanding.departments, topic=previous.understanding.topic
        )
        if understanding.departments and previous_intent in DEPARTMENT_LIST_INTENTS:
            # "那发改委呢？" after "财政厅牵头多少项？": the same question about another department
            return self._department(replace(inherited, intent=previous_intent), understanding.departments[0], k)
        if understanding.departments:
            # "那发改委呢？" after a topic: which of those measures that department takes part in
            involved = [p for p in passages if understanding.departments[0].name in p.departments]
            return self.composer.answer(inherited, Intent.DEPARTMENTS, [(p, 1.0) for p in involved]), involved
        if not passages:
            return self._retrieve(replace(understanding, intent=Intent.TOPIC), Intent.TOPIC, k)
        if "count" in understanding.cues:
            return self.composer.answer(inherited, previous_intent, [(p, 1.0) for p in passages], count=len(passages)), passages
        lead_only = "lead" in understanding.cues and "departments" not in understanding.cues and "participate" not in understanding.cues
        intent = Intent.LEAD if lead_only else Intent.DEPARTMENTS
        return self.composer.answer(inherited, intent, [(p, 1.0) for p in passages]), passages

    def _scope_rows(self, understanding: Understanding) -> list[int] | None:
        """Rows of the parts or subsections the question names, if it names any."""
        if not understanding.parts and not understanding.subsections:
            return None
        rows = []
        for document in self.library.documents:
            part_titles = {p.title for p in document.parts if p.number in understanding.parts}
            subsection_titles = {s.title for p in document.parts for s in p.subsections if s.number in understanding.subsections}
            for passage in document.passages:
                if passage.part in part_titles or passage.subsection in subsection_titles:
                    rows.append(self._rows[id(passage)])
        return rows

    def _search(self, understanding: Understanding, k: int, rows: Sequence[int] | None = None) -> Ranking:
        return self.index.search(self.query(understanding), k, rows)

    def query(self, understanding: Understanding) -> Query:
        text = understanding.topic or understanding.question
        if understanding.language == "en":
            lexical = " ".join(self.translator.translate(text))
        else:
            lexical = text
        return Query(text=understanding.question if understanding.language == "en" else text, lexical_text=lexical)
