"""The intent table: conditions on a question's cues and slots → intent, first match wins, in the
spirit of a conditional router. The table is data (intent_table.json); the conditions are here."""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from qa.answer import Intent
from qa.lexicon import Cue

TABLE_PATH = Path(__file__).with_name("intent_table.json")
CLASSIFY = "classify"  # the route's intent is left to the trained classifier
FOLLOW_UP_TOPIC_CHARS = 12  # a follow-up names little of its own; a longer subject is a new question


@dataclass(frozen=True)
class Signals:
    """What routing sees of a question: its cues and the slots filled from it."""

    cues: frozenset[Cue]
    departments: int
    unlisted: int  # bodies named that no document names (外交部)
    unwritten: int  # of those, the ones no passage writes either: a document's prose may name a body with no task
    measures: int
    scope_refs: int  # parts and subsections named
    line_ref: bool
    ordinal: bool  # "第二条呢" or "下一条呢": a citation of the previous answer, or its neighbour
    in_conversation: bool
    topic: str  # the subject left once references, departments and cue words are cut out
    has_topic: bool  # the subject names something the library's vocabulary knows
    counted: str = ""  # what a how-many question counts when it is neither tasks nor departments (游客, jobs)
    names_document: bool = False  # the subject is what a document's title names: the document itself
    threshold: bool = False  # a number a count is asked against: 是不是超过50项, at least five measures


def _cue(cue: Cue) -> Callable[[Signals], bool]:
    return lambda s: cue in s.cues


def _asks_who(s: Signals) -> bool:
    return bool(s.cues & {Cue.LEAD_QUESTION, Cue.RESPONSIBLE})


def _role_or_list(s: Signals) -> bool:
    return bool(s.cues & {Cue.LIST, Cue.EXHAUSTIVE, Cue.COUNT, Cue.LEAD, Cue.PARTICIPATE, Cue.ALL_ROLES, Cue.SUPPORT, Cue.RESPONSIBLE})


def leads_only(cues: frozenset[Cue]) -> bool:
    """Whether a question asks about the lead role alone ("发改委牵头的"), not any role ("参与的", "配合的也算")."""
    return bool(cues & {Cue.LEAD, Cue.LEAD_QUESTION}) and not cues & {Cue.PARTICIPATE, Cue.ALL_ROLES, Cue.SUPPORT}


SLOTS: dict[str, Callable[[Signals], bool]] = {
    "context": lambda s: s.in_conversation,
    "ordinal": lambda s: s.ordinal,
    "measure_ref": lambda s: s.measures > 0,
    "scope_ref": lambda s: s.scope_refs > 0,
    "line_ref": lambda s: s.line_ref,
    "department": lambda s: s.departments >= 1,
    # a body no document names is still one asked about: "是外交部牵头吗" is answered no
    "names_a_body": lambda s: s.departments + s.unlisted >= 1,
    "two_departments": lambda s: s.departments + s.unlisted >= 2,
    "unlisted_department": lambda s: s.unlisted > 0,
    "unwritten_body": lambda s: s.unwritten > 0,
    # a role asked of a body: "联席会议办公室牵头哪些任务？", not "…定期研究什么？"
    "role_asked": lambda s: bool(s.cues & {Cue.LEAD, Cue.PARTICIPATE, Cue.ALL_ROLES, Cue.SUPPORT, Cue.RESPONSIBLE, Cue.COUNT}),
    "topic": lambda s: s.has_topic,
    "names_a_document": lambda s: s.names_document,
    "threshold": lambda s: s.threshold,
    # no subject but the document: "文件分为哪几部分？", "长春老旧小区改造方案是哪天印发的？"
    "document_itself": lambda s: not s.has_topic or s.names_document,
    # nothing of its own to be about: no department, subject, measure, part or line ("一共有多少条措施？")
    "counts_a_figure": lambda s: bool(s.counted),
    "no_subject": lambda s: not (s.departments or s.measures or s.scope_refs or s.line_ref or s.topic.strip()),
    # a subject is named, whether or not the library knows its words ("elderly care")
    "named_topic": lambda s: bool(s.topic.strip()),
    # "how many?", "那配合部门呢？": little of its own to ask about, so it is about the last answer
    "follows_up": lambda s: (Cue.FOLLOW_UP in s.cues or not s.has_topic) and len(s.topic.replace(" ", "")) <= FOLLOW_UP_TOPIC_CHARS,
    "lead": lambda s: bool(s.cues & {Cue.LEAD, Cue.LEAD_QUESTION}),
    "leads_only": lambda s: leads_only(s.cues),
    "asks_who": _asks_who,
    # "国开行棚改贷款谁负责": naming a department in a who-question does not ask for its list
    "asks_who_only": lambda s: _asks_who(s) and not s.cues & {Cue.LIST, Cue.EXHAUSTIVE, Cue.COUNT, Cue.ALL_ROLES},
    "list_asked": lambda s: bool(s.cues & {Cue.LIST, Cue.EXHAUSTIVE, Cue.COUNT, Cue.ALL_ROLES}) and not s.cues & {Cue.YES_NO},
    # "国开行棚改贷款的利率是多少", "财政厅有多少个处室": a sum, figure or date asked about, not a department's list
    "asks_quantity": lambda s: bool(s.cues & {Cue.MONEY, Cue.FIGURE, Cue.DATE}) and (Cue.COUNT not in s.cues or bool(s.counted)),
    "role_or_list": _role_or_list,
    # "哪个部门牵头的措施最多": who-words and role words both say what departments are compared by
    "asks_about_roles": lambda s: _role_or_list(s) or _asks_who(s),
}
CONDITIONS: dict[str, Callable[[Signals], bool]] = {**{cue.value: _cue(cue) for cue in Cue}, **SLOTS}


@dataclass(frozen=True)
class Route:
    intent: Intent | None  # None: ask the classifier
    when: tuple[str, ...]
    unless: tuple[str, ...] = ()

    def matches(self, signals: Signals) -> bool:
        return all(CONDITIONS[c](signals) for c in self.when) and not any(CONDITIONS[c](signals) for c in self.unless)


def _condition(name: str) -> str:
    if name not in CONDITIONS:
        raise ValueError(f"unknown condition {name!r}; valid conditions: {', '.join(CONDITIONS)}")
    return name


def _intent(name: str) -> Intent | None:
    if name == CLASSIFY:
        return None
    try:
        return Intent(name)
    except ValueError:
        raise ValueError(f"unknown intent {name!r}; valid intents: {', '.join([*(i.value for i in Intent), CLASSIFY])}") from None


class IntentTable:
    def __init__(self, routes: list[Route]):
        self.routes = routes

    @classmethod
    def load(cls, path: Path = TABLE_PATH) -> IntentTable:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def from_json(cls, data: Mapping) -> IntentTable:
        routes = [
            Route(
                _intent(row["intent"]),
                tuple(_condition(c) for c in row.get("when", ())),
                tuple(_condition(c) for c in row.get("unless", ())),
            )
            for row in data["routes"]
        ]
        if not routes or routes[-1].when:
            raise ValueError("the intent table must end with a route that always matches (an empty `when`)")
        return cls(routes)

    def to_json(self) -> dict:
        return {
            "routes": [
                {"intent": route.intent.value if route.intent else CLASSIFY, "when": list(route.when), "unless": list(route.unless)}
                for route in self.routes
            ]
        }

    def route(self, signals: Signals) -> Intent | None:
        """The intent of the first route that matches; None where the classifier must decide."""
        return next(route.intent for route in self.routes if route.matches(signals))
