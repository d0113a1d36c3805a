"""Whether the first line answers: Answer.direct opens the answer and its data state what the gold expects."""
from __future__ import annotations

import re
from collections.abc import Callable

from corpus.numerals import parse_chinese_number
from eval.evaluator import Evaluator
from eval.gold import OUT_OF_SCOPE, GoldQuestion
from qa.answer import Answer, Role
from qa.task_numbers import display_number

ARTICLE = re.compile(r"第([一二三四五六七八九十百零〇两]+)[条條]")


def first_line_answers(row: GoldQuestion, answer: Answer) -> bool:
    if not answer.direct or not answer.answer.startswith(answer.direct):
        return False
    # declining is the answer to an out-of-scope question and the wrong answer to any other
    if answer.abstained != (row.kind == OUT_OF_SCOPE):
        return False
    return AGREES_WITH_GOLD[row.kind](row, answer)


def mentions_number(text: str, number: int) -> bool:
    """`number` written in digits as a whole number: measure 9 is not mentioned by "91"."""
    return re.search(rf"(?<!\d){number}(?!\d)", text) is not None


def shown(task: int | str, language: str) -> str:
    """A gold task as answers show it: 91, 二（一）1 (2.1.1 in English), 第九條 (9 in English)."""
    if isinstance(task, int):
        return str(task)
    article = ARTICLE.fullmatch(task)
    return display_number(task, parse_chinese_number(article.group(1)) if article else None, language)


def _names_every_lead(row: GoldQuestion, answer: Answer) -> bool:
    named_leads = {item.department for item in answer.items if item.role is Role.LEAD}
    return set(row.lead) <= named_leads


def _gives_every_measure(row: GoldQuestion, answer: Answer) -> bool:
    in_items = {measure for item in answer.items for measure in item.measures}
    return all(
        shown(task, answer.language) in in_items or (isinstance(task, int) and mentions_number(answer.direct, task)) for task in row.relevant
    )


def _states_the_count(row: GoldQuestion, answer: Answer) -> bool:
    return row.count is not None and answer.count == row.count and mentions_number(answer.direct, row.count)


def _lists_exactly_the_measures(row: GoldQuestion, answer: Answer) -> bool:
    department = row.lead[0]
    listed = {measure for item in answer.items if item.department == department for measure in item.measures}
    return listed == {shown(task, answer.language) for task in row.relevant}


def _ranks_them_first(row: GoldQuestion, answer: Answer) -> bool:
    """The departments that come first are the answer's first items, with their number of measures."""
    first = {item.department for item in answer.items[: len(row.lead)]}
    return first == set(row.lead) and _states_the_count(row, answer)


def _nothing_more(row: GoldQuestion, answer: Answer) -> bool:
    """Topics have no single fact to state, and out-of-scope questions only need declining."""
    return True


# Every kind has an entry, so that a new kind fails loudly here instead of passing unchecked.
AGREES_WITH_GOLD: dict[str, Callable[[GoldQuestion, Answer], bool]] = {
    "lead": _names_every_lead,
    "departments": _names_every_lead,
    "yes_no": _names_every_lead,
    "either_or": _names_every_lead,
    "follow_up": _names_every_lead,
    "measure": _gives_every_measure,
    "dept_lead_count": _states_the_count,
    "dept_all_count": _states_the_count,
    "dept_co_count": _states_the_count,
    "dept_count": _states_the_count,
    "dept_joint": _lists_exactly_the_measures,
    "dept_ranking": _ranks_them_first,
    "dept_lead": _lists_exactly_the_measures,
    "dept_all": _lists_exactly_the_measures,
    "dept_co": _lists_exactly_the_measures,
    "topic": _nothing_more,
    OUT_OF_SCOPE: _nothing_more,
}


class DirectAnswerEvaluator(Evaluator):
    def question_scores(self, row: GoldQuestion, answer: Answer) -> dict[str, float]:
        return {"first_line_answers": float(first_line_answers(row, answer))}
