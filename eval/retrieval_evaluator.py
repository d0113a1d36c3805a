"""Ranking quality of the cited measures: recall@k, MRR@k and nDCG@k."""
from __future__ import annotations

from collections.abc import Sequence

from eval.evaluator import Evaluator
from eval.gold import OUT_OF_SCOPE, GoldQuestion
from eval.metrics import (
    K_VALUES,
    MRR_AT_K,
    NDCG_AT_K,
    cited_measures,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank_at_k,
    without_related,
)
from qa.answer import Answer


class RetrievalEvaluator(Evaluator):
    def __init__(self, k_values: Sequence[int] = K_VALUES, mrr_at_k: int = MRR_AT_K, ndcg_at_k: int = NDCG_AT_K):
        self.k_values = tuple(k_values)
        self.mrr_at_k = mrr_at_k
        self.ndcg_at_k = ndcg_at_k

    def question_scores(self, row: GoldQuestion, answer: Answer) -> dict[str, float]:
        # Out-of-scope questions, and a department that leads nothing, have no measure to rank.
        if row.kind == OUT_OF_SCOPE or not row.relevant:
            return {}
        ranking = without_related(cited_measures(answer, row.document), row.related)
        scores = {f"recall@{k}": recall_at_k(ranking, row.relevant, k) for k in self.k_values}
        scores[f"mrr@{self.mrr_at_k}"] = reciprocal_rank_at_k(ranking, row.relevant, self.mrr_at_k)
        scores[f"ndcg@{self.ndcg_at_k}"] = ndcg_at_k(ranking, row.relevant, self.ndcg_at_k)
        return scores
