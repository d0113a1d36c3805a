"""Liveness and readiness probes against real uvicorn processes: /healthz stays fast under load,
/readyz tells how far loading has got, and the library lookups work before the search index does."""
from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import CHAT_SETTINGS, SERVICE_APP
from tests.live_server import readiness_once_loading_ends, start_server, start_service

pytestmark = pytest.mark.integration  # starts the service or runs the CLI on a built index

SLOW_APP = "tests.slow_pipeline_app:create_app"
ASK_DELAY_SECONDS = 2.0
# More than the 40 worker threads the server runs sync work on: some questions queue for a thread.
SLOW_REQUESTS = 48
# Generous bound for an answer from the event loop; behind the busy threads it would take seconds.
PROBE_SECONDS = 0.5
QUESTION = "棚户区改造融资由哪个部门牵头？"


def timed(send) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = send()
    return response, time.monotonic() - started


def test_healthz_and_readyz_answer_at_once_while_every_worker_thread_is_busy(qa_env: dict[str, str]) -> None:
    env = {**qa_env, "QA_TEST_ASK_DELAY": str(ASK_DELAY_SECONDS)}
    # One client each for the load and the probes: the test's own work must not be what is timed.
    load = httpx.Client(timeout=120, limits=httpx.Limits(max_connections=SLOW_REQUESTS))
    probe = httpx.Client(timeout=30)
    with start_server(SLOW_APP, env, ready_path="/readyz") as url, load, probe, ThreadPoolExecutor(SLOW_REQUESTS) as pool:
        asks = [pool.submit(timed, lambda: load.post(f"{url}/ask", json={"question": QUESTION})) for _ in range(SLOW_REQUESTS)]
        time.sleep(0.5)  # the questions are in the worker threads, or queued for one, by now
        probes = [timed(lambda path=path: probe.get(f"{url}/{path}")) for path in ("healthz", "readyz") * 3]
        still_asking = sum(not ask.done() for ask in asks)
        answered = [ask.result() for ask in asks]

    assert still_asking == SLOW_REQUESTS, "the load was over before the probes ran"
    assert all(response.status_code == 200 for response, _ in probes)
    assert max(seconds for _, seconds in probes) < PROBE_SECONDS, probes
    assert all(response.status_code == 200 for response, _ in answered)
    assert min(seconds for _, seconds in answered) >= ASK_DELAY_SECONDS


def test_a_cold_start_reports_its_phases_serves_lookups_first_and_logs_how_long_it_took(tmp_path: Path) -> None:
    env = {**CHAT_SETTINGS, "QA_DATA_DIR": str(tmp_path / "empty")}
    with start_service(SERVICE_APP, env, log_level="info") as service:
        phases = []
        lookups_while_loading = None
        while (ready := httpx.get(f"{service.url}/readyz", timeout=30)).status_code == 503:
            body = ready.json()
            assert body["status"] == "loading", body
            assert ready.headers["retry-after"] == "5"
            phases.append(body["phase"])
            if lookups_while_loading is None and body["phase"].startswith("building index"):
                lookups_while_loading = [httpx.get(f"{service.url}{path}", timeout=30) for path in ("/measures/91", "/departments", "/documents")]
                asked = httpx.post(f"{service.url}/ask", json={"question": QUESTION}, timeout=30)
            time.sleep(0.2)
        log = service.log_text()

    assert ready.status_code == 200
    assert any(re.fullmatch(r"building index: bm25 \d+/\d+.*", phase) for phase in phases), phases
    assert isinstance(body["elapsed_seconds"], float)
    assert lookups_while_loading is not None and [r.status_code for r in lookups_while_loading] == [200, 200, 200]
    assert lookups_while_loading[0].json()["lead_department"] == "省国开行"
    assert asked.status_code == 503 and asked.json()["status"] == "loading" and asked.headers["retry-after"] == "5"
    passages = ready.json()["passages"]
    assert f"building index ({passages} passages)…" in log
    assert re.search(r'"message": "building index: bm25 \d+/\d+', log)
    assert re.search(r'"message": "ready in \d+\.\d s"', log)


@pytest.mark.parametrize("broken", ["library", "index"])
def test_a_failed_load_hides_the_servers_paths_and_says_when_to_come_back(tmp_path: Path, broken: str) -> None:
    not_a_folder = tmp_path / "data-is-a-file"
    not_a_folder.write_text("")
    env = {**CHAT_SETTINGS, "QA_DATA_DIR": str(not_a_folder)}
    if broken == "library":
        env["QA_LIBRARY_DIR"] = str(tmp_path)  # no catalog.json there
    with start_server(SERVICE_APP, env) as url:
        ready = readiness_once_loading_ends(url)
        asked = httpx.post(f"{url}/ask", json={"question": QUESTION})
        measure = httpx.get(f"{url}/measures/91")

    for response in (ready, asked):
        assert response.status_code == 503
        assert response.json()["status"] == "failed"
        assert response.headers["retry-after"] == "300"
        assert str(tmp_path) not in response.text and "/tmp" not in response.text
    if broken == "library":
        assert ready.json()["detail"].startswith("loading the library failed: no catalog.json in ")
        assert measure.status_code == 503
    else:
        assert ready.json()["detail"].startswith("loading the index failed: ")
        assert "$QA_DATA_DIR" in ready.json()["detail"]
        assert measure.status_code == 200, "the lookups need no search index"


def test_an_unconfigured_chat_channel_says_when_to_come_back(qa_env: dict[str, str]) -> None:
    env = {**qa_env, "QA_WECHAT_TOKEN": "", "QA_WECOM_TOKEN": ""}
    with start_server(SERVICE_APP, env) as url:
        responses = [httpx.post(f"{url}/wechat/mp", content=b"<xml/>"), httpx.post(f"{url}/wechat/work", content=b"<xml/>")]

    assert [r.status_code for r in responses] == [503, 503]
    assert all(r.headers["retry-after"] == "300" for r in responses)
