"""VerdictEvaluator on hand-made answers: yes/no by Answer.verdict, either/or by Answer.choice."""
from __future__ import annotations

from eval.verdict_evaluator import VerdictEvaluator
from tests.hand_made import answer, gold

YES_NO = gold("yes_no", [80], lead=["省物价局"], expect="yes")  # 输配电价改革是物价局牵头的吗？
NOT_THE_LEAD = gold("yes_no", [11], lead=["省工业信息化厅"], expect="no")  # 混改的实施意见是国资委牵头吗？
EITHER_OR = gold("either_or", [39], lead=["省经合局"], expect="省经合局")  # 经合局牵头还是工信厅牵头？


def scores(row, given) -> dict[str, float]:
    return VerdictEvaluator().question_scores(row, given)


def test_yes_no_is_right_when_the_verdict_equals_the_expected_one():
    assert scores(YES_NO, answer([80], verdict="yes")) == {"verdict_accuracy": 1.0}
    assert scores(YES_NO, answer([80], verdict="no")) == {"verdict_accuracy": 0.0}
    assert scores(NOT_THE_LEAD, answer([11], verdict="no")) == {"verdict_accuracy": 1.0}
    assert scores(YES_NO, answer([80])) == {"verdict_accuracy": 0.0}  # no verdict given


def test_either_or_is_right_when_the_choice_is_the_department_that_leads():
    assert scores(EITHER_OR, answer([39], choice="省经合局")) == {"verdict_accuracy": 1.0}
    assert scores(EITHER_OR, answer([39], choice="省工业信息化厅")) == {"verdict_accuracy": 0.0}
    # a yes/no verdict does not answer an either/or question
    assert scores(EITHER_OR, answer([39], verdict="yes")) == {"verdict_accuracy": 0.0}


def test_an_abstained_answer_is_wrong():
    assert scores(YES_NO, answer(abstained=True, verdict="yes")) == {"verdict_accuracy": 0.0}
    assert scores(EITHER_OR, answer(abstained=True, choice="省经合局")) == {"verdict_accuracy": 0.0}


def test_only_yes_no_and_either_or_questions_are_scored():
    rows = [YES_NO, EITHER_OR, gold("lead", [80], lead=["省物价局"]), gold("oos")]
    answers = [answer([80], verdict="yes"), answer([39], choice="省工业信息化厅"), answer([80], verdict="yes"), answer(abstained=True)]
    assert VerdictEvaluator()(rows, answers) == {"verdict_accuracy": 0.5}
    assert VerdictEvaluator()(rows[2:], answers[2:]) == {}  # absent, not 0, with no such question
