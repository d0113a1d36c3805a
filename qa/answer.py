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
    DEPT_RANKING = "dept_ranking"  # which department leads (or takes part in) the most measures, or of D1 and D2 the more
    MEASURE = "measure"  # what does measure N say / who is responsible for it
    TOPIC = "topic"  # plain-words topic
    YES_NO = "yes_no"  # does D lead X? — answered yes or no
    EITHER_OR = "either_or"  # does D1 or D2 lead X? — answered with the one that does
    FOLLOW_UP = "follow_up"
    DOCUMENT = "document"  # what a document is: its title, 文号, issuer, date and how many tasks it sets
    OUT_OF_SCOPE = "oos"


class Verdict(str, Enum):
    YES = "yes"
    NO = "no"


class Role(str, Enum):
    LEAD = "lead"  # listed first: 牵头部门
    CO = "co"  # listed after the lead: 配合部门
    ANY = "any"  # leads or supports


class AnswerItem(BaseModel):
    """One fact of the direct answer: a department and the cited measures in which it has a role."""

    department: str = Field(description="The department as the document names it")
    label: str = Field(description="The department's name in the answer's language")
    role: Role
    measures: list[str] = Field(description="Task numbers as printed (91, 2.3, 第十二条), each one among the citations")
    document: str


class Citation(BaseModel):
    id: str = Field(description="The passage: document id # task number (jilin-…#91)")
    label: str = Field(description="What the answer calls it, in the answer's language: 第91条, No. 91, 二（一）1, or its heading")
    document: str
    title: str = Field(description="The document's title")
    doc_number: str = Field(description="The document's 文号, e.g. 吉政发〔2014〕20号; empty where it states none")
    number: str = Field(description="The task number as printed (91, 2.3, 第十二条); empty for other passages")
    measure: int | None = Field(description="The task number where it is an integer; null for the preamble, unnumbered text and the closing")
    part: str
    subsection: str
    text: str = Field(description="The passage quoted verbatim from the document")
    body: str = Field(description="The passage without its note of responsible departments")
    departments: list[str] = Field(description="Responsible departments in written order")
    lead_department: str | None = Field(description="The lead department (牵头部门): named 牵头, else listed first; null where the task names none as lead")
    lead_department_en: str | None = Field(default=None, description="The lead department's English name")
    parties: list[str] = Field(default_factory=list, description="Collective parties the task names besides departments (各有关部门, 各市（州）政府)")
    score: float


class Answer(BaseModel):
    question: str
    language: Literal["zh", "en"]
    intent: Intent
    direct: str = Field(description="One sentence that answers the question from the cited measures")
    answer: str = Field(description="The direct answer followed by one line per citation, as plain text")
    items: list[AnswerItem] = Field(default_factory=list, description="The facts the direct answer states, as data")
    verdict: Verdict | None = Field(default=None, description="yes/no questions: whether the named department leads, or has more (fewer) measures than the other named")
    choice: str | None = Field(default=None, description="either/or questions: the named department that leads")
    abstained: bool
    citations: list[Citation] = Field(description="Ranked best first")
    count: int | None = Field(default=None, description="The exact number asked for by a how-many question")
