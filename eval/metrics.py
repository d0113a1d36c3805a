"""Per-question metrics over the measure numbers an answer cites. Pure functions; evaluators average them."""
from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

from corpus.models import PASSAGE_ID_SEPARATOR
from eval.corpus_departments import GOLD_DOCUMENT_ID
from qa.answer import Answer, Citation

TaskKey = int | str  # a task as gold files name it (see ranking_key)
K_VALUES: tuple[int, ...] = (1, 3, 5, 10)
MRR_AT_K = 10
NDCG_AT_K = 10


def ranking_key(citation: Citation, document: str = GOLD_DOCUMENT_ID) -> TaskKey | None:
    """What a citation counts as in a ranking, as gold files write it: a task of `document` by its id
    within the document (91, or 二.一.1, 2.3, 第三條 where tasks are numbered so), None for an unnumbered
    passage there; a passage of any other document of a larger library by its full passage id."""
    if citation.document != document:
        return citation.id
    if not citation.number:
        return None
    local = citation.id.partition(PASSAGE_ID_SEPARATOR)[2]
    return int(local) if local.isdigit() else local


def cited_measures(answer: Answer, document: str = GOLD_DOCUMENT_ID) -> list[TaskKey]:
    """Measure numbers of `document` in citation order, each once; unnumbered passages (preamble,
    closing) are skipped. A task of another document in a larger library keeps its rank as its
    passage id, which no gold measure number equals."""
    measures: list[TaskKey] = []
    for citation in answer.citations:
        measure = ranking_key(citation, document)
        if measure is not None and measure not in measures:
            measures.append(measure)
    return measures


def without_related(ranking: Sequence[TaskKey], related: Collection[TaskKey]) -> list[TaskKey]:
    """The ranking with the acceptable extras taken out.

    A related measure (a neighbour on the same theme) is neither a hit nor a miss: dropping it, rather than
    scoring it as irrelevant, keeps a system from being penalised for citing a reasonable neighbour first, and
    keeps scores from depending on how exhaustively the gold set lists such neighbours.
    """
    return [measure for measure in ranking if measure not in related]


def recall_at_k(ranking: Sequence[TaskKey], relevant: Collection[TaskKey], k: int) -> float:
    """Relevant measures in the top k, over the most that fit in k (min(k, |relevant|)).

    Capped so that a perfect ranking scores 1 at every k: department questions have up to 51 relevant
    measures, where plain recall@5 could never exceed 5/51. With |relevant| <= k this is plain recall.
    """
    hits = len(set(ranking[:k]) & set(relevant))
    return hits / min(k, len(relevant))


def reciprocal_rank_at_k(ranking: Sequence[TaskKey], relevant: Collection[TaskKey], k: int) -> float:
    for rank, measure in enumerate(ranking[:k], start=1):
        if measure in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranking: Sequence[TaskKey], relevant: Collection[TaskKey], k: int) -> float:
    """Normalised discounted cumulative gain with binary gains: 1 for a relevant measure, 0 otherwise."""
    dcg = sum(1.0 / math.log2(rank + 1) for rank, measure in enumerate(ranking[:k], start=1) if measure in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, len(relevant)) + 1))
    return dcg / ideal


def lead_correct(
    citations: Sequence[Citation],
    relevant: Collection[TaskKey],
    expected_leads: Collection[str],
    corpus_leads: Mapping[TaskKey, str],
    document: str = GOLD_DOCUMENT_ID,
) -> bool:
    """The citations of relevant measures give each its true lead, and together they name every expected lead.
    `corpus_leads` holds each task's lead as the document writes it; where it does not know a task (a
    document whose leads were not read independently), the lead must be one the question expects."""
    relevant_citations = [citation for citation in citations if ranking_key(citation, document) in relevant]
    for citation in relevant_citations:
        true_lead = corpus_leads.get(ranking_key(citation, document))
        if citation.lead_department != true_lead and (true_lead is not None or citation.lead_department not in expected_leads):
            return False
    named_leads = {citation.lead_department for citation in relevant_citations}
    return set(expected_leads) <= named_leads


def exact_set_correct(cited: Collection[TaskKey], relevant: Collection[TaskKey]) -> bool:
    """A list answer is right only if it cites every relevant measure and nothing else."""
    return set(cited) == set(relevant)


def count_correct(answer_count: int | None, expected_count: int | None) -> bool:
    return answer_count is not None and answer_count == expected_count
