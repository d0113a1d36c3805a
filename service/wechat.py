"""WeChat Official Account (/wechat/mp) and WeCom self-built app (/wechat/work) callbacks.

WeChat gives a callback five seconds to answer and retries the same MsgId when it gets nothing back.
The ReplyCoordinator runs each question once, replies in time if it can, and keeps a late answer
for the user to fetch with "结果".
"""
from __future__ import annotations

import asyncio
import enum
import hashlib
import json
import logging
import time
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from qa.answer import Answer
from qa.json_fields import from_json_value, to_json_value
from qa.pipeline import MAX_QUESTION_CHARS
from qa.settings import Settings
from qa.state_store import InMemoryStateStore, StateStore
from service.api_models import RETRY_AFTER, TOO_LARGE
from service.chat_format import format_for_chat
from service.conversations import Channel, conversation_id
from service.readiness import FAILED_RETRY_SECONDS
from service.replay_guard import ReplayedCallback, ReplayGuard
from service.wechat_crypto import (
    DecryptError,
    InvalidAppId,
    InvalidSignature,
    StaleTimestamp,
    WeChatCrypto,
    check_signature,
    check_timestamp,
)

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024  # WeChat callbacks are a few hundred bytes; the app caps the routes' bodies at this
FETCH_WORDS = frozenset({"结果", "?", "？", "result"})
POLL_SECONDS = 0.05  # how often a retry reaching another replica than the one running it reads the store
KEYS_PER_QUESTION = 3  # in the store: the reply, the conversation's latest question, the delivered flag
# How long a claim on a message holds before its answer is in: a replica that dies while running it frees
# the message for a retry elsewhere after this long (a run taking longer might run twice).
CLAIM_LEASE_SECONDS = 120.0

WELCOME = (
    "欢迎使用政策问答！直接输入问题即可查询政策文件中的措施和责任部门，例如：\n"
    "· 棚户区改造融资由哪个部门牵头？\n"
    "· 省发展改革委牵头负责多少条措施？\n"
    "· 第91条讲了什么？\n"
    "如果答案没有及时出现，稍后发送“结果”即可获取。"
)
TEXT_ONLY = "目前只能回答文字提问，请直接输入您的问题，例如：棚户区改造融资由哪个部门牵头？"
ASK_FAILED = "抱歉，查询时出错了，请稍后再试。"
TOO_LONG = f"问题太长了，请控制在{MAX_QUESTION_CHARS}字以内。"
NOTHING_PENDING = {"zh": "目前没有等待中的答案，请直接输入您的问题。", "en": "Nothing is pending. Please ask your question."}
STILL_RUNNING = {
    "zh": "答案还在生成中，请稍后再发送“结果”。",
    "en": 'Still working on it. Send "result" again in a moment.',
}


# What /docs shows of the callbacks: WeChat posts XML, which FastAPI cannot infer from a raw body.
MESSAGE_FIELDS = ("ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Event", "Recognition", "Encrypt")
XML_MESSAGE_SCHEMA = {
    "type": "object",
    "xml": {"name": "xml"},
    "description": "A WeChat message; in safe mode only ToUserName and Encrypt (the message, encrypted)",
    "properties": {name: {"type": "string"} for name in MESSAGE_FIELDS},
}
XML_MESSAGE_BODY = {
    "requestBody": {
        "required": True,
        "content": {media_type: {"schema": XML_MESSAGE_SCHEMA} for media_type in ("application/xml", "text/xml")},
    }
}
PLAIN_TEXT = {"text/plain": {"schema": {"type": "string"}}}
REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "A wrong signature, a stale timestamp, a replayed nonce or another receive id", "content": PLAIN_TEXT},
    503: {"description": "The channel is not configured; the message names the missing settings", "content": PLAIN_TEXT, "headers": RETRY_AFTER},
}
VERIFY_RESPONSES = {200: {"description": "The echostr, decrypted for WeCom", "content": PLAIN_TEXT}, **REFUSALS}
MESSAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The reply (encrypted in safe mode and for WeCom), or no reply: `success` (WeCom: empty) when the "
        "answer is not ready in time or the message needs none",
        "content": {"application/xml": {"schema": XML_MESSAGE_SCHEMA}, **PLAIN_TEXT},
    },
    400: {"description": "A body that is not a WeChat message or cannot be decrypted", "content": PLAIN_TEXT},
    **TOO_LARGE,
    **REFUSALS,
}


class Asker(Protocol):
    def ask(self, question: str, top_k: int | None = None, conversation_id: str | None = None, documents: Sequence[str] = ()) -> Answer: ...


class FetchStatus(enum.Enum):
    NOTHING_PENDING = "nothing_pending"
    STILL_RUNNING = "still_running"


class ReplyState(str, enum.Enum):
    RUNNING = "running"
    ANSWERED = "answered"
    FAILED = "failed"


@dataclass(frozen=True)
class _Reply:
    """What the store says of one message: shared by the replica that runs it and those that wait for it."""

    state: ReplyState
    answer: Answer | None = None

    def to_json(self) -> bytes:
        return json.dumps(to_json_value(self), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, data: bytes) -> _Reply:
        return from_json_value(cls, json.loads(data))


class AskFailed(RuntimeError):
    """Running the question failed: logged once where it ran, and reported to every retry, on any
    replica, without running it again."""


@dataclass
class _Question:
    task: asyncio.Task[Answer]
    asked_at: float


class ReplyCoordinator:
    """Runs each question once, however often WeChat retries it and whichever replica the retry reaches,
    and keeps late answers for a while.

    Keys name one message (see reply_key). The replica that first claims a key in the store runs the
    question as a task of its own and writes the answer there; a retry reaching another replica reads
    the store until the answer is in or the deadline passes. Entries live for ttl_seconds; this
    replica's tasks (and the embedded store) keep at most max_entries, so a flood of messages cannot
    exhaust memory.
    """

    def __init__(
        self,
        asker: Asker,
        deadline_seconds: float,
        ttl_seconds: float = 600,
        max_entries: int = 2000,
        clock: Callable[[], float] = time.monotonic,
        store: StateStore | None = None,
        namespace: str = "reply",
    ) -> None:
        self._asker = asker
        self._deadline = deadline_seconds
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._store = store or InMemoryStateStore(max_entries * KEYS_PER_QUESTION, clock)
        self._namespace = namespace
        self._questions: OrderedDict[str, _Question] = OrderedDict()  # the questions this replica runs
        # The event loop holds tasks only weakly; an evicted entry must not let a running task be collected.
        self._running: set[asyncio.Task[Answer]] = set()

    async def answer(self, key: str, conversation_id: str, question: str) -> Answer | None:
        """The answer if it is ready within the deadline, else None while it keeps computing."""
        self._evict()
        already_claimed = key in self._questions or not self._store.put_if_absent(
            self._reply_key(key), _Reply(ReplyState.RUNNING).to_json(), min(CLAIM_LEASE_SECONDS, self._ttl)
        )
        if not already_claimed:
            self._store.put(self._latest_key(conversation_id), key.encode(), self._ttl)
            task = asyncio.create_task(run_in_threadpool(self._run, key, question, conversation_id))
            self._running.add(task)
            task.add_done_callback(self._finished)
            self._questions[key] = _Question(task, self._clock())
            self._evict()
        return await self._wait(key)

    async def fetch(self, conversation_id: str) -> Answer | FetchStatus:
        """The latest question's answer if it was not delivered yet."""
        self._evict()
        latest = self._store.get(self._latest_key(conversation_id))
        if latest is None:
            return FetchStatus.NOTHING_PENDING
        key = latest.decode()
        forgotten = key not in self._questions and self._store.get(self._reply_key(key)) is None
        if forgotten or self._store.get(self._delivered_key(key)) is not None:
            return FetchStatus.NOTHING_PENDING
        answer = await self._wait(key)
        return FetchStatus.STILL_RUNNING if answer is None else answer

    def _run(self, key: str, question: str, conversation_id: str) -> Answer:
        """In a worker thread: the pipeline's answer, written to the store for the other replicas."""
        try:
            answer = self._asker.ask(question, conversation_id=conversation_id)
        except Exception:
            self._store.put(self._reply_key(key), _Reply(ReplyState.FAILED).to_json(), self._ttl)
            raise
        self._store.put(self._reply_key(key), _Reply(ReplyState.ANSWERED, answer).to_json(), self._ttl)
        return answer

    def _finished(self, task: asyncio.Task[Answer]) -> None:
        self._running.discard(task)
        # Logged here, once, even when nobody is left waiting for the answer.
        if not task.cancelled() and task.exception() is not None:
            logger.error("answering a chat question failed", exc_info=task.exception())

    async def _wait(self, key: str) -> Answer | None:
        """The answer within the deadline, from this replica's task or else from the store; None if not
        ready by then. A failed ask raises here, for every retry, without running again."""
        entry = self._questions.get(key)
        if entry is not None:
            await asyncio.wait({entry.task}, timeout=self._deadline)
            if entry.task.done() and entry.task.exception() is not None:
                raise AskFailed("answering this chat question failed") from entry.task.exception()
            answer = entry.task.result() if entry.task.done() else None
        else:
            answer = await self._answer_in_store(key)
        if answer is not None:
            self._store.put(self._delivered_key(key), b"1", self._ttl)
        return answer

    async def _answer_in_store(self, key: str) -> Answer | None:
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + self._deadline
        while True:
            data = self._store.get(self._reply_key(key))
            if data is None:
                return None  # forgotten: expired, or evicted from a bounded store
            reply = _Reply.from_json(data)
            if reply.state is ReplyState.FAILED:
                raise AskFailed("answering this chat question failed on the replica that ran it")
            if reply.state is ReplyState.ANSWERED or loop.time() >= give_up_at:
                return reply.answer
            await asyncio.sleep(POLL_SECONDS)

    def _reply_key(self, key: str) -> str:
        return f"{self._namespace}:{key}"

    def _delivered_key(self, key: str) -> str:
        return f"{self._namespace}-delivered:{key}"

    def _latest_key(self, conversation_id: str) -> str:
        return f"{self._namespace}-latest:{conversation_id}"

    def _evict(self) -> None:
        expired_before = self._clock() - self._ttl
        while self._questions:
            key, oldest = next(iter(self._questions.items()))
            if oldest.asked_at >= expired_before and len(self._questions) <= self._max_entries:
                break
            del self._questions[key]


class MalformedMessage(ValueError):
    pass


def parse_message(body: bytes | str) -> dict[str, str]:
    """The child elements of a WeChat <xml> message as tag → text.

    A DOCTYPE is refused outright: these messages never carry one, and without it no entity can be
    declared, which rules out entity-expansion and external-entity attacks.
    """
    try:
        text = body.decode() if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        raise MalformedMessage("body is not UTF-8") from None
    if "<!doctype" in text.lower():
        raise MalformedMessage("DOCTYPE is not allowed")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise MalformedMessage(f"malformed XML: {error}") from None
    if root.tag != "xml":
        raise MalformedMessage("root element must be <xml>")
    return {child.tag: (child.text or "").strip() for child in root}


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply_xml(to_user: str, from_user: str, content: str, now: float) -> str:
    return (
        f"<xml><ToUserName>{_cdata(to_user)}</ToUserName><FromUserName>{_cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(now)}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(content)}</Content></xml>"
    )


class _Refused(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def _refused_response(error: _Refused) -> PlainTextResponse:
    logger.warning("wechat callback refused (%d): %s", error.status_code, error.message)
    # A 503 here is a channel left unconfigured: it stays so until an operator sets it up.
    headers = {"Retry-After": str(FAILED_RETRY_SECONDS)} if error.status_code == 503 else None
    return PlainTextResponse(error.message, status_code=error.status_code, headers=headers)


def _verify(check: Callable[[], None]) -> None:
    try:
        check()
    except InvalidSignature as error:
        raise _Refused(403, f"invalid signature: {error}") from None
    except StaleTimestamp as error:
        raise _Refused(403, f"stale timestamp: {error}") from None
    except ReplayedCallback as error:
        raise _Refused(403, f"replayed callback: {error}") from None


def _open_envelope(crypto: WeChatCrypto, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> dict[str, str]:
    """The message inside an encrypted callback, once its signature and timestamp check out."""
    encrypt = _parse(body).get("Encrypt", "")
    if not encrypt:
        raise _Refused(400, "encrypted message without <Encrypt>")
    _verify(lambda: crypto.check_signature(msg_signature, timestamp, nonce, encrypt))
    _verify(lambda: crypto.check_timestamp(timestamp))
    return _parse(_decrypt(crypto, encrypt))


def _decrypt(crypto: WeChatCrypto, encrypt: str) -> str:
    try:
        return crypto.decrypt(encrypt)
    except InvalidAppId as error:
        raise _Refused(403, f"wrong receive id: {error}") from None
    except DecryptError as error:
        raise _Refused(400, f"cannot decrypt: {error}") from None


def _parse(body: bytes | str) -> dict[str, str]:
    try:
        return parse_message(body)
    except MalformedMessage as error:
        raise _Refused(400, str(error)) from None


def reply_key(message: dict[str, str], question: str) -> str:
    """What names one message, so that WeChat's retries of it are answered once: its MsgId, else
    (events, some WeCom messages) a digest of sender, time and text, which retries resend unchanged."""
    if message.get("MsgId"):
        return f"msg:{message['MsgId']}"
    named = json.dumps([message.get("FromUserName", ""), message.get("CreateTime", ""), question], ensure_ascii=False)
    return f"sha256:{hashlib.sha256(named.encode()).hexdigest()}"


def _missing_settings(settings: Settings, names: tuple[str, ...]) -> list[str]:
    return [f"QA_{name.upper()}" for name in names if not getattr(settings, name)]


def _build_crypto(
    settings: Settings, names: tuple[str, str, str], clock: Callable[[], float]
) -> WeChatCrypto | str:
    """The crypto for (token, aes key, receive id) settings, or why it cannot be built."""
    missing = _missing_settings(settings, names)
    if missing:
        return f"not configured: set {', '.join(missing)}"
    token, aes_key, receive_id = (getattr(settings, name) for name in names)
    try:
        return WeChatCrypto(token, aes_key, receive_id, clock=clock)
    except ValueError as error:
        return f"QA_{names[1].upper()} is invalid: {error}"


class _Conversation:
    """Turns one decrypted message into the text to reply, or None for no reply."""

    def __init__(self, coordinator: ReplyCoordinator, public_url: str, channel: Channel) -> None:
        self.coordinator = coordinator
        self.public_url = public_url
        self.channel = channel

    async def reply_text(self, message: dict[str, str]) -> str | None:
        msg_type = message.get("MsgType", "").lower()
        if msg_type == "event":
            return WELCOME if message.get("Event", "").lower() == "subscribe" else None
        if msg_type == "text":
            question = message.get("Content", "")
        elif msg_type == "voice" and message.get("Recognition"):  # voice with speech recognition turned on
            question = message["Recognition"]
        else:
            return TEXT_ONLY
        if not question.strip():
            return TEXT_ONLY
        if len(question.strip()) > MAX_QUESTION_CHARS:
            return TOO_LONG

        conversation = conversation_id(self.channel, message.get("FromUserName", ""))
        try:
            if question.strip().lower() in FETCH_WORDS:
                return await self._fetch(conversation, "en" if question.strip().lower() == "result" else "zh")
            answer = await self.coordinator.answer(reply_key(message, question), conversation, question)
        except AskFailed:  # logged once, where the question ran
            return ASK_FAILED
        except Exception:  # the store failed us
            logger.exception("replying to a chat message failed")
            return ASK_FAILED
        return None if answer is None else format_for_chat(answer, self.public_url)

    async def _fetch(self, conversation_id: str, language: str) -> str:
        outcome = await self.coordinator.fetch(conversation_id)
        if outcome is FetchStatus.NOTHING_PENDING:
            return NOTHING_PENDING[language]
        if outcome is FetchStatus.STILL_RUNNING:
            return STILL_RUNNING[language]
        return format_for_chat(outcome, self.public_url)


def build_wechat_router(
    settings: Settings, asker: Asker, clock: Callable[[], float] = time.time, state: StateStore | None = None
) -> APIRouter:
    """`state`: where replies and nonces live, shared with the other replicas; None: each part keeps its own in the process."""
    router = APIRouter(prefix="/wechat", tags=["wechat"])
    mp_crypto = _build_crypto(settings, ("wechat_token", "wechat_aes_key", "wechat_appid"), clock)
    work_crypto = _build_crypto(settings, ("wecom_token", "wecom_aes_key", "wecom_corp_id"), clock)

    def chat(channel: Channel) -> _Conversation:
        coordinator = ReplyCoordinator(asker, settings.reply_deadline_seconds, store=state, namespace=f"reply:{channel.value}")
        return _Conversation(coordinator, settings.public_url, channel)

    mp_chat, work_chat = chat(Channel.WECHAT_MP), chat(Channel.WECOM)
    mp_replays = ReplayGuard(clock=clock, store=state, namespace=f"replay:{Channel.WECHAT_MP.value}")
    work_replays = ReplayGuard(clock=clock, store=state, namespace=f"replay:{Channel.WECOM.value}")

    def require_mp_token() -> str:
        if not settings.wechat_token:
            raise _Refused(503, "WeChat Official Account not configured: set QA_WECHAT_TOKEN")
        return settings.wechat_token

    def require_crypto(crypto: WeChatCrypto | str, channel: str) -> WeChatCrypto:
        if isinstance(crypto, str):
            raise _Refused(503, f"{channel} {crypto}")
        return crypto

    @router.get("/mp", response_class=PlainTextResponse, responses=VERIFY_RESPONSES)
    async def mp_verify(signature: str = "", timestamp: str = "", nonce: str = "", echostr: str = "") -> Response:
        try:
            token = require_mp_token()
            _verify(lambda: check_signature(token, signature, timestamp, nonce))
            _verify(lambda: check_timestamp(timestamp, clock()))
        except _Refused as error:
            return _refused_response(error)
        return PlainTextResponse(echostr)

    @router.post("/mp", response_class=Response, responses=MESSAGE_RESPONSES, openapi_extra=XML_MESSAGE_BODY)
    async def mp_message(
        request: Request,
        signature: str = "",
        timestamp: str = "",
        nonce: str = "",
        encrypt_type: str = "",
        msg_signature: str = "",
    ) -> Response:
        try:
            token = require_mp_token()
            body = await request.body()
            # Safe mode: the reply goes back encrypted, like the request.
            reply_crypto: WeChatCrypto | None = None
            if encrypt_type.lower() == "aes":
                reply_crypto = require_crypto(mp_crypto, "WeChat Official Account safe mode")
                message = _open_envelope(reply_crypto, body, msg_signature, timestamp, nonce)
            else:
                _verify(lambda: check_signature(token, signature, timestamp, nonce))
                _verify(lambda: check_timestamp(timestamp, clock()))
                message = _parse(body)
            _verify(lambda: mp_replays.check(timestamp, nonce, body))
        except _Refused as error:
            return _refused_response(error)

        content = await mp_chat.reply_text(message)
        if content is None:
            return PlainTextResponse("success")  # WeChat's "received, no reply"
        reply = text_reply_xml(message.get("FromUserName", ""), message.get("ToUserName", ""), content, clock())
        if reply_crypto is not None:
            reply = reply_crypto.encrypt(reply, nonce)
        return Response(reply, media_type="application/xml")

    @router.get("/work", response_class=PlainTextResponse, responses=VERIFY_RESPONSES)
    async def work_verify(msg_signature: str = "", timestamp: str = "", nonce: str = "", echostr: str = "") -> Response:
        try:
            crypto = require_crypto(work_crypto, "WeCom")
            _verify(lambda: crypto.check_signature(msg_signature, timestamp, nonce, echostr))
            _verify(lambda: crypto.check_timestamp(timestamp))
            return PlainTextResponse(_decrypt(crypto, echostr))
        except _Refused as error:
            return _refused_response(error)

    @router.post("/work", response_class=Response, responses=MESSAGE_RESPONSES, openapi_extra=XML_MESSAGE_BODY)
    async def work_message(request: Request, msg_signature: str = "", timestamp: str = "", nonce: str = "") -> Response:
        try:
            crypto = require_crypto(work_crypto, "WeCom")
            body = await request.body()
            message = _open_envelope(crypto, body, msg_signature, timestamp, nonce)
            _verify(lambda: work_replays.check(timestamp, nonce, body))
        except _Refused as error:
            return _refused_response(error)

        content = await work_chat.reply_text(message)
        if content is None:
            return PlainTextResponse("")  # WeCom's "received, no reply" is an empty body
        reply = text_reply_xml(message.get("FromUserName", ""), message.get("ToUserName", ""), content, clock())
        return Response(crypto.encrypt(reply, nonce), media_type="application/xml")

    return router
