"""A small trained classifier for the questions the intent table leaves open: does a question with
no decisive wording ask who leads, which departments are responsible, or about a topic?

Logistic regression over character n-grams of the question (departments and numbers masked, so it
learns wording, not names) and its cue words. Fitted on the gold part by `qa calibrate`; serving
reads the weights from intent_model.json and needs no scikit-learn.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.answer import Intent

MODEL_PATH = Path(__file__).with_name("intent_model.json")
CLASSES: tuple[Intent, ...] = (Intent.LEAD, Intent.DEPARTMENTS, Intent.TOPIC)
NGRAM_SIZES = (1, 2, 3)
DEPARTMENT_MASK = "Ⓓ"
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")


def features(masked_text: str, cues: Iterable[str]) -> list[str]:
    """Character n-grams of the lower-cased text, and one feature per cue."""
    text = _SPACES.sub(" ", _DIGITS.sub("0", masked_text.lower())).strip()
    grams = [f"c:{text[i:i + n]}" for n in NGRAM_SIZES for i in range(len(text) - n + 1)]
    return [*grams, *(f"cue:{cue}" for cue in sorted(cues))]


@dataclass(frozen=True)
class IntentClassifier:
    classes: tuple[Intent, ...]
    weights: dict[str, tuple[float, ...]]  # feature -> one weight per class
    bias: tuple[float, ...]

    def probabilities(self, feature_list: Sequence[str]) -> dict[Intent, float]:
        scores = list(self.bias)
        for feature in set(feature_list):
            for i, weight in enumerate(self.weights.get(feature, ())):
                scores[i] += weight
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {intent: e / total for intent, e in zip(self.classes, exps, strict=True)}

    def predict(self, feature_list: Sequence[str]) -> Intent:
        probabilities = self.probabilities(feature_list)
        return max(probabilities, key=probabilities.__getitem__)

    def to_json(self) -> dict:
        return {"classes": [c.value for c in self.classes], "bias": list(self.bias), "weights": {f: list(w) for f, w in self.weights.items()}}

    @classmethod
    def from_json(cls, data: dict) -> IntentClassifier:
        return cls(
            tuple(Intent(c) for c in data["classes"]),
            {feature: tuple(w) for feature, w in data["weights"].items()},
            tuple(data["bias"]),
        )

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> IntentClassifier | None:
        """The fitted classifier; None where none was fitted (the table's open questions are then topics)."""
        if not path.exists():
            return None
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}: the intent classifier is unreadable ({error!r}); run `qa calibrate`") from None


@dataclass(frozen=True)
class FitReport:
    classifier: IntentClassifier
    examples: int
    cross_validated_accuracy: float
    folds: int


def fit(examples: Sequence[tuple[list[str], Intent]], folds: int = 5, regularisation: float = 4.0) -> FitReport:
    """Fit on (features, intent) pairs and estimate accuracy on unseen questions by stratified k-fold."""
    # Imported here: only fitting needs scikit-learn; serving reads the weights.
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform([dict.fromkeys(f, 1.0) for f, _ in examples])
    labels = [CLASSES.index(intent) for _, intent in examples]
    model = LogisticRegression(C=regularisation, max_iter=2000)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    accuracy = float(cross_val_score(model, matrix, labels, cv=splitter).mean())
    model.fit(matrix, labels)
    names = vectoriser.get_feature_names_out()
    coefficients = model.coef_.T
    # Binary fits give one row of coefficients; the three classes always give three.
    weights = {
        str(name): tuple(round(float(w), 5) for w in row)
        for name, row in zip(names, coefficients, strict=True)
        if any(abs(w) > 1e-4 for w in row)
    }
    classes = tuple(CLASSES[i] for i in model.classes_)
    classifier = IntentClassifier(classes, weights, tuple(round(float(b), 5) for b in model.intercept_))
    return FitReport(classifier, len(examples), accuracy, folds)
