"""DirectAnswerEvaluator on hand-made answers: the first line opens the answer and its data agree with the gold."""
from __future__ import annotations

import pytest

from eval.direct_answer_evaluator import AGREES_WITH_GOLD, DirectAnswerEvaluator, mentions_number
from eval.gold import KINDS
from tests.hand_made import answer, gold, item

SHANTYTOWN = gold("lead", [91, 92, 93, 94], lead=["省国开行", "省发展改革委", "省金融办"])
SHANTYTOWN_ITEMS = [item("省国开行", [91, 93]), item("省发展改革委", [92]), item("省金融办", [94])]
SHANTYTOWN_DIRECT = "棚改融资由省国开行、省发展改革委、省金融办牵头。"


def first_line_answers(row, given) -> float:
    return DirectAnswerEvaluator().question_scores(row, given)["first_line_answers"]


def test_every_kind_has_a_check():
    assert set(AGREES_WITH_GOLD) == set(KINDS)


def test_the_direct_answer_must_be_given_and_open_the_answer():
    assert first_line_answers(SHANTYTOWN, answer(direct=SHANTYTOWN_DIRECT, items=SHANTYTOWN_ITEMS)) == 1.0
    assert first_line_answers(SHANTYTOWN, answer(direct=SHANTYTOWN_DIRECT, text=f"{SHANTYTOWN_DIRECT}\n1. 第91条……", items=SHANTYTOWN_ITEMS)) == 1.0
    assert first_line_answers(SHANTYTOWN, answer(direct="", text="棚改融资由……", items=SHANTYTOWN_ITEMS)) == 0.0
    assert first_line_answers(SHANTYTOWN, answer(direct=SHANTYTOWN_DIRECT, text="1. 第91条……", items=SHANTYTOWN_ITEMS)) == 0.0


@pytest.mark.parametrize(
    "row",
    [
        SHANTYTOWN,
        gold("departments", [91, 92, 93, 94], lead=["省国开行", "省发展改革委", "省金融办"]),
        gold("yes_no", [91, 92, 93, 94], lead=["省国开行", "省发展改革委", "省金融办"], expect="no"),
        gold("either_or", [91, 92, 93, 94], lead=["省国开行", "省发展改革委", "省金融办"], expect="省国开行"),
        gold("follow_up", [91, 92, 93, 94], lead=["省国开行", "省发展改革委", "省金融办"], context=["棚改怎么融资？"]),
    ],
    ids=lambda row: row.kind,
)
def test_every_expected_lead_is_an_item_with_the_lead_role(row):
    assert first_line_answers(row, answer(direct=SHANTYTOWN_DIRECT, items=SHANTYTOWN_ITEMS)) == 1.0
    # 省金融办 missing
    assert first_line_answers(row, answer(direct=SHANTYTOWN_DIRECT, items=SHANTYTOWN_ITEMS[:2])) == 0.0
    # 省金融办 given, but as a co-operating department
    as_co = [*SHANTYTOWN_ITEMS[:2], item("省金融办", [94], role="co")]
    assert first_line_answers(row, answer(direct=SHANTYTOWN_DIRECT, items=as_co)) == 0.0
    assert first_line_answers(row, answer(direct="无法回答。", items=SHANTYTOWN_ITEMS, abstained=True)) == 0.0


def test_a_measure_question_gives_every_relevant_measure_in_the_items_or_the_first_line():
    row = gold("measure", [76, 77], lead=["省发展改革委"])
    assert first_line_answers(row, answer(direct="第76、77条由省发展改革委牵头。", items=[item("省发展改革委", [76, 77])])) == 1.0
    assert first_line_answers(row, answer(direct="第76条和第77条讲轨道交通。")) == 1.0  # numbers in the text, no items
    assert first_line_answers(row, answer(direct="第76条讲轨道交通。", items=[item("省发展改革委", [76])])) == 0.0
    assert first_line_answers(gold("measure", [9], lead=["省发展改革委"]), answer(direct="第91条……")) == 0.0


def test_mentions_number_matches_whole_numbers_only():
    assert mentions_number("省国开行牵头2项措施。", 2)
    assert mentions_number("The CDB leads 2 measures.", 2)
    assert not mentions_number("省国开行牵头12项措施。", 2)
    assert not mentions_number("省国开行牵头20项措施。", 2)


@pytest.mark.parametrize("kind", ["dept_lead_count", "dept_all_count"])
def test_a_count_question_has_the_count_in_the_data_and_the_first_line(kind):
    row = gold(kind, [91, 93], lead=["省国开行"], count=2)
    assert first_line_answers(row, answer(count=2, direct="省国开行牵头2项措施。")) == 1.0
    assert first_line_answers(row, answer(count=2, direct="省国开行牵头两项措施。")) == 0.0  # the number is not in the line
    assert first_line_answers(row, answer(count=3, direct="省国开行牵头2项措施。")) == 0.0
    assert first_line_answers(row, answer(count=None, direct="省国开行牵头2项措施。")) == 0.0
    none = gold(kind, [], lead=["吉林银监局"], count=0)
    assert first_line_answers(none, answer(count=0, direct="吉林银监局牵头0项措施。")) == 1.0


@pytest.mark.parametrize("kind", ["dept_lead", "dept_all"])
def test_a_list_question_has_the_department_item_list_exactly_the_relevant_measures(kind):
    row = gold(kind, [91, 93], lead=["省国开行"], count=2)
    role = "lead" if kind == "dept_lead" else "any"
    direct = "省国开行牵头第91、93条。"
    assert first_line_answers(row, answer(direct=direct, items=[item("省国开行", [93, 91], role)])) == 1.0
    assert first_line_answers(row, answer(direct=direct, items=[item("省国开行", [91], role)])) == 0.0
    assert first_line_answers(row, answer(direct=direct, items=[item("省国开行", [91, 93, 94], role)])) == 0.0
    assert first_line_answers(row, answer(direct=direct, items=[item("省金融办", [91, 93], role)])) == 0.0
    # a department that leads nothing is answered with no measures
    none = gold(kind, [], lead=["吉林银监局"], count=0)
    assert first_line_answers(none, answer(direct="吉林银监局没有牵头的措施。")) == 1.0


def test_a_topic_needs_a_first_line_and_no_abstention():
    row = gold("topic", [53])
    assert first_line_answers(row, answer([53], direct="第53条讲……")) == 1.0
    assert first_line_answers(row, answer([53], direct="")) == 0.0
    assert first_line_answers(row, answer(direct="文件没有涉及这个问题。", abstained=True)) == 0.0


def test_an_out_of_scope_question_is_declined_in_the_first_line():
    row = gold("oos")
    assert first_line_answers(row, answer(direct="文件没有涉及这个问题。", abstained=True)) == 1.0
    assert first_line_answers(row, answer([53], direct="第53条讲……")) == 0.0
    assert first_line_answers(row, answer(direct="", abstained=True)) == 0.0


def test_the_evaluator_scores_every_question():
    rows = [SHANTYTOWN, gold("oos"), gold("topic", [53])]
    answers = [answer(direct=SHANTYTOWN_DIRECT, items=SHANTYTOWN_ITEMS), answer(direct="无法回答。", abstained=True), answer([53])]
    assert DirectAnswerEvaluator()(rows, answers) == {"first_line_answers": pytest.approx(2 / 3)}
