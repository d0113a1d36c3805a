"""Run an app factory under a real uvicorn process on a free 127.0.0.1 port, for end-to-end tests."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def start_server(
    app_import: str, env: dict[str, str], ready_path: str = "/healthz", startup_timeout: float = 300
) -> Iterator[str]:
    """Yield the base URL of `uvicorn --factory app_import` once ready_path answers 200; stop it afterwards."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "uvicorn", "--factory", app_import,
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + startup_timeout
            last = "no answer"
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"server exited with {process.returncode}:\n{log.read().decode(errors='replace')}")
                try:
                    response = httpx.get(f"{url}{ready_path}", timeout=2)
                    if response.status_code == 200:
                        break
                    last = f"{response.status_code} {response.text}"
                except httpx.TransportError as error:
                    last = repr(error)
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server not ready within {startup_timeout} s; {ready_path}: {last}")
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
