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
from qa.pipeline import MAX_QUESTION_CHARS
from qa.settings import Settings
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


@dataclass
class _Question:
    task: asyncio.Task[Answer]
    conversation_id: str
    asked_at: float
    delivered: bool = False


class ReplyCoordinator:
    """Runs each question once, however often WeChat retries it, and keeps late answers for a while.

    Keys name one message (see reply_key). Entries live for ttl_seconds, and at most max_entries
    are kept, so a flood of messages cannot exhaust memory.
    """

    def __init__(
        self,
        asker: Asker,
        deadline_seconds: float,
        ttl_seconds: float = 600,
        max_entries: int = 2000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._asker = asker
        self._deadline = deadline_seconds
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._questions: OrderedDict[str, _Question] = OrderedDict()
        self._latest_by_conversation: dict[str, str] = {}
        # The event loop holds tasks only weakly; an evicted entry must not let a running task be collected.
        self._running: set[asyncio.Task[Answer]] = set()

    async def answer(self, key: str, conversation_id: str, question: str) -> Answer | None:
        """The answer if it is ready within the deadline, else None while it keeps computing."""
        self._evict()
        entry = self._questions.get(key)
        if entry is None:
            task = asyncio.create_task(run_in_threadpool(self._asker.ask, question, conversation_id=conversation_id))
            self._running.add(task)
            task.add_done_callback(self._finished)
            entry = _Question(task, conversation_id, self._clock())
            self._questions[key] = entry
            self._latest_by_conversation[conversation_id] = key
            self._evict()
        return await self._wait(entry)

    async def fetch(self, conversation_id: str) -> Answer | FetchStatus:
        """The latest question's answer if it was not delivered yet."""
        self._evict()
        key = self._latest_by_conversation.get(conversation_id)
        entry = self._questions.get(key) if key else None
        if entry is None or entry.delivered:
            return FetchStatus.NOTHING_PENDING
        answer = await self._wait(entry)
        return FetchStatus.STILL_RUNNING if answer is None else answer

    def _finished(self, task: asyncio.Task[Answer]) -> None:
        self._running.discard(task)
        # Logged here, once, even when nobody is left waiting for the answer.
        if not task.cancelled() and task.exception() is not None:
            logger.error("answering a chat question failed", exc_info=task.exception())

    async def _wait(self, entry: _Question) -> Answer | None:
        await asyncio.wait({entry.task}, timeout=self._deadline)
        if not entry.task.done():
            return None
        answer = entry.task.result()  # a failed ask raises here, for every retry, without running again
        entry.delivered = True
        return answer

    def _evict(self) -> None:
        expired_before = self._clock() - self._ttl
        while self._questions:
            key, oldest = next(iter(self._questions.items()))
            if oldest.asked_at >= expired_before and len(self._questions) <= self._max_entries:
                break
            del self._questions[key]
            if self._latest_by_conversation.get(oldest.conversation_id) == key:
                del self._latest_by_conversation[oldest.conversation_id]


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
        except Exception:  # already logged by the coordinator
            return ASK_FAILED
        return None if answer is None else format_for_chat(answer, self.public_url)

    async def _fetch(self, conversation_id: str, language: str) -> str:
        outcome = await self.coordinator.fetch(conversation_id)
        if outcome is FetchStatus.NOTHING_PENDING:
            return NOTHING_PENDING[language]
        if outcome is FetchStatus.STILL_RUNNING:
            return STILL_RUNNING[language]
        return format_for_chat(outcome, self.public_url)


def build_wechat_router(settings: Settings, asker: Asker, clock: Callable[[], float] = time.time) -> APIRouter:
    router = APIRouter(prefix="/wechat", tags=["wechat"])
    mp_crypto = _build_crypto(settings, ("wechat_token", "wechat_aes_key", "wechat_appid"), clock)
    work_crypto = _build_crypto(settings, ("wecom_token", "wecom_aes_key", "wecom_corp_id"), clock)
    mp_chat = _Conversation(
        ReplyCoordinator(asker, settings.reply_deadline_seconds), settings.public_url, Channel.WECHAT_MP
    )
    work_chat = _Conversation(
        ReplyCoordinator(asker, settings.reply_deadline_seconds), settings.public_url, Channel.WECOM
    )
    mp_replays = ReplayGuard(clock=clock)
    work_replays = ReplayGuard(clock=clock)

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
