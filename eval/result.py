"""What one evaluation run produces: metrics per group, and every question with what was cited."""
from __future__ import annotations

from pydantic import BaseModel

from eval.gold import GoldQuestion

Metrics = dict[str, float]  # metric name -> value; "questions" is the number of questions in the group


class QuestionResult(BaseModel):
    gold: GoldQuestion
    intent: str
    abstained: bool
    cited: list[int]  # measure numbers in citation order
    cited_leads: list[str | None]  # lead department given for each cited measure, same order
    count: int | None
    scores: Metrics


class EvalResult(BaseModel):
    overall: Metrics
    by_language: dict[str, Metrics]
    by_kind: dict[str, Metrics]
    by_kind_language: dict[str, dict[str, Metrics]]  # kind -> language -> metrics
    questions: list[QuestionResult]
