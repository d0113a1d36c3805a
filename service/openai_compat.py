"""An OpenAI-compatible chat endpoint, so chat front ends and the openai client can ask questions."""
from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from qa.answer import Citation
from qa.pipeline import MAX_QUESTION_CHARS, InvalidQuestionError, validate_question
from service.api_models import NOT_READY, TOO_LARGE
from service.chat_format import format_plain_markdown
from service.conversations import Channel, conversation_id
from service.wechat import Asker

logger = logging.getLogger(__name__)

MODEL_ID = "zhengce-qa"
MODEL_CREATED = 1_735_689_600  # 2025-01-01; the model list needs a fixed creation time


class TextPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str
    text: str = ""


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[TextPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text for part in self.content if part.type == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """The fields this endpoint uses; sampling options and the like are accepted and ignored."""

    model_config = ConfigDict(extra="ignore")
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(
        description=f"The conversation so far; its last user message is the question, at most {MAX_QUESTION_CHARS} characters"
    )
    stream: bool = Field(default=False, description="true: the answer comes as server-sent events (text/event-stream)")
    user: str | None = None


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class CompletionChoice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    choices: list[CompletionChoice]
    citations: list[Citation] = Field(description="The passages the answer cites, ranked best first")


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str


class OpenAIErrorBody(BaseModel):
    """OpenAI's error shape, which its clients parse."""

    error: OpenAIErrorDetail


class OpenAIError(Exception):
    def __init__(self, status_code: int, message: str, code: str, error_type: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.code = code
        self.error_type = error_type

    def response(self) -> JSONResponse:
        body = OpenAIErrorBody(error=OpenAIErrorDetail(message=self.message, type=self.error_type, code=self.code))
        return JSONResponse(body.model_dump(), status_code=self.status_code)


COMPLETION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The answer: one JSON completion, or with stream=true server-sent events of chat.completion.chunk "
        "objects, the last chunk with the citations, then `data: [DONE]`",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    },
    400: {"model": OpenAIErrorBody, "description": "A request or question this endpoint cannot answer"},
    500: {"model": OpenAIErrorBody, "description": "Answering failed"},
    **TOO_LARGE,
    **NOT_READY,
}


def _describe_validation(error: RequestValidationError) -> str:
    problems = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
        problems.append(f"{where}: {problem.get('msg')}" if where else str(problem.get("msg")))
    return "; ".join(problems) or "invalid request"


def _app_reports(request: Request, error: Exception) -> bool:
    return any(isinstance(kind, type) and isinstance(error, kind) for kind in request.app.exception_handlers)


class OpenAIErrorRoute(APIRoute):
    """Reports bad requests in OpenAI's error shape, which clients parse, instead of FastAPI's."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_with_openai_errors(request: Request) -> Response:
            try:
                return await handle(request)
            except RequestValidationError as error:
                return OpenAIError(400, _describe_validation(error), "invalid_request").response()
            except OpenAIError as error:
                return error.response()
            except HTTPException as error:
                if error.status_code != 400:
                    raise
                # FastAPI's own 400 for a body it cannot decode (JSON that is not UTF-8), in OpenAI's shape
                return OpenAIError(400, str(error.detail), "invalid_request").response()
            except Exception as error:
                if _app_reports(request, error):  # e.g. the index still loading: the app's 503 with Retry-After
                    raise
                logger.exception("answering an OpenAI-compatible request failed")
                return OpenAIError(500, "the question could not be answered", "internal_error", "server_error").response()

        return handle_with_openai_errors


def conversation_id_for(request: ChatCompletionRequest) -> str:
    """Stable for the whole conversation, so the pipeline can resolve follow-ups.

    Clients resend the history with every turn, so the opening (system prompt and first question) is
    what stays the same from the first turn on; with the `user` field it keeps one person's
    conversations apart from another's that open the same way.
    """
    opening: list[tuple[str, str]] = []
    for message in request.messages:
        opening.append((message.role, message.text))
        if message.role == "user":
            break
    key = json.dumps({"user": request.user, "opening": opening}, ensure_ascii=False)
    return conversation_id(Channel.OPENAI, hashlib.sha256(key.encode()).hexdigest()[:32])


def _question(request: ChatCompletionRequest) -> str:
    if not request.messages:
        raise OpenAIError(400, "messages must not be empty", "invalid_messages")
    for message in reversed(request.messages):
        if message.role == "user":
            try:
                return validate_question(message.text)
            except InvalidQuestionError as error:
                raise OpenAIError(400, f"the last user message: {error}", "invalid_question") from None
    raise OpenAIError(400, "messages contain no user message", "missing_user_message")


def _content_pieces(text: str) -> list[str]:
    """Line-sized deltas: the answer is computed whole, but streaming clients render as it arrives."""
    return [piece for piece in re.split(r"(?<=\n)", text) if piece]


def build_openai_router(asker: Asker) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["openai"], route_class=OpenAIErrorRoute)

    @router.get("/models")
    async def list_models() -> dict[str, Any]:
        model = {"id": MODEL_ID, "object": "model", "created": MODEL_CREATED, "owned_by": MODEL_ID}
        return {"object": "list", "data": [model]}

    @router.post("/chat/completions", response_model=ChatCompletion, responses=COMPLETION_RESPONSES)
    async def chat_completions(body: ChatCompletionRequest) -> Response:
        question = _question(body)
        # Answered before any byte goes out, so a failure still gets a proper status, streaming or not.
        answer = await run_in_threadpool(asker.ask, question, None, conversation_id_for(body))
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        text = format_plain_markdown(answer)
        if body.stream:
            citations = [citation.model_dump(mode="json") for citation in answer.citations]
            return StreamingResponse(
                _stream(text, citations, completion_id, created),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        completion = ChatCompletion(
            id=completion_id,
            created=created,
            choices=[CompletionChoice(message=AssistantMessage(content=text))],
            citations=answer.citations,
        )
        return JSONResponse(completion.model_dump(mode="json"))

    return router


def _sse(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


async def _stream(text: str, citations: list[dict[str, Any]], completion_id: str, created: int) -> AsyncIterator[str]:
    def chunk(delta: dict[str, Any], finish_reason: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}
        base = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID}
        return _sse({**base, "choices": [choice], **extra})

    yield chunk({"role": "assistant", "content": ""})
    for piece in _content_pieces(text):
        yield chunk({"content": piece})
    yield chunk({}, "stop", citations=citations)
    yield "data: [DONE]\n\n"
