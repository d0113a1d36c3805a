"""Run an app factory under a real uvicorn process on a free 127.0.0.1 port, for end-to-end tests."""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from service.child_process import RunningService, service_process, uvicorn_factory

REPO_ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def start_server(app_import: str, env: dict[str, str], ready_path: str = "/healthz", startup_timeout: float = 300) -> Iterator[str]:
    """Yield the base URL of `uvicorn --factory app_import` once ready_path answers 200; stop it afterwards."""
    with start_service(app_import, env, ready_path, startup_timeout) as service:
        yield service.url


@contextmanager
def start_service(
    app_import: str, env: dict[str, str], ready_path: str = "/healthz", startup_timeout: float = 300, log_level: str = "warning"
) -> Iterator[RunningService]:
    """The running service itself, for tests that read its process (memory) or its log.

    From the repository root, so that test-only app modules under tests/ import."""
    with service_process({**os.environ, **env}, uvicorn_factory(app_import, log_level), ready_path, startup_timeout, cwd=REPO_ROOT) as service:
        yield service

def readiness_once_loading_ends(url: str, timeout: float = 60) -> httpx.Response:
    """/readyz once the service has finished loading, ready or failed."""
    deadline = time.monotonic() + timeout
    while (ready := httpx.get(f"{url}/readyz")).json().get("status") == "loading":
        assert time.monotonic() < deadline, "the service was still loading"
        time.sleep(0.1)
    return ready
