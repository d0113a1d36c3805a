"""The readers: every format of every test document reads as its .txt does, and unreadable files say why."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from corpus.parser import parse_source
from corpus.readers import UnreadableDocumentError, read_bytes, read_source
from corpus.readers.word import format_number
from corpus.source import SourceMetadata, SourceText
from tests.documents import DOCUMENTS, FORMATS, changchun_renovation, jilin_trade_tasks, liaoning_enterprises, write_all
from tests.documents.model import BODY_START_LENGTH, Heading, Printed, TableGroup, TableTask, Task, TaskTable, printed
from tests.documents.write_pdf import BODY, FONT, STYLES, WholeParagraph

RENOVATION, TRADITIONAL, TRADE = changchun_renovation.DOCUMENT, liaoning_enterprises.DOCUMENT, jilin_trade_tasks.DOCUMENT
EXPECTED = {module.DOCUMENT.name: module.EXPECTED for module in (changchun_renovation, liaoning_enterprises, jilin_trade_tasks)}

OTHER_FORMATS = [format for format in FORMATS if format != "txt"]
SITE_NOISE = ("网站标识码", "ICP", "当前位置", "首页", "搜索", "分享到", "打印本页", "trsArticleId", "hm.baidu.com")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    return write_all(tmp_path_factory.mktemp("documents"))


@pytest.fixture(scope="module")
def read(files) -> dict[tuple[str, str], SourceText]:
    return {(name, format): read_source(path) for name, paths in files.items() for format, path in paths.items()}


def normalised(text: str) -> str:
    return " ".join(text.split())


def paragraph_texts(source: SourceText) -> list[str]:
    return [normalised(paragraph.text) for paragraph in source.paragraphs]


def table_cells(source: SourceText) -> list[tuple[tuple[str, ...], ...]]:
    return [tuple(tuple(normalised(cell) for cell in row) for row in table.rows) for table in source.tables]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_text_file_reads_as_the_document_is_printed(read, name):
    blocks = printed(DOCUMENTS[name])
    source = read[name, "txt"]
    assert paragraph_texts(source) == [normalised(block.text) for block in blocks if isinstance(block, Printed)]
    assert table_cells(source) == [block.cells for block in blocks if isinstance(block, TaskTable)]
    assert [type(block).__name__ for block in source.blocks] == ["Table" if isinstance(block, TaskTable) else "Paragraph" for block in blocks]


@pytest.mark.parametrize("format", OTHER_FORMATS)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_format_reads_as_the_text_file(read, name, format):
    source, text = read[name, format], read[name, "txt"]
    assert source.format == format
    assert paragraph_texts(source) == paragraph_texts(text)
    assert table_cells(source) == table_cells(text)
    assert [type(block) for block in source.blocks] == [type(block) for block in text.blocks]


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_metadata_where_the_format_states_it(read, name, format):
    document = DOCUMENTS[name]
    stated = {
        "txt": SourceMetadata(),
        "docx": SourceMetadata(title=document.title),  # core properties
        "pdf": SourceMetadata(title=document.title),  # the Info dictionary
        "html": document.metadata,  # the labelled block above the article
    }
    assert read[name, format].metadata == stated[format]


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_blocks_are_numbered_in_reading_order(read, name, format):
    lines = [block.line for block in read[name, format].blocks]
    assert lines[0] >= 1 and lines == sorted(set(lines))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_text_file_lines_point_at_their_text(files, read, name):
    lines = files[name]["txt"].read_text(encoding="utf-8").splitlines()
    for paragraph in read[name, "txt"].paragraphs:
        assert lines[paragraph.line - 1].strip("\u3000") == paragraph.text


@pytest.mark.parametrize("name", DOCUMENTS)
def test_html_reader_leaves_the_site_out(files, read, name):
    page = files[name]["html"].read_text(encoding="utf-8")
    assert all(noise in page for noise in ("网站标识码", "当前位置", "trsArticleId"))  # the page has them
    texts = paragraph_texts(read[name, "html"])
    assert not [text for text in texts if any(noise in text for noise in SITE_NOISE)]
    assert texts.count(normalised(DOCUMENTS[name].title)) == 1  # the article's title, not the page's <h1> as well


@pytest.mark.parametrize("name", DOCUMENTS)
def test_pdf_reader_drops_running_header_and_page_numbers(read, name):
    document = DOCUMENTS[name]
    texts = paragraph_texts(read[name, "pdf"])
    page_numbers = {document.pages.page_number.format(n=n) for n in range(1, 6)}
    assert not page_numbers & set(texts)
    # the header may also be printed in the text (the issuer's signature); it must not appear more often
    assert texts.count(document.pages.header) == paragraph_texts(read[name, "txt"]).count(document.pages.header)


def squeezed(text: str) -> str:
    return "".join(text.split())


def pdf_page_texts(path: Path) -> list[str]:
    document = pdfium.PdfDocument(path)
    try:
        return [squeezed(document[index].get_textpage().get_text_range()) for index in range(len(document))]
    finally:
        document.close()


def test_pdfs_break_a_paragraph_and_a_table_across_pages(files):
    """The test PDFs exercise reflow over a page break, and a table continued under its repeated header row."""
    for name in (RENOVATION.name, TRADITIONAL.name):
        pages = pdf_page_texts(files[name]["pdf"])
        paragraphs = [squeezed(block.text) for block in printed(DOCUMENTS[name]) if isinstance(block, Printed)]
        assert any(
            paragraph[:8] in page and paragraph[-8:] not in page and paragraph[-8:] in following
            for paragraph in paragraphs
            for page, following in zip(pages, pages[1:])
        ), name
    header = squeezed("序号 重点任务 牵头单位 责任单位")
    assert sum(header in page for page in pdf_page_texts(files[TRADE.name]["pdf"])) == 2


@pytest.mark.parametrize("name", DOCUMENTS)
def test_expected_parse_agrees_with_the_document(name):
    """EXPECTED, which the parser's tests use, names only parties its task prints, under headings the document has."""
    document, expected = DOCUMENTS[name], EXPECTED[name]
    assert 8 <= len(expected.tasks) <= 15
    assert expected.metadata == document.metadata
    table_rows = document.annex.table.rows if document.annex else ()
    tasks = [item for item in (*document.body, *table_rows) if isinstance(item, Task | TableTask)]
    headings = {item.title for item in (*document.body, *table_rows) if isinstance(item, Heading | TableGroup)}
    for task, reading in zip(tasks, expected.tasks, strict=True):
        assert (reading.number, reading.body_start) == (task.number, task.body[:BODY_START_LENGTH])
        printed_as = task.responsibility if isinstance(task, Task) else f"{task.lead_cell}、{task.partner_cell}"
        parties = [party for party in (reading.lead, *reading.co, *reading.non_specific) if party]
        assert all(party in printed_as for party in parties), task.number
        assert set(reading.headings) <= headings


def pdf_of(texts: list[str], style: ParagraphStyle) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([Paragraph(text, style) for text in texts])
    return buffer.getvalue()


def test_pdf_line_that_fills_the_measure_runs_on_though_it_ends_a_sentence():
    # 35 characters fill the first line after the indent: the line ends with 。 but the paragraph goes on
    texts = ["为加快推进改造，制定本方案。", "推进" * 17 + "。" + "完善设施" * 5 + "。", "建立长效机制。"]
    indented = ParagraphStyle("indented", fontName=FONT, fontSize=12, leading=20, wordWrap="CJK", firstLineIndent=24)
    assert [paragraph.text for paragraph in read_bytes(pdf_of(texts, indented), "full.pdf").paragraphs] == texts


def test_pdf_without_first_line_indents_ends_paragraphs_at_sentence_ends():
    texts = [
        "一、总体要求",
        "坚持以人民为中心的发展思想，统筹推进基础类、完善类、提升类改造，到2026年底基本完成改造任务。",
        "各地要结合实际制定具体措施，确保各项任务落到实处。同步推进管网改造。",
        "（一）加强领导。",
        "1.建立调度机制。实行月调度、季通报，对推进缓慢的地区进行督导约谈，确保改造按期完成。（市住房城乡建设局牵头，市财政局配合）",
    ]
    flush = ParagraphStyle("flush", fontName=FONT, fontSize=12, leading=20, wordWrap="CJK", alignment=TA_JUSTIFY, spaceAfter=6)
    assert [paragraph.text for paragraph in read_bytes(pdf_of(texts, flush), "flush.pdf").paragraphs] == texts


def test_traditional_characters_stay_as_written(read):
    name = TRADITIONAL.name
    for format in FORMATS:
        texts = paragraph_texts(read[name, format])
        assert "責任單位：省財政廳、省人力資源社會保障廳" in texts, format
        assert normalised("第一條\u3000為進一步激發中小微企業發展活力，穩定市場預期，促進全省經濟持續健康發展，制定本措施。") in texts, format
        assert not [text for text in texts if "责任单位" in text or "辽宁" in text], format


@pytest.mark.parametrize(
    "name, printed_number",
    [(RENOVATION.name, "（一）科学编制改造计划"), (TRADITIONAL.name, "第三條")],
)
def test_docx_numbers_come_from_word_automatic_numbering(files, read, name, printed_number):
    with zipfile.ZipFile(files[name]["docx"]) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert printed_number not in body  # the number is not in the text: Word generates it
    assert any(text.startswith(normalised(printed_number)) for text in paragraph_texts(read[name, "docx"]))


def test_docx_list_number_style_keeps_its_numbers():
    """docx2python drops the numbers a paragraph takes from its style; the reader prints them as Word does."""
    word = docx.Document()
    word.add_paragraph("各单位：")
    for text in ("摸清底数", "编制计划", "组织实施"):
        word.add_paragraph(text, style="List Number")
    buffer = io.BytesIO()
    word.save(buffer)
    source = read_bytes(buffer.getvalue(), "list.docx")
    assert [paragraph.text for paragraph in source.paragraphs] == ["各单位：", "1.\t摸清底数", "2.\t编制计划", "3.\t组织实施"]


NOTICE_HEAD = (
    ("湖南省人民政府办公厅", "title"),
    ("湘政办函〔2024〕37号", "doc_number"),
    ("湖南省人民政府办公厅关于印发《湖南省产教融合方案》的通知", "title"),
    ("各市州人民政府，省政府各厅委：", "addressee"),
    ("现将《湖南省产教融合方案》印发给你们，请认真贯彻执行。", "body"),
    ("湖南省人民政府办公厅", "signature"),
    ("2024年5月10日", "date"),
)
NOTICE_METADATA = ("湖南省人民政府办公厅关于印发《湖南省产教融合方案》的通知", "湘政办函〔2024〕37号", "湖南省人民政府办公厅", "2024年5月10日")


def test_a_docx_cover_notice_signed_above_its_table_and_one_unit_a_line_in_its_cells():
    """A signature between the notice and the document it issues; a cell's paragraphs, one unit each,
    stay apart; a dash fills an empty cell."""
    word = docx.Document()
    for text, _ in NOTICE_HEAD:
        word.add_paragraph(text)
    word.add_paragraph("湖南省产教融合方案")
    table = word.add_table(rows=3, cols=4)
    cells = (
        ("序号", "工作任务", "牵头单位", "配合单位"),
        ("1", "落实税费政策。", ("省财政厅",), ("国家税务总局湖南省税务局", "省教育厅")),
        ("2", "建设产教联合体。", ("省教育厅", "省发展改革委"), ("—",)),
    )
    for row, texts in zip(table.rows, cells):
        for cell, text in zip(row.cells, texts):
            lines = (text,) if isinstance(text, str) else text
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    buffer = io.BytesIO()
    word.save(buffer)
    source = read_bytes(buffer.getvalue(), "notice.docx")
    assert source.tables[0].rows[1][3] == "国家税务总局湖南省税务局\n省教育厅"
    document = parse_source(source, "notice")
    assert (document.title, document.doc_number, document.issuer, document.date) == NOTICE_METADATA
    assert [(task.lead_department, task.co_departments) for task in document.measures] == [
        ("省财政厅", ("国家税务总局湖南省税务局", "省教育厅")),
        ("省教育厅", ("省发展改革委",)),
    ]


def test_a_pdf_cover_notice_signed_on_the_page_above_the_document_it_issues():
    buffer = io.BytesIO()
    flowables = [WholeParagraph(text, STYLES.get(role, BODY)) for text, role in NOTICE_HEAD]
    flowables += [PageBreak(), WholeParagraph("湖南省产教融合方案", STYLES["title"])]
    flowables += [WholeParagraph(text, BODY) for text in ("第一条　建设实训基地。", "责任单位：省财政厅、省教育厅（牵头）")]
    SimpleDocTemplate(buffer).build(flowables)
    document = parse_source(read_bytes(buffer.getvalue(), "notice.pdf"), "notice")
    assert (document.title, document.doc_number, document.issuer, document.date) == NOTICE_METADATA
    assert document.task("第一条").departments == ("省教育厅", "省财政厅")


@pytest.mark.parametrize(
    "value, number_format, printed_as",
    [
        (11, "chineseCountingThousand", "十一"),
        (3, "decimalEnclosedCircle", "③"),
        (21, "decimalEnclosedCircle", "21"),  # past ⑳ Word falls back to digits
        (13, "chineseLegalSimplified", "壹拾叁"),
        (2, "ideographTraditional", "乙"),
        (7, "decimalFullWidth", "７"),
        (12, "upperRoman", "XII"),
        (28, "lowerLetter", "bb"),
        (5, "ordinalText", "5"),  # a format without a rule prints in decimal
    ],
)
def test_word_number_formats(value, number_format, printed_as):
    assert format_number(value, number_format) == printed_as


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_text_in_other_encodings_reads_the_same(files, read, encoding):
    path = files[TRADITIONAL.name]["txt"]
    data = path.read_text(encoding="utf-8").encode(encoding)
    assert read_bytes(data, path.name).blocks == read[TRADITIONAL.name, "txt"].blocks


def test_tabs_make_a_table_only_in_a_run_of_rows_under_a_header():
    source = read_bytes("标题\n序号\t任务\n1\t甲\n\n序号\t\t责任单位\n1\t乙\t省财政厅\n2\t丙\t省商务厅\n".encode(), "tabs.txt")
    assert [paragraph.text for paragraph in source.paragraphs] == ["标题", "序号\t任务", "1\t甲", "序号\t\t责任单位", "1\t乙\t省财政厅", "2\t丙\t省商务厅"]
    assert source.tables == []


def test_html_metadata_falls_back_to_meta_tags_and_title():
    page = """<html><head><meta charset="gb2312"><title>关于做好春耕备耕工作的通知_某市人民政府</title>
    <meta name="PubDate" content="2024-02-20"></head><body><div id="zoom"><p>各县（市、区）人民政府：</p>
    <p>现就做好春耕备耕工作通知如下。</p></div></body></html>"""
    source = read_bytes(page.encode("gb18030"), "notice.htm")
    assert source.metadata == SourceMetadata(title="关于做好春耕备耕工作的通知", date="2024-02-20")
    assert [paragraph.text for paragraph in source.paragraphs] == ["各县（市、区）人民政府：", "现就做好春耕备耕工作通知如下。"]


def test_html_metadata_read_from_elements_holding_several_labels():
    page = """<html><body><div class="info"><p>发文字号：长府发〔2024〕1号　成文日期：2024年1月2日</p>
    <p>索 引 号：11220100/2024-00001　发文机关：长春市人民政府</p><p><b>标题：</b>关于做好春耕备耕工作的通知</p></div>
    <div id="zoom"><p>各县（市、区）人民政府：</p></div></body></html>"""
    metadata = read_bytes(page.encode(), "labels.html").metadata
    assert metadata == SourceMetadata("关于做好春耕备耕工作的通知", "长府发〔2024〕1号", "长春市人民政府", "2024年1月2日")


def test_html_table_spans_leave_covered_cells_blank():
    page = """<html><body><div class="TRS_Editor"><p>分工如下：</p><table>
    <tr><th>序号</th><th>任务</th><th>牵头单位</th></tr>
    <tr><td>1</td><td>稳定外贸</td><td rowspan="2">省商务厅</td></tr>
    <tr><td>2</td><td>拓展市场</td></tr>
    <tr><td>3</td><td colspan="2">保障措施</td></tr></table></div></body></html>"""
    (table,) = read_bytes(page.encode(), "table.html").tables
    assert table.rows == (("序号", "任务", "牵头单位"), ("1", "稳定外贸", "省商务厅"), ("2", "拓展市场", ""), ("3", "保障措施", ""))


def encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt="pw")
    page.drawString(72, 720, "Policy text")
    page.save()
    return buffer.getvalue()


def image_only_pdf() -> bytes:
    """A scanned page: one picture, no text layer."""
    scan = Image.new("L", (400, 560), 255)
    scan.paste(0, (40, 60, 360, 70))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawImage(ImageReader(scan), 72, 200, width=400, height=560)
    page.save()
    return buffer.getvalue()


def zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
    return buffer.getvalue()


HTML_PAGE = "<!DOCTYPE html><html><body><p>关于印发实施方案的通知</p></body></html>".encode()


@pytest.mark.parametrize(
    "filename, data, problem",
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.docx", b" \n\t", "the file is empty"),
        ("notice.pdf", HTML_PAGE, "not a PDF (the file holds an HTML page)"),
        ("protected.pdf", encrypted_pdf(), "password-protected"),
        ("scan.pdf", image_only_pdf(), "no text layer (a scanned PDF?)"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "a damaged PDF"),
        ("garbled.txt", b"\xff\xfe\x80 \xff\x81\xff", "neither UTF-8 nor GB18030"),
        ("binary.txt", b"\x00\x01\x02\x03", "not a text file (the file holds binary data)"),
        ("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "a .doc file is not a supported document"),
        ("README", b"text", "a file without a suffix is not a supported document"),
        ("renamed.docx", b"plain text", "not a Word .docx file (the file holds text)"),
        ("protected.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "password-protected Word file"),
        ("archive.docx", zip_without_document(), "a ZIP archive without a Word document inside"),
        ("empty-page.html", b"<html><body><div class='TRS_Editor'><script>var a;</script></div></body></html>", "no article text"),
    ],
)
def test_unreadable_files_say_which_and_why(filename, data, problem):
    with pytest.raises(UnreadableDocumentError) as raised:
        read_bytes(data, filename)
    message = str(raised.value)
    assert message.startswith(f"{filename}: ") and problem in message
    assert "\n" not in message
    # no parsing library's exception chained behind it
    assert raised.value.__cause__ is None and (raised.value.__context__ is None or raised.value.__suppress_context__)


def test_read_source_names_a_missing_file(tmp_path):
    with pytest.raises(UnreadableDocumentError, match=r"^absent\.pdf: cannot open the file"):
        read_source(tmp_path / "absent.pdf")
