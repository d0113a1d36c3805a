"""What one evaluation run produces: metrics per group, and every question with what was cited."""
from __future__ import annotations

from pydantic import BaseModel

from eval.gold import GoldQuestion

Metrics = dict[str, float]  # metric name -> value; "questions" is the number of questions in the group


class QuestionResult(BaseModel):
    gold: GoldQuestion
    intent: str
    abstained: bool
    direct: str  # the answer's first line
    cited: list[int | str]  # measure numbers of the gold document in citation order; passage ids of other documents
    cited_leads: list[str | None]  # lead department given for each cited measure, same order
    count: int | None
    verdict: str | None  # yes/no given
    choice: str | None  # department given as leading, for either/or
    scores: Metrics


class EvalResult(BaseModel):
    """One part's questions scored under one configuration."""

    overall: Metrics
    by_language: dict[str, Metrics]
    by_kind: dict[str, Metrics]
    by_kind_language: dict[str, dict[str, Metrics]]  # kind -> language -> metrics
    questions: list[QuestionResult]


PartResults = dict[str, EvalResult]  # part name ("fitted", "test", or one file's) -> its result
