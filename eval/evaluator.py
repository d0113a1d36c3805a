"""Base class of the evaluators: score each question in scope, report the mean of every score."""
from __future__ import annotations

from abc import ABC, abstractmethod

from eval.gold import GoldQuestion
from qa.answer import Answer


class Evaluator(ABC):
    @abstractmethod
    def question_scores(self, row: GoldQuestion, answer: Answer) -> dict[str, float]:
        """This question's scores by metric name; empty when the question is outside this evaluator's scope."""

    def __call__(self, rows: list[GoldQuestion], answers: list[Answer]) -> dict[str, float]:
        """Mean of each metric over the questions in scope; a metric with no question in scope is absent, not 0."""
        scores_by_metric: dict[str, list[float]] = {}
        for row, answer in zip(rows, answers, strict=True):
            for metric, score in self.question_scores(row, answer).items():
                scores_by_metric.setdefault(metric, []).append(score)
        return {metric: sum(scores) / len(scores) for metric, scores in scores_by_metric.items()}
