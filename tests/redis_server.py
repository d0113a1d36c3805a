"""Debian's real redis-server on a free 127.0.0.1 port, holding nothing on disk, for the tests of the
state that replicas share."""
from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import redis

from service.child_process import HOST, free_port

REDIS_SERVER = Path("/usr/bin/redis-server")
START_TIMEOUT_SECONDS = 10.0
POLL_SECONDS = 0.05


@contextmanager
def running_redis() -> Iterator[str]:
    """Yield the server's URL once it answers PING; stop it afterwards."""
    port = free_port()
    command = [str(REDIS_SERVER), "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"]
    url = f"redis://{HOST}:{port}/0"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for_ping(process, url, log)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_for_ping(process: subprocess.Popen, url: str, log: IO[bytes]) -> None:
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    try:
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"redis-server exited with {process.returncode}:\n{log.read().decode(errors='replace')}")
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(POLL_SECONDS)
    finally:
        client.close()
