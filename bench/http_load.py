"""Questions sent to a running service's /ask from a bounded number of client threads, each request timed.

Real clients: one keep-alive http.client connection per thread, the question JSON the web page sends.
The loop is bounded by a request count and a deadline, and only ever talks to 127.0.0.1.
"""
from __future__ import annotations

import http.client
import json
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.child_process import HOST

REQUEST_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class Record:
    question: str
    status: int | None  # None: no response (refused, reset, timed out)
    ms: float
    error: str | None


@dataclass(frozen=True)
class Run:
    records: list[Record]
    seconds: float  # from the first request sent to the last response read

    @property
    def errors(self) -> int:
        return sum(record.status != 200 for record in self.records)

    @property
    def per_second(self) -> float:
        return len(self.records) / self.seconds if self.seconds > 0 else 0.0

    def percentile_ms(self, p: float) -> float:
        return percentile(sorted(record.ms for record in self.records), p)


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    rank = max(1, math.ceil(len(sorted_values) * p / 100))
    return sorted_values[rank - 1]


def post_question(connection: http.client.HTTPConnection, question: str) -> tuple[int | None, str | None]:
    """The status of POST /ask, and what went wrong if it was not 200."""
    body = json.dumps({"question": question}, ensure_ascii=False).encode("utf-8")
    try:
        connection.request("POST", "/ask", body, {"content-type": "application/json"})
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException) as error:
        connection.close()  # the next request opens a new connection
        return None, repr(error)
    return response.status, None if response.status == 200 else text[:500]


def drive(
    port: int,
    questions: Sequence[str],
    requests: int,
    concurrency: int,
    deadline: float,
    on_completed: Callable[[int], None] | None = None,
) -> Run:
    """`requests` POSTs of `questions` in turn (cycling), `concurrency` at a time, until done or the
    monotonic `deadline`. `on_completed(n)` is called as the n-th response arrives, from that client's thread."""
    if not questions or requests < 1 or concurrency < 1:
        raise ValueError("a run needs questions, at least one request and a concurrency of at least 1")
    lock = threading.Lock()
    taken = completed = 0
    records: list[Record] = []

    def client() -> None:
        nonlocal taken, completed
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_SECONDS)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if taken >= requests:
                        return
                    question = questions[taken % len(questions)]
                    taken += 1
                sent = time.perf_counter()
                status, error = post_question(connection, question)
                record = Record(question, status, (time.perf_counter() - sent) * 1000, error)
                with lock:
                    records.append(record)
                    completed += 1
                    done = completed
                if on_completed is not None:
                    on_completed(done)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, name=f"bench-client-{n}", daemon=True) for n in range(min(concurrency, requests))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Run(records, time.perf_counter() - started)
