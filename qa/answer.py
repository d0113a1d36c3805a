"""The answer JSON: the one contract shared by the CLI, the HTTP API, the chat adapters and eval."""
from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field


class Intent(str, Enum):
    LEAD = "lead"  # who leads X
    DEPARTMENTS = "departments"  # which departments are responsible for X
    DEPT_LEAD = "dept_lead"  # which measures does department D lead
    DEPT_ALL = "dept_all"  # which measures does D take part in
    DEPT_LEAD_COUNT = "dept_lead_count"  # how many measures does D lead
    DEPT_ALL_COUNT = "dept_all_count"  # how many measures does D take part in
    MEASURE = "measure"  # what does measure N say / who is responsible for it
    TOPIC = "topic"  # plain-words topic
    FOLLOW_UP = "follow_up"
    OUT_OF_SCOPE = "oos"


class Citation(BaseModel):
    document: str
    measure: int | None = Field(description="Measure number; null for the preamble, unnumbered subsections and the closing")
    part: str
    subsection: str
    text: str = Field(description="The passage quoted verbatim from the document")
    departments: list[str] = Field(description="Responsible departments in written order")
    lead_department: str | None = Field(description="The first department listed (牵头部门)")
    score: float


class Answer(BaseModel):
    question: str
    language: Literal["zh", "en"]
    intent: Intent
    answer: str
    abstained: bool
    citations: list[Citation] = Field(description="Ranked best first")
    count: int | None = Field(default=None, description="The exact number asked for by a how-many question")
