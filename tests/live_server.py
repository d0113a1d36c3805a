"""Run an app factory under a real uvicorn process on a free 127.0.0.1 port, for end-to-end tests."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from service.child_process import service_process

REPO_ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def start_server(app_import: str, env: dict[str, str], ready_path: str = "/healthz", startup_timeout: float = 300) -> Iterator[str]:
    """Yield the base URL of `uvicorn --factory app_import` once ready_path answers 200; stop it afterwards.

    From the repository root, so that test-only app modules under tests/ import."""
    with service_process({**os.environ, **env}, app_import, ready_path, startup_timeout, cwd=REPO_ROOT) as service:
        yield service.url
