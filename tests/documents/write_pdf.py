"""The .pdf, set with reportlab in its built-in CID font STSong-Light: wrapped, indented paragraphs over several
pages, a running header with a rule under it, page numbers, and the annex table ruled, on pages of its own.
"""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from tests.documents.model import PolicyDocument, TableGroup, TaskTable, printed

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY_SIZE = 14
BODY = ParagraphStyle("body", fontName=FONT, fontSize=BODY_SIZE, leading=26, firstLineIndent=2 * BODY_SIZE, wordWrap="CJK", allowOrphans=1)
STYLES = {
    "title": ParagraphStyle("title", BODY, fontSize=20, leading=30, firstLineIndent=0, alignment=TA_CENTER, spaceAfter=12),
    "doc_number": ParagraphStyle("doc_number", BODY, firstLineIndent=0, alignment=TA_CENTER, spaceAfter=12),
    "addressee": ParagraphStyle("addressee", BODY, firstLineIndent=0, alignment=TA_LEFT),
    "signature": ParagraphStyle("signature", BODY, firstLineIndent=0, alignment=TA_RIGHT, rightIndent=2 * BODY_SIZE, spaceBefore=24),
    "date": ParagraphStyle("date", BODY, firstLineIndent=0, alignment=TA_RIGHT, rightIndent=2 * BODY_SIZE),
    "annex_label": ParagraphStyle("annex_label", BODY, firstLineIndent=0),
    "annex_title": ParagraphStyle("annex_title", BODY, fontSize=18, leading=28, firstLineIndent=0, alignment=TA_CENTER, spaceAfter=12),
}
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=12, leading=18, wordWrap="CJK")
COLUMN_SHARES = (0.09, 0.49, 0.17, 0.25)  # 序号, 重点任务, 牵头单位, 责任单位
MARGIN = 25 * mm
HEADER_SIZE = 10.5


class WholeParagraph(Paragraph):
    """A paragraph whose last line is never one Chinese glyph alone.

    STSong-Light is not embedded, so pdfium has no outlines to measure its glyphs with: it sizes a run of
    text from its first glyph's origin to its last one's, and leaves a run of one glyph, zero wide, out of
    the text layer. Wrapping half a character narrower brings a second glyph down to the last line.
    """

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        width = available_width
        size = super().wrap(width, available_height)
        while self._ends_in_lone_glyph() and width > 4 * self.style.fontSize:
            width -= self.style.fontSize / 2
            size = super().wrap(width, available_height)
        return size

    def _ends_in_lone_glyph(self) -> bool:
        last = "".join(self.blPara.lines[-1][1]) if self.blPara.kind == 0 and self.blPara.lines else ""
        return len(last) == 1 and not last.isascii()


def write_pdf(document: PolicyDocument, path: Path) -> None:
    page = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN, title=document.title
    )
    flowables = []
    for block in printed(document):
        if isinstance(block, TaskTable):
            flowables.append(_table(block, page.width))
            continue
        if block.role == "annex_label":
            flowables.append(PageBreak())  # an attachment starts on a page of its own
        flowables.append(WholeParagraph(escape(block.text), STYLES.get(block.role, BODY)))

    def page_furniture(canvas, template) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setFont(FONT, HEADER_SIZE)
        canvas.drawCentredString(width / 2, height - MARGIN + 10 * mm, document.pages.header)
        canvas.setLineWidth(0.75)
        canvas.line(MARGIN, height - MARGIN + 8 * mm, width - MARGIN, height - MARGIN + 8 * mm)
        canvas.drawCentredString(width / 2, MARGIN - 12 * mm, document.pages.page_number.format(n=template.page))
        canvas.restoreState()

    page.build(flowables, onFirstPage=page_furniture, onLaterPages=page_furniture)


def _table(table: TaskTable, width: float) -> Table:
    rows = [[WholeParagraph(escape(text), CELL) for text in cells] for cells in table.cells]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    for index, row in enumerate(table.rows, start=1):
        if isinstance(row, TableGroup):
            style.append(("SPAN", (1, index), (-1, index)))
    return Table(rows, colWidths=[share * width for share in COLUMN_SHARES], repeatRows=1, style=TableStyle(style))
