"""Who is responsible for a task, in the forms Chinese policy documents write it.

- a closing parenthesis: （省发展改革委、省财政厅等负责，列第一位的为牵头部门，下同）,
  （省财政厅牵头，省教育厅、省民政厅配合）, （省政府办公厅牵头，各有关部门按职责分工负责）;
- a labelled bracket: （牵头单位：A；责任单位：B、C）, 〔责任单位：A、B按职责分工负责〕, 【配合部门：C】;
- a line of its own after the task: 牵头单位：A / 责任单位：B、C / 配合单位：D;
- the columns of a task-division table (牵头单位, 责任单位, 配合单位 …).

An explicit 牵头 names the lead (A牵头, 牵头单位：A, or a list's 省科技厅（牵头）); otherwise the first
department listed leads (the 公文 convention), unless the list is marked 按职责分工负责: then the
departments share the task and none leads. Collective parties such as 各有关部门 or 各县（市、区）政府
are kept apart from departments; a placeholder (—, /, 无) in an empty cell or label names no one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from corpus.layout import normalized

OPENING_BRACKETS = "（(【〔[［〖{"
CLOSING_BRACKETS = "）)】〕]］〗}"
CLAUSE_SEPARATORS = "，,；;"
NAME_SEPARATORS = "、"
# punctuation that may follow a task's closing bracket: …（省财政厅负责）。
TRAILING_PUNCTUATION = " \t\n\u3000。；;.，,"
# longer than any department's name: a clause this long is prose that happens to end in 负责
MAX_NAME_LENGTH = 30


class Role(Enum):
    LEAD = "lead"
    RESPONSIBLE = "responsible"  # listed as responsible; the first of these leads when no one is named lead
    SHARED = "shared"  # responsible each for its own part (按职责分工负责): none of them leads
    CO = "co"


@dataclass(frozen=True)
class Named:
    name: str  # as written
    role: Role


# collective parties: every body of a kind, any relevant department, the localities
PARTY_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r"^各",
        r"有关",
        r"相关",
        r"^其[他它]",
        r"^属地",
        r"所在地",
        r"^地方",
        r"^(?:市|县|区|乡镇|市（州）|县（市）|县（市、区）)(?:级)?(?:以上)?(?:人民)?政府$",
    )
)


def is_party(name: str) -> bool:
    return any(pattern.search(normalized(name)) for pattern in PARTY_PATTERNS)


@dataclass(frozen=True)
class Responsibility:
    named: tuple[Named, ...]
    ends_with_deng: bool = False  # a list ended in 等: it is not exhaustive

    def __add__(self, other: Responsibility) -> Responsibility:
        return Responsibility(self.named + other.named, self.ends_with_deng or other.ends_with_deng)

    @property
    def lead(self) -> str | None:
        """The department named 牵头, else the first listed as responsible; None when all share the task."""
        specific = [named for named in self.named if not is_party(named.name)]
        for role in (Role.LEAD, Role.RESPONSIBLE):
            if leading := next((named.name for named in specific if named.role is role), None):
                return leading
        return None

    @property
    def departments(self) -> tuple[str, ...]:
        """Specific departments, the lead first (every one named 牵头, in the order written), the others
        in the order written."""
        specific = [named for named in self.named if not is_party(named.name)]
        leading = [named.name for named in specific if named.role is Role.LEAD] or ([self.lead] if self.lead else [])
        return tuple(dict.fromkeys([*leading, *(named.name for named in specific)]))

    @property
    def parties(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(named.name for named in self.named if is_party(named.name)))


NO_ONE = Responsibility(())

# a clause that ends in a role: names, then 等, a manner (按职责分工) and the role word
DENG = r"等(?:有关|相关)?(?:部门|单位)?"  # 省财政厅等, 省财政厅等有关部门
DENG_AT_END = re.compile(f"{DENG}$")
ROLE_CLAUSE = re.compile(
    rf"^(?:由)?(?P<names>.+?)(?P<deng>{DENG})?(?:(?P<shared>按照职责分工|按职责分工|按职责|分工|分别|共同)|协同|具体)?"
    r"(?P<verb>牵头负责|牵头|负责|配合|协助|参与)$",
    re.DOTALL,
)
VERB_ROLES = {"牵头负责": Role.LEAD, "牵头": Role.LEAD, "配合": Role.CO, "协助": Role.CO, "参与": Role.CO}
# a role marked after one name of a list: 省财政厅、省科技厅（牵头）、省投资集团
ROLE_MARKER = re.compile(rf"^(?P<name>.+?)[（(](?P<verb>{'|'.join(VERB_ROLES)})(?:单位|部门)?[）)]$")
# what an empty cell or label is filled with: —, ——, -, /, 无
PLACEHOLDER = re.compile(r"^(?:[—–\-－/／]+|无)$")


def _clause_role(match: re.Match[str], default: Role | None) -> Role:
    """The role a clause gives: its verb's, a label's (牵头单位, 配合单位), or for plain 负责 whether it is shared."""
    if match.group("verb") in VERB_ROLES:
        return VERB_ROLES[match.group("verb")]
    if default in (Role.LEAD, Role.CO):
        return default
    return Role.SHARED if match.group("shared") else Role.RESPONSIBLE

DEPARTMENT_LABELS = (
    (r"牵头(?:单位|部门)?", Role.LEAD),
    (r"(?:责任|主责|负责|承办|实施)(?:单位|部门)", Role.RESPONSIBLE),
    (r"(?:配合|协办|参与|协助)(?:单位|部门)?", Role.CO),
)
OTHER_LABELS = r"完成(?:时限|时间)|时间(?:节点|要求|安排)|时限(?:要求)?|进度安排|工作目标|备注"
LABEL = re.compile(
    "(?:"
    + "|".join(f"(?P<department{index}>{pattern})" for index, (pattern, _) in enumerate(DEPARTMENT_LABELS))
    + rf"|(?P<other>{OTHER_LABELS}))\s*[：:]"
)
LABEL_AT_START = re.compile(rf"^[{OPENING_BRACKETS}]?\s*(?:{LABEL.pattern})")


def _depths(text: str) -> list[int]:
    """The bracket depth of each character, a bracket counting at the depth around it."""
    depths, depth = [], 0
    for char in text:
        if char in CLOSING_BRACKETS:
            depth -= 1
        depths.append(depth)
        if char in OPENING_BRACKETS:
            depth += 1
    return depths


def _split(text: str, separators: str) -> list[str]:
    """Pieces of text between separators outside brackets: 各县（市、区）政府 stays whole."""
    pieces, start = [], 0
    for position, (char, depth) in enumerate(zip(normalized(text), _depths(text))):
        if depth == 0 and char in separators:
            pieces.append(text[start:position])
            start = position + 1
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _names(text: str) -> list[str]:
    """The names listed, each with the whitespace of a wrapped line taken out; a placeholder (—, /, 无) names no one."""
    names = ("".join(name.split()) for name in _split(text, NAME_SEPARATORS))
    return [name for name in names if not PLACEHOLDER.match(normalized(name))]


def _named(name: str, role: Role) -> Named:
    """A name with the role it was listed under, unless its own bracket gives one: 省科技厅（牵头）
    leads whatever list it stands in, and the marker is no part of its name."""
    match = ROLE_MARKER.match(normalized(name))
    if match is None:
        return Named(name, role)
    return Named(name[: match.end("name")], VERB_ROLES[match.group("verb")])


def _marks_a_role(clause: str) -> bool:
    return any(ROLE_MARKER.match(normalized(name)) for name in _names(clause))


def read_roles(text: str, default: Role | None = None) -> Responsibility:
    """The parties named in clauses like "A牵头，B、C配合" or "A、B等负责".

    A clause without a role word takes the default role (a labelled list); with no default it lists
    those responsible where one of its names carries its own role, "A、B（牵头）", and is otherwise a
    note that names no one: "列第一位的为牵头部门，下同".
    """
    named: list[Named] = []
    deng = False
    for clause in _split(text.rstrip(TRAILING_PUNCTUATION), CLAUSE_SEPARATORS):
        matching = normalized(clause)
        if match := ROLE_CLAUSE.match(matching):
            names = clause[match.start("names") : match.end("names")]
            role = _clause_role(match, default)
            clause_deng = bool(match.group("deng"))
        elif default is not None or _marks_a_role(clause):
            deng_match = DENG_AT_END.search(matching)
            clause_deng = deng_match is not None
            names, role = (clause[: deng_match.start()] if deng_match else clause), default or Role.RESPONSIBLE
        else:
            continue
        listed = _names(names)
        if not listed or any(len(name) > MAX_NAME_LENGTH for name in listed):
            continue
        named.extend(_named(name, role) for name in listed)
        deng = deng or clause_deng
    return Responsibility(tuple(named), deng)


def read_labelled(text: str) -> Responsibility:
    """The parties in "牵头单位：A；责任单位：B、C；完成时限：2025年底前"; other labels name no one."""
    labels = list(LABEL.finditer(normalized(text)))
    found = NO_ONE
    for label, following in zip(labels, [*labels[1:], None]):
        if label.lastgroup == "other":
            continue
        value = text[label.end() : following.start() if following else len(text)]
        role = DEPARTMENT_LABELS[int(label.lastgroup.removeprefix("department"))][1]
        found += read_roles(_label_value(value), role)
    return found


def _label_value(text: str) -> str:
    """A label's value without the punctuation around it, nor the end of a bracket the label stood
    in (a line （牵头单位：A；责任单位：B）); a name's own bracket, 市经信局（市新经济委）, stays whole."""
    value = text.strip(CLAUSE_SEPARATORS + TRAILING_PUNCTUATION)
    while value and value[-1] in CLOSING_BRACKETS and _depths(value)[-1] < 0:
        value = value[:-1].strip(CLAUSE_SEPARATORS + TRAILING_PUNCTUATION)
    return value


def read_bracket(inner: str) -> Responsibility:
    """What a bracket's content says about responsibility, labelled or written as roles."""
    if LABEL.search(normalized(inner)):
        return read_labelled(inner)
    return read_roles(inner)


@dataclass(frozen=True)
class Split:
    body: str  # the text before the bracket
    responsibility: Responsibility


def split_trailing(text: str) -> Split | None:
    """Split a task's closing bracket of responsible parties from its body.

    Only a bracket that closes the text and names someone counts: brackets inside the body, such
    as ＰＰＰ（政府与社会资本合作）, and closing notes such as （2014—2020年） are part of the text.
    """
    end = len(text.rstrip(TRAILING_PUNCTUATION))
    if end == 0 or text[end - 1] not in CLOSING_BRACKETS:
        return None
    depths = _depths(text[:end])
    depth = depths[end - 1]
    start = next((position for position in range(end - 2, -1, -1) if depths[position] <= depth), None)
    if start is None or depths[start] != depth or text[start] not in OPENING_BRACKETS:
        return None
    responsibility = read_bracket(text[start + 1 : end - 1])
    if not responsibility.named:
        return None
    return Split(text[:start].rstrip(), responsibility)


def is_field_line(text: str) -> bool:
    """A line of its own that labels the task before it: 责任单位：…, 完成时限：…"""
    return bool(LABEL_AT_START.match(normalized(text)))


NUMBER_COLUMN = "number"
TASK_COLUMN = "task"
# a task-division table's columns, recognised by their header words
COLUMN_HEADERS: tuple[tuple[re.Pattern[str], str | Role], ...] = (
    (re.compile(r"^(?:序号|编号)$"), NUMBER_COLUMN),
    (re.compile(r"牵头(?:单位|部门)"), Role.LEAD),
    (re.compile(r"(?:责任|主责)(?:单位|部门)"), Role.RESPONSIBLE),
    (re.compile(r"(?:配合|协办|参与)(?:单位|部门)"), Role.CO),
    (re.compile(r"任务|工作内容|具体措施|主要措施"), TASK_COLUMN),
)


def _column(header: str) -> str | Role | None:
    words = "".join(normalized(header).split())
    return next((column for pattern, column in COLUMN_HEADERS if pattern.search(words)), None)


@dataclass(frozen=True)
class TableGroup:
    """A row heading the rows numbered under it: 2 拓展多元化国际市场 above 2.1, 2.2 …"""

    number: str
    title: str


@dataclass(frozen=True)
class TableTask:
    number: str  # from the 序号 column as printed, else the row's position
    text: str  # the task, then every other filled cell as "header：cell"
    body: str  # the same without the department columns
    responsibility: Responsibility
    group: TableGroup | None = None


def _read_cell(cell: str, role: Role) -> Responsibility:
    """The units a department cell lists. Its paragraphs are separate (offices often type one unit a
    line), so a name never runs on from one into the next as it does across a wrapped line of text."""
    found = NO_ONE
    for line in cell.splitlines():
        found += read_roles(line, role)
    return found


class _TaskTable:
    def __init__(self, rows: tuple[tuple[str, ...], ...]):
        self.header = rows[0]
        self.columns = [_column(cell) for cell in self.header]

    def cell(self, row: tuple[str, ...], column: str | Role) -> str:
        return next((cell.strip() for cell, kind in zip(row, self.columns) if kind == column and cell.strip()), "")

    def department_cells(self, row: tuple[str, ...]) -> list[tuple[Role, str]]:
        return [(kind, cell.strip()) for cell, kind in zip(row, self.columns) if isinstance(kind, Role) and cell.strip()]

    def is_group(self, row: tuple[str, ...], following: tuple[str, ...] | None) -> bool:
        """A row naming no department (or repeating its title across merged cells) whose next row is numbered under it."""
        title, number = self.cell(row, TASK_COLUMN), self.cell(row, NUMBER_COLUMN)
        numbered_under = following is not None and bool(number) and self.cell(following, NUMBER_COLUMN).startswith(f"{number}.")
        return numbered_under and all(cell == title for _, cell in self.department_cells(row))

    def task(self, row: tuple[str, ...], position: int, group: TableGroup | None) -> TableTask:
        described = [
            (kind, f"{header.strip()}：{cell.strip()}")
            for header, cell, kind in zip(self.header, row, self.columns)
            if cell.strip() and kind not in (NUMBER_COLUMN, TASK_COLUMN)
        ]
        responsibility = NO_ONE
        for role, cell in self.department_cells(row):
            responsibility += _read_cell(cell, role)
        task = self.cell(row, TASK_COLUMN)
        return TableTask(
            number=self.cell(row, NUMBER_COLUMN) or str(position),
            text="\n".join([task, *(line for _, line in described)]),
            body="\n".join([task, *(line for kind, line in described if not isinstance(kind, Role))]),
            responsibility=responsibility,
            group=group,
        )


def read_task_table(rows: tuple[tuple[str, ...], ...]) -> list[TableTask] | None:
    """Each row of a task-division table as a task; None for a table without a task column.

    A header repeated on each page and empty rows are skipped; group rows head the tasks numbered under them.
    """
    if not rows:
        return None
    table = _TaskTable(rows)
    if TASK_COLUMN not in table.columns:
        return None
    data = [(position, row) for position, row in enumerate(rows[1:], start=1) if row != table.header and table.cell(row, TASK_COLUMN)]
    tasks: list[TableTask] = []
    group: TableGroup | None = None
    for (position, row), following in zip(data, [*(row for _, row in data[1:]), None]):
        if table.is_group(row, following):
            group = TableGroup(table.cell(row, NUMBER_COLUMN), table.cell(row, TASK_COLUMN))
            continue
        if group and not table.cell(row, NUMBER_COLUMN).startswith(f"{group.number}."):
            group = None
        tasks.append(table.task(row, position, group))
    return tasks
