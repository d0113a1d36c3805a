"""Whether yes/no questions (and rankings asked yes or no) get the right yes or no, and either/or
questions the department that leads."""
from __future__ import annotations

from eval.evaluator import Evaluator
from eval.gold import VERDICT_KINDS, YES_NO_KINDS, GoldQuestion
from qa.answer import Answer


class VerdictEvaluator(Evaluator):
    def question_scores(self, row: GoldQuestion, answer: Answer) -> dict[str, float]:
        if row.kind not in VERDICT_KINDS and row.expect is None:
            return {}
        given = (answer.verdict.value if answer.verdict else None) if row.kind in YES_NO_KINDS else answer.choice
        # declining a question the document answers is wrong, even if a verdict was left over
        return {"verdict_accuracy": float(not answer.abstained and given == row.expect)}
