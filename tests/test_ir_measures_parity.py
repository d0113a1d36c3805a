"""eval.metrics agrees with ir-measures (trec_eval's definitions) on seeded random rankings."""
from __future__ import annotations

import random

import ir_measures
import pytest
from ir_measures import R, RR, nDCG

from eval.metrics import K_VALUES, MRR_AT_K, NDCG_AT_K, ndcg_at_k, recall_at_k, reciprocal_rank_at_k

SEED = 20140601
CASES = 500
MEASURES = range(1, 140)  # the document's measure numbers
MAX_RANKED = 15
MAX_RELEVANT = 20  # above 10, so that nDCG@10's ideal ranking is cut off too
TOLERANCE = 1e-9


def random_case(rng: random.Random) -> tuple[list[int], set[int]]:
    """A ranking of distinct measures and a non-empty relevant set, some of it ranked and some not."""
    ranking = rng.sample(MEASURES, rng.randint(1, MAX_RANKED))
    size = rng.randint(1, MAX_RELEVANT)
    ranked = rng.randint(0, min(size, len(ranking)))
    unranked = [measure for measure in MEASURES if measure not in ranking]
    return ranking, set(rng.sample(ranking, ranked)) | set(rng.sample(unranked, size - ranked))


_rng = random.Random(SEED)
RANDOM_CASES = [random_case(_rng) for _ in range(CASES)]


def reference(measures: list, cases: list[tuple[list[int], set[int]]]) -> dict[tuple[int, object], float]:
    """ir_measures' value per (case index, measure). Scores fall with rank, without ties, so its order is ours."""
    qrels = [ir_measures.Qrel(str(case), str(measure), 1) for case, (_, relevant) in enumerate(cases) for measure in relevant]
    run = [
        ir_measures.ScoredDoc(str(case), str(measure), float(len(ranking) - rank))
        for case, (ranking, _) in enumerate(cases)
        for rank, measure in enumerate(ranking)
    ]
    values = {(int(metric.query_id), metric.measure): metric.value for metric in ir_measures.iter_calc(measures, qrels, run)}
    assert len(values) == len(measures) * len(cases), "ir_measures left out some cases"
    return values


def test_reciprocal_rank_and_ndcg_equal_ir_measures():
    rr, ndcg = RR @ MRR_AT_K, nDCG @ NDCG_AT_K
    expected = reference([rr, ndcg], RANDOM_CASES)
    for case, (ranking, relevant) in enumerate(RANDOM_CASES):
        assert reciprocal_rank_at_k(ranking, relevant, MRR_AT_K) == pytest.approx(expected[case, rr], abs=TOLERANCE)
        assert ndcg_at_k(ranking, relevant, NDCG_AT_K) == pytest.approx(expected[case, ndcg], abs=TOLERANCE)


@pytest.mark.parametrize("k", K_VALUES)
def test_recall_equals_ir_measures_where_the_relevant_fit_in_k(k: int):
    # ours divides by min(k, |relevant|); with |relevant| <= k that is |relevant|, as in R@k
    cases = [(ranking, relevant) for ranking, relevant in RANDOM_CASES if len(relevant) <= k]
    assert len(cases) >= 20, "too few cases to compare"
    expected = reference([R @ k], cases)
    for case, (ranking, relevant) in enumerate(cases):
        assert recall_at_k(ranking, relevant, k) == pytest.approx(expected[case, R @ k], abs=TOLERANCE)
