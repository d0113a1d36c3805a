"""The two parts (fitted and held-out test) through the runner, the reports, the gate and the CLI; hand-made answers."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from eval.corpus_departments import GOLD_DOCUMENT_ID
from eval.gate import check_floors
from eval.gold import GOLD_PATH, TEST_PATH
from eval.parts import FITTED, TEST, gated_part, parts_to_run
from eval.report import COMPARISON_PNG, QUESTIONS_CSV, REPORT_MD, RESULTS_JSON, abstention_models, write_reports
from eval.runner import evaluate
from qa.answer import Answer
from qa.cli import main
from tests.hand_made import answer, gold, item

FITTED_QUESTIONS = [
    gold("lead", [76], lead=["省发展改革委"], id="lead-zh-001", q="长春地铁谁牵头？"),
    gold("oos", lang="en", id="oos-en-001", q="What is the weather?"),
]
TEST_QUESTIONS = [
    gold("yes_no", [76], lead=["省发展改革委"], expect="yes", id="test-yes_no-zh-001", q="地铁是发改委牵头吗？"),
    gold("follow_up", [76], lead=["省发展改革委"], context=["长春地铁谁牵头？"], lang="en", id="test-follow_up-en-001", q="And who else?"),
]
SUBWAY = answer([76], direct="长春地铁由省发展改革委牵头。", items=[item("省发展改革委", [76])])
ANSWERS = {
    "长春地铁谁牵头？": SUBWAY,
    "What is the weather?": answer(abstained=True, direct="The document does not cover this."),
    "地铁是发改委牵头吗？": answer([76], direct="是，省发展改革委牵头。", items=[item("省发展改革委", [76])], verdict="no"),
    "And who else?": answer([76], direct="The NDRC leads it.", items=[item("省发展改革委", [76])]),
}


class RecordingAsk:
    """Answers from ANSWERS, noting each question with its conversation id."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str | None]] = []

    def __call__(self, question: str, *, conversation_id: str | None = None, document: str = GOLD_DOCUMENT_ID) -> Answer:
        self.asked.append((question, conversation_id))
        return ANSWERS[question]


@pytest.fixture(scope="module")
def results():
    ask = RecordingAsk()
    return {"hybrid": {FITTED: evaluate(FITTED_QUESTIONS, ask, FITTED, progress=False), TEST: evaluate(TEST_QUESTIONS, ask, TEST, progress=False)}}


def test_follow_ups_are_asked_after_their_context_in_a_conversation_of_their_own():
    ask = RecordingAsk()
    result = evaluate(TEST_QUESTIONS, ask, TEST, progress=False)
    assert ask.asked == [
        ("地铁是发改委牵头吗？", "eval:test:test-yes_no-zh-001"),
        ("长春地铁谁牵头？", "eval:test:test-follow_up-en-001"),
        ("And who else?", "eval:test:test-follow_up-en-001"),
    ]
    # only the follow-up's own answer is scored
    assert [outcome.direct for outcome in result.questions] == ["是，省发展改革委牵头。", "The NDRC leads it."]
    assert result.overall["questions"] == 2


def test_each_part_is_scored_on_its_own(results):
    fitted, test = results["hybrid"][FITTED], results["hybrid"][TEST]
    assert fitted.overall["abstention_recall"] == 1.0 and "verdict_accuracy" not in fitted.overall
    assert test.by_language["zh"]["verdict_accuracy"] == 0.0  # "no" given, "yes" expected
    assert test.by_language["en"]["lead_accuracy"] == 1.0
    assert test.questions[0].verdict == "no"


def test_results_json_holds_both_parts(results, tmp_path: Path):
    write_reports(results, tmp_path, "hybrid")
    payload = json.loads((tmp_path / RESULTS_JSON).read_text(encoding="utf-8"))
    assert list(payload["hybrid"]) == [FITTED, TEST]
    assert payload["hybrid"][FITTED]["overall"]["questions"] == 2
    assert payload["hybrid"][TEST]["by_kind"]["yes_no"]["verdict_accuracy"] == 0.0


def test_questions_csv_names_the_part_of_each_row(results, tmp_path: Path):
    write_reports(results, tmp_path, "hybrid")
    with (tmp_path / QUESTIONS_CSV).open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(row["part"], row["id"]) for row in rows] == [
        (FITTED, "lead-zh-001"),
        (FITTED, "oos-en-001"),
        (TEST, "test-yes_no-zh-001"),
        (TEST, "test-follow_up-en-001"),
    ]
    assert rows[2]["expect"] == "yes" and rows[2]["verdict"] == "no" and rows[2]["verdict_accuracy"] == "0.0"
    assert rows[3]["context"] == "长春地铁谁牵头？" and rows[3]["direct"] == "The NDRC leads it."


def test_report_md_has_fitted_and_test_columns_per_language(results, tmp_path: Path):
    write_reports(results, tmp_path, "hybrid")
    report = (tmp_path / REPORT_MD).read_text(encoding="utf-8")
    assert "Parts: fitted (2 questions), test (2 questions)." in report
    table = report[report.index("### hybrid\n") :].splitlines()[2:]
    assert table[0] == "| metric | all · fitted | all · test | zh · fitted | zh · test | en · fitted | en · test |"
    assert "| questions | 2 | 2 | 1 | 1 | 1 | 1 |" in table
    assert "| verdict_accuracy | – | 0.000 | – | 0.000 | – | – |" in table
    assert "| abstention_recall | 1.000 | – | – | – | 1.000 | – |" in table
    assert "## Per kind: hybrid, fitted part" in report and "## Per kind: hybrid, test part" in report
    assert "## Failed questions: hybrid, fitted part (0 of 2)" in report
    assert "## Failed questions: hybrid, test part (1 of 2)" in report
    assert "- failed: verdict no instead of yes" in report
    assert (tmp_path / COMPARISON_PNG).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_a_single_file_run_reports_one_part(results, tmp_path: Path):
    write_reports({"hybrid": {"mine": results["hybrid"][TEST]}}, tmp_path, "hybrid")
    report = (tmp_path / REPORT_MD).read_text(encoding="utf-8")
    assert "| metric | all · mine | zh · mine | en · mine |" in report
    assert "held out" not in report
    assert json.loads((tmp_path / RESULTS_JSON).read_text(encoding="utf-8"))["hybrid"].keys() == {"mine"}


def test_the_abstention_model_section_shows_the_cross_validated_figures():
    lines = abstention_models(
        {
            "hybrid": {
                "calibrated_on": "gold.jsonl",
                "questions": 169,
                "out_of_scope": 24,
                "fitted": {"abstention_recall": 1.0, "false_abstention_rate": 0.0344},
                "cross_validated": {"abstention_recall": 0.875, "false_abstention_rate": 0.0414},
            },
            "bm25": None,
        }
    )
    assert "| hybrid | gold.jsonl | 169 | 1.000 | 0.034 | 0.875 | 0.041 |" in lines
    assert "| bm25 | never calibrated: never abstains | | | | | |" in lines


def test_both_parts_run_by_default_and_a_given_file_is_one_part(tmp_path: Path):
    assert parts_to_run(None) == {FITTED: GOLD_PATH, TEST: TEST_PATH}
    assert parts_to_run(GOLD_PATH) == {FITTED: GOLD_PATH}
    assert parts_to_run(TEST_PATH) == {TEST: TEST_PATH}
    assert parts_to_run(tmp_path / "mine.jsonl") == {"mine": tmp_path / "mine.jsonl"}


def test_the_gate_applies_to_the_test_part(results):
    assert gated_part([FITTED, TEST]) == TEST
    assert gated_part(["mine"]) == "mine"
    with pytest.raises(ValueError, match="no test part to gate; the run has: fitted, mine"):
        gated_part([FITTED, "mine"])
    test = results["hybrid"][gated_part(results["hybrid"])]
    assert check_floors(test, {"zh": {"verdict_accuracy": 0.95, "exact_set_accuracy": 1.0}}) == [
        "zh verdict_accuracy = 0.000, below the floor 0.950",
        "zh exact_set_accuracy: not measured (no questions of the kind it scores)",
    ]


def test_qa_eval_refuses_to_gate_a_configuration_it_does_not_run(tmp_path: Path, capsys):
    assert main(["eval", "--configs", "bm25", "--gate", "--out", str(tmp_path / "out")]) == 2
    assert "--gate checks hybrid, which --configs does not run" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_qa_calibrate_refuses_the_held_out_part(capsys):
    assert main(["calibrate", "--gold", str(TEST_PATH)]) == 2
    assert "is the held-out test part: nothing may be fitted on it" in capsys.readouterr().err
