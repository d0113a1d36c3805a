"""Two replicas of the real service on one index folder and one Redis, as behind a load balancer: a
conversation goes on at the other replica, WeChat's retries of one message spread over both run the
pipeline once, and a plaintext signature replayed at the other replica with another body is refused."""
from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import pytest
import wechatpy

from service.child_process import RunningService
from tests.conftest import SERVICE_APP
from tests.live_server import start_service
from tests.test_chat_keys import post, signed_params
from tests.test_wechat_service import text_message

pytestmark = [pytest.mark.redis, pytest.mark.integration]

QUESTION = "棚户区改造融资由哪个部门牵头？"
FOLLOW_UP = "那配合部门呢？"
LOG_WAIT_SECONDS = 10.0


@pytest.fixture(scope="module")
def replicas(qa_env: dict[str, str], redis_url: str) -> Iterator[tuple[RunningService, RunningService]]:
    """Both on the session's built index; the second starts once the first is ready, as a scaled-out
    deployment adds one."""
    env = {**qa_env, "QA_REDIS_URL": redis_url, "QA_REDIS_PREFIX": f"replicas-{uuid.uuid4().hex}:"}
    with ExitStack() as stack:
        yield tuple(stack.enter_context(start_service(SERVICE_APP, env, ready_path="/readyz", log_level="info")) for _ in range(2))


def log_entries(service: RunningService) -> list[dict]:
    return [json.loads(line) for line in service.log_text().splitlines() if line.startswith("{")]


def test_both_replicas_open_the_built_index_without_building_it(replicas: tuple[RunningService, RunningService]) -> None:
    for replica in replicas:
        messages = [entry["message"] for entry in log_entries(replica)]
        assert any(message.startswith("ready in") for message in messages)
        assert not any(message.startswith("building index") for message in messages)


def test_a_follow_up_at_the_other_replica_refers_to_the_answer_the_first_gave(replicas: tuple[RunningService, RunningService]) -> None:
    first, second = replicas
    conversation = f"replicas-{uuid.uuid4()}"

    def ask(replica: RunningService, question: str, conversation_id: str) -> dict:
        response = httpx.post(f"{replica.url}/ask", json={"question": question, "conversation_id": conversation_id}, timeout=60)
        response.raise_for_status()
        return response.json()

    opening = ask(first, QUESTION, conversation)
    follow_up = ask(second, FOLLOW_UP, conversation)
    without_context = ask(second, FOLLOW_UP, f"replicas-{uuid.uuid4()}")

    assert [c["measure"] for c in follow_up["citations"]] == [c["measure"] for c in opening["citations"]]
    assert "配合" in follow_up["answer"]
    assert without_context["direct"] != follow_up["direct"]


def test_retries_of_one_message_spread_over_both_replicas_run_the_pipeline_once(
    replicas: tuple[RunningService, RunningService],
) -> None:
    first, second = replicas
    params = signed_params()
    body = text_message(QUESTION, user=f"oReplicas-{uuid.uuid4().hex[:8]}", msg_id=str(uuid.uuid4().int % 10**19)).encode()

    retry_id = f"retry-{uuid.uuid4().hex}"

    def deliver(attempt: int, replica: RunningService) -> httpx.Response:
        # WeChat resends the request unchanged: the same signature, nonce and body
        headers = {"x-request-id": f"{retry_id}-{attempt}"}  # finds each attempt's line in the request log
        return httpx.post(f"{replica.url}/wechat/mp", params=params, content=body, headers=headers, timeout=30)

    with ThreadPoolExecutor(3) as pool:
        responses = list(pool.map(deliver, range(3), (first, second, first)))

    assert [response.status_code for response in responses] == [200, 200, 200], [r.text for r in responses]
    replies = [wechatpy.parse_message(response.text).content for response in responses]
    assert replies[0] == replies[1] == replies[2]
    assert "省国开行" in replies[0]
    # The log line of the request whose pipeline run answered the message carries that answer's intent;
    # the attempts that waited for it carry none.
    lines = request_log_lines(replicas, retry_id, count=3)
    assert sorted(line["request_id"] for line in lines) == [f"{retry_id}-{attempt}" for attempt in range(3)]
    assert sum("intent" in line for line in lines) == 1, lines


def request_log_lines(replicas: tuple[RunningService, ...], request_id_prefix: str, count: int) -> list[dict]:
    """The request log lines whose request id starts with the prefix, from both replicas, once `count`
    of them are written (a line is written just after its response goes out)."""
    deadline = time.monotonic() + LOG_WAIT_SECONDS
    while True:
        lines = [
            entry
            for replica in replicas
            for entry in log_entries(replica)
            if str(entry.get("request_id", "")).startswith(request_id_prefix)
        ]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_a_plaintext_signature_replayed_at_the_other_replica_with_another_body_is_refused(
    replicas: tuple[RunningService, RunningService],
) -> None:
    first, second = replicas
    params = signed_params()
    user = f"oReplay-{uuid.uuid4().hex[:8]}"

    original = post(first.url, text_message("第91条讲了什么？", user=user), params)
    forged = post(second.url, text_message("第92条讲了什么？", user=user), params)

    assert original.status_code == 200
    assert forged.status_code == 403
    assert "replayed callback" in forged.text
