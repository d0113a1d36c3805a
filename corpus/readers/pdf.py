"""PDF: the text layer, read through pdfium, page by page, as a reader sees it.

- Ruled tables (cells bordered with drawn lines, as Word and WPS print them) come back as Table blocks, a
  table that runs on over a page break with its header row repeated as one. A cell merged across columns
  keeps its text in its first column and leaves the others blank. Tables drawn without rules, set with
  spaces alone, stay lines of text.
- Running headers and footers, the same text at the same height on most pages, and bare page numbers
  ("- 3 -", "3", "第3页", "3/12") at the top or bottom of a page are dropped.
- Visual lines are reflowed into paragraphs (see starts_paragraph); a paragraph's line is the number of
  its first visual line, counting the kept lines of the whole document, a table as one.
- Reading order is top to bottom on each page: a single column of text, as policy documents are set.
"""
from __future__ import annotations

import ctypes
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from corpus.numerals import CIRCLED, NUMERAL_CHARS
from corpus.readers import UnreadableDocumentError
from corpus.source import Block, Paragraph, SourceMetadata, SourceText, Table

# A new paragraph starts with a numbering marker or a heading form, whatever the geometry says.
NUMBERING_MARKER = re.compile(
    rf"^(?:[{NUMERAL_CHARS}]+、"  # 一、
    rf"|[（(][{NUMERAL_CHARS}]+[）)]"  # （一）
    r"|\d+(?:\.\d+)*[.．、](?!\d)"  # 1. 1、 2.3.
    r"|[（(]\d+[）)]"  # （1）
    rf"|[{CIRCLED}]"  # ①
    rf"|第[{NUMERAL_CHARS}\d]+[章节節条條]"  # 第一章 第一条
    r"|附件\s*\d*\s*(?:[：:]|$))"  # 附件 / 附件：/ 附件1
)
CLAUSE_ENDS = "。；！？：」）”"
PAGE_NUMBER = re.compile(r"^(?:[-—–－]\s*\d+\s*[-—–－]|\d+|第\s*\d+\s*[页頁](?:\s*[/，,]?\s*共\s*\d+\s*[页頁])?|\d+\s*/\s*\d+)$")
EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be a header, a footer or a page number
SAME_HEIGHT = 3.0  # points: a running header sits at the same height on every page
RULE_THICKNESS = 2.0  # points: thicker than this, a drawn shape is not a rule
MIN_RULE_LENGTH = 4.0
TOUCHING = 2.0  # points: rules this close meet


@dataclass(frozen=True)
class Glyph:
    char: str
    left: float
    bottom: float
    right: float
    top: float
    size: float

    @property
    def middle(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.bottom + self.top) / 2


@dataclass
class Line:
    """A visual line of text on a page."""

    glyphs: list[Glyph]
    page_width: float

    @property
    def text(self) -> str:
        return "".join(glyph.char for glyph in self.glyphs).strip()

    @property
    def left(self) -> float:
        return min(glyph.left for glyph in self.glyphs if not glyph.char.isspace())

    @property
    def right(self) -> float:
        return max(glyph.right for glyph in self.glyphs if not glyph.char.isspace())

    @property
    def top(self) -> float:
        return max(glyph.top for glyph in self.glyphs)

    @property
    def size(self) -> float:
        sizes = Counter(round(glyph.size, 1) for glyph in self.glyphs if not glyph.char.isspace())
        return sizes.most_common(1)[0][0]


@dataclass(frozen=True)
class Rule:
    """A drawn horizontal or vertical line: position across it, and the span along it."""

    horizontal: bool
    position: float
    start: float
    end: float

    def meets(self, other: Rule) -> bool:
        if self.horizontal == other.horizontal:
            return abs(self.position - other.position) <= TOUCHING and self.start <= other.end + TOUCHING and other.start <= self.end + TOUCHING
        return (
            self.start - TOUCHING <= other.position <= self.end + TOUCHING
            and other.start - TOUCHING <= self.position <= other.end + TOUCHING
        )


@dataclass
class Grid:
    """A ruled table: row boundaries top to bottom, column boundaries left to right, and its vertical rules."""

    rows: list[float]
    columns: list[float]
    verticals: list[Rule]
    glyphs: list[Glyph] = field(default_factory=list)

    @property
    def top(self) -> float:
        return self.rows[0]

    def holds(self, glyph: Glyph) -> bool:
        x, y = glyph.middle
        return self.columns[0] <= x <= self.columns[-1] and self.rows[-1] <= y <= self.rows[0]

    def table_rows(self) -> tuple[tuple[str, ...], ...]:
        rows = []
        for top, bottom in zip(self.rows, self.rows[1:]):
            in_row = [glyph for glyph in self.glyphs if bottom <= glyph.middle[1] <= top]
            if in_row:
                rows.append(self._row(in_row, top, bottom))
        return tuple(rows)

    def _row(self, glyphs: list[Glyph], top: float, bottom: float) -> tuple[str, ...]:
        # a column boundary counts in this row only where a vertical rule crosses it: merged cells have none
        middle = (top + bottom) / 2
        crossed = [
            x for x in self.columns[1:-1]
            if any(abs(rule.position - x) <= TOUCHING and rule.start <= middle <= rule.end for rule in self.verticals)
        ]
        bounds = [self.columns[0], *crossed, self.columns[-1]]
        cells = [""] * (len(self.columns) - 1)
        for left, right in zip(bounds, bounds[1:]):
            in_cell = [glyph for glyph in glyphs if left <= glyph.middle[0] <= right]
            cells[self.columns.index(left)] = join_lines(text_lines(in_cell))
        return tuple(cells)


PageItems = list[Line | Grid]  # a page's lines and tables, top to bottom


def read_pdf(data: bytes) -> SourceText:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise UnreadableDocumentError("the PDF is password-protected; add a copy without a password") from None
        raise UnreadableDocumentError("a damaged PDF (pdfium cannot open it)") from None
    try:
        pages = [_read_page(document[index]) for index in range(len(document))]
        title = _plausible_title(document.get_metadata_dict().get("Title", ""))
    except pdfium.PdfiumError:
        raise UnreadableDocumentError("a damaged PDF (pdfium cannot read its pages)") from None
    finally:
        document.close()
    pages = _without_running_lines(pages)
    layout = Layout.of([item for items in pages for item in items if isinstance(item, Line)])
    blocks = tuple(_reflowed(_tables_joined(_pieces(pages)), layout))
    if not blocks:
        raise UnreadableDocumentError("no text layer (a scanned PDF?); add a PDF with selectable text")
    return SourceText(blocks, "pdf", SourceMetadata(title=title))


def _plausible_title(title: str) -> str:
    """The document's Info title, unless it is a placeholder ("(anonymous)") or a file name ("Microsoft Word - 1.docx")."""
    title = title.strip().removeprefix("Microsoft Word - ")
    if not re.search(r"[\u4e00-\u9fff]", title) or re.search(r"\.(?:docx?|wps|pdf|ofd)$", title, re.IGNORECASE):
        return ""
    return title


def _read_page(page: pdfium.PdfPage) -> PageItems:
    width, _ = page.get_size()
    glyphs = _glyphs(page)
    # fewer than two rows of two cells: a rule under a header, or a frame around text, not a table
    grids = [grid for grid in _grids(_rules(page)) if len(grid.rows) >= 3 and len(grid.columns) >= 3]
    page.close()
    loose = []
    for glyph in glyphs:
        grid = next((grid for grid in grids if grid.holds(glyph)), None)
        (grid.glyphs if grid else loose).append(glyph)
    lines = [Line(glyphs, width) for glyphs in text_lines(loose)]
    items: PageItems = [line for line in lines if line.text] + [grid for grid in grids if grid.glyphs]
    return sorted(items, key=lambda item: -item.top)


def _glyphs(page: pdfium.PdfPage) -> list[Glyph]:
    textpage = page.get_textpage()
    try:
        chars = [chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index)) for index in range(textpage.count_chars())]
        glyphs = []
        for index, char in enumerate(chars):
            if char in "\r\n\x00\ufffe\uffff" or (
                pdfium_c.FPDFText_IsGenerated(textpage.raw, index) == 1 and not _between_latin(chars, index)
            ):
                continue
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            glyphs.append(Glyph(char, left, bottom, right, top, _effective_size(textpage, index)))
    finally:
        textpage.close()
    return glyphs


def _effective_size(textpage: pdfium.PdfTextPage, index: int) -> float:
    """The glyph's size on the page: its font size scaled by the text and page transformations."""
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFText_GetMatrix(textpage.raw, index, matrix):
        return pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
    scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
    return pdfium_c.FPDFText_GetFontSize(textpage.raw, index) * scale


def _between_latin(chars: list[str], index: int) -> bool:
    """pdfium adds spaces and line breaks of its own; only a space it finds between two Latin words is text."""
    before, after = chars[index - 1] if index else "", chars[index + 1] if index + 1 < len(chars) else ""
    return chars[index] == " " and _latin(before) and _latin(after)


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def text_lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into visual lines: those whose vertical middles lie within half a glyph of each other."""
    lines: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda glyph: -glyph.middle[1]):
        if lines and abs(lines[-1][0].middle[1] - glyph.middle[1]) <= max(glyph.size, 1.0) / 2:
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    return [sorted(line, key=lambda glyph: glyph.left) for line in lines]


def join_lines(lines: list[list[Glyph]]) -> str:
    text = ""
    for line in lines:
        text = join(text, "".join(glyph.char for glyph in line).strip())
    return text


def join(text: str, continuation: str) -> str:
    """Chinese runs on across a line break; Latin words broken between two letters need their space back."""
    if text and continuation and text[-1].isascii() and text[-1].isalpha() and continuation[0].isascii() and continuation[0].isalpha():
        return f"{text} {continuation}"
    return text + continuation


def _rules(page: pdfium.PdfPage) -> list[Rule]:
    rules = []
    for path in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1):
        left, bottom, right, top = path.get_bounds()
        if right - left <= RULE_THICKNESS or top - bottom <= RULE_THICKNESS:
            # a stroked line or a thin filled rectangle, as Word draws cell borders: the rule is its box
            rules.append(_rule_from_box(left, bottom, right, top))
        elif _stroked(path):
            # a grid drawn as one path, or cell rectangles; a filled area is shading, not rules
            rules.extend(_rules_from_segments(path))
    return [rule for rule in rules if rule.end - rule.start >= MIN_RULE_LENGTH]


def _stroked(path: pdfium.PdfObject) -> bool:
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    return bool(pdfium_c.FPDFPath_GetDrawMode(path.raw, fill_mode, stroke)) and bool(stroke.value)


def _rule_from_box(left: float, bottom: float, right: float, top: float) -> Rule:
    if right - left >= top - bottom:
        return Rule(True, (bottom + top) / 2, left, right)
    return Rule(False, (left + right) / 2, bottom, top)


def _rules_from_segments(path: pdfium.PdfObject) -> Iterator[Rule]:
    """The straight, axis-parallel edges of a path such as a grid drawn in one stroke, or cell rectangles."""
    a, b, c, d, e, f = path.get_matrix().get()
    points: list[tuple[int, float, float]] = []
    for index in range(pdfium_c.FPDFPath_CountSegments(path.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path.raw, index)
        x, y = ctypes.c_float(), ctypes.c_float()
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        points.append((pdfium_c.FPDFPathSegment_GetType(segment), a * x.value + c * y.value + e, b * x.value + d * y.value + f))
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            start = next(point for point in reversed(points) if point[0] == pdfium_c.FPDF_SEGMENT_MOVETO)
            points.append((pdfium_c.FPDF_SEGMENT_LINETO, start[1], start[2]))
    for (_, x0, y0), (kind, x1, y1) in zip(points, points[1:]):
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and (abs(x0 - x1) <= RULE_THICKNESS or abs(y0 - y1) <= RULE_THICKNESS):
            yield _rule_from_box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _grids(rules: list[Rule]) -> Iterator[Grid]:
    """Rules that meet, directly or through others, form one grid."""
    groups: list[list[Rule]] = []
    for rule in rules:
        touching = [group for group in groups if any(rule.meets(other) for other in group)]
        merged = [rule, *(other for group in touching for other in group)]
        groups = [group for group in groups if not any(group is other for other in touching)] + [merged]
    for group in groups:
        horizontals = [rule for rule in group if rule.horizontal]
        verticals = [rule for rule in group if not rule.horizontal]
        yield Grid(
            _distinct(sorted((rule.position for rule in horizontals), reverse=True)),
            _distinct(sorted(rule.position for rule in verticals)),
            verticals,
        )


def _distinct(positions: list[float]) -> list[float]:
    """Sorted positions with those closer than TOUCHING merged: a border drawn twice is one border."""
    kept: list[float] = []
    for position in positions:
        if not kept or abs(position - kept[-1]) > TOUCHING:
            kept.append(position)
    return kept


def _without_running_lines(pages: list[PageItems]) -> list[PageItems]:
    """The pages without running headers and footers, or bare page numbers, at their top and bottom."""
    recurring = Counter(key for items in pages for key in {_running_key(line) for line in _edge_lines(items)})
    needed = max(2, (len(pages) + 1) // 2)
    kept = []
    for items in pages:
        dropped = {id(line) for line in _edge_lines(items) if recurring[_running_key(line)] >= needed or PAGE_NUMBER.match(line.text)}
        kept.append([item for item in items if id(item) not in dropped])
    return kept


def _edge_lines(items: PageItems) -> list[Line]:
    count = len(items)
    edges = sorted(set(range(min(EDGE_LINES, count))) | set(range(max(0, count - EDGE_LINES), count)))
    return [items[index] for index in edges if isinstance(items[index], Line)]


def _running_key(line: Line) -> tuple[str, int]:
    # page numbers inside a header ("第 3 页") change from page to page; the rest of the text does not
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text)), round(line.top / SAME_HEIGHT)


@dataclass
class Layout:
    """What the body text of the document looks like: its type size and the margins of its pages."""

    body_size: float
    margins: dict[int, tuple[float, float]]  # page width (rounded) -> left, right edge of the text
    indents_paragraphs: bool

    @classmethod
    def of(cls, lines: list[Line]) -> Layout:
        sizes: Counter[float] = Counter()
        for line in lines:
            sizes[line.size] += len(line.text)
        body_size = sizes.most_common(1)[0][0] if sizes else 12.0
        by_page_width: dict[int, list[Line]] = defaultdict(list)
        for line in lines:
            if abs(line.size - body_size) < 0.5:
                by_page_width[_width_key(line)].append(line)
        margins = {width: (min(line.left for line in body), max(line.right for line in body)) for width, body in by_page_width.items()}
        layout = cls(body_size, margins, indents_paragraphs=False)
        # a first-line indent is two characters; centred and right-aligned lines sit further in
        layout.indents_paragraphs = any(1.5 <= layout.indent(line) <= 2.5 for body in by_page_width.values() for line in body)
        return layout

    def indent(self, line: Line) -> float:
        """How far right of the left margin the line starts, in characters of its size."""
        left, _ = self.margins.get(_width_key(line), (line.left, line.right))
        return (line.left - left) / line.size

    def shortfall(self, line: Line) -> float:
        """How far short of the right margin the line ends, in characters of its size."""
        _, right = self.margins.get(_width_key(line), (line.left, line.right))
        return (right - line.right) / line.size


def _width_key(line: Line) -> int:
    return round(line.page_width)


def starts_paragraph(previous: Line, line: Line, layout: Layout) -> bool:
    """Whether a visual line begins a new paragraph rather than continuing the one above.

    It does when its type size differs from the line above (a title or heading set apart), or when it
    opens with a numbering marker (一、（一）1.（1）① 第一章 第一条 附件). A line set larger than the body
    otherwise runs on: a title over two lines. A body line begins a paragraph when it is indented (a
    first-line indent, a centred or right-aligned line) or the line above stopped short of the right
    margin; in a document without first-line indents, also when the line above ended a sentence or a
    clause (。；！？：」）). A full line ending in 。 is no paragraph end where paragraphs are indented.
    """
    if abs(line.size - previous.size) >= 0.5 or NUMBERING_MARKER.match(line.text):
        return True
    if line.size > layout.body_size + 0.5:
        return False
    if layout.indent(line) >= 1.0 or layout.shortfall(previous) >= 2.0:
        return True
    return not layout.indents_paragraphs and previous.text.endswith(tuple(CLAUSE_ENDS))


@dataclass
class _Piece:
    line: int  # the visual line it starts on, counting the document's kept lines, a table as one
    content: Line | Table
    opens_page: bool


def _pieces(pages: list[PageItems]) -> list[_Piece]:
    pieces = []
    for items in pages:
        for index, item in enumerate(items):
            number = len(pieces) + 1
            content = Table(item.table_rows(), number) if isinstance(item, Grid) else item
            pieces.append(_Piece(number, content, opens_page=index == 0))
    return pieces


def _tables_joined(pieces: list[_Piece]) -> list[_Piece]:
    """A table that goes on at the top of the next page, its header row repeated or not, is one table."""
    joined: list[_Piece] = []
    for piece in pieces:
        previous = joined[-1].content if joined else None
        table = piece.content
        if piece.opens_page and isinstance(previous, Table) and isinstance(table, Table) and len(table.rows[0]) == len(previous.rows[0]):
            rows = table.rows[1:] if table.rows[0] == previous.rows[0] else table.rows
            joined[-1].content = Table(previous.rows + rows, previous.line)
        else:
            joined.append(piece)
    return joined


def _reflowed(pieces: list[_Piece], layout: Layout) -> Iterator[Block]:
    paragraph: Paragraph | None = None
    previous: Line | None = None
    for piece in pieces:
        if isinstance(piece.content, Table):
            if paragraph is not None:
                yield paragraph
            paragraph = previous = None
            yield piece.content
            continue
        line = piece.content
        if paragraph is not None and previous is not None and not starts_paragraph(previous, line, layout):
            paragraph = Paragraph(join(paragraph.text, line.text), paragraph.line)
        else:
            if paragraph is not None:
                yield paragraph
            paragraph = Paragraph(line.text, piece.line)
        previous = line
    if paragraph is not None:
        yield paragraph
