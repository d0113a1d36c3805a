"""Whether answers name the right lead department (牵头部门) for the measures they cite."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from eval.evaluator import Evaluator
from eval.gold import GoldQuestion
from eval.metrics import lead_correct
from qa.answer import Answer

# The kinds whose gold `lead` lists the lead departments of the relevant measures. A yes/no or either/or
# question names a department, but its gold `lead` is the one the document lists first, whichever was named.
LEAD_KINDS: tuple[str, ...] = ("lead", "departments", "dept_count", "measure", "yes_no", "either_or", "follow_up")


class LeadEvaluator(Evaluator):
    def __init__(self, corpus_leads: Mapping[str, Mapping[int | str, str]], kinds: Sequence[str] = LEAD_KINDS):
        """`corpus_leads`: per document, each task's lead as the document writes it (documents not read
        independently are absent; their tasks are judged by the leads the question expects)."""
        self.corpus_leads = corpus_leads
        self.kinds = tuple(kinds)

    def question_scores(self, row: GoldQuestion, answer: Answer) -> dict[str, float]:
        if row.kind not in self.kinds or not row.lead:
            return {}
        leads = self.corpus_leads.get(row.document, {})
        correct = lead_correct(answer.citations, row.relevant, row.lead, leads, row.document)
        return {"lead_accuracy": float(correct)}
