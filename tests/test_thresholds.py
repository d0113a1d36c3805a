"""The number a department's count of measures is asked against."""
from __future__ import annotations

import pytest

from qa.thresholds import Comparison, CountThreshold, find_threshold


@pytest.mark.parametrize(
    ("question", "comparison", "number"),
    [
        ("省发改委牵头的措施是不是超过50项？", Comparison.MORE, 50),
        ("省财政厅参与的措施有没有超过五十项？", Comparison.MORE, 50),
        ("财政厅牵头的不到十条吧？", Comparison.FEWER, 10),
        ("省农委是不是至少牵头3项？", Comparison.AT_LEAST, 3),
        ("省农委牵头的不超过3项吧？", Comparison.AT_MOST, 3),
        ("Does the NDRC lead more than 50 measures?", Comparison.MORE, 50),
        ("Does the finance department lead at least five measures?", Comparison.AT_LEAST, 5),
        ("Does it take part in no more than 12 tasks?", Comparison.AT_MOST, 12),
    ],
)
def test_a_count_asked_against_a_number_is_found(question, comparison, number):
    found = find_threshold(question)
    assert found is not None and found[0] == CountThreshold(comparison, number)


@pytest.mark.parametrize("question", ["超过了预期吗？", "投资超过50亿元的项目谁牵头？", "more than a plan"])
def test_a_comparison_of_something_else_is_none(question):
    assert find_threshold(question) is None


def test_the_comparison_holds_at_its_edges():
    assert CountThreshold(Comparison.AT_LEAST, 5).holds(5) and not CountThreshold(Comparison.MORE, 5).holds(5)
    assert CountThreshold(Comparison.AT_MOST, 5).holds(5) and not CountThreshold(Comparison.FEWER, 5).holds(5)
