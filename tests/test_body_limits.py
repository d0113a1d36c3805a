"""Request bodies are capped per route while they stream in: against a real uvicorn process, whose
memory is read from /proc while oversized bodies arrive."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from service.child_process import RunningService
from bench.raw_http import post_chunked, post_declaring
from tests.test_wechat_service import fresh, sign

WECHAT_TOKEN = "test-token"  # conftest's CHAT_SETTINGS
ATTACK_BYTES = 25 * 1024 * 1024
ATTACKERS = 4
# Four 5 MB bodies read whole would add 20 MB or more; capped, each holds at most 64 KiB and a chunk.
# A server that buffered the bodies would grow by ATTACKERS × ATTACK_BYTES (100 MB); thread stacks and
# socket buffers of four connections stay far below this.
RSS_GROWTH_LIMIT_KIB = 16 * 1024
# Generous bounds: each refusal comes after 64 KiB, not after the 5 MB the client would send.
REFUSAL_SECONDS = 3.0
EXCERPT_CHARS = 80


@pytest.fixture(scope="module")
def service(observed_service: RunningService) -> RunningService:
    return observed_service


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])


@contextmanager
def peak_rss(pid: int) -> Iterator[dict[str, int]]:
    """The process's highest resident memory while the block runs, sampled every few milliseconds."""
    seen = {"peak": rss_kib(pid)}
    running = threading.Event()
    running.set()

    def sample() -> None:
        while running.is_set():
            seen["peak"] = max(seen["peak"], rss_kib(pid))
            time.sleep(0.003)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield seen
    finally:
        running.clear()
        sampler.join()


def signed_target(path: str) -> str:
    timestamp, nonce = fresh()
    return f"{path}?signature={sign(WECHAT_TOKEN, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}"


@pytest.mark.parametrize("target", ["/wechat/mp", "signed /wechat/mp", "/wechat/work"])
def test_chunked_bodies_to_the_wechat_callbacks_are_refused_without_growing_memory(service: RunningService, target: str) -> None:
    path = target.split()[-1]
    make_target = (lambda: signed_target(path)) if target.startswith("signed") else (lambda: path)
    post_chunked(service.url, make_target(), ATTACK_BYTES)  # the first refusal loads whatever it needs
    before = rss_kib(service.process.pid)

    started = time.monotonic()
    with peak_rss(service.process.pid) as memory, ThreadPoolExecutor(ATTACKERS) as pool:
        responses = list(pool.map(lambda _: post_chunked(service.url, make_target(), ATTACK_BYTES), range(ATTACKERS)))
    elapsed = time.monotonic() - started

    assert [r.status for r in responses] == [413] * ATTACKERS
    assert all("larger than this route accepts (64 KiB)" in json.loads(r.body)["detail"] for r in responses)
    assert memory["peak"] - before < RSS_GROWTH_LIMIT_KIB, f"RSS {before} KiB -> peak {memory['peak']} KiB"
    assert elapsed < REFUSAL_SECONDS * ATTACKERS
    assert httpx.get(f"{service.url}/healthz").status_code == 200


@pytest.mark.parametrize("path", ["/wechat/mp", "/ask", "/v1/chat/completions", "/documents"])
def test_a_content_length_over_the_cap_is_refused_before_any_body_is_sent(service: RunningService, path: str) -> None:
    started = time.monotonic()
    response = post_declaring(service.url, path, 300 * 1024 * 1024)

    assert response.status == 413
    assert response.headers["connection"] == "close"
    assert time.monotonic() - started < REFUSAL_SECONDS  # it did not wait for the 300 MB that never came


@pytest.mark.parametrize("path", ["/ask", "/v1/chat/completions"])
def test_a_megabyte_of_json_is_refused_unparsed(service: RunningService, path: str) -> None:
    question = "棚户区改造" * 70_000  # about 1 MB of UTF-8
    body = {"question": question} if path == "/ask" else {"messages": [{"role": "user", "content": question}]}

    started = time.monotonic()
    response = httpx.post(f"{service.url}{path}", json=body, timeout=30)
    chunked = post_chunked(service.url, path, 1024 * 1024, content_type="application/json")

    assert response.status_code == chunked.status == 413
    assert time.monotonic() - started < REFUSAL_SECONDS
    assert len(response.content) < 200


def test_the_chat_endpoint_accepts_a_long_history_under_its_cap(service: RunningService) -> None:
    history = [{"role": "assistant", "content": "第91条｜牵头：省国开行｜" * 400}] * 10  # about 140 KB
    body = {"messages": [{"role": "user", "content": "第91条讲了什么？"}, *history, {"role": "user", "content": "第92条讲了什么？"}]}

    response = httpx.post(f"{service.url}/v1/chat/completions", json=body, timeout=60)

    assert response.status_code == 200, response.text
    assert response.json()["citations"][0]["measure"] == 92


def test_a_refused_question_echoes_only_an_excerpt(service: RunningService) -> None:
    question = "棚" * 20_000  # under the body cap, far over the question limit

    response = httpx.post(f"{service.url}/ask", json={"question": question}, timeout=30)

    assert response.status_code == 422
    assert response.json()["message"] == "question: the question is 20000 characters long; the limit is 500"
    echoed = response.json()["detail"][0]["input"]
    assert echoed == "棚" * EXCERPT_CHARS + "…"
    assert len(response.content) < 1000


def test_an_unknown_department_is_quoted_as_an_excerpt_and_an_overlong_name_refused(service: RunningService) -> None:
    name = "火星" * 100  # 200 characters: as long as a name may be

    unknown = httpx.get(f"{service.url}/departments/{name}")
    overlong = httpx.get(f"{service.url}/departments/{name}火", timeout=30)

    assert unknown.status_code == 404
    assert unknown.json()["detail"].startswith(f"no department is called '{name[:EXCERPT_CHARS]}…'")
    assert overlong.status_code == 422
    assert len(overlong.content) < 1000
