"""Whether the system declines exactly the questions the document does not cover."""
from __future__ import annotations

from eval.evaluator import Evaluator
from eval.gold import OUT_OF_SCOPE, GoldQuestion
from qa.answer import Answer


class AbstentionEvaluator(Evaluator):
    def question_scores(self, row: GoldQuestion, answer: Answer) -> dict[str, float]:
        if row.kind == OUT_OF_SCOPE:
            return {"abstention_recall": float(answer.abstained)}
        return {"false_abstention_rate": float(answer.abstained)}
