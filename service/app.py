"""The HTTP service: the question API, lookups over the parsed library, the staff web page and the chat adapters.

`create_app_from_env` is the edge: it reads the settings from the environment once and passes them down.
"""
# No `from __future__ import annotations`: FastAPI resolves annotations by name, and the routes'
# LoadedPipeline is local to build_api_router, so it must be evaluated where it is defined.
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path
from starlette.concurrency import run_in_threadpool

from corpus.departments import UnknownDepartmentError
from corpus.library import Library, LibraryError
from corpus.models import Document
from qa.answer import Answer
from qa.pipeline import QAPipeline
from qa.settings import Settings
from service.api_models import (
    AskRequest,
    DepartmentDetail,
    DepartmentSummary,
    DocumentSummary,
    ErrorBody,
    Health,
    Measure,
    MeasureList,
    MeasureRole,
    QuestionText,
    Readiness,
    SearchHit,
    SearchResult,
    ValidationErrorBody,
)
from service.openai_compat import build_openai_router
from service.readiness import PipelineHolder, PipelineNotReady
from service.wechat import build_wechat_router

STATIC_DIR = Path(__file__).resolve().parent / "static"
LOADING_RETRY_SECONDS = 5

NOT_FOUND = {404: {"model": ErrorBody}}
NOT_READY = {503: {"model": ErrorBody, "description": "The index is still loading, or failed to load"}}
INVALID = {422: {"model": ValidationErrorBody}}
LOOKUP_ERRORS = {**NOT_FOUND, **INVALID, **NOT_READY}


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory service.app:create_app_from_env`."""
    return create_app(Settings())


def create_app(settings: Settings, pipeline: QAPipeline | None = None) -> FastAPI:
    holder = PipelineHolder(pipeline)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if not holder.loaded:
            # Daemon: a server stopped mid-build exits at once; the index store writes atomically.
            threading.Thread(target=holder.load, args=(settings,), name="load-pipeline", daemon=True).start()
        yield

    app = FastAPI(
        title="政策问答",
        version="0.1.0",
        summary="Who is responsible for what in Chinese policy documents, answered with citations.",
        lifespan=lifespan,
        docs_url=None,  # served below from the installed Swagger UI: the default loads it from a CDN
        redoc_url=None,
    )
    app.add_exception_handler(RequestValidationError, explain_validation_error)
    app.add_exception_handler(PipelineNotReady, report_not_ready)
    app.add_exception_handler(UnknownDepartmentError, report_unknown_department)

    app.include_router(build_api_router(holder))
    app.include_router(build_wechat_router(settings, holder))
    app.include_router(build_openai_router(holder))

    @app.get("/", include_in_schema=False)
    def web_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")
    return app


def build_api_router(holder: PipelineHolder) -> APIRouter:
    router = APIRouter()

    def ready_pipeline() -> QAPipeline:
        return holder.pipeline

    LoadedPipeline = Annotated[QAPipeline, Depends(ready_pipeline)]

    @router.get("/healthz", response_model=Health, tags=["operations"])
    def healthz() -> Health:
        """The process is up (the index may still be loading; see /readyz)."""
        return Health()

    @router.get("/readyz", response_model=Readiness, responses=NOT_READY, tags=["operations"])
    def readyz(pipeline: LoadedPipeline) -> Readiness:
        """200 once the index is loaded and questions can be answered."""
        return Readiness(
            documents=len(pipeline.library.documents),
            passages=len(pipeline.index.passages),
            retrievers=[retriever.name for retriever in pipeline.index.retrievers],
        )

    @router.post("/ask", response_model=Answer, responses={**INVALID, **NOT_READY}, tags=["questions"])
    async def ask(request: AskRequest) -> Answer:
        """Answer a question with citations: the same JSON as `qa ask --json`."""
        return await run_in_threadpool(holder.ask, request.question, request.top_k, request.conversation_id)

    @router.get("/search", response_model=SearchResult, responses={**INVALID, **NOT_READY}, tags=["tuning"])
    def search(
        pipeline: LoadedPipeline,
        q: Annotated[QuestionText, Query(description="The question, as it would be asked")],
        k: Annotated[int, Query(ge=1, le=50, description="How many passages to rank")] = 10,
    ) -> SearchResult:
        """The raw retrieval ranking for a question, with each retriever's score, for tuning retrieval."""
        understanding = pipeline.understand(q)
        query = pipeline.query(understanding)
        hits = pipeline.index.search(query, k).hits
        return SearchResult(
            question=q,
            language=understanding.language,
            intent=understanding.intent,
            dense_text=query.text,
            lexical_text=query.lexical_text,
            retrievers=[retriever.name for retriever in pipeline.index.retrievers],
            fusion=pipeline.index.fusion,
            hits=[SearchHit.of(rank, hit) for rank, hit in enumerate(hits, start=1)],
        )

    @router.get("/documents", response_model=list[DocumentSummary], responses=NOT_READY, tags=["library"])
    def documents(pipeline: LoadedPipeline) -> list[DocumentSummary]:
        """The catalog of policy documents in the library."""
        library = pipeline.library
        return [DocumentSummary.of(entry, library.document(entry.id).passages) for entry in library.catalog]

    @router.get("/measures", response_model=MeasureList, responses=LOOKUP_ERRORS, tags=["library"])
    def measures(
        pipeline: LoadedPipeline,
        department: Annotated[str | None, Query(description="Any name of a department: 发改委, 省发展改革委, NDRC, …")] = None,
        role: Annotated[MeasureRole, Query(description="lead: measures it leads; any: measures it leads or supports")] = MeasureRole.ANY,
    ) -> MeasureList:
        """Every measure, or the measures a department leads (role=lead) or takes part in (role=any)."""
        all_measures = pipeline.library.measures()
        if department is None or not department.strip():  # an empty form field filters nothing
            listed = [Measure.of(m) for m in all_measures]
            return MeasureList(department=None, role=role, count=len(listed), measures=listed)
        found = pipeline.registry.resolve(department)
        selected = [
            m for m in all_measures if (m.lead_department == found.name if role is MeasureRole.LEAD else found.name in m.departments)
        ]
        return MeasureList(
            department=DepartmentSummary.of(found, all_measures),
            role=role,
            count=len(selected),
            measures=[Measure.of(m) for m in selected],
        )

    @router.get("/measures/{number}", response_model=Measure, responses=LOOKUP_ERRORS, tags=["library"])
    def measure(
        pipeline: LoadedPipeline,
        number: int,
        document: Annotated[str | None, Query(description="The document's id; needed only when the library holds several")] = None,
    ) -> Measure:
        """One numbered measure with its text and responsible departments."""
        source = find_document(pipeline.library, document)
        passage = source.measure(number)
        if passage is None:
            numbers = [m.measure for m in source.measures if m.measure is not None]
            span = f"; its measures are numbered {min(numbers)} to {max(numbers)}" if numbers else ""
            raise HTTPException(404, f"{source.id} has no measure {number}{span}")
        return Measure.of(passage)

    @router.get("/departments", response_model=list[DepartmentSummary], responses=NOT_READY, tags=["library"])
    def departments(pipeline: LoadedPipeline) -> list[DepartmentSummary]:
        """Every known department with the names it goes by and how many measures it leads and supports."""
        all_measures = pipeline.library.measures()
        return [DepartmentSummary.of(d, all_measures) for d in pipeline.registry.departments]

    @router.get("/departments/{name}", response_model=DepartmentDetail, responses=LOOKUP_ERRORS, tags=["library"])
    def department(pipeline: LoadedPipeline, name: str) -> DepartmentDetail:
        """A department by any of its names, with the measures it leads and those it supports."""
        found = pipeline.registry.resolve(name)
        all_measures = pipeline.library.measures()
        return DepartmentDetail(
            department=DepartmentSummary.of(found, all_measures),
            leads=[Measure.of(m) for m in all_measures if m.lead_department == found.name],
            joins=[Measure.of(m) for m in all_measures if found.name in m.co_departments],
        )

    return router


def find_document(library: Library, document_id: str | None) -> Document:
    try:
        return library.document(document_id)
    except LibraryError as error:
        # A wrong name is an unknown resource; no name in a library of several is an incomplete request.
        raise HTTPException(404 if document_id is not None else 422, str(error)) from None


async def explain_validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
    problems = error.errors()
    # A validator's exception sits in the problem's context; its text is what a client can use.
    detail = jsonable_encoder(problems, custom_encoder={Exception: str})
    body = ValidationErrorBody(message="; ".join(describe_problem(p) for p in problems), detail=detail)
    return JSONResponse(body.model_dump(), status_code=422)


def describe_problem(problem: dict[str, Any]) -> str:
    if problem["type"] == "json_invalid":
        reason = problem.get("ctx", {}).get("error", "it cannot be parsed")
        # The same "reason: position" form as Python's own JSONDecodeError message.
        return f"the request body is not valid JSON ({reason}: character {problem['loc'][-1]})"
    where = ".".join(str(part) for part in problem["loc"][1:]) or "request body"
    # AfterValidator failures carry pydantic's "Value error, " prefix in front of our own message.
    return f"{where}: {problem['msg'].removeprefix('Value error, ')}"


async def report_not_ready(_: Request, error: PipelineNotReady) -> JSONResponse:
    headers = {"Retry-After": str(LOADING_RETRY_SECONDS)} if error.loading else None
    return JSONResponse(ErrorBody(detail=str(error)).model_dump(), status_code=503, headers=headers)


async def report_unknown_department(_: Request, error: UnknownDepartmentError) -> JSONResponse:
    return JSONResponse(ErrorBody(detail=str(error)).model_dump(), status_code=404)
