"""HTML pages of government sites: the article without the site around it, and the metadata block above it.

The article is the first known content container of the common Chinese government CMSes that holds
text (CONTENT_CONTAINERS), else the element with the most Chinese text in its <p> children; the site's
header, navigation, breadcrumbs, sidebars and footer lie outside it. In the article, <p>, <div>, <li>,
headings and <br> end paragraphs; scripts, styles and hidden elements are skipped; a <table> with two rows
of two cells or more is a Table block (a merged cell keeps its text in its first cell and leaves the cells
it covers blank; a cell's own paragraphs are joined by a newline); a layout table, with fewer such rows,
is read as text.
Line numbers count text lines as the article saved as plain text would have them, a table row a line.

Metadata comes from the labelled block governments put above the article (标题, 发文字号, 发文机关,
成文日期, in a table or a list, in simplified or traditional characters), else from <meta name="ArticleTitle">
and <title>; a page that states no 成文日期 gives its publication date (发布日期, <meta name="PubDate">),
the closest date it offers.

lexbor parses HTML5: it knows the HTML named entities and nothing of DTDs, so no external entity is ever
fetched or expanded; the input size is bounded by read_bytes.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from corpus.readers import UnreadableDocumentError
from corpus.source import Block, Paragraph, SourceMetadata, SourceText, Table

CONTENT_CONTAINERS = (
    "div.TRS_Editor",
    "#UCAP-CONTENT",
    "#zoom",
    "#Zoom",
    ".pages_content",
    ".article-content",
    "article",
)
BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "blockquote", "center", "pre", "header", "footer", "aside", "nav", "figure", "figcaption", "address", "hr", "tr",
}
SKIPPED_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "button", "select", "textarea", "input", "head"}
FIELD_LABELS = {
    "title": {"标题", "標題", "名称", "名稱"},
    "doc_number": {"发文字号", "發文字號", "文号", "文號"},
    "issuer": {"发文机关", "發文機關", "发布机构", "發佈機構", "發布機構"},
    "date": {"成文日期", "成文時間", "成文时间"},
    "published": {"发布日期", "發佈日期", "發布日期", "发布时间", "發佈時間"},
}
OTHER_LABELS = {"索引号", "索引號", "主题分类", "主題分類", "体裁分类", "體裁分類", "有效性"}
# any label, spaced out or not ("索 引 号"), with its colon: its value runs to the next label
ALL_LABELS = sorted(set().union(*FIELD_LABELS.values(), OTHER_LABELS), key=len, reverse=True)
LABEL = re.compile("(?:" + "|".join(r"\s*".join(label) for label in ALL_LABELS) + r")\s*[：:]")
LABEL_CANDIDATES = "td, th, li, dt, dd, span, label, b, strong, em, font, p, div"
MAX_LABELLED_TEXT = 200  # a metadata entry is short; a longer element is a wrapper around several
TITLE_SEPARATORS = re.compile(r"\s*[_|｜]\s*|\s+[-－—]\s+")
CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# A line break in the source between two Chinese characters is not a space (CSS Text, segment break rules).
CJK_SEGMENT_BREAK = re.compile(rf"(?<=[{CJK}])[ \t\f\r]*\n[ \t\n\f\r]*(?=[{CJK}])")
HTML_WHITESPACE = re.compile(r"[ \t\n\f\r]+")
PADDING = " \t\u3000\xa0"


def read_html(data: bytes) -> SourceText:
    tree = LexborHTMLParser(decode(data))
    article = _article(tree)
    if article is None:
        raise UnreadableDocumentError("the page has no article text (only the site around it?); add the page of the document itself")
    try:
        blocks = tuple(_ArticleReader().blocks(article))
    except RecursionError:  # hundreds of nested elements: no CMS writes that
        raise UnreadableDocumentError("the page's HTML is nested too deeply to read") from None
    if not blocks:
        raise UnreadableDocumentError("the page's article has no text")
    return SourceText(blocks, "html", _metadata(tree, article))


def decode(data: bytes) -> str:
    """The page's text: its BOM, else its declared charset, else UTF-8, else GB18030."""
    declared = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w-]+)", data[:4096], re.IGNORECASE)
    encodings = ["utf-8", "gb18030"]
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif declared:
        name = declared.group(1).decode("ascii").lower()
        # pages declaring gb2312 or gbk use characters beyond them, and gb18030 reads both; a page whose
        # <meta> could be found as bytes is not in UTF-16 or UTF-32, whatever it declares
        if not name.startswith(("utf-16", "utf-32")):
            encodings.insert(0, "gb18030" if name in ("gb2312", "gbk", "x-gbk") else name)
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise UnreadableDocumentError("the page is neither UTF-8 nor GB18030 text, nor in the charset it declares")


def _article(tree: LexborHTMLParser) -> LexborNode | None:
    for selector in CONTENT_CONTAINERS:
        for node in tree.css(selector):
            if _cjk_count(node.text()) > 0:
                return node
    return _densest_paragraph_parent(tree)


def _densest_paragraph_parent(tree: LexborHTMLParser) -> LexborNode | None:
    """The element whose <p> children hold the most Chinese text: the article, on a page of another CMS."""
    scores: Counter[int] = Counter()
    parents: dict[int, LexborNode] = {}
    for paragraph in tree.css("p"):
        parent = paragraph.parent
        if parent is not None and not _inside_skipped(paragraph):
            scores[parent.mem_id] += _cjk_count(paragraph.text())
            parents[parent.mem_id] = parent
    best = scores.most_common(1)
    return parents[best[0][0]] if best and best[0][1] > 0 else None


def _inside_skipped(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in SKIPPED_TAGS:
            return True
        parent = parent.parent
    return False


def _cjk_count(text: str) -> int:
    return len(re.findall(rf"[{CJK}]", text))


class _ArticleReader:
    """Walks the article, gathering inline text into paragraphs and tables into Table blocks."""

    def __init__(self) -> None:
        self.line = 0
        self.pending: list[str] = []

    def blocks(self, root: LexborNode) -> Iterator[Block]:
        yield from self._walk(root)
        yield from self._flush()

    def _walk(self, node: LexborNode) -> Iterator[Block]:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                self.pending.append(child.text_content or "")
            elif tag == "br":
                yield from self._flush()
            elif tag in SKIPPED_TAGS or tag == "-comment" or _hidden(child):
                continue
            elif tag == "table" and (rows := _table_rows(child)):
                yield from self._flush()
                self.line += 1
                yield Table(rows, self.line)
                self.line += len(rows) - 1
            elif tag in BLOCK_TAGS or tag in ("table", "tbody", "thead", "tfoot", "td", "th"):
                yield from self._flush()
                yield from self._walk(child)
                yield from self._flush()
            else:
                yield from self._walk(child)

    def _flush(self) -> Iterator[Block]:
        text = inline_text("".join(self.pending))
        self.pending = []
        if text:
            self.line += 1
            yield Paragraph(text, self.line)


def inline_text(raw: str) -> str:
    """Text as a browser shows it: source line breaks between Chinese characters dropped, other whitespace runs one space."""
    return HTML_WHITESPACE.sub(" ", CJK_SEGMENT_BREAK.sub("", raw)).strip(PADDING)


def _hidden(node: LexborNode) -> bool:
    attributes = node.attributes
    style = re.sub(r"\s+", "", (attributes.get("style") or "").lower())
    return "hidden" in attributes or "display:none" in style or "visibility:hidden" in style


def _table_rows(table: LexborNode) -> tuple[tuple[str, ...], ...]:
    """The rows of a data table; () for a layout table (fewer than two rows of two cells or more)."""
    rows: list[list[str]] = []
    covered: dict[int, int] = {}  # column -> rows below still taken by a cell with a rowspan
    for row in _own_rows(table):
        cells: list[str] = []
        for cell in (child for child in row.iter() if child.tag in ("td", "th")):
            _skip_covered(cells, covered)
            width, height = _span(cell, "colspan"), _span(cell, "rowspan")
            for offset in range(width):
                if height > 1:
                    covered[len(cells)] = height - 1
                cells.append("" if offset else _cell_text(cell))
        _skip_covered(cells, covered, through=max((column for column, left in covered.items() if left), default=-1))
        rows.append(cells)
    if sum(1 for cells in rows if len(cells) >= 2) < 2:
        return ()
    width = max(len(cells) for cells in rows)
    return tuple(tuple(cells + [""] * (width - len(cells))) for cells in rows)


def _skip_covered(cells: list[str], covered: dict[int, int], through: int = -1) -> None:
    """Blank cells where a cell from a row above reaches down, and any up to column `through`."""
    while covered.get(len(cells), 0) > 0 or len(cells) <= through:
        if covered.get(len(cells), 0) > 0:
            covered[len(cells)] -= 1
        cells.append("")


def _own_rows(table: LexborNode) -> Iterator[LexborNode]:
    """The table's rows, not those of tables nested in its cells."""
    for child in table.iter():
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (row for row in child.iter() if row.tag == "tr")


def _span(cell: LexborNode, attribute: str) -> int:
    value = (cell.attributes.get(attribute) or "1").strip()
    return min(int(value), 100) if value.isdigit() and int(value) > 0 else 1


def _cell_text(cell: LexborNode) -> str:
    reader = _ArticleReader()
    texts = []
    for block in reader.blocks(cell):
        if isinstance(block, Paragraph):
            texts.append(block.text)
        else:  # a table nested in a cell: its text, row by row
            texts.extend(" ".join(filter(None, row)) for row in block.rows)
    return "\n".join(texts)


def _metadata(tree: LexborHTMLParser, article: LexborNode) -> SourceMetadata:
    fields = _labelled_fields(tree, article)
    title = fields.get("title") or _meta(tree, "ArticleTitle") or _page_title(tree)
    date = fields.get("date") or fields.get("published") or _meta(tree, "PubDate")
    return SourceMetadata(title=title, doc_number=fields.get("doc_number", ""), issuer=fields.get("issuer", ""), date=date)


def _labelled_fields(tree: LexborHTMLParser, article: LexborNode) -> dict[str, str]:
    """Label: value pairs outside the article; the innermost element carrying a label wins."""
    names = {label: name for name, labels in FIELD_LABELS.items() for label in labels}
    fields: dict[str, str] = {}
    for node in reversed(tree.css(LABEL_CANDIDATES)):
        text = node.text()
        if len(text) > MAX_LABELLED_TEXT or _inside(node, article):
            continue
        labels = list(LABEL.finditer(text))
        for label, following in zip(labels, [*labels[1:], None]):
            name = names.get(re.sub(rf"[\s{PADDING}：:]+", "", label.group()))
            if name is None or name in fields:
                continue
            value = inline_text(text[label.end() : following.start() if following else None])
            if not value and following is None:
                # a label alone at the end of its element: the value is in the next cell, or after the element
                value = _following_text(node)
            if value:
                fields[name] = value
    return fields


def _following_text(node: LexborNode) -> str:
    """The value of a label standing alone in its element: the next cell, or the text after it."""
    sibling = node.next
    while sibling is not None:
        if sibling.tag != "-comment":
            text = inline_text(sibling.text_content if sibling.tag == "-text" else sibling.text())
            if text:
                return text
        sibling = sibling.next
    return ""


def _inside(node: LexborNode, container: LexborNode) -> bool:
    while node is not None:
        if node == container:
            return True
        node = node.parent
    return False


def _meta(tree: LexborHTMLParser, name: str) -> str:
    node = tree.css_first(f'meta[name="{name}"]')
    return inline_text(node.attributes.get("content") or "") if node is not None else ""


def _page_title(tree: LexborHTMLParser) -> str:
    """<title> without the site's name: of the parts around '_' or ' - ', the longest."""
    node = tree.css_first("title")
    parts = TITLE_SEPARATORS.split(inline_text(node.text())) if node is not None else []
    return max(parts, key=len, default="")
