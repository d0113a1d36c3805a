"""Chat messages and conversations cannot be mistaken for one another, and signed callbacks cannot be
replayed with another body: wechatpy's signer plays WeChat against a real uvicorn process."""
from __future__ import annotations

import time
import uuid

import httpx
import pytest
import wechatpy

from service.child_process import RunningService
from service.wechat import reply_key
from tests.test_wechat_service import fresh, sign

TOKEN = "test-token"  # conftest's CHAT_SETTINGS
ACCOUNT = "gh_policyqa"
QUESTION = "棚户区改造融资由哪个部门牵头？"
FOLLOW_UP = "那配合部门呢？"


@pytest.fixture(scope="module")
def url(observed_service: RunningService) -> str:
    return observed_service.url


def message(content: str, user: str, msg_id: str | None = None, create_time: int | None = None) -> str:
    """A text message; without msg_id and create_time it has neither element, as some senders omit them."""
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        + (f"<CreateTime>{create_time}</CreateTime>" if create_time is not None else "")
        + f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
        + (f"<MsgId>{msg_id}</MsgId>" if msg_id is not None else "")
        + "</xml>"
    )


def signed_params(timestamp: str | None = None, nonce: str | None = None) -> dict[str, str]:
    now, fresh_nonce = fresh()
    timestamp, nonce = timestamp or now, nonce or fresh_nonce
    return {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}


def post(url: str, body: str, params: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(f"{url}/wechat/mp", params=params or signed_params(), content=body.encode(), timeout=60)


def reply_content(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return wechatpy.parse_message(response.text).content


def test_messages_without_msgid_or_createtime_each_get_their_own_answer(url: str) -> None:
    user = f"oNoIds-{uuid.uuid4().hex[:8]}"

    first = reply_content(post(url, message("第91条讲了什么？", user)))
    second = reply_content(post(url, message("第92条讲了什么？", user)))

    assert "第91条" in first and "第92条" not in first
    assert "第92条" in second and "第91条" not in second


def test_reply_keys_name_the_message_not_the_sender() -> None:
    bare = {"FromUserName": "oUser", "MsgType": "text"}

    assert reply_key({**bare, "MsgId": "123"}, "问题一") == "msg:123"
    assert reply_key(bare, "问题一") == reply_key(dict(bare), "问题一"), "a retry is the same message"
    assert reply_key(bare, "问题一") != reply_key(bare, "问题二")
    assert reply_key(bare, "问题一") != reply_key({**bare, "CreateTime": "1700000000"}, "问题一")
    assert reply_key(bare, "问题一") != reply_key({**bare, "FromUserName": "oOther"}, "问题一")


def test_an_api_client_cannot_read_a_wechat_users_conversation(url: str) -> None:
    openid = f"oVictim-{uuid.uuid4().hex[:8]}"
    reply_content(post(url, message(QUESTION, openid, msg_id=str(uuid.uuid4().int % 10**19))))

    def follow_up(conversation_id: str) -> dict:
        response = httpx.post(f"{url}/ask", json={"question": FOLLOW_UP, "conversation_id": conversation_id}, timeout=60)
        response.raise_for_status()
        return response.json()

    spoofed = follow_up(f"wechat-mp:{openid}")
    unknown = follow_up(f"never-used-{uuid.uuid4()}")
    api_conversation = f"api-user-{uuid.uuid4()}"
    httpx.post(f"{url}/ask", json={"question": QUESTION, "conversation_id": api_conversation}, timeout=60).raise_for_status()
    own = follow_up(api_conversation)

    assert (spoofed["intent"], spoofed["direct"]) == (unknown["intent"], unknown["direct"])
    assert own["direct"] != unknown["direct"], "an API conversation still has its own context"


def test_a_plaintext_signature_cannot_be_replayed_with_another_body(url: str) -> None:
    user = f"oReplay-{uuid.uuid4().hex[:8]}"
    params = signed_params()
    original = message("第91条讲了什么？", user, msg_id=str(uuid.uuid4().int % 10**19), create_time=int(time.time()))

    first = post(url, original, params)
    retried = post(url, original, params)  # WeChat's retries resend the request as it was
    forged = post(url, message("第92条讲了什么？", user, msg_id=str(uuid.uuid4().int % 10**19)), params)

    assert reply_content(first) == reply_content(retried)
    assert forged.status_code == 403
    assert "replayed callback" in forged.text


def test_a_signature_outside_the_five_minute_window_is_refused(url: str) -> None:
    for skew in (-301, 301):
        response = post(url, message(QUESTION, "oLate"), signed_params(timestamp=str(int(time.time()) + skew)))
        assert response.status_code == 403
        assert "stale timestamp" in response.text
