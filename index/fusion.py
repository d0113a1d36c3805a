"""Fusion of several retrievers' scores into one ranking.

A retriever that found nothing must not vote: an English question gives BM25 all-zero scores,
and ranking those zeros (as naive reciprocal-rank fusion does) would rank by file order.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

import numpy as np

from index.choices import parse_choice

RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of the very top ranks
# Fusion reads the pool of rows any retriever ranks among its best POOL_DEPTH, never every row of
# the library: its cost does not grow with the library, and a library smaller than the pool is
# fused exactly as over every row.
POOL_DEPTH = 200


class FusionMode(str, Enum):
    ZSCORE = "zscore"
    RRF = "rrf"

    @classmethod
    def parse(cls, value: str) -> FusionMode:
        return parse_choice(cls, value, "fusion mode")


@dataclass(frozen=True)
class RetrieverResult:
    """Scores of one retriever over the pool's rows, in the pool's order; `found` marks rows it actually matched."""

    scores: np.ndarray
    found: np.ndarray  # bool mask

    @property
    def found_anything(self) -> bool:
        matched = self.scores[self.found]
        if len(matched) == 0:
            return False
        # a retriever that scores every row alike carries no ranking information either
        return len(matched) < len(self.scores) or float(np.ptp(matched)) > 0.0


def fuse(results: Mapping[str, RetrieverResult], mode: FusionMode) -> np.ndarray:
    """One fused score per row; rows no voting retriever found get -inf."""
    voters = [result for result in results.values() if result.found_anything]
    size = len(next(iter(results.values())).scores) if results else 0
    fused = np.zeros(size, dtype=np.float64)
    if not voters:
        return np.full(size, -np.inf)
    found_by_any = np.zeros(size, dtype=bool)
    for result in voters:
        found_by_any |= result.found
        fused += _zscores(result) if mode is FusionMode.ZSCORE else _reciprocal_ranks(result)
    fused /= len(voters)
    fused[~found_by_any] = -np.inf
    return fused


def _zscores(result: RetrieverResult) -> np.ndarray:
    scores = result.scores.astype(np.float64)
    spread = scores.std()
    return (scores - scores.mean()) / spread if spread > 0 else np.zeros_like(scores)


def _reciprocal_ranks(result: RetrieverResult) -> np.ndarray:
    order = np.argsort(-np.where(result.found, result.scores, -np.inf), kind="stable")
    ranks = np.empty(len(order), dtype=np.float64)
    ranks[order] = np.arange(1, len(order) + 1)
    return np.where(result.found, 1.0 / (RRF_K + ranks), 0.0)
