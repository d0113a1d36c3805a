"""The service in a child process under uvicorn on a free 127.0.0.1 port, for benchmarks and
end-to-end tests that must meet the real server rather than an in-process client."""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

HOST = "127.0.0.1"
SERVICE_FACTORY = "service.app:create_app_from_env"
POLL_SECONDS = 0.05  # between /readyz probes: a start is timed to within this
STOP_TIMEOUT_SECONDS = 10.0
LOG_TAIL_CHARS = 4000


class ServiceFailed(RuntimeError):
    """The child service exited, could not load its index, or was not ready in time."""


@dataclass(frozen=True)
class RunningService:
    process: subprocess.Popen
    url: str
    log: IO[bytes]  # the service's stdout and stderr

    def log_text(self) -> str:
        # pread: the child writes through the same file offset, which seeking would move
        size = os.fstat(self.log.fileno()).st_size
        return os.pread(self.log.fileno(), size, 0).decode(errors="replace")


Launch = Callable[[int], list[str]]  # the command line of a service listening on HOST at the given port


def uvicorn_factory(app: str = SERVICE_FACTORY, log_level: str = "warning") -> Launch:
    """`uvicorn --factory app`: an app of the tests' own making, or the service read from the environment."""
    return lambda port: [sys.executable, "-m", "uvicorn", "--factory", app, "--host", HOST, "--port", str(port), "--log-level", log_level]


def qa_serve(log_level: str = "warning") -> Launch:
    """`qa serve`, the command scripts/serve starts the service with."""
    return lambda port: [sys.executable, "-m", "qa.cli", "serve", "--host", HOST, "--port", str(port), "--log-level", log_level]


@contextmanager
def service_process(
    env: Mapping[str, str],
    launch: Launch = uvicorn_factory(),
    ready_path: str = "/readyz",
    timeout_seconds: float = 300.0,
    cwd: Path | None = None,
) -> Iterator[RunningService]:
    """The service `launch` starts, with exactly `env`, yielded once `ready_path` answers 200; stopped on exit."""
    port = free_port()
    command = launch(port)
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=cwd, env=dict(env), stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_ready(process, port, ready_path, log, time.monotonic() + timeout_seconds)
            yield RunningService(process, f"http://{HOST}:{port}", log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(process: subprocess.Popen, port: int, ready_path: str, log: IO[bytes], deadline: float) -> None:
    last = "no answer"
    while True:
        if process.poll() is not None:
            log.seek(0)
            tail = log.read().decode(errors="replace")[-LOG_TAIL_CHARS:]
            raise ServiceFailed(f"the service exited with {process.returncode}:\n{tail}")
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            connection.request("GET", ready_path)
            response = connection.getresponse()
            body = response.read().decode("utf-8", errors="replace")
            if response.status == 200:
                return
            last = f"{response.status} {body}"
            if response.status == 503 and load_failed(body):
                raise ServiceFailed(f"the service could not load its index: {body}")
        except (OSError, http.client.HTTPException) as error:
            last = repr(error)  # not listening yet
        finally:
            connection.close()
        if time.monotonic() > deadline:
            raise ServiceFailed(f"the service was not ready in time; {ready_path}: {last}")
        time.sleep(POLL_SECONDS)


def load_failed(not_ready_body: str) -> bool:
    """Whether a 503 from /readyz reports a failed load, which waiting longer will not mend."""
    try:
        return json.loads(not_ready_body).get("status") == "failed"
    except (ValueError, AttributeError):
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]
