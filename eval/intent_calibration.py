"""Fit the question classifier on the gold part and store it (`qa calibrate`).

It learns from the gold questions whose kind is a retrieval intent (who leads, which departments,
a topic); the intent table decides everything else by rule. The cross-validated accuracy is the
estimate for questions it has not seen.
"""
from __future__ import annotations

import json
from pathlib import Path

from corpus.departments import DepartmentRegistry
from eval.gold import load_gold
from index.translate import QueryTranslator
from qa.answer import Intent
from qa.intent_classifier import CLASSES, MODEL_PATH, fit
from qa.pipeline import build_tokenizer
from qa.question import Question
from qa.understanding import QuestionReader


def calibrate_intents(gold_path: Path, model_path: Path = MODEL_PATH) -> dict:
    registry = DepartmentRegistry.load()
    reader = QuestionReader(registry, build_tokenizer(registry, QueryTranslator()), classifier=None)
    learnable = {intent.value for intent in CLASSES}
    examples = [
        (reader.classifier_features(Question.parse(row.q)), Intent(row.kind))
        for row in load_gold(gold_path)
        if row.kind in learnable
    ]
    report = fit(examples)
    model_path.write_text(json.dumps(report.classifier.to_json(), ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return {
        "intent_classifier": str(model_path.name),
        "examples": report.examples,
        "features": len(report.classifier.weights),
        "cross_validated_accuracy": round(report.cross_validated_accuracy, 3),
        "folds": report.folds,
    }
