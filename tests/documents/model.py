"""A test document as data: its parts as printed, how each format presents them, and what a parser should read.

A document is stated once (PolicyDocument); `printed` lays it out as the sequence of paragraphs and tables
every format prints, and `expected_parse` derives the reading a parser should arrive at.
"""
from __future__ import annotations

from dataclasses import dataclass

from corpus.source import SourceMetadata

BODY_START_LENGTH = 12


@dataclass(frozen=True)
class Responsible:
    """Who a task makes responsible, as a careful reader of the document understands it."""

    lead: str | None = None  # the department that leads (牵头); None when the text names no lead
    co: tuple[str, ...] = ()  # the other departments named, in printed order
    non_specific: tuple[str, ...] = ()  # parties named as a class rather than one body: 各县（市、区）政府


@dataclass(frozen=True)
class Heading:
    level: int  # 1 for 一、 and 第一章, 2 for （一）
    number: str  # as printed: "一、", "（一）", "第一章"
    title: str
    separator: str = ""  # between number and title: the "　" of 第一章　總則

    @property
    def text(self) -> str:
        return f"{self.number}{self.separator}{self.title}"


@dataclass(frozen=True)
class Task:
    number: str  # as printed: "1.", "第三條"
    body: str  # the task's text after its number, without its responsibility
    responsibility: str = ""  # exactly as printed; "" for a task that names no one
    responsible: Responsible = Responsible()
    separator: str = ""  # between number and body
    on_own_line: bool = False  # the responsibility is a paragraph of its own after the task (責任單位：…)

    @property
    def text(self) -> str:
        closing = "" if self.on_own_line else self.responsibility
        return f"{self.number}{self.separator}{self.body}{closing}"


@dataclass(frozen=True)
class TableTask:
    number: str  # 序号 as printed: "1", "2.3"
    body: str  # 重点任务
    lead_cell: str  # 牵头单位 as printed
    partner_cell: str  # 责任单位 as printed
    responsible: Responsible

    def cells(self, width: int) -> tuple[str, ...]:
        return (self.number, self.body, self.lead_cell, self.partner_cell)[:width]


@dataclass(frozen=True)
class TableGroup:
    """A row heading the tasks numbered under it; its title spans the task and department columns."""

    number: str
    title: str

    def cells(self, width: int) -> tuple[str, ...]:
        return (self.number, self.title) + ("",) * (width - 2)


@dataclass(frozen=True)
class TaskTable:
    columns: tuple[str, ...]  # the header row
    rows: tuple[TableTask | TableGroup, ...]

    @property
    def cells(self) -> tuple[tuple[str, ...], ...]:
        return (self.columns,) + tuple(row.cells(len(self.columns)) for row in self.rows)


@dataclass(frozen=True)
class Annex:
    """An attachment printed after the closing: a label line, a title and a task-division table."""

    label: str
    title: str
    table: TaskTable


@dataclass(frozen=True)
class AutoNumber:
    """A numbering level Word generates in the .docx instead of the number printed as text."""

    applies_to: str  # "heading1", "heading2" or "task"
    num_format: str  # w:numFmt: decimal, chineseCountingThousand …
    level_text: str  # w:lvlText: "%1、", "（%2）", "%3."


@dataclass(frozen=True)
class WordNumbering:
    levels: tuple[AutoNumber, ...]  # list levels 0, 1, … in order
    suffix: str = "nothing"  # w:suff, what Word sets between the number and the text
    style: str = ""  # a paragraph style carrying the numbering ('List Number' fashion); "" numbers each paragraph


@dataclass(frozen=True)
class PrintedPages:
    """How the .pdf and .docx set their pages."""

    header: str  # the running header on every page
    page_number: str  # with {n}: "- {n} -", "第{n}頁", "{n}"


@dataclass(frozen=True)
class WebPage:
    """The government site the .html page comes from."""

    site_name: str
    section: str  # the breadcrumb's last step
    container: str  # the article element's opening tag, '<div class="TRS_Editor">'
    metadata_layout: str  # "table" or "list"
    traditional: bool  # labels in traditional characters
    index_number: str  # 索引号
    topic: str  # 主题分类
    published: str  # 发布日期
    site_code: str  # 网站标识码
    icp: str  # ICP 备案号


@dataclass(frozen=True)
class PolicyDocument:
    name: str  # the files' stem
    title: str
    doc_number: str  # 文号
    issuer: str  # 发文机关
    date: str  # 成文日期
    addressee: str
    preamble: tuple[str, ...]
    body: tuple[Heading | Task | str, ...]  # a str is a paragraph of plain text
    pages: PrintedPages
    web: WebPage
    attachments: tuple[str, ...] = ()  # as printed: "附件：…"
    annex: Annex | None = None
    word_numbering: WordNumbering | None = None

    @property
    def metadata(self) -> SourceMetadata:
        return SourceMetadata(title=self.title, doc_number=self.doc_number, issuer=self.issuer, date=self.date)


@dataclass(frozen=True)
class Printed:
    """One paragraph as every format prints it; role picks its style, item its automatic number in .docx."""

    text: str
    role: str  # title, doc_number, addressee, body, heading1, heading2, task, responsibility, attachment, signature, date, annex_label, annex_title
    item: Heading | Task | None = None


def printed(document: PolicyDocument) -> list[Printed | TaskTable]:
    """The document in reading order: the paragraphs and tables each format writes."""
    blocks: list[Printed | TaskTable] = [
        Printed(document.title, "title"),
        Printed(document.doc_number, "doc_number"),
        Printed(document.addressee, "addressee"),
        *(Printed(text, "body") for text in document.preamble),
    ]
    for item in document.body:
        if isinstance(item, Heading):
            blocks.append(Printed(item.text, f"heading{item.level}", item))
        elif isinstance(item, Task):
            blocks.append(Printed(item.text, "task", item))
            if item.on_own_line and item.responsibility:
                blocks.append(Printed(item.responsibility, "responsibility"))
        else:
            blocks.append(Printed(item, "body"))
    blocks += [Printed(text, "attachment") for text in document.attachments]
    blocks += [Printed(document.issuer, "signature"), Printed(document.date, "date")]
    if document.annex is not None:
        blocks += [Printed(document.annex.label, "annex_label"), Printed(document.annex.title, "annex_title"), document.annex.table]
    return blocks


@dataclass(frozen=True)
class ExpectedTask:
    """One task as a parser should read it."""

    number: str  # as printed: "1.", "第三條", "2.3"
    headings: tuple[str, ...]  # titles of the headings above it, outermost first, without their numbers
    body_start: str  # the first BODY_START_LENGTH characters of its text after the number
    lead: str | None
    co: tuple[str, ...]
    non_specific: tuple[str, ...]


@dataclass(frozen=True)
class ExpectedParse:
    """What a parser should read from a document in any of its formats.

    metadata: title, 文号, 发文机关 and 成文日期 as the document prints them (corpus.source.SourceMetadata).
    tasks: every numbered task in reading order (ExpectedTask): each numbered item at the task level,
    including those that name no department (lead None, co and non_specific empty). Headings and table
    rows that group tasks are not tasks.
    """

    metadata: SourceMetadata
    tasks: tuple[ExpectedTask, ...]


def expected_parse(document: PolicyDocument) -> ExpectedParse:
    tasks = []
    headings: tuple[str, ...] = ()
    for item in document.body:
        if isinstance(item, Heading):
            headings = headings[: item.level - 1] + (item.title,)
        elif isinstance(item, Task):
            tasks.append(_expected(item.number, headings, item.body, item.responsible))
    group: TableGroup | None = None
    for row in document.annex.table.rows if document.annex else ():
        if isinstance(row, TableGroup):
            group = row
        else:
            under_group = group is not None and row.number.startswith(f"{group.number}.")
            tasks.append(_expected(row.number, (group.title,) if under_group else (), row.body, row.responsible))
    return ExpectedParse(document.metadata, tuple(tasks))


def _expected(number: str, headings: tuple[str, ...], body: str, responsible: Responsible) -> ExpectedTask:
    return ExpectedTask(number, headings, body[:BODY_START_LENGTH], responsible.lead, responsible.co, responsible.non_specific)
