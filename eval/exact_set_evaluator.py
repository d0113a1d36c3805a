"""Whether a department's list of measures is complete and has nothing extra."""
from __future__ import annotations

from collections.abc import Sequence

from eval.evaluator import Evaluator
from eval.gold import GoldQuestion
from eval.metrics import cited_measures, exact_set_correct
from qa.answer import Answer

# "Which measures does D lead / take part in": the answer is a set, so anything short of it is wrong.
EXACT_SET_KINDS: tuple[str, ...] = ("dept_lead", "dept_all", "dept_co", "dept_joint")


class ExactSetEvaluator(Evaluator):
    def __init__(self, kinds: Sequence[str] = EXACT_SET_KINDS):
        self.kinds = tuple(kinds)

    def question_scores(self, row: GoldQuestion, answer: Answer) -> dict[str, float]:
        if row.kind not in self.kinds:
            return {}
        return {"exact_set_accuracy": float(exact_set_correct(cited_measures(answer, row.document), row.relevant))}
