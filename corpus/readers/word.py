"""Word .docx: paragraphs and tables in body order, list numbers printed as Word prints them.

docx2python walks the body: paragraphs, tables and merged cells, hyperlinks and fields. It does not print
list numbers as Word does: it writes every numbered level as "1)" or "--", and it leaves out the numbers a
paragraph takes from its style ('List Number' and the like). ListNumbers rebuilds them from numbering.xml
and styles.xml: each level's format (decimal, 一, ①, 甲 …) and level text ("%1.", "（%2）", "第%1条"),
counted paragraph by paragraph as Word counts them, followed by the level's suffix (tab, space or nothing).

Line numbers count text lines as Word's "save as plain text" writes them: one per paragraph, empty ones
included, one per manual line break, one per table row. A merged table cell keeps its text in its first
cell and leaves the cells it covers blank; a cell's own paragraphs are joined by a newline. Page headers
and footers, footnotes and comments are not part of the body and are left out.
"""
from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace

from docx2python import docx2python
from docx2python.depth_collector import Par
from lxml import etree

from corpus.numerals import CIRCLED, chinese_number
from corpus.readers import UnreadableDocumentError
from corpus.source import Block, Paragraph, SourceMetadata, SourceText, Table

DOCUMENT_PART = "word/document.xml"
# A .docx is compressed XML; one that unpacks to more than this is a decompression bomb, not a policy document.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
PADDING = " \t\u3000"
# docx2python writes pictures, footnote references and image descriptions into the text as markers
MARKERS = re.compile(r"----Image alt text---->[^<]*<|----(?:footnote|endnote)\d+----|----[^\s-][^\s]*?\.\w{2,5}----")
# docx2python's own rendering of a list number ("\t\t1)\t", "--\t"), replaced by Word's
GENERATED_BULLET = re.compile(r"^\t*[^\t]*\t$")


def read_word(data: bytes) -> SourceText:
    package = _open_package(data)
    numbers = ListNumbers.from_package(package)
    try:
        # it warns about each list format it cannot print; ListNumbers prints them instead
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with docx2python(io.BytesIO(data), duplicate_merged_cells=False) as content:
                body = content.body_pars
                title = (content.core_properties.get("title") or "").strip()
    except Exception:  # docx2python raises whatever its XML walk meets in a damaged file
        raise UnreadableDocumentError("a damaged Word document; open and save it again in Word") from None
    return SourceText(tuple(_blocks(body, numbers)), "docx", SourceMetadata(title=title))


def _open_package(data: bytes) -> zipfile.ZipFile:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableDocumentError("a damaged .docx (its ZIP archive cannot be opened)") from None
    if DOCUMENT_PART not in package.namelist():
        raise UnreadableDocumentError("a ZIP archive without a Word document inside")
    if sum(member.file_size for member in package.infolist()) > MAX_UNPACKED_BYTES:
        raise UnreadableDocumentError(f"unpacks to over {MAX_UNPACKED_BYTES // 2**20} MB, too large for a policy document")
    return package


def _blocks(body: list[list[list[list[Par]]]], numbers: ListNumbers) -> Iterator[Block]:
    """docx2python's body is a list of tables; paragraphs outside tables come as one-cell tables of their own."""
    line = 0
    for table in body:
        if _is_real_table(table):
            rows = tuple(tuple(_cell_text(cell, numbers) for cell in row) for row in table)
            yield Table(rows, line + 1)
            line += len(rows)
            continue
        for paragraph in (par for row in table for cell in row for par in cell):
            for text in _paragraph_text(paragraph, numbers).split("\n"):
                line += 1
                if text.strip(PADDING):
                    yield Paragraph(text.strip(PADDING), line)


def _is_real_table(table: list[list[list[Par]]]) -> bool:
    return any(par.lineage[1] == "tbl" for row in table for cell in row for par in cell)


def _cell_text(cell: list[Par], numbers: ListNumbers) -> str:
    texts = (_paragraph_text(par, numbers).strip(PADDING) for par in cell)
    return "\n".join(text for text in texts if text)


def _paragraph_text(paragraph: Par, numbers: ListNumbers) -> str:
    runs = [run.text for run in paragraph.runs if run.text]
    if paragraph.elem is None:
        return "".join(runs)
    if runs and ListNumbers.has_direct_numbering(paragraph.elem) and GENERATED_BULLET.match(runs[0]):
        runs = runs[1:]
    return numbers.number(paragraph.elem, paragraph.style) + MARKERS.sub("", "".join(runs))


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# No entities, no network: a .docx is untrusted input.
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
SUFFIXES = {"tab": "\t", "space": " ", "nothing": ""}
UNPRINTED_FORMATS = {"bullet", "none"}  # a bullet carries no number; "none" prints nothing


@dataclass(frozen=True)
class Level:
    """One level of a list definition (w:lvl)."""

    format: str = "decimal"  # w:numFmt
    text: str = ""  # w:lvlText, "%1." or "（%2）": %n is the current number of level n
    start: int = 1
    restart_after: int | None = None  # w:lvlRestart: 0 never, n after a level above n (1-based) is used
    legal: bool = False  # w:isLgl: every level it shows is printed in decimal
    suffix: str = "\t"  # what Word puts between the number and the text
    style: str = ""  # the paragraph style this level belongs to (w:pStyle)

    @classmethod
    def from_xml(cls, lvl: etree._Element) -> Level:
        start, restart = _val(lvl, "start"), _val(lvl, "lvlRestart")
        return cls(
            format=_val(lvl, "numFmt") or "decimal",
            text=_val(lvl, "lvlText") or "",
            start=int(start) if start and start.isdigit() else 1,
            restart_after=int(restart) if restart and restart.isdigit() else None,
            legal=lvl.find(f"{W}isLgl") is not None and _val(lvl, "isLgl") not in ("0", "false"),
            suffix=SUFFIXES.get(_val(lvl, "suff") or "tab", "\t"),
            style=_val(lvl, "pStyle") or "",
        )

    def restarts_when(self, own_level: int, used_level: int) -> bool:
        bound = own_level if self.restart_after is None else self.restart_after
        return used_level < bound


class ListNumbers:
    """Word's automatic list numbers, counted paragraph by paragraph in body order, one count per list (w:num)."""

    def __init__(self, lists: dict[str, dict[int, Level]], style_numbering: dict[str, tuple[str | None, str | None]]):
        self._lists = lists  # numId -> level -> Level, the list's overrides applied
        self._styles = style_numbering  # paragraph style id -> (numId, ilvl), inherited along w:basedOn
        self._counts: dict[str, dict[int, int]] = {}

    @classmethod
    def from_package(cls, package: zipfile.ZipFile) -> ListNumbers:
        return cls(_lists(_part(package, "word/numbering.xml")), _style_numbering(_part(package, "word/styles.xml")))

    @staticmethod
    def has_direct_numbering(paragraph: etree._Element) -> bool:
        """The paragraphs docx2python numbers itself: numId and ilvl set on the paragraph, not its style."""
        numbering = paragraph.find(f"{W}pPr/{W}numPr")
        return numbering is not None and numbering.find(f"{W}numId") is not None and numbering.find(f"{W}ilvl") is not None

    def number(self, paragraph: etree._Element, style: str) -> str:
        """The number Word prints before this paragraph, with its suffix; "" for an unnumbered paragraph."""
        list_id, level = self._numbering_of(paragraph, style)
        levels = self._lists.get(list_id or "")
        if levels is None or level not in levels:
            return ""
        counts = self._counts.setdefault(list_id, {})
        counts[level] = counts.get(level, levels[level].start - 1) + 1
        for deeper in [other for other in counts if other > level]:
            if levels[deeper].restarts_when(deeper, level):
                del counts[deeper]
        shown = levels[level]
        if shown.format in UNPRINTED_FORMATS:
            return ""

        def level_number(match: re.Match[str]) -> str:
            referenced = int(match.group(1)) - 1
            if referenced not in levels:
                return ""
            value = counts.get(referenced, levels[referenced].start)
            return format_number(value, "decimal" if shown.legal else levels[referenced].format)

        return re.sub(r"%([1-9])", level_number, shown.text) + shown.suffix

    def _numbering_of(self, paragraph: etree._Element, style: str) -> tuple[str | None, int]:
        # the paragraph's own numPr overrides its style's, field by field
        numbering = paragraph.find(f"{W}pPr/{W}numPr")
        direct_id = _val(numbering, "numId") if numbering is not None else None
        direct_level = _val(numbering, "ilvl") if numbering is not None else None
        style_id, style_level = self._styles.get(style, (None, None))
        list_id = direct_id or style_id
        level = direct_level or style_level or self._level_of_style(list_id, style)
        return list_id, int(level) if level.isdigit() else 0

    def _level_of_style(self, list_id: str | None, style: str) -> str:
        """A style that names only a list is tied to the level that names the style back."""
        for number, level in self._lists.get(list_id or "", {}).items():
            if style and level.style == style:
                return str(number)
        return "0"


def _part(package: zipfile.ZipFile, name: str) -> etree._Element | None:
    if name not in package.namelist():
        return None
    try:
        return etree.fromstring(package.read(name), SAFE_XML)
    except etree.XMLSyntaxError:
        raise UnreadableDocumentError(f"a damaged Word document ({name} is not well-formed XML)") from None


def _val(element: etree._Element, child: str) -> str | None:
    found = element.find(f"{W}{child}")
    return None if found is None else found.get(f"{W}val")


def _lists(numbering: etree._Element | None) -> dict[str, dict[int, Level]]:
    if numbering is None:
        return {}
    abstract = {
        definition.get(f"{W}abstractNumId"): {int(lvl.get(f"{W}ilvl", "0")): Level.from_xml(lvl) for lvl in definition.iter(f"{W}lvl")}
        for definition in numbering.iter(f"{W}abstractNum")
    }
    lists = {}
    for instance in numbering.iter(f"{W}num"):
        levels = dict(abstract.get(_val(instance, "abstractNumId"), {}))
        for override in instance.iter(f"{W}lvlOverride"):
            number = int(override.get(f"{W}ilvl", "0"))
            if (lvl := override.find(f"{W}lvl")) is not None:
                levels[number] = Level.from_xml(lvl)
            if (start := _val(override, "startOverride")) and start.isdigit() and number in levels:
                levels[number] = replace(levels[number], start=int(start))
        lists[instance.get(f"{W}numId")] = levels
    return lists


def _style_numbering(styles: etree._Element | None) -> dict[str, tuple[str | None, str | None]]:
    if styles is None:
        return {}
    own, based_on = {}, {}
    for style in styles.iter(f"{W}style"):
        style_id = style.get(f"{W}styleId")
        numbering = style.find(f"{W}pPr/{W}numPr")
        if numbering is not None:
            own[style_id] = (_val(numbering, "numId"), _val(numbering, "ilvl"))
        based_on[style_id] = _val(style, "basedOn")

    def inherited(style_id: str | None, seen: frozenset[str] = frozenset()) -> tuple[str | None, str | None]:
        if style_id is None or style_id in seen:  # a cycle of basedOn is a damaged file; stop there
            return None, None
        if style_id in own:
            return own[style_id]
        return inherited(based_on.get(style_id), seen | {style_id})

    return {style_id: inherited(style_id) for style_id in based_on}


HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
LEGAL_SIMPLIFIED = str.maketrans("一二三四五六七八九十百", "壹贰叁肆伍陆柒捌玖拾佰")
LEGAL_TRADITIONAL = str.maketrans("一二三四五六七八九十百", "壹貳參肆伍陸柒捌玖拾佰")
ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def format_number(value: int, number_format: str) -> str:
    """value as Word prints it in the given w:numFmt; formats it has no rule for print in decimal."""
    try:
        return NUMBER_FORMATS.get(number_format, str)(value)
    except ValueError:  # beyond what the notation can write (①…⑳, 一…九百九十九)
        return str(value)


def _letters(value: int) -> str:
    # Word's letters repeat rather than carry: a … z, aa … zz, aaa …
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def _roman(value: int) -> str:
    spelled = ""
    for amount, numeral in ROMAN:
        count, value = divmod(value, amount)
        spelled += numeral * count
    return spelled


def _circled(value: int) -> str:
    if not 0 < value <= len(CIRCLED):
        raise ValueError(f"no circled number for {value}")
    return CIRCLED[value - 1]


def _legal(table: dict[int, str]):
    def spell(value: int) -> str:
        spelled = chinese_number(value)
        # the financial numerals write every ten with its digit: 壹拾叁, not 拾叁
        return ("一" + spelled if spelled.startswith("十") else spelled).translate(table)

    return spell


def _cycle(symbols: str):
    return lambda value: symbols[(value - 1) % len(symbols)]


NUMBER_FORMATS = {
    "decimal": str,
    "decimalZero": lambda value: f"{value:02d}",
    "decimalFullWidth": lambda value: str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalEnclosedCircle": _circled,
    "chineseCounting": chinese_number,
    "chineseCountingThousand": chinese_number,
    "taiwaneseCounting": chinese_number,
    "taiwaneseCountingThousand": chinese_number,
    "japaneseCounting": chinese_number,
    "chineseLegalSimplified": _legal(LEGAL_SIMPLIFIED),
    "ideographLegalTraditional": _legal(LEGAL_TRADITIONAL),
    "ideographTraditional": _cycle(HEAVENLY_STEMS),
    "ideographZodiac": _cycle(EARTHLY_BRANCHES),
    "lowerLetter": _letters,
    "upperLetter": lambda value: _letters(value).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda value: _roman(value).upper(),
}
NUMBER_FORMATS["decimalFullWidth2"] = NUMBER_FORMATS["decimalFullWidth"]
NUMBER_FORMATS["decimalEnclosedCircleChinese"] = NUMBER_FORMATS["decimalEnclosedCircle"]
