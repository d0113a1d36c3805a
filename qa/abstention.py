"""When to say the library does not cover a question.

A logistic model over the evidence (each retriever's best raw score, how much of the question
the library's vocabulary knows, whether it asks for a personal procedure, the
language) estimates whether a question is in scope.
Its weights and threshold are fitted on the gold set by `qa calibrate` and stored per
configuration in abstention.json; a configuration never calibrated never abstains.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from index.backend import Backend
from index.hybrid import LEXICAL, IndexConfig, Ranking
from qa.lexicon import Cue
from qa.understanding import Understanding

CALIBRATION_FILE = Path(__file__).with_name("abstention.json")


def config_key(config: IndexConfig) -> str:
    retrievers = ([LEXICAL] if config.bm25 else []) + list(config.encoders)
    key = f"{'+'.join(retrievers)}/{config.fusion.value}"
    # each backend's index is built apart (Milvus's HNSW fields are approximate), so its evidence is calibrated apart
    return key if config.backend is Backend.EMBEDDED else f"{config.backend.value}:{key}"


@dataclass(frozen=True)
class VocabularyEvidence:
    coverage: float  # the share of the question's words the library's vocabulary knows
    rarest_unknown: float  # how rare, in general language, the rarest word is that the library lacks


def evidence(ranking: Ranking, vocabulary: VocabularyEvidence, understanding: Understanding) -> dict[str, float]:
    """What the model sees. Raw, not fused, scores: fusion normalises each question's scores, so
    a question about something absent from the library still has a 'best' passage with a high
    fused score."""
    features = {
        # BM25 scores grow with the number of matched terms; the log keeps long questions from dominating
        f"best:{name}": math.log1p(score) if name == LEXICAL else score
        for name, score in sorted(ranking.best_scores.items())
    }
    features["vocabulary_coverage"] = vocabulary.coverage
    features["rarest_unknown"] = vocabulary.rarest_unknown
    features["personal_procedure"] = float(bool(understanding.cues & {Cue.PERSONAL, Cue.PROCEDURE}))
    # English questions meet Chinese passages: their similarities run lower across the board
    features["english"] = float(understanding.language == "en")
    return features


@dataclass(frozen=True)
class AbstentionModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    # abstain below this probability of being in scope; one per language, since English questions
    # meet Chinese passages and their evidence is weaker across the board
    thresholds: dict[str, float]

    def probability_in_scope(self, values: dict[str, float]) -> float:
        z = self.bias + sum(
            w * (values[name] - m) / s for name, m, s, w in zip(self.features, self.mean, self.scale, self.weights)
        )
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> dict:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
            "thresholds": self.thresholds,
        }

    @classmethod
    def from_json(cls, data: dict) -> AbstentionModel:
        return cls(
            tuple(data["features"]),
            tuple(data["mean"]),
            tuple(data["scale"]),
            tuple(data["weights"]),
            float(data["bias"]),
            {language: float(value) for language, value in data["thresholds"].items()},
        )


@dataclass(frozen=True)
class AbstentionPolicy:
    model: AbstentionModel | None

    @classmethod
    def for_config(cls, config: IndexConfig, path: Path = CALIBRATION_FILE) -> AbstentionPolicy:
        key = config_key(config)
        try:
            calibrations = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
            entry = calibrations.get(key)
            return cls(AbstentionModel.from_json(entry["model"]) if entry else None)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"{path}: the calibration for {key} is unreadable ({error!r}); run `qa calibrate`") from None

    def should_abstain(self, features: dict[str, float], language: str) -> bool:
        if self.model is None:
            return False
        # not one word of the question stands in the library: nothing there answers it, however
        # near the encoders place some passage
        if features.get(f"best:{LEXICAL}") == 0.0 and features["vocabulary_coverage"] == 0.0:
            return True
        return self.model.probability_in_scope(features) < self.model.thresholds[language]
