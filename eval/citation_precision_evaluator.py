"""Of the measures a who-is-responsible answer cites, the share the gold counts relevant or related:
each measure cited names its departments as responsible, so one cited as padding names wrong ones."""
from __future__ import annotations

from collections.abc import Sequence

from eval.evaluator import Evaluator
from eval.gold import GoldQuestion
from eval.metrics import cited_measures
from qa.answer import Answer

WHO_KINDS: tuple[str, ...] = ("lead", "departments", "yes_no", "either_or")


class CitationPrecisionEvaluator(Evaluator):
    def __init__(self, kinds: Sequence[str] = WHO_KINDS):
        self.kinds = tuple(kinds)

    def question_scores(self, row: GoldQuestion, answer: Answer) -> dict[str, float]:
        cited = cited_measures(answer, row.document)
        if row.kind not in self.kinds or not row.relevant or answer.abstained or not cited:
            return {}
        accepted = {*row.relevant, *row.related}
        return {"citation_precision": sum(measure in accepted for measure in cited) / len(cited)}
