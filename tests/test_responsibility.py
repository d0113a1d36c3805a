"""Every common way a policy document says who is responsible for a task."""
from __future__ import annotations

import pytest

from corpus.responsibility import is_field_line, is_party, read_labelled, read_task_table, split_trailing


@pytest.mark.parametrize(
    ("text", "body", "lead", "departments", "parties", "deng"),
    [
        (
            "下放地方负责。（省发展改革委、省编办、省水利厅等负责，列第一位的为牵头部门，下同）",
            "下放地方负责。",
            "省发展改革委",
            ("省发展改革委", "省编办", "省水利厅"),
            (),
            True,
        ),
        ("加快建设。（省财政厅负责）", "加快建设。", "省财政厅", ("省财政厅",), (), False),
        ("加快建设（省财政厅负责）。", "加快建设", "省财政厅", ("省财政厅",), (), False),
        ("加快建设。（由省财政厅负责。）", "加快建设。", "省财政厅", ("省财政厅",), (), False),
        ("加快建设。（牵头单位：省发展改革委；责任单位：省财政厅、省商务厅）", "加快建设。", "省发展改革委", ("省发展改革委", "省财政厅", "省商务厅"), (), False),
        ("加快建设。（牵头部门：省商务厅；配合部门：省财政厅、省税务局）", "加快建设。", "省商务厅", ("省商务厅", "省财政厅", "省税务局"), (), False),
        # 按职责分工负责 without a 牵头: the departments share the task, none leads
        ("加快建设。〔责任单位：省教育厅、省科技厅按职责分工负责〕", "加快建设。", None, ("省教育厅", "省科技厅"), (), False),
        ("加快建设。（省教育厅、省科技厅分别负责）", "加快建设。", None, ("省教育厅", "省科技厅"), (), False),
        ("加快建设。【牵头单位:省民政厅；配合单位:省财政厅】", "加快建设。", "省民政厅", ("省民政厅", "省财政厅"), (), False),
        ("加快建设。（省财政厅牵头，省教育厅、省民政厅配合）", "加快建设。", "省财政厅", ("省财政厅", "省教育厅", "省民政厅"), (), False),
        ("加快建设。（省政府办公厅牵头，各有关部门按职责分工负责）", "加快建设。", "省政府办公厅", ("省政府办公厅",), ("各有关部门",), False),
        # the lead goes first even when the list names it later
        ("加快建设。（省教育厅、省民政厅配合，省财政厅牵头）", "加快建设。", "省财政厅", ("省财政厅", "省教育厅", "省民政厅"), (), False),
        ("加快建设。（责任单位：省司法厅、省公安厅，省公安厅牵头）", "加快建设。", "省公安厅", ("省公安厅", "省司法厅"), (), False),
        ("加快建设。（配合单位：省财政厅；责任单位：省审计厅）", "加快建设。", "省审计厅", ("省审计厅", "省财政厅"), (), False),
        # nested parentheses inside the responsibility bracket
        (
            "加快建设。（省住房城乡建设厅、各市（州）政府、各县（市、区）政府负责）",
            "加快建设。",
            "省住房城乡建设厅",
            ("省住房城乡建设厅",),
            ("各市（州）政府", "各县（市、区）政府"),
            False,
        ),
        ("加快建设。〔责任单位：各县（市、区）政府、省农业农村厅〕", "加快建设。", "省农业农村厅", ("省农业农村厅",), ("各县（市、区）政府",), False),
        ("加快建设。（各地、有关单位负责）", "加快建设。", None, (), ("各地", "有关单位"), False),
        ("加快建设。（省财政厅、省教育厅等有关部门负责）", "加快建设。", "省财政厅", ("省财政厅", "省教育厅"), (), True),
        ("加快建设。（牵头单位：省发展改革委；完成时限：2025年底前）", "加快建设。", "省发展改革委", ("省发展改革委",), (), False),
        # 繁體: names kept as written
        ("加快建設。（省財政廳牽頭，省教育廳配合）", "加快建設。", "省財政廳", ("省財政廳", "省教育廳"), (), False),
        # every department named 牵头 goes before the others, in the order written
        ("加快建设。（省财政厅配合，省教育厅、省发展改革委牵头）", "加快建设。", "省教育厅", ("省教育厅", "省发展改革委", "省财政厅"), (), False),
        # （牵头） after one name of a list makes it the lead; the marker is no part of the name
        ("加快建设。（责任单位：省财政厅、省科技厅（牵头）、省投资集团）", "加快建设。", "省科技厅", ("省科技厅", "省财政厅", "省投资集团"), (), False),
        ("加快建设。（省财政厅、省科技厅（牵头部门）负责）", "加快建设。", "省科技厅", ("省科技厅", "省财政厅"), (), False),
        ("加快建设。（省财政厅、省科技厅（牵头））", "加快建设。", "省科技厅", ("省科技厅", "省财政厅"), (), False),
        # a name's own bracket is kept whole, at the end of a label's value too
        (
            "加快建设。（牵头单位：市发改委；配合单位：市税务局、市经信局（市新经济委））",
            "加快建设。",
            "市发改委",
            ("市发改委", "市税务局", "市经信局（市新经济委）"),
            (),
            False,
        ),
        ("加快建设。（牵头单位：省文化和旅游厅；配合单位：无）", "加快建设。", "省文化和旅游厅", ("省文化和旅游厅",), (), False),
    ],
)
def test_trailing_responsibility_forms(text, body, lead, departments, parties, deng):
    split = split_trailing(text)
    assert split.body == body
    assert split.responsibility.lead == lead
    assert split.responsibility.departments == departments
    assert split.responsibility.parties == parties
    assert split.responsibility.ends_with_deng is deng


@pytest.mark.parametrize(
    "text",
    [
        "深入推进ＰＰＰ（政府与社会资本合作）项目试点，积极推广ＰＰＰ等模式。",
        "编制规划（2014—2020年）",
        "落实《国务院关于近期支持东北振兴若干重大政策举措的意见》（国发〔2014〕28号）",
        "牵头部门负责方案制定和任务推进，配合部门要给予必要支持。",
        "（对企业在项目建设过程中因政策调整形成的历史遗留问题和债务纠纷的处置依法依规负责）",
        "建立机制（以下简称联席会议）。",
        "",
    ],
)
def test_text_that_names_no_one_is_not_a_responsibility(text):
    assert split_trailing(text) is None


@pytest.mark.parametrize(
    ("lines", "departments", "parties"),
    [
        (["责任单位：省发展改革委、省财政厅"], ("省发展改革委", "省财政厅"), ()),
        (["牵头单位：省商务厅", "配合单位：省财政厅、各市（州）政府"], ("省商务厅", "省财政厅"), ("各市（州）政府",)),
        (["配合单位：省财政厅", "牵头单位：省商务厅"], ("省商务厅", "省财政厅"), ()),
        (["【责任单位：省教育厅】"], ("省教育厅",), ()),
        (["责任部门:省卫生健康委、各县（市、区）政府"], ("省卫生健康委",), ("各县（市、区）政府",)),
        (["牵頭單位：省財政廳"], ("省財政廳",), ()),
        (["责任单位：省财政厅、省科技厅（牵头）、省投资集团"], ("省科技厅", "省财政厅", "省投资集团"), ()),
        (["（牵头单位：市发改委；责任单位：市经信局（市新经济委））"], ("市发改委", "市经信局（市新经济委）"), ()),
        (["牵头单位：省商务厅", "配合单位：——"], ("省商务厅",), ()),
    ],
)
def test_responsibility_lines(lines, departments, parties):
    assert all(is_field_line(line) for line in lines)
    found = read_labelled(lines[0])
    for line in lines[1:]:
        found += read_labelled(line)
    assert (found.departments, found.parties) == (departments, parties)


@pytest.mark.parametrize(
    ("line", "is_field"),
    [
        ("完成时限：2025年底前", True),
        ("责任单位：省财政厅", True),
        ("牵头部门要全力组织推进。", False),
        ("各地和牵头部门要及时报送实施方案。", False),
    ],
)
def test_field_lines(line, is_field):
    assert is_field_line(line) is is_field
    if is_field and "时限" in line:
        assert read_labelled(line).named == ()


@pytest.mark.parametrize(
    ("name", "party"),
    [
        ("各有关部门", True),
        ("各市（州）政府", True),
        ("各县（市、区）政府", True),
        ("各地", True),
        ("有关单位", True),
        ("省直相关部门", True),
        ("市（州）政府", True),
        ("县级以上人民政府", True),
        ("省财政厅", False),
        ("省市场监管局", False),
        ("人民银行长春中心支行", False),
        ("省人力资源社会保障厅", False),
    ],
)
def test_collective_parties_are_not_departments(name, party):
    assert is_party(name) is party


TASK_TABLE = (
    ("序号", "重点任务", "牵头单位", "责任单位", "配合单位", "完成时限"),
    ("1", "建设省级数据中心", "省发展改革委", "省工业和信息化厅", "各市（州）政府", "2024年底前"),
    ("2", "完善配套政策", "", "省财政厅、省税务局", "", "持续推进"),
    ("序号", "重点任务", "牵头单位", "责任单位", "配合单位", "完成时限"),
    ("3", "开展宣传推广", "", "各有关部门", "", ""),
    ("", "", "", "", "", ""),
    ("4-1", "落实奖补", "省财政厅牵头，省审计厅配合", "", "", ""),
)


def test_task_division_table():
    tasks = read_task_table(TASK_TABLE)
    assert [task.number for task in tasks] == ["1", "2", "3", "4-1"]
    first = tasks[0]
    assert first.responsibility.departments == ("省发展改革委", "省工业和信息化厅")
    assert first.responsibility.parties == ("各市（州）政府",)
    assert first.text == "建设省级数据中心\n牵头单位：省发展改革委\n责任单位：省工业和信息化厅\n配合单位：各市（州）政府\n完成时限：2024年底前"
    assert first.body == "建设省级数据中心\n完成时限：2024年底前"
    assert tasks[1].responsibility.departments == ("省财政厅", "省税务局")
    assert tasks[2].responsibility.departments == () and tasks[2].responsibility.parties == ("各有关部门",)
    assert tasks[3].responsibility.departments == ("省财政厅", "省审计厅")


def test_group_rows_head_the_rows_numbered_under_them():
    rows = (
        ("序号", "重点任务", "牵头单位", "责任单位"),
        ("1", "培育外贸主体", "省商务厅", "省税务局"),
        ("2", "拓展国际市场", "拓展国际市场", "拓展国际市场"),  # merged cells repeat the title
        ("2.1", "参加重点展会", "省商务厅", "省贸促会"),
        ("2.2", "深耕东北亚市场", "省商务厅", ""),
        ("3", "提升通关便利", "长春海关", ""),
        ("4", "加强监测", "", ""),
    )
    tasks = read_task_table(rows)
    assert [(task.number, task.group.title if task.group else None) for task in tasks] == [
        ("1", None),
        ("2.1", "拓展国际市场"),
        ("2.2", "拓展国际市场"),
        ("3", None),
        ("4", None),  # names no one, but nothing is numbered under it: a task
    ]
    assert tasks[1].responsibility.departments == ("省商务厅", "省贸促会")


def test_a_table_without_a_task_column_is_not_a_task_table():
    assert read_task_table((("项目名称", "总投资（亿元）"), ("长春轨道交通", "120"))) is None


def test_a_table_without_a_number_column_numbers_rows_by_position():
    tasks = read_task_table((("工作任务", "责任部门"), ("甲", "省财政厅"), ("乙", "省教育厅")))
    assert [(task.number, task.responsibility.departments) for task in tasks] == [("1", ("省财政厅",)), ("2", ("省教育厅",))]


def test_a_cell_lists_one_unit_a_line_and_a_placeholder_names_no_one():
    """Offices type one unit a line in a cell: the lines never run on into one name, and two leads
    both come first, in order. A dash, a slash or 无 fills an empty cell."""
    rows = (
        ("序号", "工作任务", "牵头单位", "配合单位"),
        ("1", "落实税费政策", "省财政厅", "国家税务总局湖南省税务局\n省教育厅"),
        ("2", "建设产教联合体", "省教育厅\n省发展改革委", "省财政厅"),
        ("3", "共建实习基地", "省文化和旅游厅", "—"),
        ("4", "开设订单班", "省交通运输厅", "-"),
        ("5", "培育新型农民", "省农业农村厅", "/"),
        ("6", "宣传典型案例", "省委宣传部", "无"),
    )
    read = [(task.responsibility.lead, task.responsibility.departments) for task in read_task_table(rows)]
    assert read == [
        ("省财政厅", ("省财政厅", "国家税务总局湖南省税务局", "省教育厅")),
        ("省教育厅", ("省教育厅", "省发展改革委", "省财政厅")),
        ("省文化和旅游厅", ("省文化和旅游厅",)),
        ("省交通运输厅", ("省交通运输厅",)),
        ("省农业农村厅", ("省农业农村厅",)),
        ("省委宣传部", ("省委宣传部",)),
    ]
