"""The WeChat callbacks end to end: wechatpy plays the WeChat server against a real uvicorn process."""
from __future__ import annotations

import asyncio
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import wechatpy
from fastapi import FastAPI
from fastapi.testclient import TestClient
from wechatpy.crypto import WeChatCrypto as WechatpyMpCrypto
from wechatpy.enterprise.crypto import PrpCrypto as WechatpyWorkPrpCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WechatpyWorkCrypto
from wechatpy.utils import WeChatSigner

from qa.answer import Answer
from qa.settings import Settings
from service.wechat import (
    ASK_FAILED,
    NOTHING_PENDING,
    STILL_RUNNING,
    TEXT_ONLY,
    TOO_LONG,
    WELCOME,
    FetchStatus,
    MalformedMessage,
    ReplyCoordinator,
    build_wechat_router,
    parse_message,
)
from tests.live_server import start_server
from tests.test_chat_format import shantytown_answer
from tests.test_service_http import direct_for

pytestmark = pytest.mark.integration  # starts the service or runs the CLI on a built index

SERVICE_APP = "service.app:create_app_from_env"
SLOW_APP = "tests.slow_pipeline_app:create_app"
MP_TOKEN = "policyqa"
MP_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
MP_APPID = "wx1234567890abcdef"
WORK_TOKEN = "policyqa-work"
WORK_AES_KEY = "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkj"
CORP_ID = "ww1234567890abcdef"
PUBLIC_URL = "https://qa.example.org/"
ACCOUNT = "gh_policyqa"
QUESTION = "棚户区改造融资由哪个部门牵头？"

SETTINGS_ENV = {
    "QA_WECHAT_TOKEN": MP_TOKEN,
    "QA_WECHAT_AES_KEY": MP_AES_KEY,
    "QA_WECHAT_APPID": MP_APPID,
    "QA_WECOM_TOKEN": WORK_TOKEN,
    "QA_WECOM_AES_KEY": WORK_AES_KEY,
    "QA_WECOM_CORP_ID": CORP_ID,
    "QA_PUBLIC_URL": PUBLIC_URL,
}


def assert_direct_then_citation_lines(content: str, direct: str, prefixes: tuple[str, ...]) -> None:
    """The reply opens with the direct answer and a blank line; each prefix starts one of the citation lines after it."""
    lines = content.splitlines()
    assert lines[0] == direct
    assert lines[1] == ""
    for prefix in prefixes:
        assert any(line.startswith(prefix) for line in lines[2:]), f"no line starts with {prefix!r}"


def warmed_up(url: str) -> str:
    """The first question loads the encoders; ask it before the five-second clock matters."""
    httpx.post(f"{url}/ask", json={"question": QUESTION}, timeout=120).raise_for_status()
    return url


@pytest.fixture(scope="module")
def server(qa_env) -> str:
    """The real service on the session's built index, with this module's own chat credentials."""
    env = {**qa_env, **SETTINGS_ENV, "QA_REPLY_DEADLINE_SECONDS": "4.5"}
    with start_server(SERVICE_APP, env, ready_path="/readyz") as url:
        yield warmed_up(url)


@pytest.fixture(scope="module")
def ask_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("asks") / "asks.log"


@pytest.fixture(scope="module")
def slow_server(qa_env, ask_log) -> str:
    """Every ask takes 1.5 s longer; replies wait 0.3 s."""
    env = {
        **qa_env,
        **SETTINGS_ENV,
        "QA_REPLY_DEADLINE_SECONDS": "0.3",
        "QA_TEST_ASK_DELAY": "1.5",
        "QA_TEST_ASK_LOG": str(ask_log),
    }
    with start_server(SLOW_APP, env, ready_path="/readyz") as url:
        yield warmed_up(url)


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def fresh() -> tuple[str, str]:
    return str(int(time.time())), uuid.uuid4().hex[:10]


def text_message(content: str, user: str = "oUser1", msg_id: str | None = None, to: str = ACCOUNT) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{to}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id or uuid.uuid4().int % 10**19}</MsgId></xml>"
    )


def other_message(msg_type: str, extra: str, user: str = "oUser1", create_time: int | None = None) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>{extra}</xml>"
    )


def post_plain(url: str, body: str, token: str = MP_TOKEN, timestamp: str | None = None) -> httpx.Response:
    now, nonce = fresh()
    timestamp = timestamp or now
    params = {"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, "openid": "oUser1"}
    return httpx.post(f"{url}/wechat/mp", params=params, content=body.encode(), timeout=30)


def post_safe(url: str, body: str, appid: str = MP_APPID, timestamp: str | None = None) -> tuple[httpx.Response, str]:
    """A safe-mode callback as WeChat sends it: only ToUserName and Encrypt in the body, signatures in the URL."""
    now, nonce = fresh()
    timestamp = timestamp or now
    envelope = fields(WechatpyMpCrypto(MP_TOKEN, MP_AES_KEY, appid).encrypt_message(body, nonce, timestamp))
    params = {
        "signature": sign(MP_TOKEN, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "openid": "oUser1",
        "encrypt_type": "aes",
        "msg_signature": envelope["MsgSignature"],
    }
    wire = f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
    return httpx.post(f"{url}/wechat/mp", params=params, content=wire.encode(), timeout=30), nonce


def post_work(url: str, body: str, timestamp: str | None = None) -> httpx.Response:
    now, nonce = fresh()
    timestamp = timestamp or now
    envelope = fields(WechatpyWorkCrypto(WORK_TOKEN, WORK_AES_KEY, CORP_ID).encrypt_message(body, nonce, timestamp))
    params = {"msg_signature": envelope["MsgSignature"], "timestamp": timestamp, "nonce": nonce}
    wire = (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt>"
        "<AgentID><![CDATA[1000002]]></AgentID></xml>"
    )
    return httpx.post(f"{url}/wechat/work", params=params, content=wire.encode(), timeout=30)


def fields(xml: str) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(xml)}


def plain_reply(response: httpx.Response) -> wechatpy.messages.TextMessage:
    assert response.status_code == 200, response.text
    return wechatpy.parse_message(response.text)


def decrypted_reply(response: httpx.Response, nonce: str) -> wechatpy.messages.TextMessage:
    assert response.status_code == 200, response.text
    envelope = fields(response.text)
    assert envelope["Nonce"] == nonce
    xml = WechatpyMpCrypto(MP_TOKEN, MP_AES_KEY, MP_APPID).decrypt_message(
        response.text, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
    )
    return wechatpy.parse_message(xml)


def asked(ask_log: Path, user: str) -> list[str]:
    if not ask_log.exists():
        return []
    return [line for line in ask_log.read_text(encoding="utf-8").splitlines() if line.startswith(f"wechat-mp:{user}\t")]


# --- Official Account -------------------------------------------------------------------------------------------


def test_url_verification_echoes_echostr(server):
    timestamp, nonce = fresh()
    params = {"signature": sign(MP_TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, "echostr": "7413"}

    response = httpx.get(f"{server}/wechat/mp", params=params)

    assert response.status_code == 200
    assert response.text == "7413"


def test_url_verification_with_a_bad_signature_is_forbidden(server):
    timestamp, nonce = fresh()
    params = {"signature": sign("another-token", timestamp, nonce), "timestamp": timestamp, "nonce": nonce, "echostr": "1"}

    response = httpx.get(f"{server}/wechat/mp", params=params)

    assert response.status_code == 403
    assert response.text != "1"


def test_plaintext_question_gets_a_plaintext_answer(server):
    reply = plain_reply(post_plain(server, text_message(QUESTION, user="oPlain")))

    assert reply.type == "text"
    assert reply.target == "oPlain" and reply.source == ACCOUNT
    assert_direct_then_citation_lines(
        reply.content,
        direct_for(server, QUESTION),
        ("第91条｜牵头：省国开行｜", "第92条｜牵头：省发展改革委｜", "第93条｜牵头：省国开行｜", "第94条｜牵头：省金融办｜"),
    )
    assert len(reply.content.encode()) <= 2048


def test_safe_mode_question_gets_an_encrypted_answer(server):
    response, nonce = post_safe(server, text_message("Who leads the shantytown renovation financing?", user="oSafe"))

    reply = decrypted_reply(response, nonce)

    assert reply.target == "oSafe" and reply.source == ACCOUNT
    assert_direct_then_citation_lines(
        reply.content,
        direct_for(server, "Who leads the shantytown renovation financing?"),
        (
            "No. 91 | Lead: China Development Bank Jilin Branch (省国开行)",
            "No. 92 | Lead: Provincial Development and Reform Commission (省发展改革委)",
            "No. 93 | Lead: China Development Bank Jilin Branch (省国开行)",
            "No. 94 | Lead: Provincial Financial Affairs Office (省金融办)",
        ),
    )


def test_plaintext_post_with_a_bad_signature_is_forbidden(server):
    response = post_plain(server, text_message(QUESTION), token="another-token")

    assert response.status_code == 403
    assert "signature" in response.text


def test_safe_mode_post_with_a_tampered_msg_signature_is_forbidden(server):
    timestamp, nonce = fresh()
    envelope = fields(WechatpyMpCrypto(MP_TOKEN, MP_AES_KEY, MP_APPID).encrypt_message(text_message(QUESTION), nonce, timestamp))
    params = {"timestamp": timestamp, "nonce": nonce, "encrypt_type": "aes", "msg_signature": "0" * 40}
    wire = f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"

    response = httpx.post(f"{server}/wechat/mp", params=params, content=wire)

    assert response.status_code == 403


def test_a_stale_timestamp_is_refused_in_both_modes(server):
    stale = str(int(time.time()) - 3600)

    plain = post_plain(server, text_message(QUESTION), timestamp=stale)
    safe, _ = post_safe(server, text_message(QUESTION), timestamp=stale)

    for response in (plain, safe):
        assert response.status_code == 403
        assert "stale timestamp" in response.text


def test_a_message_encrypted_for_another_appid_is_refused(server):
    response, _ = post_safe(server, text_message(QUESTION), appid="wx0000000000000000")

    assert response.status_code == 403
    assert "wx0000000000000000" in response.text


@pytest.mark.parametrize(
    "body",
    [
        "<xml><ToUserName>unclosed</xml>",
        "not xml at all",
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY boom "boom">]><xml><Content>&boom;</Content></xml>',
        "<message><Content>wrong root</Content></message>",
        b"<xml>\xff\xfe</xml>",
    ],
)
def test_malformed_bodies_are_bad_requests(server, body):
    timestamp, nonce = fresh()
    params = {"signature": sign(MP_TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}

    response = httpx.post(f"{server}/wechat/mp", params=params, content=body)

    assert response.status_code == 400


def test_a_safe_mode_body_without_encrypt_is_a_bad_request(server):
    timestamp, nonce = fresh()
    params = {"timestamp": timestamp, "nonce": nonce, "encrypt_type": "aes", "msg_signature": "0" * 40}

    response = httpx.post(f"{server}/wechat/mp", params=params, content=f"<xml><ToUserName>{ACCOUNT}</ToUserName></xml>")

    assert response.status_code == 400


def test_an_oversized_body_is_refused(server):
    timestamp, nonce = fresh()
    params = {"signature": sign(MP_TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}

    response = httpx.post(f"{server}/wechat/mp", params=params, content=text_message("问" * 40_000))

    assert response.status_code == 413


@pytest.mark.parametrize(
    "msg_type, extra",
    [
        ("image", "<PicUrl><![CDATA[http://example.org/a.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>11</MsgId>"),
        ("voice", "<MediaId><![CDATA[m2]]></MediaId><Format><![CDATA[amr]]></Format><MsgId>12</MsgId>"),
        ("video", "<MediaId><![CDATA[m3]]></MediaId><ThumbMediaId><![CDATA[t3]]></ThumbMediaId><MsgId>13</MsgId>"),
        ("location", "<Location_X>43.88</Location_X><Location_Y>125.35</Location_Y><Scale>15</Scale><Label><![CDATA[长春]]></Label><MsgId>14</MsgId>"),
        ("link", "<Title><![CDATA[t]]></Title><Description><![CDATA[d]]></Description><Url><![CDATA[http://example.org]]></Url><MsgId>15</MsgId>"),
    ],
)
def test_non_text_messages_get_the_text_only_hint(server, msg_type, extra):
    reply = plain_reply(post_plain(server, other_message(msg_type, extra)))

    assert reply.content == TEXT_ONLY


def test_a_recognised_voice_message_is_answered_as_its_text(server):
    extra = f"<MediaId><![CDATA[m4]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[{QUESTION}]]></Recognition><MsgId>16</MsgId>"

    reply = plain_reply(post_plain(server, other_message("voice", extra, user="oVoice")))

    assert "第91条｜牵头：省国开行｜" in reply.content


def test_an_overlong_question_is_refused_in_chinese(server):
    reply = plain_reply(post_plain(server, text_message("棚" * 501)))

    assert reply.content == TOO_LONG


def test_subscribing_gets_the_welcome_with_example_questions(server):
    reply = plain_reply(post_plain(server, other_message("event", "<Event><![CDATA[subscribe]]></Event>")))

    assert reply.content == WELCOME
    assert reply.content.count("？") >= 3


def test_other_events_get_success(server):
    response = post_plain(server, other_message("event", "<Event><![CDATA[unsubscribe]]></Event>"))

    assert response.status_code == 200
    assert response.text == "success"


def test_a_follow_up_in_chat_refers_to_the_senders_previous_question(server):
    user = "oFollowUp"
    plain_reply(post_plain(server, text_message(QUESTION, user=user)))

    follow_up = plain_reply(post_plain(server, text_message("那配合部门呢？", user=user)))
    stranger = plain_reply(post_plain(server, text_message("那配合部门呢？", user="oStranger")))

    assert_direct_then_citation_lines(
        follow_up.content,
        direct_for(server, QUESTION, "那配合部门呢？"),
        ("第91条｜牵头：省国开行｜", "第92条｜牵头：省发展改革委｜", "第93条｜牵头：省国开行｜", "第94条｜牵头：省金融办｜"),
    )
    assert "棚户区改造融资" not in stranger.content


def test_result_with_nothing_pending_says_so(server):
    for word, language in (("结果", "zh"), ("？", "zh"), ("result", "en")):
        reply = plain_reply(post_plain(server, text_message(word, user="oIdle")))
        assert reply.content == NOTHING_PENDING[language]


# --- WeCom ------------------------------------------------------------------------------------------------------


def test_wecom_url_verification_decrypts_echostr(server):
    timestamp, nonce = fresh()
    echostr = WechatpyWorkPrpCrypto(WechatpyWorkCrypto(WORK_TOKEN, WORK_AES_KEY, CORP_ID).key).encrypt("8675309", CORP_ID).decode()
    params = {"msg_signature": sign(WORK_TOKEN, timestamp, nonce, echostr), "timestamp": timestamp, "nonce": nonce, "echostr": echostr}

    response = httpx.get(f"{server}/wechat/work", params=params)

    assert response.status_code == 200
    assert response.text == "8675309"


def test_wecom_url_verification_with_a_bad_signature_is_forbidden(server):
    timestamp, nonce = fresh()
    echostr = WechatpyWorkPrpCrypto(WechatpyWorkCrypto(WORK_TOKEN, WORK_AES_KEY, CORP_ID).key).encrypt("1", CORP_ID).decode()
    params = {"msg_signature": sign(MP_TOKEN, timestamp, nonce, echostr), "timestamp": timestamp, "nonce": nonce, "echostr": echostr}

    assert httpx.get(f"{server}/wechat/work", params=params).status_code == 403


def test_wecom_question_gets_an_encrypted_answer(server):
    response = post_work(server, text_message(QUESTION, user="ZhangSan", to=CORP_ID))

    assert response.status_code == 200, response.text
    envelope = fields(response.text)
    xml = WechatpyWorkCrypto(WORK_TOKEN, WORK_AES_KEY, CORP_ID).decrypt_message(
        response.text, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
    )
    reply = wechatpy.parse_message(xml)
    assert reply.target == "ZhangSan" and reply.source == CORP_ID
    assert_direct_then_citation_lines(reply.content, direct_for(server, QUESTION), ("第93条｜牵头：省国开行｜",))


def test_wecom_stale_timestamp_is_refused(server):
    response = post_work(server, text_message(QUESTION, to=CORP_ID), timestamp=str(int(time.time()) + 3600))

    assert response.status_code == 403
    assert "stale timestamp" in response.text


# --- The five-second rule ---------------------------------------------------------------------------------------


def poll(send, done, attempts: int = 40):
    """Send until done(reply) or attempts run out, a quarter second apart."""
    for _ in range(attempts):
        reply = send()
        if done(reply):
            return reply
        time.sleep(0.25)
    return reply


def test_a_slow_answer_replies_success_then_comes_with_result(slow_server, ask_log):
    user = "oSlowUser"
    first = post_plain(slow_server, text_message(QUESTION, user=user))
    assert first.status_code == 200 and first.text == "success"

    still_running = plain_reply(post_plain(slow_server, text_message("结果", user=user)))
    assert still_running.content == STILL_RUNNING["zh"]

    fetched = poll(
        lambda: plain_reply(post_plain(slow_server, text_message("结果", user=user))),
        lambda reply: reply.content != STILL_RUNNING["zh"],
    )
    assert "第91条｜牵头：省国开行｜" in fetched.content

    again = plain_reply(post_plain(slow_server, text_message("？", user=user)))
    assert again.content == NOTHING_PENDING["zh"]
    assert len(asked(ask_log, user)) == 1, "fetching never asks again"


def test_retries_of_one_msgid_run_the_pipeline_once(slow_server, ask_log):
    user, msg_id = "oRetryUser", "6054768590064713728"
    body = text_message(QUESTION, user=user, msg_id=msg_id)

    # WeChat retries while the first attempt is still open, then again later.
    with ThreadPoolExecutor(3) as pool:
        concurrent = list(pool.map(lambda _: post_plain(slow_server, body), range(3)))
    assert [r.text for r in concurrent] == ["success"] * 3
    late_retry = poll(lambda: post_plain(slow_server, body), lambda response: response.text != "success")

    assert "第92条｜牵头：省发展改革委｜" in plain_reply(late_retry).content
    assert len(asked(ask_log, user)) == 1


def test_safe_mode_slow_answer_replies_plain_success(slow_server):
    response, _ = post_safe(slow_server, text_message(QUESTION, user="oSlowSafe"))

    assert response.status_code == 200
    assert response.text == "success"


# --- In process: the coordinator and configuration --------------------------------------------------------------


class CountingAsker:
    def __init__(self, delay: float = 0.0, fail: bool = False) -> None:
        self.delay = delay
        self.fail = fail
        self.calls: list[tuple[str, str | None]] = []
        self._lock = threading.Lock()

    def ask(self, question: str, top_k: int | None = None, conversation_id: str | None = None) -> Answer:
        with self._lock:
            self.calls.append((question, conversation_id))
        time.sleep(self.delay)
        if self.fail:
            raise RuntimeError("index missing")
        return shantytown_answer("zh", question)


def test_coordinator_runs_concurrent_and_late_retries_once():
    asker = CountingAsker(delay=0.3)

    async def scenario() -> list[Answer | None]:
        coordinator = ReplyCoordinator(asker, deadline_seconds=1.0)
        first = await asyncio.gather(*(coordinator.answer("m1", "u1", QUESTION) for _ in range(3)))
        return [*first, await coordinator.answer("m1", "u1", QUESTION)]

    replies = asyncio.run(scenario())

    assert asker.calls == [(QUESTION, "u1")]
    assert all(reply is not None and reply.citations[0].measure == 91 for reply in replies)


def test_coordinator_keeps_a_late_answer_for_fetch_once():
    asker = CountingAsker(delay=0.4)

    async def scenario() -> list[object]:
        coordinator = ReplyCoordinator(asker, deadline_seconds=0.05)
        outcomes: list[object] = [await coordinator.answer("m1", "u1", QUESTION)]
        outcomes.append(await coordinator.fetch("u1"))
        outcomes.append(await coordinator.fetch("u2"))
        await asyncio.sleep(0.5)
        outcomes.append(await coordinator.fetch("u1"))
        outcomes.append(await coordinator.fetch("u1"))
        return outcomes

    timed_out, running, other_user, fetched, again = asyncio.run(scenario())

    assert timed_out is None
    assert running is FetchStatus.STILL_RUNNING
    assert other_user is FetchStatus.NOTHING_PENDING
    assert isinstance(fetched, Answer)
    assert again is FetchStatus.NOTHING_PENDING
    assert len(asker.calls) == 1


def test_coordinator_forgets_after_the_ttl_and_beyond_max_entries():
    asker = CountingAsker()
    now = [1000.0]

    async def scenario() -> None:
        coordinator = ReplyCoordinator(asker, deadline_seconds=1.0, ttl_seconds=600, max_entries=3, clock=lambda: now[0])
        for key in ("a", "b", "c", "d"):
            await coordinator.answer(key, f"user-{key}", QUESTION)
        await coordinator.answer("a", "user-a", QUESTION)  # evicted by the fourth entry: runs again
        await coordinator.answer("d", "user-d", QUESTION)  # still held
        now[0] += 601
        await coordinator.answer("d", "user-d", QUESTION)  # expired: runs again

    asyncio.run(scenario())

    assert [conversation for _, conversation in asker.calls] == ["user-a", "user-b", "user-c", "user-d", "user-a", "user-d"]


def test_a_failing_pipeline_gets_an_apology_and_is_not_rerun():
    asker = CountingAsker(fail=True)
    app = FastAPI()
    app.include_router(build_wechat_router(Settings(wechat_token=MP_TOKEN), asker))
    body = text_message(QUESTION, user="oFail", msg_id="42")

    with TestClient(app) as client:
        replies = []
        for _ in range(2):
            timestamp, nonce = fresh()
            params = {"signature": sign(MP_TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
            replies.append(wechatpy.parse_message(client.post("/wechat/mp", params=params, content=body).text))

    assert [reply.content for reply in replies] == [ASK_FAILED, ASK_FAILED]
    assert len(asker.calls) == 1


def test_unconfigured_channels_answer_503_naming_the_setting():
    app = FastAPI()
    app.include_router(build_wechat_router(Settings(wechat_token="", wecom_token=""), CountingAsker()))
    with TestClient(app) as client:
        mp = client.get("/wechat/mp", params={"signature": "x", "timestamp": "1", "nonce": "1", "echostr": "1"})
        mp_post = client.post("/wechat/mp", content=text_message(QUESTION))
        work = client.post("/wechat/work", content="<xml/>")

    assert mp.status_code == mp_post.status_code == work.status_code == 503
    assert "QA_WECHAT_TOKEN" in mp.text and "QA_WECHAT_TOKEN" in mp_post.text
    assert "QA_WECOM_TOKEN" in work.text and "QA_WECOM_AES_KEY" in work.text and "QA_WECOM_CORP_ID" in work.text


def test_safe_mode_without_an_aes_key_answers_503_naming_it():
    app = FastAPI()
    app.include_router(build_wechat_router(Settings(wechat_token=MP_TOKEN, wechat_appid=MP_APPID), CountingAsker()))
    timestamp, nonce = fresh()
    params = {"timestamp": timestamp, "nonce": nonce, "encrypt_type": "aes", "msg_signature": "0" * 40}

    with TestClient(app) as client:
        response = client.post("/wechat/mp", params=params, content="<xml><Encrypt>abc</Encrypt></xml>")

    assert response.status_code == 503
    assert "QA_WECHAT_AES_KEY" in response.text


def test_parse_message_refuses_doctype_even_without_entities():
    with pytest.raises(MalformedMessage, match="DOCTYPE"):
        parse_message('<!DOCTYPE xml SYSTEM "http://example.org/x.dtd"><xml></xml>')
    assert parse_message("<xml><Content><![CDATA[ 问题 ]]></Content></xml>") == {"Content": "问题"}
