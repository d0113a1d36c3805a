"""The parsed structure of the Jilin document, checked against its text, and what irregular input gives."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus.library import BUNDLED_LIBRARY, Library, LibraryError
from corpus.models import PassageKind
from corpus.parser import ParseError, parse_document, parse_source
from corpus.readers import read_source
from corpus.source import Paragraph, SourceMetadata, SourceText, Table
from tests.documents import DOCUMENTS, write_document
from tests.documents.model import BODY_START_LENGTH, expected_parse

SOURCE = Path(__file__).resolve().parents[1] / "corpus" / "documents" / "jilin-northeast-revitalization-2014.txt"
SHARED_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / SOURCE.name


@pytest.fixture(scope="module")
def document():
    return parse_document(SOURCE.read_text(encoding="utf-8"), "jilin")


def responsibilities_by_regex() -> dict[int, list[str]]:
    """An independent reading of every measure line: its number and the names in its last parenthesis."""
    found = {}
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*(\d+)\.(.*)（([^（）]*)负责[^（）]*）\s*$", line.strip("\u3000"))
        if match:
            names = match.group(3).removesuffix("等")
            found[int(match.group(1))] = names.split("、")
    return found


def test_bundled_copy_matches_shared_source():
    if not SHARED_SOURCE.exists():
        pytest.skip("no shared/ folder beside the checkout")
    assert SOURCE.read_bytes() == SHARED_SOURCE.read_bytes()


def test_structure_counts(document):
    assert len(document.parts) == 11
    assert sum(len(part.subsections) for part in document.parts) == 35
    assert [m.measure for m in document.measures] == list(range(1, 140))
    assert document.issuer == "吉林省人民政府"
    assert document.date == "2014年9月25日"
    assert document.warnings == []


def test_every_measure_departments_and_lead_match_the_text(document):
    expected = responsibilities_by_regex()
    assert sorted(expected) == list(range(1, 140))
    for measure in document.measures:
        assert list(measure.departments) == expected[measure.measure], measure.measure
        assert measure.lead_department == expected[measure.measure][0]
        assert measure.co_departments == tuple(expected[measure.measure][1:])


def test_measure_one_note_does_not_leak(document):
    first = document.measure(1)
    assert first.departments[-1] == "省水利厅"
    assert first.ends_with_deng
    assert not any("牵头" in name or "下同" in name for m in document.measures for name in m.departments)
    assert first.body.endswith("下放地方负责。")


def test_deng_flag_and_inner_parentheses(document):
    assert document.measure(8).ends_with_deng
    assert not document.measure(91).ends_with_deng
    assert "ＰＰＰ（政府与社会资本合作）" in document.measure(8).body
    assert document.measure(8).lead_department == "省财政厅"


def test_shantytown_measures(document):
    leads = {n: document.measure(n).lead_department for n in (91, 92, 93, 94)}
    assert leads == {91: "省国开行", 92: "省发展改革委", 93: "省国开行", 94: "省金融办"}
    assert document.measure(91).subsection == "加快推进棚户区改造"
    assert document.measure(91).part == "切实保障和改善民生"


def test_unnumbered_subsections_preamble_and_closing_are_citable(document):
    kinds = [p.kind for p in document.passages]
    assert kinds[0] is PassageKind.PREAMBLE
    assert "国发〔2014〕28号" in document.passages[0].text
    unnumbered = [p for p in document.passages if p.kind is PassageKind.SUBSECTION]
    assert [p.subsection for p in unnumbered] == ["抓好组织实施", "加强督促检查"]
    assert all(p.measure is None and p.departments == () for p in unnumbered)
    closing = document.passages[-1]
    assert closing.kind is PassageKind.CLOSING
    assert closing.text.startswith("附件：") and closing.text.endswith("2014年9月25日")


def test_library_loads_bundled_catalog():
    library = Library.load(BUNDLED_LIBRARY)
    assert len(library.documents) == 1
    assert len(library.measures()) == 139
    assert len(library.checksum) == 64


MINIMAL = "　　一、总则\n\n　　（一）第一节。\n\n　　1.做好甲。（省财政厅负责）\n\n　　2.做好乙。（省发展改革委、省财政厅负责）\n"


def test_minimal_document_parses():
    document = parse_document(MINIMAL, "mini")
    assert [m.departments for m in document.measures] == [("省财政厅",), ("省发展改革委", "省财政厅")]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (MINIMAL.replace("2.做好乙", "3.做好乙"), 7, "3. out of order (expected 2.)"),
        (MINIMAL.replace("（省财政厅负责）\n", "（省财政厅负责\n", 1), 5, "unclosed parenthesis"),
        ("　　一、总则\n　　三、跳过\n　　1.甲。（省财政厅负责）\n", 2, "三、 out of order (expected 二、)"),
    ],
)
def test_irregular_documents_parse_with_warnings_that_name_the_line(text, line, words):
    document = parse_document(text, "irregular")
    assert document.measures
    assert any(warning.startswith(f"line {line}: ") and words in warning for warning in document.warnings), document.warnings


def test_only_a_document_without_text_is_an_error():
    with pytest.raises(ParseError) as caught:
        parse_document("\n\u3000\u3000\n", "empty")
    assert caught.value.line == 1
    assert "no text" in str(caught.value)


def test_measure_without_departments_is_kept_with_a_warning():
    document = parse_document(MINIMAL.replace("（省财政厅负责）", ""), "warn")
    assert document.measure(1).departments == ()
    assert document.warnings == ["line 5: measure 1 names no responsible departments"]


def test_library_errors_name_the_file(tmp_path):
    with pytest.raises(LibraryError, match="catalog.json"):
        Library.load(tmp_path)
    (tmp_path / "catalog.json").write_text('{"documents": [{"id": "x", "file": "x.txt", "title": "X"}]}', encoding="utf-8")
    (tmp_path / "x.txt").write_text("　　\n", encoding="utf-8")
    with pytest.raises(LibraryError, match=r"x\.txt: line 1"):
        Library.load(tmp_path)


PLAN = """吉林省人民政府办公厅文件
吉政办发〔2023〕12号
吉林省人民政府办公厅关于印发吉林省促进
数字经济发展实施方案的通知
各市（州）人民政府，长白山管委会，各县（市）人民政府，省政府各厅委办、各直属机构：
　　现将《吉林省促进数字经济发展实施方案》印发给你们，请认真贯彻执行。
一、总体要求
　　以习近平新时代中国特色社会主义思想为指导。
二、重点任务
（一）夯实数字基础设施
1.加快5G网络建设。（牵头单位：省通信管理局；责任单位：省工业和信息化厅、各市（州）政府）
2.推进算力中心建设。
责任单位：省发展改革委、省能源局
完成时限：2025年底前
3.推广ＰＰＰ（政府与社会资本合作）模式。（省财政厅牵头，省发展改革委、各有关部门按职责分工负责）
（二）发展数字产业
4.培育龙头企业。〔责任单位：省工业和信息化厅、省科技厅按职责分工负责〕
5.建设产业园区。
配合单位：省自然资源厅、省住房城乡建设厅
牵头单位：省商务厅
6.强化人才支撑。【牵头部门:省人力资源社会保障厅；配合部门:省教育厅】
（1）引进高端人才；
（2）培养技能人才。
7.开展宣传。
三、保障措施
（一）加强组织领导。建立省级协调机制，统筹推进各项工作。
（二）强化资金保障。（省财政厅负责）
附件：1.重点项目清单
2.任务分工表
吉林省人民政府办公厅
2023年5月6日
（此件公开发布）
"""


@pytest.fixture(scope="module")
def plan():
    return parse_document(PLAN, "plan")


def test_plan_metadata_comes_from_the_text(plan):
    assert plan.title == "吉林省人民政府办公厅关于印发吉林省促进数字经济发展实施方案的通知"
    assert plan.doc_number == "吉政办发〔2023〕12号"
    assert (plan.issuer, plan.date) == ("吉林省人民政府办公厅", "2023年5月6日")
    assert plan.attachments == ("重点项目清单", "任务分工表")


@pytest.mark.parametrize(
    ("number", "headings", "departments", "parties"),
    [
        ("1", ("重点任务", "夯实数字基础设施"), ("省通信管理局", "省工业和信息化厅"), ("各市（州）政府",)),
        ("2", ("重点任务", "夯实数字基础设施"), ("省发展改革委", "省能源局"), ()),
        ("3", ("重点任务", "夯实数字基础设施"), ("省财政厅", "省发展改革委"), ("各有关部门",)),
        ("4", ("重点任务", "发展数字产业"), ("省工业和信息化厅", "省科技厅"), ()),
        ("5", ("重点任务", "发展数字产业"), ("省商务厅", "省自然资源厅", "省住房城乡建设厅"), ()),
        ("6", ("重点任务", "发展数字产业"), ("省人力资源社会保障厅", "省教育厅"), ()),
        ("7", ("重点任务", "发展数字产业"), (), ()),
        # a heading that names who is responsible and has no tasks under it is a task
        ("二", ("保障措施",), ("省财政厅",), ()),
    ],
)
def test_plan_tasks_with_heading_paths_and_responsibilities(plan, number, headings, departments, parties):
    task = plan.task(number)
    assert (task.headings, task.departments, task.parties) == (headings, departments, parties)
    assert task.lead_department == (departments[0] if departments and not task.shared else None)
    assert (task.part, task.subsection) == (headings + ("", ""))[:2]
    assert task.id == f"plan#{number}"


def test_plan_passages_other_than_tasks(plan):
    assert [p.number for p in plan.measures] == ["1", "2", "3", "4", "5", "6", "7", "二"]
    preamble = plan.passages[0]
    assert preamble.kind is PassageKind.PREAMBLE and preamble.text.endswith("请认真贯彻执行。")
    texts = {p.text: p.headings for p in plan.passages if p.kind is PassageKind.SUBSECTION}
    assert texts == {
        "以习近平新时代中国特色社会主义思想为指导。": ("总体要求",),
        "建立省级协调机制，统筹推进各项工作。": ("保障措施", "加强组织领导"),
    }
    closing = plan.passages[-1]
    assert closing.kind is PassageKind.CLOSING and closing.headings == ()
    assert closing.text.startswith("附件：1.重点项目清单") and closing.text.endswith("（此件公开发布）")
    assert [(part.title, [s.title for s in part.subsections]) for part in plan.parts] == [
        ("总体要求", []),
        ("重点任务", ["夯实数字基础设施", "发展数字产业"]),
        ("保障措施", ["加强组织领导"]),
    ]


def test_plan_task_text_keeps_lines_and_sub_items_while_the_body_drops_the_responsibility(plan):
    second = plan.task("2")
    assert second.text == "推进算力中心建设。\n责任单位：省发展改革委、省能源局\n完成时限：2025年底前"
    assert second.body == "推进算力中心建设。\n完成时限：2025年底前"
    assert "ＰＰＰ（政府与社会资本合作）" in plan.task("3").body
    assert plan.task("6").body == "强化人才支撑。\n（1）引进高端人才；\n（2）培养技能人才。"
    shared = plan.task("4")  # 按职责分工负责: no lead
    assert shared.shared and shared.lead_department is None and shared.co_departments == ("省工业和信息化厅", "省科技厅")
    assert plan.warnings == ["line 24: measure 7 names no responsible departments"]


REGULATION = """遼寧省優化營商環境條例
第一章　總則
第一條　為了持續優化營商環境，制定本條例。
第二條　本條例適用於本省行政區域內優化營商環境工作。
縣級以上人民政府應當加強領導。
第二章　市場主體保護
第一節　一般規定
第三條　有下列情形之一的：
（一）未按規定辦理的；
（二）其他情形。
第二節　監督保障
第四條　本條例自2023年5月1日起施行。
"""


def test_traditional_regulation_keeps_its_characters_and_is_looked_up_by_article():
    document = parse_document(REGULATION, "liaoning")
    assert document.title == "遼寧省優化營商環境條例"
    assert [p.number for p in document.measures] == ["第一條", "第二條", "第三條", "第四條"]
    assert [p.measure for p in document.measures] == [1, 2, 3, 4]
    assert document.task("第三条") is document.task("第三條") is document.measure(3)
    assert document.measure(2).text == "本條例適用於本省行政區域內優化營商環境工作。\n縣級以上人民政府應當加強領導。"
    assert document.measure(3).headings == ("市場主體保護", "一般規定")
    assert document.measure(3).text.endswith("（二）其他情形。")
    assert document.measure(4).headings == ("市場主體保護", "監督保障")
    assert document.measure(3).id == "liaoning#第三條"
    assert [part.title for part in document.parts] == ["總則", "市場主體保護"]
    assert document.warnings == []


TRADITIONAL_PLAN = """遼寧省人民政府關於推進數字政府建設的實施意見
遼政發〔2023〕5號
各市人民政府，省政府各廳委、各直屬機構：
一、重點任務
（一）建設數據平臺。（省營商局牽頭，省財政廳、各市政府配合）
（二）完善標準體系。（省市場監管局負責）
遼寧省人民政府
2023年3月1日
"""


def test_traditional_plan_responsibilities_and_metadata_as_written():
    document = parse_document(TRADITIONAL_PLAN, "liaoning-plan")
    assert document.doc_number == "遼政發〔2023〕5號"
    assert document.title == "遼寧省人民政府關於推進數字政府建設的實施意見"
    assert (document.issuer, document.date) == ("遼寧省人民政府", "2023年3月1日")
    first, second = document.measures
    assert (first.number, first.departments, first.parties, first.headings) == ("一", ("省營商局", "省財政廳"), ("各市政府",), ("重點任務",))
    assert first.body == "建設數據平臺。"
    assert second.departments == ("省市場監管局",)
    assert first.measure is None and document.task("二") is second


def test_task_division_table_from_a_reader():
    source = SourceText(
        (
            Paragraph("重点任务分工方案", 1),
            Paragraph("一、重点任务", 2),
            Table(
                (
                    ("序号", "重点任务", "牵头单位", "责任单位", "完成时限"),
                    ("1", "建设数据中心", "省发展改革委", "省工业和信息化厅、各市（州）政府", "2024年底"),
                    ("2", "完善政策", "省财政厅", "省税务局", "持续推进"),
                ),
                3,
            ),
            Paragraph("二、保障措施", 4),
            Paragraph("各地要加强领导。", 5),
        ),
        "docx",
        SourceMetadata(title="某省重点任务分工方案", issuer="某省人民政府", date="2024年1月2日", doc_number="某政发〔2024〕1号"),
    )
    document = parse_source(source, "table")
    assert (document.title, document.issuer, document.date, document.doc_number) == ("某省重点任务分工方案", "某省人民政府", "2024年1月2日", "某政发〔2024〕1号")
    first, second = document.measures
    assert (first.id, first.measure, first.headings, first.departments, first.parties) == (
        "table#1",
        1,
        ("重点任务",),
        ("省发展改革委", "省工业和信息化厅"),
        ("各市（州）政府",),
    )
    assert "完成时限：2024年底" in first.text and "完成时限：2024年底" in first.body
    assert second.lead_department == "省财政厅" and second.co_departments == ("省税务局",)
    assert document.passages[-1].headings == ("保障措施",)
    assert document.warnings == []


def test_numbering_that_restarts_under_each_heading_qualifies_the_ids():
    text = "一、甲\n1.做甲。（省财政厅负责）\n2.做乙。（省教育厅负责）\n二、乙\n1.做丙。（省民政厅负责）\n"
    document = parse_document(text, "restart")
    assert [p.id for p in document.measures] == ["restart#一.1", "restart#一.2", "restart#二.1"]
    assert [p.number for p in document.measures] == ["1", "2", "1"]
    assert document.task("二.1").departments == ("省民政厅",)
    assert document.warnings == []


@pytest.mark.parametrize(
    ("text", "numbers", "headings"),
    [
        # dotted numbers under a chapter-like heading
        ("一、总体要求\n1.1 建立机制。（省财政厅负责）\n1.2 完善制度。（省司法厅负责）\n", ["1.1", "1.2"], ("总体要求",)),
        ("2.3 推进转型\n2.3.1 建设平台。（省工业和信息化厅负责）\n", ["2.3.1"], ("推进转型",)),
        # tasks at （1） and ① below 1. headings
        ("1.推进改革\n（1）简政放权。（省编办负责）\n（2）放管结合。（省政务服务局负责）\n", ["1", "2"], ("推进改革",)),
        ("1.推进改革\n①简政放权。（省编办负责）\n", ["①"], ("推进改革",)),
        ("第一章 总则\n第一节 目标\n第一条 建立机制。（省财政厅负责）\n", ["第一条"], ("总则", "目标")),
        # no responsibilities anywhere: the deepest level holds the tasks
        ("一、总体要求\n（一）指导思想。坚持创新。\n（二）基本原则。坚持统筹。\n", ["一", "二"], ("总体要求",)),
        # a document of tasks only
        ("1.甲。（省财政厅负责）\n", ["1"], ()),
    ],
)
def test_task_level_and_heading_path_in_each_layout(text, numbers, headings):
    document = parse_document(text, "layout")
    assert [p.number for p in document.measures] == numbers
    assert document.measures[0].headings == headings


def test_a_document_without_numbering_is_citable_paragraph_by_paragraph():
    document = parse_document("关于做好春节期间工作的通知\n各有关单位：\n请做好值班工作。\n请做好安全工作。\n", "notice")
    assert [p.kind for p in document.passages] == [PassageKind.PREAMBLE, PassageKind.PREAMBLE]
    assert document.passages[0].text == "关于做好春节期间工作的通知\n各有关单位：\n请做好值班工作。"
    assert document.title == "关于做好春节期间工作的通知"
    assert document.warnings == ["no numbered tasks found"]


def test_stated_metadata_wins_over_the_text():
    source = SourceText.from_text(TRADITIONAL_PLAN, metadata=SourceMetadata(title="页面标题", issuer="辽宁省政府"))
    document = parse_source(source, "stated")
    assert (document.title, document.issuer, document.doc_number) == ("页面标题", "辽宁省政府", "遼政發〔2023〕5號")
    assert parse_source(source, "stated", title="目录标题").title == "目录标题"


def test_jilin_document_has_no_own_doc_number_and_one_attachment(document):
    assert document.doc_number == ""  # 国发〔2014〕28号 in the preamble is the State Council's
    assert document.attachments == ("吉林省在建和今明两年拟开工建设重大项目分工表",)
    assert document.task("91") is document.measure(91)
    assert document.measure(91).id == "jilin#91"
    assert document.measure(91).headings == ("切实保障和改善民生", "加快推进棚户区改造")
    assert all(p.parties == () for p in document.measures)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "吉林省人民政府文件\n吉政发〔2014〕20号\n吉林省人民政府关于贯彻落实\n国务院支持东北振兴若干重大政策举措的意见\n各市（州）人民政府：\n一、总则\n1.甲。（省财政厅负责）\n吉林省人民政府\n2014年9月25日\n",
            ("吉林省人民政府关于贯彻落实国务院支持东北振兴若干重大政策举措的意见", "吉政发〔2014〕20号", "吉林省人民政府", "2014年9月25日", ()),
        ),
        (
            "国务院关于近期支持东北振兴若干重大政策举措的意见\n国发〔2014〕28号\n1.甲。（国家发展改革委负责）\n附件：1.重点项目表\n2.任务分工表\n国务院\n2014年8月8日\n（此件公开发布）\n",
            ("国务院关于近期支持东北振兴若干重大政策举措的意见", "国发〔2014〕28号", "国务院", "2014年8月8日", ("重点项目表", "任务分工表")),
        ),
        (
            "1.甲。（省财政厅负责）\n附件1：资金分配表\n附件2：项目清单\n吉林省发展和改革委员会\n吉林省财政厅\n二〇二三年三月一日\n",
            ("layout", "", "吉林省发展和改革委员会、吉林省财政厅", "二〇二三年三月一日", ("资金分配表", "项目清单")),
        ),
        (
            "遼寧省人民政府關於推進數字政府建設的實施意見\n遼政發〔2023〕5號\n一、甲。（省財政廳負責）\n遼寧省人民政府\n2023年3月1日\n",
            ("遼寧省人民政府關於推進數字政府建設的實施意見", "遼政發〔2023〕5號", "遼寧省人民政府", "2023年3月1日", ()),
        ),
        # no signature: the attachment list closes the text
        ("1.甲。（省财政厅负责）\n附件：重点任务分工表\n", ("layout", "", "", "", ("重点任务分工表",))),
    ],
)
def test_metadata_from_the_text(text, expected):
    document = parse_document(text, "layout")
    assert (document.title, document.doc_number, document.issuer, document.date, document.attachments) == expected
    closing = document.passages[-1]
    assert closing.kind is PassageKind.CLOSING and closing.headings == ()


COVER_NOTICE = (
    "湖南省人民政府办公厅\n湘政办函〔2024〕37号\n湖南省人民政府办公厅关于印发《湖南省产教融合方案》的通知\n"
    "各市州人民政府，省政府各厅委：\n现将《湖南省产教融合方案》印发给你们，请认真贯彻执行。\n"
)
SIGNATURE = "湖南省人民政府办公厅\n2024年5月10日\n（此件主动公开）\n"
ISSUED = "湖南省产教融合方案\n为推动产教融合，制定本方案。\n一、重点任务\n1.建设实训基地。（省教育厅负责）\n"


@pytest.mark.parametrize(
    "text",
    [COVER_NOTICE + SIGNATURE + ISSUED, COVER_NOTICE + ISSUED + SIGNATURE],
    ids=["signed above the document it issues", "signed at the end"],
)
def test_a_cover_notice_is_signed_above_the_document_it_issues_or_at_the_end(text):
    """A letter's masthead (the issuer without 文件) is no title; the signature is read wherever it stands."""
    document = parse_document(text, "notice")
    assert (document.title, document.doc_number, document.issuer, document.date) == (
        "湖南省人民政府办公厅关于印发《湖南省产教融合方案》的通知",
        "湘政办函〔2024〕37号",
        "湖南省人民政府办公厅",
        "2024年5月10日",
    )
    closing = next(p for p in document.passages if p.kind is PassageKind.CLOSING)
    assert closing.text == SIGNATURE.strip()
    assert document.measure(1).departments == ("省教育厅",) and document.measure(1).headings == ("重点任务",)


def test_a_masthead_the_title_line_opens_with_is_no_part_of_the_title():
    text = "湖南省人民政府办公厅\n湖南省人民政府办公厅关于加强产教融合的通知\n各市州人民政府：\n一、甲。（省教育厅负责）\n"
    assert parse_document(text, "letter").title == "湖南省人民政府办公厅关于加强产教融合的通知"


def test_without_a_title_line_the_title_is_the_document_the_cover_notice_issues():
    text = "湖南省人民政府办公厅\n湘政办函〔2024〕37号\n各市州人民政府：\n《湖南省产教融合方案》已经省人民政府同意，现印发给你们。\n" + SIGNATURE + ISSUED
    assert parse_document(text, "untitled").title == "湖南省产教融合方案"


def test_attachment_contents_after_the_signature_are_parsed_as_text():
    text = "一、总则\n1.甲。（省财政厅负责）\n附件：任务分工表\n吉林省人民政府\n2014年9月25日\n任务分工表\n2.乙。（省教育厅负责）\n"
    document = parse_document(text, "attached")
    assert [p.kind for p in document.passages] == [PassageKind.MEASURE, PassageKind.CLOSING, PassageKind.SUBSECTION, PassageKind.MEASURE]
    assert document.measure(2).headings == ()
    assert document.warnings == []


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_realistic_documents_as_text_files_parse_as_expected(name, tmp_path):
    document = DOCUMENTS[name]
    expected = expected_parse(document)
    parsed = parse_source(read_source(write_document(document, tmp_path, "txt")), name)
    assert (parsed.title, parsed.doc_number, parsed.issuer, parsed.date) == (
        expected.metadata.title,
        expected.metadata.doc_number,
        expected.metadata.issuer,
        expected.metadata.date,
    )
    read = [(p.number, p.headings, p.text[:BODY_START_LENGTH], p.lead_department, p.co_departments, p.parties) for p in parsed.measures]
    # the expected numbers are printed with their punctuation (1.), a passage's number is the number itself
    assert read == [(t.number.rstrip(".．、"), t.headings, t.body_start, t.lead, t.co, t.non_specific) for t in expected.tasks]
    assert len({p.id for p in parsed.passages}) == len(parsed.passages)
