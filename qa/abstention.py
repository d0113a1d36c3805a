"""When to say the library does not cover a question, calibrated on the gold set (`qa calibrate`)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.hybrid import LEXICAL, Hit, IndexConfig

CALIBRATION_FILE = Path(__file__).with_name("abstention.json")


def config_key(config: IndexConfig) -> str:
    retrievers = ([LEXICAL] if config.bm25 else []) + list(config.encoders)
    return f"{'+'.join(retrievers)}/{config.fusion.value}"


def confidence(hits: Sequence[Hit]) -> float:
    """How well the best passage matches: the mean raw similarity the dense encoders give it.

    Raw similarities, not fused scores: fusion normalises each question's scores, so a question
    about something absent from the library still has a 'best' passage with a high fused score.
    BM25 alone has only its raw score, used when no encoder is configured.
    """
    if not hits:
        return float("-inf")
    scores = hits[0].retriever_scores
    dense = [score for name, score in scores.items() if name != LEXICAL]
    return sum(dense) / len(dense) if dense else scores.get(LEXICAL, 0.0)


@dataclass(frozen=True)
class AbstentionPolicy:
    threshold: float | None  # None: no calibration for this configuration, so never abstain

    @classmethod
    def for_config(cls, config: IndexConfig, path: Path = CALIBRATION_FILE) -> AbstentionPolicy:
        calibrations = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        entry = calibrations.get(config_key(config))
        return cls(entry["threshold"] if entry else None)

    def should_abstain(self, hits: Sequence[Hit]) -> bool:
        return self.threshold is not None and confidence(hits) < self.threshold
