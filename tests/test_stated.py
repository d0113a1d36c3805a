"""The clause of a passage that states the sum, figure or date a question asks for; no index needed."""
from __future__ import annotations

import pytest

from corpus.library import BUNDLED_LIBRARY, Library
from qa.lexicon import Cue
from qa.stated import DATE_IN_TEXT, FIGURE_IN_TEXT, stated_patterns, stating_clause


@pytest.fixture(scope="module")
def measures():
    document = Library.load(BUNDLED_LIBRARY).document()
    return lambda *numbers: [document.measure(n) for n in numbers]


def test_a_date_asked_for_is_quoted_with_the_clauses_beside_it_that_state_dates_too(measures):
    passage, clause = stating_clause(measures(93, 89), [DATE_IN_TEXT], "棚户区改造什么时候完成")
    assert passage.number == "89"
    assert clause == "积极落实2013-2017年棚户区改造计划，力争到2017年基本完成全省现有棚户区改造任务"


def test_the_clause_sharing_most_with_the_question_wins_over_the_better_ranked_passage(measures):
    passage, clause = stating_clause(measures(60, 59), [FIGURE_IN_TEXT], "粮食 仓储 设施 增加 仓容")
    assert passage.number == "59" and "增加仓容15.5亿斤" in clause


def test_a_number_far_from_the_question_words_is_not_quoted(measures):
    assert stating_clause(measures(59), [FIGURE_IN_TEXT], "棚户区改造的过桥贷款比例") is None


def test_the_patterns_follow_the_cues():
    assert stated_patterns(frozenset({Cue.DATE, Cue.LEAD})) == [DATE_IN_TEXT]
    assert stated_patterns(frozenset({Cue.LEAD})) == []
