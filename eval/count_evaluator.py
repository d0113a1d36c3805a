"""Whether a how-many question gets the exact number."""
from __future__ import annotations

from collections.abc import Sequence

from eval.evaluator import Evaluator
from eval.gold import COUNT_KINDS, DEPARTMENTS_COUNTED_KIND, RANKING_KIND, GoldQuestion
from eval.metrics import count_correct
from qa.answer import Answer


# Only how-many questions (of measures, COUNT_KINDS, or of departments) and rankings (the first one's
# number of measures) promise a number in Answer.count;
# list questions carry their count in the gold file for reference but are judged on the set they cite.
class CountEvaluator(Evaluator):
    def __init__(self, kinds: Sequence[str] = (*COUNT_KINDS, DEPARTMENTS_COUNTED_KIND, RANKING_KIND)):
        self.kinds = tuple(kinds)

    def question_scores(self, row: GoldQuestion, answer: Answer) -> dict[str, float]:
        if row.kind not in self.kinds:
            return {}
        return {"count_accuracy": float(count_correct(answer.count, row.count))}
