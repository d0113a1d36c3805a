"""The service's log: one JSON object per line, one line per request with its id, route, status and
latency (and for answers the intent and whether it abstained), and never a secret or a signed query."""
from __future__ import annotations

import json
import re
import time
import uuid

import httpx
import pytest

from service.child_process import RunningService
from tests.conftest import ADMIN_TOKEN
from tests.test_wechat_service import fresh, sign

TOKEN = "test-token"  # conftest's CHAT_SETTINGS


@pytest.fixture(scope="module")
def service(observed_service: RunningService) -> RunningService:
    return observed_service


def log_entries(service: RunningService) -> list[dict]:
    lines = [line for line in service.log_text().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def request_entry(service: RunningService, request_id: str) -> dict:
    """The request's log line, which is written just after its response."""
    deadline = time.monotonic() + 5
    while True:
        found = [entry for entry in log_entries(service) if entry.get("request_id") == request_id]
        if found or time.monotonic() > deadline:
            assert len(found) == 1, found
            return found[0]
        time.sleep(0.05)


def test_every_line_of_the_log_is_a_json_object(service: RunningService) -> None:
    httpx.get(f"{service.url}/healthz")

    entries = log_entries(service)

    assert entries and all(isinstance(entry, dict) for entry in entries)
    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)
    assert any(entry["message"].startswith("ready in ") for entry in entries)


def test_a_clients_request_id_comes_back_and_names_the_log_line_of_its_answer(service: RunningService) -> None:
    request_id = f"client-{uuid.uuid4()}"

    response = httpx.post(
        f"{service.url}/ask", json={"question": "棚户区改造融资由哪个部门牵头？"}, headers={"X-Request-ID": request_id}, timeout=60
    )

    assert response.headers["x-request-id"] == request_id
    entry = request_entry(service, request_id)
    assert entry["route"] == "/ask" and entry["method"] == "POST" and entry["status"] == 200
    assert entry["intent"] == "lead" and entry["abstained"] is False
    assert isinstance(entry["latency_ms"], float) and entry["latency_ms"] > 0


@pytest.mark.parametrize("sent", [None, "has spaces", "x" * 129, '"}{"level": "forged'])
def test_without_a_usable_request_id_the_service_makes_one(service: RunningService, sent: str | None) -> None:
    headers = {"X-Request-ID": sent} if sent is not None else {}

    response = httpx.get(f"{service.url}/measures/91", headers=headers)

    request_id = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert request_entry(service, request_id)["route"] == "/measures/{number}"


def test_an_abstained_answer_is_logged_as_such(service: RunningService) -> None:
    request_id = uuid.uuid4().hex
    httpx.post(f"{service.url}/ask", json={"question": "今天长春的天气怎么样？"}, headers={"X-Request-ID": request_id}, timeout=60)

    entry = request_entry(service, request_id)

    assert entry["abstained"] is True and entry["intent"] == "oos"


def test_chat_answers_are_logged_with_their_intent(service: RunningService) -> None:
    request_id = uuid.uuid4().hex
    body = {"messages": [{"role": "user", "content": "第91条讲了什么？"}]}

    httpx.post(f"{service.url}/v1/chat/completions", json=body, headers={"X-Request-ID": request_id}, timeout=60).raise_for_status()

    assert request_entry(service, request_id)["intent"] == "measure"


def test_signed_query_strings_and_the_admin_token_never_reach_the_log(service: RunningService) -> None:
    timestamp, nonce = fresh()
    signature = sign(TOKEN, timestamp, nonce)
    echostr = f"echo{uuid.uuid4().hex}"
    verify = httpx.get(f"{service.url}/wechat/mp", params={"signature": signature, "timestamp": timestamp, "nonce": nonce, "echostr": echostr})
    admin = httpx.get(f"{service.url}/admin/unanswered", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    wrong = httpx.get(f"{service.url}/admin/unanswered", headers={"Authorization": f"Bearer {ADMIN_TOKEN}-guess"})

    assert verify.text == echostr and admin.status_code == 200 and wrong.status_code == 401
    for response in (verify, admin, wrong):
        request_entry(service, response.headers["x-request-id"])  # logged, and so flushed
    log = service.log_text()
    for secret in (signature, nonce, echostr, ADMIN_TOKEN, "signature="):
        assert secret not in log
    assert request_entry(service, verify.headers["x-request-id"])["path"] == "/wechat/mp"
