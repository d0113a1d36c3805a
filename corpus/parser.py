"""Parse a policy document's text into parts, subsections and citable passages.

The layout is that of Chinese government implementation opinions: a preamble, parts headed
"一、", subsections headed "（一）", numbered measures "1." each closing with its responsible
departments in a parenthesis, and a closing block (attachment, issuer, date).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.models import Document, Part, Passage, PassageKind, Subsection
from corpus.numerals import NUMERAL_CHARS, parse_chinese_number

PART_HEADING = re.compile(rf"^([{NUMERAL_CHARS}]+)、(.+)$")
SUBSECTION_HEADING = re.compile(rf"^（([{NUMERAL_CHARS}]+)）(.+)$")
MEASURE_START = re.compile(r"^(\d+)[.．、](.+)$")
DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
ATTACHMENT_LINE = re.compile(r"^附件[：:]")
RESPONSIBILITY = "负责"
NOT_EXHAUSTIVE = "等"
LIST_SEPARATOR = "、"


class ParseError(ValueError):
    """A document that cannot be parsed without losing or inventing content."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Responsibility:
    body: str
    departments: tuple[str, ...]
    ends_with_deng: bool


def split_responsibility(text: str) -> Responsibility | None:
    """Split a measure's closing parenthesis of responsible departments from its body.

    Only a parenthesis that closes the text and names who is responsible (负责) counts:
    parentheses inside the body, such as ＰＰＰ（政府与社会资本合作）, are part of the text.
    Anything after 负责 (measure 1's "列第一位的为牵头部门，下同") is a note, not a department.
    """
    if not text.endswith("）"):
        return None
    depth = 0
    for position in range(len(text) - 1, -1, -1):
        depth += {"）": 1, "（": -1}.get(text[position], 0)
        if depth == 0:
            break
    else:
        return None
    inner = text[position + 1 : -1]
    if RESPONSIBILITY not in inner:
        return None
    names = inner.split(RESPONSIBILITY, 1)[0]
    ends_with_deng = names.endswith(NOT_EXHAUSTIVE)
    names = names.removesuffix(NOT_EXHAUSTIVE)
    departments = tuple(name.strip() for name in names.split(LIST_SEPARATOR) if name.strip())
    if not departments:
        return None
    return Responsibility(text[:position].rstrip(), departments, ends_with_deng)


@dataclass
class _OpenPassage:
    kind: PassageKind
    line: int
    lines: list[str] = field(default_factory=list)
    measure: int | None = None


class DocumentParser:
    """Reads one document line by line; strict about numbering, explicit about what it skips."""

    def __init__(self, document_id: str, title: str):
        self.document_id = document_id
        self.title = title

    def parse(self, text: str) -> Document:
        passages: list[Passage] = []
        parts: list[Part] = []
        subsections: list[Subsection] = []
        warnings: list[str] = []
        part_title = subsection_title = ""
        open_passage: _OpenPassage | None = None
        last_measure = last_subsection = 0

        def close() -> None:
            nonlocal open_passage
            if open_passage is not None:
                passages.append(self._finish(open_passage, part_title, subsection_title, warnings))
                open_passage = None

        def close_part() -> None:
            if parts:
                parts[-1] = Part(parts[-1].number, parts[-1].title, parts[-1].line, tuple(subsections))
            subsections.clear()

        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip(" \t\u3000\ufeff")
            if not line:
                continue
            self._check_parentheses(line, number)
            if match := PART_HEADING.match(line):
                close()
                close_part()
                value = self._numeral(match.group(1), number)
                if value != len(parts) + 1:
                    raise ParseError(number, f"part {match.group(1)}、 out of order (expected part {len(parts) + 1})")
                part_title, subsection_title = match.group(2), ""
                parts.append(Part(value, part_title, number))
            elif match := SUBSECTION_HEADING.match(line):
                close()
                value = self._numeral(match.group(1), number)
                if value != last_subsection + 1:
                    raise ParseError(number, f"subsection （{match.group(1)}） out of order (expected {last_subsection + 1})")
                if not parts:
                    raise ParseError(number, f"subsection （{match.group(1)}） before any part heading")
                last_subsection = value
                subsection_title = match.group(2).rstrip("。")
                subsections.append(Subsection(value, subsection_title, number))
            elif match := MEASURE_START.match(line):
                close()
                value = int(match.group(1))
                if value != last_measure + 1:
                    raise ParseError(number, f"measure {value} out of order (expected {last_measure + 1})")
                if not parts:
                    raise ParseError(number, f"measure {value} before any part heading")
                last_measure = value
                open_passage = _OpenPassage(PassageKind.MEASURE, number, [match.group(2)], measure=value)
            elif ATTACHMENT_LINE.match(line) or DATE_LINE.match(line) or (
                open_passage is not None and open_passage.kind is PassageKind.CLOSING
            ):
                if open_passage is None or open_passage.kind is not PassageKind.CLOSING:
                    close()
                    open_passage = _OpenPassage(PassageKind.CLOSING, number)
                open_passage.lines.append(line)
            elif open_passage is not None and self._continues(open_passage):
                open_passage.lines.append(line)
            else:
                close()
                kind = PassageKind.PREAMBLE if not parts else PassageKind.SUBSECTION
                open_passage = _OpenPassage(kind, number, [line])
        close()
        close_part()
        if last_measure == 0:
            raise ParseError(1, "no numbered measures found (expected lines such as '1.…（…负责）')")
        issuer, date = self._issuer_and_date(passages)
        return Document(self.document_id, self.title, passages, parts, issuer, date, warnings)

    @staticmethod
    def _continues(open_passage: _OpenPassage) -> bool:
        """A measure runs on across lines until its department parenthesis closes it."""
        if open_passage.kind is PassageKind.MEASURE:
            return split_responsibility(open_passage.lines[-1]) is None
        # the salutation line and the preamble paragraph form one passage
        return open_passage.kind is PassageKind.PREAMBLE

    def _finish(self, open_passage: _OpenPassage, part: str, subsection: str, warnings: list[str]) -> Passage:
        text = "\n".join(open_passage.lines)
        common = dict(document=self.document_id, kind=open_passage.kind, text=text, line=open_passage.line)
        if open_passage.kind is PassageKind.PREAMBLE:
            return Passage(body=text, **common)
        if open_passage.kind is PassageKind.CLOSING:
            return Passage(body=text, **common)
        if open_passage.kind is PassageKind.SUBSECTION:
            return Passage(body=text, part=part, subsection=subsection, **common)
        responsibility = split_responsibility(text)
        if responsibility is None:
            warnings.append(f"line {open_passage.line}: measure {open_passage.measure} names no responsible departments")
            return Passage(body=text, part=part, subsection=subsection, measure=open_passage.measure, **common)
        return Passage(
            body=responsibility.body,
            part=part,
            subsection=subsection,
            measure=open_passage.measure,
            departments=responsibility.departments,
            ends_with_deng=responsibility.ends_with_deng,
            **common,
        )

    @staticmethod
    def _check_parentheses(line: str, number: int) -> None:
        depth = 0
        for char in line:
            depth += {"（": 1, "）": -1}.get(char, 0)
            if depth < 0:
                raise ParseError(number, "closing parenthesis ） without an opening one")
        if depth > 0:
            raise ParseError(number, "unclosed parenthesis （")

    @staticmethod
    def _numeral(text: str, line: int) -> int:
        try:
            return parse_chinese_number(text)
        except ValueError as error:
            raise ParseError(line, str(error)) from None

    @staticmethod
    def _issuer_and_date(passages: list[Passage]) -> tuple[str, str]:
        closing = [p for p in passages if p.kind is PassageKind.CLOSING]
        if not closing:
            return "", ""
        lines = closing[-1].text.split("\n")
        if len(lines) >= 2 and DATE_LINE.match(lines[-1]):
            return lines[-2], lines[-1]
        return "", ""


def parse_document(text: str, document_id: str, title: str = "") -> Document:
    return DocumentParser(document_id, title or document_id).parse(text)
