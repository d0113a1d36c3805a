"""Per-question metrics over the measure numbers an answer cites. Pure functions; evaluators average them."""
from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

from eval.corpus_departments import GOLD_DOCUMENT_ID
from qa.answer import Answer, Citation

K_VALUES: tuple[int, ...] = (1, 3, 5, 10)
MRR_AT_K = 10
NDCG_AT_K = 10


def ranking_key(citation: Citation, document: str = GOLD_DOCUMENT_ID) -> int | str | None:
    """What a citation counts as in a ranking: its measure number in `document` (None for an
    unnumbered passage there), its passage id in any other document of a larger library."""
    return citation.measure if citation.document == document else citation.id


def cited_measures(answer: Answer, document: str = GOLD_DOCUMENT_ID) -> list[int | str]:
    """Measure numbers of `document` in citation order, each once; unnumbered passages (preamble,
    closing) are skipped. A task of another document in a larger library keeps its rank as its
    passage id, which no gold measure number equals."""
    measures: list[int | str] = []
    for citation in answer.citations:
        measure = ranking_key(citation, document)
        if measure is not None and measure not in measures:
            measures.append(measure)
    return measures


def without_related(ranking: Sequence[int], related: Collection[int]) -> list[int]:
    """The ranking with the acceptable extras taken out.

    A related measure (a neighbour on the same theme) is neither a hit nor a miss: dropping it, rather than
    scoring it as irrelevant, keeps a system from being penalised for citing a reasonable neighbour first, and
    keeps scores from depending on how exhaustively the gold set lists such neighbours.
    """
    return [measure for measure in ranking if measure not in related]


def recall_at_k(ranking: Sequence[int], relevant: Collection[int], k: int) -> float:
    """Relevant measures in the top k, over the most that fit in k (min(k, |relevant|)).

    Capped so that a perfect ranking scores 1 at every k: department questions have up to 51 relevant
    measures, where plain recall@5 could never exceed 5/51. With |relevant| <= k this is plain recall.
    """
    hits = len(set(ranking[:k]) & set(relevant))
    return hits / min(k, len(relevant))


def reciprocal_rank_at_k(ranking: Sequence[int], relevant: Collection[int], k: int) -> float:
    for rank, measure in enumerate(ranking[:k], start=1):
        if measure in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranking: Sequence[int], relevant: Collection[int], k: int) -> float:
    """Normalised discounted cumulative gain with binary gains: 1 for a relevant measure, 0 otherwise."""
    dcg = sum(1.0 / math.log2(rank + 1) for rank, measure in enumerate(ranking[:k], start=1) if measure in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, len(relevant)) + 1))
    return dcg / ideal


def lead_correct(
    citations: Sequence[Citation],
    relevant: Collection[int],
    expected_leads: Collection[str],
    corpus_leads: Mapping[int, str],
    document: str = GOLD_DOCUMENT_ID,
) -> bool:
    """The citations of relevant measures give each its true lead, and together they name every expected lead."""
    relevant_citations = [citation for citation in citations if citation.document == document and citation.measure in relevant]
    if any(citation.lead_department != corpus_leads[citation.measure] for citation in relevant_citations):
        return False
    named_leads = {citation.lead_department for citation in relevant_citations}
    return set(expected_leads) <= named_leads


def exact_set_correct(cited: Collection[int], relevant: Collection[int]) -> bool:
    """A list answer is right only if it cites every relevant measure and nothing else."""
    return set(cited) == set(relevant)


def count_correct(answer_count: int | None, expected_count: int | None) -> bool:
    return answer_count is not None and answer_count == expected_count
