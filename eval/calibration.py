"""Fit the abstention model on the gold set and store it for the configuration (`qa calibrate`).

Only the questions the model will judge take part: those answered by retrieval. The model is a
logistic regression over standardised evidence; each language's threshold is the highest
probability cut that keeps that language's false abstention within FALSE_ABSTENTION_BUDGET. Five-fold
cross-validated figures are reported beside the fitted ones, as the honest estimate for
questions the model has not seen.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from eval.gold import OUT_OF_SCOPE, load_gold
from qa.abstention import CALIBRATION_FILE, AbstentionModel, AbstentionPolicy, config_key
from qa.errors import UsageError
from qa.pipeline import QAPipeline, index_config
from qa.settings import Settings

FALSE_ABSTENTION_BUDGET = 0.02  # rules answer the near-miss kinds (figures, dates, procedures, places); the model must rarely refuse a real question
L2_PENALTY = 1.0
ITERATIONS = 5000
LEARNING_RATE = 0.1
FOLDS = 5


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights and bias by gradient descent on the L2-penalised log loss (x already standardised)."""
    weights = np.zeros(x.shape[1])
    bias = 0.0
    for _ in range(ITERATIONS):
        p = 1.0 / (1.0 + np.exp(-(x @ weights + bias)))
        gradient = p - y
        weights -= LEARNING_RATE * (x.T @ gradient / len(y) + L2_PENALTY * weights / len(y))
        bias -= LEARNING_RATE * gradient.mean()
    return weights, bias


def choose_threshold(probabilities: np.ndarray, in_scope: np.ndarray) -> float:
    """The highest cut whose false-abstention rate on in-scope questions stays within budget."""
    allowed = int(np.floor(FALSE_ABSTENTION_BUDGET * in_scope.sum()))
    in_scope_probabilities = np.sort(probabilities[in_scope == 1])
    # abstaining below the (allowed+1)-th lowest in-scope probability abstains on `allowed` of them
    return float(in_scope_probabilities[allowed]) if allowed < len(in_scope_probabilities) else 0.5


@dataclass(frozen=True)
class Observations:
    names: list[str]
    x: np.ndarray  # one row of evidence per question
    in_scope: np.ndarray  # 1.0 in scope, 0.0 out of scope
    languages: np.ndarray

    def subset(self, rows: np.ndarray) -> Observations:
        return Observations(self.names, self.x[rows], self.in_scope[rows], self.languages[rows])

    def abstained(self, model: AbstentionModel) -> np.ndarray:
        return np.array(
            [model.probability_in_scope(dict(zip(self.names, row))) < model.thresholds[language] for row, language in zip(self.x, self.languages)]
        )


def fit_model(observations: Observations) -> AbstentionModel:
    x, y = observations.x, observations.in_scope
    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    weights, bias = fit_logistic((x - mean) / scale, y)
    fitted = AbstentionModel(tuple(observations.names), tuple(mean), tuple(scale), tuple(weights), float(bias), {})
    probabilities = np.array([fitted.probability_in_scope(dict(zip(observations.names, row))) for row in x])
    thresholds = {
        language: choose_threshold(probabilities[observations.languages == language], y[observations.languages == language])
        for language in sorted(set(observations.languages))
    }
    return replace(fitted, thresholds=thresholds)


def rates(abstained: np.ndarray, in_scope: np.ndarray) -> dict[str, float]:
    return {
        "abstention_recall": float(abstained[in_scope == 0].mean()),
        "false_abstention_rate": float(abstained[in_scope == 1].mean()),
    }


def cross_validated(observations: Observations) -> dict[str, float]:
    order = np.random.default_rng(0).permutation(len(observations.in_scope))
    abstained = np.zeros(len(order), dtype=bool)
    for fold in range(FOLDS):
        held_out = order[fold::FOLDS]
        model = fit_model(observations.subset(np.setdiff1d(order, held_out)))
        abstained[held_out] = observations.subset(held_out).abstained(model)
    return rates(abstained, observations.in_scope)


def calibrate(settings: Settings, gold_path: Path, path: Path = CALIBRATION_FILE) -> dict:
    # the evidence is the same whatever an earlier calibration decided
    pipeline = QAPipeline.from_settings(settings, abstention=AbstentionPolicy(None))
    names: list[str] = []
    rows, labels, languages = [], [], []
    for question in load_gold(gold_path):
        if question.context:
            continue  # a follow-up means something only after its earlier turns, which the evidence does not see
        features = pipeline.retrieval_evidence(question.q)
        if features is None:
            continue
        names = names or list(features)
        rows.append([features[name] for name in names])
        labels.append(0.0 if question.kind == OUT_OF_SCOPE else 1.0)
        languages.append(question.lang)
    observations = Observations(names, np.array(rows), np.array(labels), np.array(languages))
    for language in sorted(set(languages)):
        if len(set(observations.in_scope[observations.languages == language])) < 2:
            raise UsageError(f"{gold_path} needs in-scope and out-of-scope {language} questions answered by retrieval to calibrate")
    model = fit_model(observations)
    key = config_key(index_config(settings))
    entry = {
        "model": model.to_json(),
        "calibrated_on": gold_path.name,
        "questions": len(labels),
        "out_of_scope": int((observations.in_scope == 0).sum()),
        "fitted": rates(observations.abstained(model), observations.in_scope),
        "cross_validated": cross_validated(observations),
    }
    calibrations = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    calibrations[key] = entry
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(calibrations, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)
    return {key: entry}


def stored_calibration(settings: Settings, path: Path = CALIBRATION_FILE) -> dict | None:
    """What `qa calibrate` recorded for the configuration, without the model itself; None if never calibrated."""
    calibrations = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    entry = calibrations.get(config_key(index_config(settings)))
    return None if entry is None else {name: value for name, value in entry.items() if name != "model"}
