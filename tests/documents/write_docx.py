"""The .docx, written with python-docx as an office would set it: official fonts and indents, a page header and
numbered footer, tables with merged group rows, and Word's automatic numbering where the document asks for it.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph as WordParagraph

from tests.documents.model import PolicyDocument, Printed, TableGroup, TaskTable, WordNumbering, printed

BODY_FONT = ("仿宋_GB2312", 16)
FONTS = {
    "title": ("方正小标宋简体", 22),
    "annex_title": ("方正小标宋简体", 18),
    "heading1": ("黑体", 16),
    "heading2": ("楷体_GB2312", 16),
}
ALIGNMENT = {
    "title": WD_ALIGN_PARAGRAPH.CENTER,
    "doc_number": WD_ALIGN_PARAGRAPH.CENTER,
    "annex_title": WD_ALIGN_PARAGRAPH.CENTER,
    "signature": WD_ALIGN_PARAGRAPH.RIGHT,
    "date": WD_ALIGN_PARAGRAPH.RIGHT,
}
INDENTED = {"body", "heading1", "heading2", "task", "responsibility", "attachment"}
TABLE_FONT = ("仿宋_GB2312", 11)
ABSTRACT_NUMBERING_ID = 90  # clear of the definitions python-docx's template ships


def write_docx(document: PolicyDocument, path: Path) -> None:
    word = Document()
    word.core_properties.title = document.title
    numbering = _AutoNumbering(word, document.word_numbering) if document.word_numbering else None
    _page_header_and_footer(word, document)
    for block in printed(document):
        if isinstance(block, TaskTable):
            _table(word, block)
        else:
            _paragraph(word, block, numbering)
    word.save(str(path))


class _AutoNumbering:
    """One multi-level list definition; the levels the document names are numbered by Word, not printed."""

    def __init__(self, word: WordDocument, numbering: WordNumbering):
        self.levels = {level.applies_to: index for index, level in enumerate(numbering.levels)}
        self.style = word.styles.add_style(numbering.style, WD_STYLE_TYPE.PARAGRAPH) if numbering.style else None
        # a level tied to a style names it, as Word writes it for 'List Number'
        style_link = f'<w:pStyle w:val="{self.style.style_id}"/>' if self.style else ""
        levels = "".join(
            f'<w:lvl w:ilvl="{index}"><w:start w:val="1"/><w:numFmt w:val="{level.num_format}"/>{style_link}'
            f'<w:suff w:val="{numbering.suffix}"/><w:lvlText w:val="{level.level_text}"/><w:lvlJc w:val="left"/></w:lvl>'
            for index, level in enumerate(numbering.levels)
        )
        definition = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{ABSTRACT_NUMBERING_ID}">'
            f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
        )
        part = word.part.numbering_part.element
        # the schema wants every abstractNum before the first num
        part.find(qn("w:num")).addprevious(definition)
        self.num_id = part.add_num(ABSTRACT_NUMBERING_ID).numId
        if self.style:
            self.style.base_style = word.styles["Normal"]
            self.style.element.get_or_add_pPr().append(self._numbering_properties(None))

    def applies(self, block: Printed) -> bool:
        return block.item is not None and block.role in self.levels

    def number(self, paragraph: WordParagraph, block: Printed) -> None:
        if self.style:
            paragraph.style = self.style
        else:
            paragraph._p.get_or_add_pPr().append(self._numbering_properties(self.levels[block.role]))

    def _numbering_properties(self, level: int | None):
        level_xml = f'<w:ilvl w:val="{level}"/>' if level is not None else ""
        return parse_xml(f'<w:numPr {nsdecls("w")}>{level_xml}<w:numId w:val="{self.num_id}"/></w:numPr>')


def _paragraph(word: WordDocument, block: Printed, numbering: _AutoNumbering | None) -> None:
    text = block.text
    paragraph = word.add_paragraph()
    if numbering and numbering.applies(block):
        text = text.removeprefix(block.item.number + block.item.separator)
        numbering.number(paragraph, block)
    _set_font(paragraph.add_run(text), *FONTS.get(block.role, BODY_FONT))
    paragraph.alignment = ALIGNMENT.get(block.role, WD_ALIGN_PARAGRAPH.LEFT)
    if block.role in INDENTED:
        paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_FONT[1])


def _set_font(run, name: str, size: int) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _page_header_and_footer(word: WordDocument, document: PolicyDocument) -> None:
    section = word.sections[0]
    header = section.header.paragraphs[0]
    header.text = document.pages.header
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, after = document.pages.page_number.split("{n}")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(before)
    footer._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    footer.add_run(after)


def _table(word: WordDocument, table: TaskTable) -> None:
    cells = table.cells
    grid = word.add_table(rows=len(cells), cols=len(table.columns))
    grid.style = word.styles["Table Grid"]
    for row, (texts, source) in enumerate(zip(cells, (None, *table.rows))):
        if isinstance(source, TableGroup):
            grid.cell(row, 1).merge(grid.cell(row, len(table.columns) - 1))
            texts = texts[:2]
        for column, text in enumerate(texts):
            _set_font(grid.cell(row, column).paragraphs[0].add_run(text), *TABLE_FONT)
