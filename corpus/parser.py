"""Parse a policy document into headings, tasks and citable passages, whatever its layout.

The numbering styles a document uses are its levels (corpus.layout). The deepest level whose items
name who is responsible carries the tasks; where none names anyone, the deepest level does (the
article, 第N条, in a regulation), unless a task-division table holds the tasks. The levels above
are headings; deeper items run on inside their task. A heading that names who is responsible and
has no tasks under it is a task itself. Unnumbered paragraphs are citable passages of their own:
the preamble, text under a heading, the closing block. Numbering that skips or runs backwards is
reported in Document.warnings; only a document with no text at all is an error.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

from corpus.layout import ARTICLE, Marker, NumberingCheck, find_marker, levels, normalized
from corpus.metadata import read_metadata
from corpus.models import Document, Part, Passage, PassageKind, Subsection
from corpus.responsibility import (
    NO_ONE,
    Responsibility,
    Split,
    TableGroup,
    TableTask,
    is_field_line,
    read_labelled,
    read_task_table,
    split_trailing,
)
from corpus.source import Block, Paragraph, SourceText, Table

EDGE_WHITESPACE = " \t\u3000\ufeff"
SENTENCE_ENDS = "。！？；!?;"
CLOSING_QUOTES = "”’」』）)"
TITLE_TRIM = "。：: "
TABLE_CELL_SEPARATOR = " | "


class ParseError(ValueError):
    """A document that cannot be parsed at all."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class _TaskReading:
    """The paragraphs a task takes: its own until a bracket names who is responsible, any field
    lines after them, and the numbered sub-items that follow."""

    lines: tuple[str, ...]
    fields: tuple[str, ...]  # 责任单位：…, 完成时限：…
    sub_items: tuple[str, ...]
    split: Split | None

    @property
    def taken(self) -> int:
        """How many paragraphs after the numbered one the task takes."""
        return len(self.lines) - 1 + len(self.fields) + len(self.sub_items)

    @property
    def responsibility(self) -> Responsibility:
        found = self.split.responsibility if self.split else NO_ONE
        for field_line in self.fields:
            found += read_labelled(field_line)
        return found

    @property
    def text(self) -> str:
        return "\n".join(self.lines + self.fields + self.sub_items)

    @property
    def body(self) -> str:
        main = self.split.body if self.split else "\n".join(self.lines)
        return "\n".join([main, *(line for line in self.fields if not read_labelled(line).named), *self.sub_items])


def _read_task(first: str, following: list[tuple[str, bool]]) -> _TaskReading:
    """A task from its first paragraph's text and the paragraphs after it, each with whether it is numbered."""
    texts = [text for text, _ in following]
    lines = [first]
    split = split_trailing(first)
    taken = 0
    while split is None and taken < len(texts) and not is_field_line(texts[taken]):
        lines.append(texts[taken])
        taken += 1
        split = split_trailing("\n".join(lines))
    fields_start = taken
    while taken < len(texts) and is_field_line(texts[taken]):
        taken += 1
    sub_items_start = taken
    while taken < len(following) and following[taken][1]:
        taken += 1
    return _TaskReading(tuple(lines), tuple(texts[fields_start:sub_items_start]), tuple(texts[sub_items_start:taken]), split)


@dataclass(frozen=True)
class _Numbered:
    marker: Marker
    level: int


@dataclass(frozen=True)
class _Outline:
    numbered: dict[int, _Numbered]  # by block position
    task_level: int  # the levels above it are headings
    tasks: dict[int, _TaskReading]  # by block position of the numbered paragraph
    by_responsibility: bool  # the task level was chosen because its items name who is responsible


class _Blocks:
    """The document's non-empty blocks with the closing block and task tables found."""

    def __init__(self, source: SourceText):
        self.blocks: list[Block] = [block for block in source.blocks if isinstance(block, Table) or block.text.strip(EDGE_WHITESPACE)]
        if not any(isinstance(block, Paragraph) or any(cell.strip() for row in block.rows for cell in row) for block in self.blocks):
            raise ParseError(1, "the document has no text")
        paragraphs = [position for position, block in enumerate(self.blocks) if isinstance(block, Paragraph)]
        texts = [self.text(position) for position in paragraphs]
        self.metadata = read_metadata(texts, next((index for index, text in enumerate(texts) if find_marker(text)), None))
        self.closing = frozenset(paragraphs[index] for index in self.metadata.closing)
        self.table_tasks: dict[int, list[TableTask] | None] = {
            position: read_task_table(block.rows) for position, block in enumerate(self.blocks) if isinstance(block, Table)
        }

    def text(self, position: int) -> str:
        block = self.blocks[position]
        return block.text.strip(EDGE_WHITESPACE) if isinstance(block, Paragraph) else ""

    def numbered(self) -> dict[int, _Numbered]:
        markers = {
            position: marker
            for position, block in enumerate(self.blocks)
            if isinstance(block, Paragraph) and position not in self.closing and (marker := find_marker(self.text(position)))
        }
        depth = levels({marker.style for marker in markers.values()})
        return {position: _Numbered(marker, depth[marker.style]) for position, marker in markers.items()}

    def following(self, position: int, numbered: dict[int, _Numbered], with_deeper_items: bool) -> list[tuple[str, bool]]:
        """The paragraphs after a numbered one, each with whether it is numbered, up to the next
        numbered one (or with deeper items, the next at its own level or above), a table or the
        closing block."""
        level = numbered[position].level
        texts = []
        for later in range(position + 1, len(self.blocks)):
            if later in self.closing or isinstance(self.blocks[later], Table):
                break
            if later in numbered and (numbered[later].level <= level or not with_deeper_items):
                break
            texts.append((self.text(later), later in numbered))
        return texts


def _has_task_below(position: int, numbered: dict[int, _Numbered], task_level: int) -> bool:
    level = numbered[position].level
    for later, item in numbered.items():
        if later <= position:
            continue
        if item.level <= level:
            return False
        if item.level == task_level:
            return True
    return False


def _outline(blocks: _Blocks) -> _Outline:
    numbered = blocks.numbered()
    if not numbered:
        return _Outline(numbered, 0, {}, False)
    # whether an item names who is responsible is read from its own text, without its sub-items
    carrying = {
        position
        for position, item in numbered.items()
        if _read_task(item.marker.rest, blocks.following(position, numbered, with_deeper_items=False)).responsibility.named
    }
    deepest = max(item.level for item in numbered.values())
    if carrying:
        task_level = max(numbered[position].level for position in carrying)
    elif any(blocks.table_tasks.values()):
        # the rows of a task-division table are the tasks; the numbered paragraphs head them
        return _Outline(numbered, deepest + 1, {}, False)
    else:
        task_level = next((item.level for item in numbered.values() if item.marker.style == ARTICLE), deepest)
    tasks = {
        position: _read_task(item.marker.rest, blocks.following(position, numbered, with_deeper_items=True))
        for position, item in numbered.items()
        if item.level == task_level
        or (item.level < task_level and position in carrying and not _has_task_below(position, numbered, task_level))
    }
    return _Outline(numbered, task_level, tasks, bool(carrying))


def _numbering_warnings(blocks: _Blocks, numbered: dict[int, _Numbered]) -> list[str]:
    check = NumberingCheck()
    warnings = []
    enclosing: list[tuple[int, int]] = []  # level and position of the items around the next one
    for position, item in numbered.items():
        while enclosing and enclosing[-1][0] >= item.level:
            enclosing.pop()
        if problem := check.follow(item.marker, item.level, enclosing[-1][1] if enclosing else None):
            warnings.append(f"line {blocks.blocks[position].line}: {problem}")
        enclosing.append((item.level, position))
    return warnings


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(CLOSING_QUOTES)
    return bool(stripped) and stripped[-1] in SENTENCE_ENDS


def _unbalanced(text: str) -> str | None:
    depth = 0
    for char in text:
        depth += {"（": 1, "）": -1}.get(char, 0)
        if depth < 0:
            return "closing parenthesis ） without an opening one"
    return "unclosed parenthesis （" if depth > 0 else None


def _heading_title(rest: str) -> tuple[str, str]:
    """A heading's title (its first sentence) and any text after it: （一）加强领导。各地要……"""
    title, period, remainder = rest.partition("。")
    return title.strip(TITLE_TRIM), remainder.strip() if period else ""


def _integer(number: str) -> int | None:
    digits = normalized(number)
    return int(digits) if digits.isascii() and digits.isdigit() else None


def _references(numbers: list[str], heading_numbers: list[tuple[str, ...]]) -> list[str]:
    """Each task's reference: its number, qualified by its headings' numbers where numbers repeat."""
    if len({normalized(number) for number in numbers}) == len(numbers):
        return numbers
    seen: Counter[str] = Counter()
    references = []
    for number, headings in zip(numbers, heading_numbers):
        base = ".".join([*headings, number])
        seen[base] += 1
        references.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return references


class _Builder:
    """Collects passages in reading order under the headings open above them."""

    def __init__(self, document_id: str):
        self.document_id = document_id
        self.passages: list[Passage] = []
        self.parts: list[Part] = []
        self.warnings: list[str] = []
        self.headings: list[tuple[int, Marker, str]] = []  # open headings: level, marker, title
        self.task_heading_numbers: list[tuple[str, ...]] = []
        self.preamble: list[tuple[str, int]] = []  # preamble paragraphs waiting for their sentence to end
        self.in_body = False  # past the preamble: unnumbered text now stands under a heading

    def add(self, kind: PassageKind, text: str, line: int, **fields) -> None:
        self.flush_preamble()
        self.append(kind, text, line, **fields)

    def append(self, kind: PassageKind, text: str, line: int, group: TableGroup | None = None, **fields) -> None:
        titles = tuple(title for _, _, title in self.headings) + ((group.title,) if group else ())
        self.passages.append(
            Passage(
                document=self.document_id,
                kind=kind,
                text=text,
                body=fields.pop("body", text),
                part=titles[0] if titles else "",
                subsection=titles[1] if len(titles) > 1 else "",
                line=line,
                headings=titles,
                **fields,
            )
        )
        if problem := _unbalanced(text):
            self.warnings.append(f"line {line}: {problem}")

    def add_unnumbered(self, text: str, line: int) -> None:
        """Text under a heading is a passage per paragraph; in the preamble a paragraph that ends
        no sentence (the salutation, a title line) runs on into the next."""
        if self.in_body:
            self.add_standalone(text, line)
            return
        self.preamble.append((text, line))
        if _ends_sentence(text):
            self.flush_preamble()

    def add_standalone(self, text: str, line: int) -> None:
        self.add(PassageKind.SUBSECTION if self.in_body else PassageKind.PREAMBLE, text, line)

    def flush_preamble(self) -> None:
        if self.preamble:
            self.append(PassageKind.PREAMBLE, "\n".join(text for text, _ in self.preamble), self.preamble[0][1])
            self.preamble = []

    def close_headings(self, level: int) -> None:
        self.flush_preamble()
        self.in_body = True
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()

    def open_heading(self, item: _Numbered, line: int) -> None:
        self.close_headings(item.level)
        title, remainder = _heading_title(item.marker.rest)
        if not self.headings:
            self.parts.append(Part(item.marker.ordinal, title, line))
        elif len(self.headings) == 1:
            part = self.parts[-1]
            self.parts[-1] = dataclasses.replace(part, subsections=(*part.subsections, Subsection(item.marker.ordinal, title, line)))
        self.headings.append((item.level, item.marker, title))
        if remainder:
            self.add(PassageKind.SUBSECTION, remainder, line)

    def add_task(
        self, number: str, measure: int | None, reading: _TaskReading | TableTask, line: int, group: TableGroup | None = None
    ) -> None:
        responsibility = reading.responsibility
        self.flush_preamble()
        self.in_body = True
        self.add(
            PassageKind.MEASURE,
            reading.text,
            line,
            body=reading.body,
            number=number,
            measure=measure,
            departments=responsibility.departments,
            shared=bool(responsibility.departments) and responsibility.lead is None,
            parties=responsibility.parties,
            ends_with_deng=responsibility.ends_with_deng,
            group=group,
        )
        heading_numbers = tuple(marker.number for _, marker, _ in self.headings)
        self.task_heading_numbers.append(heading_numbers + ((group.number,) if group else ()))

    def add_closing(self, text: str, line: int) -> None:
        # the closing block, and any attachment after it, stands outside the body's headings
        self.close_headings(0)
        self.add(PassageKind.CLOSING, text, line)

    def finish(self) -> list[Passage]:
        self.flush_preamble()
        tasks = [passage for passage in self.passages if passage.kind is PassageKind.MEASURE]
        if not tasks:
            self.warnings.append("no numbered tasks found")
        references = iter(_references([task.number for task in tasks], self.task_heading_numbers))
        return [
            dataclasses.replace(passage, reference=next(references)) if passage.kind is PassageKind.MEASURE else passage
            for passage in self.passages
        ]


def _build(blocks: _Blocks, outline: _Outline, builder: _Builder) -> None:
    resume = 0  # the next block not yet taken by a task or the closing block
    for position, block in enumerate(blocks.blocks):
        if position < resume:
            continue
        item = outline.numbered.get(position)
        if position in blocks.closing:
            resume = max(blocks.closing) + 1
            builder.add_closing("\n".join(blocks.text(p) for p in sorted(blocks.closing)), block.line)
        elif isinstance(block, Table):
            _add_table(builder, block, blocks.table_tasks[position])
        elif position in outline.tasks:
            reading = outline.tasks[position]
            builder.close_headings(item.level)
            measure = item.marker.ordinal if item.marker.style == ARTICLE else _integer(item.marker.number)
            builder.add_task(item.marker.number, measure, reading, block.line)
            if outline.by_responsibility and not reading.responsibility.named:
                builder.warnings.append(f"line {block.line}: measure {item.marker.number} names no responsible departments")
            resume = position + 1 + reading.taken
        elif item is not None and item.level < outline.task_level:
            builder.open_heading(item, block.line)
        elif item is not None:
            builder.add_standalone(blocks.text(position), block.line)  # a sub-item after its task closed
        else:
            builder.add_unnumbered(blocks.text(position), block.line)


def _add_table(builder: _Builder, table: Table, tasks: list[TableTask] | None) -> None:
    if tasks is None:
        builder.add_standalone("\n".join(TABLE_CELL_SEPARATOR.join(row) for row in table.rows), table.line)
    for task in tasks or ():
        builder.add_task(task.number, _integer(task.number), task, table.line, task.group)


def parse_source(source: SourceText, document_id: str, title: str = "") -> Document:
    blocks = _Blocks(source)
    outline = _outline(blocks)
    builder = _Builder(document_id)
    builder.warnings.extend(_numbering_warnings(blocks, outline.numbered))
    _build(blocks, outline, builder)
    passages = builder.finish()
    stated, found = source.metadata, blocks.metadata
    return Document(
        id=document_id,
        title=title or stated.title or found.title or document_id,
        passages=passages,
        parts=builder.parts,
        issuer=stated.issuer or found.issuer,
        date=stated.date or found.date,
        warnings=builder.warnings,
        doc_number=stated.doc_number or found.doc_number,
        attachments=found.attachments,
    )


def parse_document(text: str, document_id: str, title: str = "") -> Document:
    return parse_source(SourceText.from_text(text), document_id, title)
