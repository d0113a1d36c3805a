"""The structure of a policy document: parts, subsections and citable passages."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class PassageKind(str, Enum):
    PREAMBLE = "preamble"
    MEASURE = "measure"
    SUBSECTION = "subsection"  # a subsection whose text carries no numbered measures
    CLOSING = "closing"


@dataclass(frozen=True)
class Passage:
    """One citable unit of a document.

    A numbered measure carries its responsible departments in written order; the first is the
    lead department. Other passages (preamble, unnumbered subsections, closing) have none.
    """

    document: str
    kind: PassageKind
    text: str
    body: str  # the text without the trailing department parenthesis
    part: str = ""
    subsection: str = ""
    measure: int | None = None
    departments: tuple[str, ...] = ()
    ends_with_deng: bool = False  # the parenthesis ended in 等负责: the list is not exhaustive
    line: int = 0

    @property
    def id(self) -> str:
        suffix = str(self.measure) if self.measure is not None else f"{self.kind.value}@{self.line}"
        return f"{self.document}#{suffix}"

    @property
    def lead_department(self) -> str | None:
        return self.departments[0] if self.departments else None

    @property
    def co_departments(self) -> tuple[str, ...]:
        return self.departments[1:]


@dataclass(frozen=True)
class Subsection:
    number: int  # 1 for （一）
    title: str
    line: int


@dataclass(frozen=True)
class Part:
    number: int  # 1 for 一、
    title: str
    line: int
    subsections: tuple[Subsection, ...] = ()


@dataclass
class Document:
    id: str
    title: str
    passages: list[Passage]
    parts: list[Part]
    issuer: str = ""
    date: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def measures(self) -> list[Passage]:
        return [p for p in self.passages if p.kind is PassageKind.MEASURE]

    def measure(self, number: int) -> Passage | None:
        for passage in self.measures:
            if passage.measure == number:
                return passage
        return None
