"""The HTTP service: the question API, lookups over the parsed library, the staff web page and the chat adapters.

`create_app_from_env` is the edge: it reads the settings from the environment once and passes them down.
"""
# No `from __future__ import annotations`: FastAPI resolves annotations by name, and the routes'
# LoadedPipeline is local to build_api_router, so it must be evaluated where it is defined.
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path as PathParameter, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from corpus.departments import UnknownDepartmentError
from corpus.library import Library, LibraryError
from corpus.models import Document
from qa.answer import Answer, Role
from qa.department_roles import holds_role
from qa.pipeline import QAPipeline
from qa.redis_store import open_state_store
from qa.settings import Settings
from service.admin import build_admin_router
from service.answer_tracking import TrackedAsker
from service.api_models import (
    INVALID,
    MAX_DOCUMENT_ID_CHARS,
    MAX_NAME_CHARS,
    MAX_TASK_NUMBER_CHARS,
    NOT_FOUND,
    NOT_READY,
    TOO_LARGE,
    AskRequest,
    DepartmentDetail,
    DepartmentSummary,
    DocumentDetail,
    DocumentSummary,
    ErrorBody,
    Health,
    Measure,
    MeasureList,
    NotReady,
    QuestionText,
    Readiness,
    SearchHit,
    SearchResult,
    ValidationErrorBody,
)
from service.body_limit import KIB, MIB, BodyLimitMiddleware
from service.conversations import Channel, conversation_id
from service.error_text import excerpt
from service.json_logs import configure_json_logging
from service.library_admin import build_library_admin_router
from service.openai_compat import build_openai_router
from service.openapi_doc import schema_without_unsent_422
from service.readiness import PipelineHolder, PipelineNotReady
from service.request_log import REQUEST_ID_HEADER, RequestLogMiddleware
from service.unanswered import InMemoryUnanswered
from service.wechat import MAX_BODY_BYTES as WECHAT_BODY_BYTES
from service.wechat import Asker, build_wechat_router

STATIC_DIR = Path(__file__).resolve().parent / "static"
UNKNOWN_DOCUMENT_CHARS = 300  # the message lists the known ids; a huge library's list is cut

# The most bytes a request body may have, by path; every other route takes the default.
JSON_BODY_BYTES = 64 * KIB  # a question of 500 characters is 1.5 KB of UTF-8, 3 KB as JSON escapes
BODY_CAPS = {
    "/ask": JSON_BODY_BYTES,
    "/v1/chat/completions": 256 * KIB,  # chat clients resend the whole conversation every turn
    "/wechat/mp": WECHAT_BODY_BYTES,
    "/wechat/work": WECHAT_BODY_BYTES,
    "/documents": 20 * MIB,  # uploads of policy documents (.docx, .pdf)
}
DEFAULT_BODY_CAP = JSON_BODY_BYTES

LOOKUP_ERRORS = {**NOT_FOUND, **INVALID, **NOT_READY}
ROUTED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")  # probed for a 405's Allow


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory service.app:create_app_from_env`."""
    return create_app(Settings())


def create_app(settings: Settings, holder: PipelineHolder | None = None) -> FastAPI:
    """The service on `holder`'s pipeline (by default one loaded from the settings once the server
    starts), keeping conversations, chat replies and nonces in the holder's state store."""
    configure_json_logging()
    holder = holder or PipelineHolder(state_store=open_state_store(settings))
    state = holder.state_store  # shared by the replicas on Redis
    unanswered = InMemoryUnanswered()
    asker = TrackedAsker(holder, unanswered)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Every synchronous route and every answer runs on this pool. Past a couple of threads per core,
        # more threads only take turns at the GIL, and the event loop answering /healthz waits behind each.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        holder.start_loading(settings)
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
    app.add_exception_handler(LibraryError, report_unknown_document)
    app.add_exception_handler(400, report_unparsable_body)
    app.add_exception_handler(405, report_allowed_methods)

    # Outermost last: the request log sees every response, CORS headers reach the 413s too.
    app.add_middleware(BodyLimitMiddleware, caps=BODY_CAPS, default_cap=DEFAULT_BODY_CAP)
    cors_origins = [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Authorization", REQUEST_ID_HEADER],
            expose_headers=[REQUEST_ID_HEADER],
        )
    app.add_middleware(RequestLogMiddleware)

    app.include_router(build_api_router(holder, asker))
    app.include_router(build_wechat_router(settings, asker, state=state))
    app.include_router(build_openai_router(asker))
    if settings.admin_token:
        app.include_router(build_admin_router(settings.admin_token, unanswered))
        app.include_router(build_library_admin_router(settings, holder))

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

    app.openapi = schema_without_unsent_422(app)  # type: ignore[method-assign]
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")
    return app


def build_api_router(holder: PipelineHolder, asker: Asker) -> APIRouter:
    router = APIRouter()

    # async: run on the event loop, so that they never wait for a worker thread behind slow questions
    async def ready_pipeline() -> QAPipeline:
        return holder.pipeline

    async def loaded_library() -> Library:
        return holder.library

    LoadedPipeline = Annotated[QAPipeline, Depends(ready_pipeline)]
    # The lookups need only the parsed library and its registry, loaded before the search index.
    LoadedLibrary = Annotated[Library, Depends(loaded_library)]
    DepartmentName = Annotated[str, PathParameter(max_length=MAX_NAME_CHARS)]
    DocumentId = Annotated[str, PathParameter(max_length=MAX_DOCUMENT_ID_CHARS)]

    @router.get("/healthz", response_model=Health, tags=["operations"])
    async def healthz() -> Health:
        """The process is up (the index may still be loading; see /readyz). Answered on the event loop,
        never behind busy worker threads."""
        return Health()

    @router.get("/readyz", response_model=Readiness, responses=NOT_READY, tags=["operations"])
    async def readyz(pipeline: LoadedPipeline) -> Readiness:
        """200 once the index is loaded and questions can be answered; until then 503 with the loading phase."""
        return holder.readiness()

    @router.post("/ask", response_model=Answer, responses={**TOO_LARGE, **INVALID, **NOT_READY, **NOT_FOUND}, tags=["questions"])
    async def ask(request: AskRequest) -> Answer:
        """Answer a question with citations: the same JSON as `qa ask --json`."""
        # Namespaced: an id a client picks can never name a WeChat user's conversation.
        conversation = conversation_id(Channel.API, request.conversation_id) if request.conversation_id else None
        return await run_in_threadpool(asker.ask, request.question, request.top_k, conversation, request.documents)

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
    def documents(library: LoadedLibrary) -> list[DocumentSummary]:
        """The catalog of policy documents in the library."""
        return [DocumentSummary.of(entry, library.document(entry.id)) for entry in library.catalog]

    @router.get("/documents/{document_id}", response_model=DocumentDetail, responses=LOOKUP_ERRORS, tags=["library"])
    def document(library: LoadedLibrary, document_id: DocumentId) -> DocumentDetail:
        """One document: its 文号, issuer, date, attachments, the departments it names and what the parser noticed."""
        return DocumentDetail.of(library.entry(find_document(library, document_id).id), find_document(library, document_id))

    @router.get("/measures", response_model=MeasureList, responses=LOOKUP_ERRORS, tags=["library"])
    def measures(
        library: LoadedLibrary,
        department: Annotated[
            str | None, Query(max_length=MAX_NAME_CHARS, description="Any name of a department: 发改委, 省发展改革委, NDRC, …")
        ] = None,
        role: Annotated[
            Role, Query(description="lead: measures it leads; co: measures it supports without leading; any: either")
        ] = Role.ANY,
    ) -> MeasureList:
        """Every measure, or the measures a department leads (role=lead), supports without leading (role=co) or takes part in (role=any)."""
        all_measures = library.measures()
        if department is None or not department.strip():  # an empty form field filters nothing
            listed = [Measure.of(m) for m in all_measures]
            return MeasureList(department=None, role=role, count=len(listed), measures=listed)
        found = library.registry.resolve(department)
        selected = [m for m in all_measures if holds_role(m, {found.name}, role)]
        return MeasureList(
            department=DepartmentSummary.of(found, all_measures),
            role=role,
            count=len(selected),
            measures=[Measure.of(m) for m in selected],
        )

    @router.get("/measures/{number}", response_model=Measure, responses=LOOKUP_ERRORS, tags=["library"])
    def measure(
        library: LoadedLibrary,
        number: Annotated[
            str,
            PathParameter(max_length=MAX_TASK_NUMBER_CHARS, description="The task's number as printed (91, 2.3, 第十二条) or its id within the document (二.一.1)"),
        ],
        document: Annotated[
            str | None,
            Query(max_length=MAX_DOCUMENT_ID_CHARS, description="The document's id; needed only when the library holds several"),
        ] = None,
    ) -> Measure:
        """One numbered measure with its text and responsible departments."""
        source = find_document(library, document)
        passage = source.measure(int(number)) if number.isdigit() else source.task(number)
        if passage is None:
            numbers = [m.measure for m in source.measures if m.measure is not None]
            span = f"; its measures are numbered {min(numbers)} to {max(numbers)}" if numbers else ""
            raise HTTPException(404, f"{source.id} has no measure {number}{span}")
        return Measure.of(passage)

    @router.get("/departments", response_model=list[DepartmentSummary], responses=NOT_READY, tags=["library"])
    def departments(library: LoadedLibrary) -> list[DepartmentSummary]:
        """Every known department with the names it goes by and how many measures it leads and supports."""
        all_measures = library.measures()
        return [DepartmentSummary.of(d, all_measures) for d in library.registry.departments]

    @router.get("/departments/{name}", response_model=DepartmentDetail, responses=LOOKUP_ERRORS, tags=["library"])
    def department(library: LoadedLibrary, name: DepartmentName) -> DepartmentDetail:
        """A department by any of its names, with the measures it leads and those it supports."""
        found = library.registry.resolve(name)
        all_measures = library.measures()
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
    # The input comes back as an excerpt only: a client that sent megabytes gets none of them back.
    detail = jsonable_encoder(
        [{**problem, "input": excerpt(problem["input"])} if "input" in problem else problem for problem in problems],
        custom_encoder={Exception: str},
    )
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


async def report_unparsable_body(request: Request, error: StarletteHTTPException) -> Response:
    """FastAPI and Starlette answer a body they fail to decode (JSON that is not UTF-8 or nests too deep,
    broken multipart) with a bare 400 that no route declares: it is an invalid body like JSON that does
    not parse, a 422. The decoding error is the 400's cause or context; a 400 without one is left as it is."""
    reason = error.__cause__ or error.__context__
    if reason is None:
        return await http_exception_handler(request, error)
    problem = {"type": "body_unparsable", "loc": ("body",), "msg": f"cannot be decoded ({excerpt(str(reason) or str(error.detail))})"}
    return await explain_validation_error(request, RequestValidationError([problem]))


async def report_allowed_methods(request: Request, error: StarletteHTTPException) -> Response:
    """A 405 whose Allow lists every method the path takes: the router names only those of the first
    route it found on the path (GET /wechat/mp, not its POST)."""
    allowed = [
        method
        for method in ROUTED_METHODS
        if any(
            not isinstance(route, Mount) and route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.routes
        )
    ]
    if allowed:
        error = StarletteHTTPException(405, error.detail, headers={**(error.headers or {}), "Allow": ", ".join(allowed)})
    return await http_exception_handler(request, error)


async def report_not_ready(_: Request, error: PipelineNotReady) -> JSONResponse:
    body = NotReady(
        status="loading" if error.loading else "failed",
        detail=str(error),
        phase=error.phase,
        elapsed_seconds=error.elapsed_seconds,
    )
    return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": str(error.retry_after_seconds)})


async def report_unknown_document(_: Request, error: LibraryError) -> JSONResponse:
    """A question limited to a document the library does not hold (`documents` in /ask)."""
    detail = str(error)
    detail = detail if len(detail) <= UNKNOWN_DOCUMENT_CHARS else detail[:UNKNOWN_DOCUMENT_CHARS] + "…"
    return JSONResponse(ErrorBody(detail=detail).model_dump(), status_code=404)


async def report_unknown_department(_: Request, error: UnknownDepartmentError) -> JSONResponse:
    detail = str(error).replace(error.query, excerpt(error.query))  # the message quotes the name it was given
    return JSONResponse(ErrorBody(detail=detail).model_dump(), status_code=404)
