"""The gold question set: one JSON object per line, validated against an exact schema."""
from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from eval.corpus_departments import GOLD_DOCUMENT_ID
from qa.errors import UsageError

Kind = Literal[
    "lead",
    "departments",
    "dept_lead",
    "dept_all",
    "dept_lead_count",
    "dept_all_count",
    "dept_co",
    "dept_co_count",
    "dept_count",
    "dept_joint",
    "dept_ranking",
    "measure",
    "topic",
    "yes_no",
    "either_or",
    "follow_up",
    "oos",
]
Language = Literal["zh", "en"]

KINDS: tuple[str, ...] = get_args(Kind)
LANGUAGES: tuple[str, ...] = get_args(Language)
OUT_OF_SCOPE = "oos"
# Questions about one department: `lead` holds that department's canonical name and `relevant` every
# measure it leads (dept_lead, dept_lead_count), appears in (dept_all, dept_all_count) or supports
# without leading (dept_co, dept_co_count).
DEPARTMENT_KINDS: tuple[str, ...] = ("dept_lead", "dept_all", "dept_co", "dept_lead_count", "dept_all_count", "dept_co_count")
COUNT_KINDS: tuple[str, ...] = ("dept_lead_count", "dept_all_count", "dept_co_count")
# How many departments are responsible for a measure or a piece of work: `relevant` holds the measures,
# `lead` their lead departments and `count` the number of departments they name.
DEPARTMENTS_COUNTED_KIND = "dept_count"
# The measures every department in `lead` takes part in ("发改委和财政厅共同参与的措施").
JOINT_KIND = "dept_joint"
# Which department leads or takes part in the most (or fewest) measures: `lead` holds the department(s)
# that come first, `relevant` their measures and `count` how many each has.
RANKING_KIND = "dept_ranking"
# yes/no questions expect "yes" or "no"; either/or questions expect the canonical name of the one that leads;
# a ranking question asked yes or no ("科技厅牵头的比人社厅多吗？") expects "yes" or "no" too
YES_NO = ("yes", "no")
VERDICT_KINDS: tuple[str, ...] = ("yes_no", "either_or")
YES_NO_KINDS: tuple[str, ...] = ("yes_no", RANKING_KIND)

GOLD_PATH = Path(__file__).with_name("gold.jsonl")  # the fitted part: rules, lexicons and models may learn from it
TEST_PATH = Path(__file__).with_name("test.jsonl")  # the held-out part: written separately, never fitted on


class GoldQuestion(BaseModel):
    # strict: a measure written as "91" or a count written as 4.0 is a typo in the gold file, not a value
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: str
    q: str
    lang: Language
    kind: Kind
    # The document asked about. Its tasks are named by their id within it: 91, or "二.一.1", "2.3", "第三條"
    # where tasks are numbered so; a task of another document of the library by its full passage id
    # ("jilin-northeast-revitalization-2014#12"), for a department's list that spans documents.
    document: str = GOLD_DOCUMENT_ID
    relevant: list[int | str]  # tasks the answer must cite
    related: list[int | str]  # tasks it may also cite without penalty
    lead: list[str]  # expected lead departments, or for department kinds the department asked about
    count: int | None
    expect: str | None = None  # yes_no: "yes" | "no"; either_or: the department (canonical name) that leads
    context: list[str] = []  # earlier questions of the same conversation, asked first (follow_up)

    @model_validator(mode="after")
    def _consistent_with_kind(self) -> GoldQuestion:
        if self.kind == OUT_OF_SCOPE and (self.relevant or self.related or self.lead or self.count is not None):
            raise ValueError("an out-of-scope question expects no measures, departments or count")
        if self.kind in DEPARTMENT_KINDS and len(self.lead) != 1:
            raise ValueError("a department question names exactly one department in `lead`")
        if self.kind in COUNT_KINDS and self.count != len(self.relevant):
            raise ValueError("a how-many question's count must equal the number of relevant measures")
        if self.kind == JOINT_KIND and len(self.lead) < 2:
            raise ValueError("a question about departments together names at least two in `lead`")
        if self.kind == RANKING_KIND and (not self.lead or self.count is None):
            raise ValueError("a ranking question needs the department(s) first in `lead` and their number of measures in `count`")
        if self.kind == DEPARTMENTS_COUNTED_KIND and (self.count is None or not self.relevant):
            raise ValueError("a how-many-departments question needs its measures and the number of departments they name")
        if self.kind == "yes_no" and self.expect not in YES_NO:
            raise ValueError(f"a yes/no question expects one of {', '.join(YES_NO)}")
        if self.kind == "either_or" and not self.expect:
            raise ValueError("an either/or question expects the department that leads")
        if self.kind == RANKING_KIND and self.expect not in (None, *YES_NO):
            raise ValueError(f"a ranking question asked yes or no expects one of {', '.join(YES_NO)}")
        if self.kind not in (*VERDICT_KINDS, RANKING_KIND) and self.expect is not None:
            raise ValueError("only yes/no, either/or and ranking questions have `expect`")
        if self.kind == "follow_up" and not self.context:
            raise ValueError("a follow-up question needs the earlier questions of its conversation in `context`")
        if set(self.relevant) & set(self.related):
            raise ValueError("a measure cannot be both relevant and related")
        return self


def load_gold(path: Path) -> list[GoldQuestion]:
    """Read a gold file; a malformed line or a repeated id raises ValueError naming its line number."""
    questions: list[GoldQuestion] = []
    first_line_of_id: dict[str, int] = {}
    with path.open(encoding="utf-8") as lines:
        for line_number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                question = GoldQuestion.model_validate_json(line)
            except ValidationError as error:
                raise UsageError(f"{path}, line {line_number}: {error}") from error
            if question.id in first_line_of_id:
                first = first_line_of_id[question.id]
                raise UsageError(f"{path}, line {line_number}: id {question.id!r} already used on line {first}")
            first_line_of_id[question.id] = line_number
            questions.append(question)
    return questions
