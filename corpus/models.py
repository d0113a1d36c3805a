"""The structure of a policy document: its headings, tasks and other citable passages."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from enum import Enum

from corpus.layout import normalized


PASSAGE_ID_SEPARATOR = "#"  # between a passage id's document and its place in the document


class PassageKind(str, Enum):
    PREAMBLE = "preamble"
    MEASURE = "measure"  # a numbered task
    SUBSECTION = "subsection"  # unnumbered text under a heading
    CLOSING = "closing"


@dataclass(frozen=True)
class Passage:
    """One citable unit of a document.

    A task (kind MEASURE) carries its responsible departments, lead first, and the collective
    parties it names (各有关部门, 各市（州）政府). Departments marked 按职责分工负责 with none named
    牵头 share the task: it has no lead. Other passages (preamble, unnumbered text under a heading,
    closing) have none.
    """

    document: str
    kind: PassageKind
    text: str
    body: str  # the text without its responsibility (closing bracket or 责任单位 lines)
    part: str = ""  # the first heading's title
    subsection: str = ""  # the second heading's title
    measure: int | None = None  # the task's number when it is an integer: 91, and 12 for 第十二条
    departments: tuple[str, ...] = ()
    ends_with_deng: bool = False  # a list ended in 等 (等负责): it is not exhaustive
    line: int = 0
    number: str = ""  # the task's number as printed: 91, 2.3, 第十二条, 十二
    headings: tuple[str, ...] = ()  # the titles of the headings above, outermost first
    parties: tuple[str, ...] = ()
    # the number qualified by its headings' numbers (二.3) where numbering restarts under each heading
    reference: str = ""
    shared: bool = False  # the departments share the task and none leads

    @property
    def id(self) -> str:
        if self.kind is PassageKind.MEASURE:
            return f"{self.document}{PASSAGE_ID_SEPARATOR}{self.reference or self.number}"
        return f"{self.document}{PASSAGE_ID_SEPARATOR}{self.kind.value}@{self.line}"

    @property
    def lead_department(self) -> str | None:
        return self.departments[0] if self.departments and not self.shared else None

    @property
    def co_departments(self) -> tuple[str, ...]:
        return self.departments if self.shared else self.departments[1:]


@dataclass(frozen=True)
class Subsection:
    """A heading directly under a part."""

    number: int  # 1 for （一）
    title: str
    line: int


@dataclass(frozen=True)
class Part:
    """A heading at the top of the outline (一、, 第一章)."""

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
    issuer: str = ""  # 发文机关
    date: str = ""  # 成文日期, as written
    warnings: list[str] = field(default_factory=list)
    doc_number: str = ""  # 文号, e.g. 吉政发〔2014〕20号
    attachments: tuple[str, ...] = ()

    @property
    def measures(self) -> list[Passage]:
        return [p for p in self.passages if p.kind is PassageKind.MEASURE]

    def heading_titles(self, parts: Collection[int], subsections: Collection[int]) -> tuple[set[str], set[str]]:
        """The titles of the parts numbered `parts` and of the subsections numbered `subsections`."""
        part_titles = {part.title for part in self.parts if part.number in parts}
        return part_titles, {s.title for part in self.parts for s in part.subsections if s.number in subsections}

    def under_headings(self, parts: Collection[int], subsections: Collection[int]) -> list[Passage]:
        """The passages under those parts and subsections ("第五部分", "（三）")."""
        part_titles, subsection_titles = self.heading_titles(parts, subsections)
        return [p for p in self.passages if p.part in part_titles or p.subsection in subsection_titles]

    def measure(self, number: int) -> Passage | None:
        for passage in self.measures:
            if passage.measure == number:
                return passage
        return None

    def task(self, number: str) -> Passage | None:
        """The task cited by its number as printed (第十二条 or 第十二條), or by its reference."""
        wanted = normalized(number.strip())
        for passage in self.measures:
            if wanted in (normalized(passage.reference), normalized(passage.number)):
                return passage
        return None
