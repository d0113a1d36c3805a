"""Plain text: UTF-8 (with or without BOM) or GB18030; a paragraph a line, tab-separated rows as tables.

A task-division table saved as text is a run of lines whose cells are separated by tabs: at least
MIN_TABLE_ROWS lines with the same number of cells, the first of them a header naming every column.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from corpus.readers import UnreadableDocumentError
from corpus.source import Block, Paragraph, SourceText, Table

# GB18030 is what many government sites still serve their downloads in; it is a superset of GBK and GB2312.
ENCODINGS = ("utf-8-sig", "gb18030")
# Indentation with spaces and full-width spaces is layout, not text; tabs are kept, they separate cells.
PADDING = " \u3000\ufeff"
CELL_SEPARATOR = "\t"
MIN_TABLE_ROWS = 3


def read_text(data: bytes) -> SourceText:
    return SourceText(tuple(text_blocks(decode(data))), "txt")


def decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocumentError("the text is neither UTF-8 nor GB18030; save it as UTF-8")


def text_blocks(text: str) -> Iterator[Block]:
    """Each non-blank line a Paragraph numbered by its line, runs of tab-separated rows a Table."""
    run: list[_Row] = []  # consecutive rows with the same number of cells
    for number, raw in enumerate(text.splitlines(), start=1):
        row = _Row(number, raw.strip(PADDING))
        if run and len(row.cells) != len(run[0].cells):
            yield from _close_run(run)
            run = []
        if row.cells:
            run.append(row)
        elif row.text:
            yield row.paragraph()
    yield from _close_run(run)


@dataclass(frozen=True)
class _Row:
    """One line of the text, with its cells when it has tabs."""

    number: int
    line: str

    @property
    def text(self) -> str:
        return self.line.strip(PADDING + CELL_SEPARATOR)

    @property
    def cells(self) -> tuple[str, ...]:
        if CELL_SEPARATOR not in self.line:
            return ()
        return tuple(cell.strip(PADDING) for cell in self.line.split(CELL_SEPARATOR))

    def paragraph(self) -> Paragraph:
        return Paragraph(self.text, self.number)


def _close_run(run: list[_Row]) -> Iterator[Block]:
    if len(run) >= MIN_TABLE_ROWS and all(run[0].cells):
        yield Table(tuple(row.cells for row in run), run[0].number)
        return
    # too short for a table, or no header row: tabs inside ordinary lines
    yield from (row.paragraph() for row in run if row.text)
