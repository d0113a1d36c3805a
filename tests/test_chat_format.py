from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from qa.answer import Answer, Citation, Intent
from service.chat_format import format_for_chat, format_plain_markdown, lead_in

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "documents" / "jilin-northeast-revitalization-2014.txt"
DOCUMENT_ID = CORPUS.stem
PUBLIC_URL = "https://qa.example.org/"

_PART = re.compile(r"^[一二三四五六七八九十]+、(.+)$")
_SUBSECTION = re.compile(r"^（[一二三四五六七八九十]+）(.+?)。?$")
_MEASURE = re.compile(r"^(\d+)\.(.+)$")
_RESPONSIBLE = re.compile(r"（([^（）]*?)(?:等)?负责[^（）]*）$")


@cache
def corpus_citations() -> dict[int, Citation]:
    """Every numbered measure of the bundled document, read straight from the text."""
    citations: dict[int, Citation] = {}
    part = subsection = ""
    for raw in CORPUS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if match := _PART.match(line):
            part = match.group(1)
        elif match := _SUBSECTION.match(line):
            subsection = match.group(1)
        elif match := _MEASURE.match(line):
            text = match.group(2)
            responsible = _RESPONSIBLE.search(text)
            departments = responsible.group(1).split("、") if responsible else []
            citations[int(match.group(1))] = Citation(
                document=DOCUMENT_ID,
                measure=int(match.group(1)),
                part=part,
                subsection=subsection,
                text=text,
                departments=departments,
                lead_department=departments[0] if departments else None,
                score=1.0,
            )
    return citations


def corpus_citation(measure: int) -> Citation:
    return corpus_citations()[measure]


def shantytown_answer(language: str = "zh", question: str = "") -> Answer:
    """What the pipeline says about financing shantytown renovation: measures 91–94."""
    citations = [corpus_citation(n) for n in (91, 92, 93, 94)]
    if language == "zh":
        heading = "「棚户区改造融资」相关措施及其牵头部门（列第一位的为牵头部门）："
        bullets = [f"· 第{c.measure}条（牵头：{c.lead_department}）：“{c.text}”" for c in citations]
    else:
        heading = "Measures on “shantytown renovation financing” and who leads them:"
        bullets = [f"• Measure {c.measure} (lead: {c.lead_department}): “{c.text}”" for c in citations]
    return Answer(
        question=question or ("棚户区改造融资由哪个部门牵头？" if language == "zh" else "Who leads the shantytown renovation financing?"),
        language=language,
        intent=Intent.LEAD,
        answer="\n".join([heading, *bullets]),
        abstained=False,
        citations=citations,
    )


def many_measures_answer() -> Answer:
    citations = list(corpus_citations().values())
    return Answer(
        question="省发展改革委参与哪些措施？",
        language="zh",
        intent=Intent.DEPT_ALL,
        answer=f"省发展改革委参与（牵头或配合）的措施共{len(citations)}项：\n"
        + "\n".join(f"· 第{c.measure}条：“{c.text}”" for c in citations),
        abstained=False,
        citations=citations,
        count=len(citations),
    )


def test_the_corpus_reader_finds_every_measure_with_its_departments():
    citations = corpus_citations()
    assert sorted(citations) == list(range(1, len(citations) + 1))
    assert len(citations) == 139
    assert corpus_citation(91).departments == ["省国开行", "省住房城乡建设厅", "省财政厅"]
    assert corpus_citation(91).subsection == "加快推进棚户区改造"


def test_chinese_reply_has_the_lead_in_and_one_line_per_measure():
    text = format_for_chat(shantytown_answer("zh"), PUBLIC_URL)

    lines = text.splitlines()
    assert lines[0] == "「棚户区改造融资」相关措施及其牵头部门（列第一位的为牵头部门）："
    assert "第91条｜牵头：省国开行｜积极争取国家开发银行棚户区专项贷款。" in lines
    assert "第92条｜牵头：省发展改革委｜优先支持符合条件的企业申请发行企业债券用于棚户区改造项目建设。" in lines
    assert "第93条｜牵头：省国开行｜积极争取棚户区改造“债贷组合”范围和规模。" in lines
    assert any(line.startswith("第94条｜牵头：省金融办｜比照西部标准") and line.endswith("…") for line in lines)
    assert "· 第91条" not in text, "the answer's own bullets are replaced by the citation lines"
    assert PUBLIC_URL not in text, "the pointer to the web page is only for replies that had to be cut"
    assert len(text.encode()) <= 2000


def test_english_reply_names_the_lead_in_english_with_the_chinese_as_written():
    text = format_for_chat(shantytown_answer("en"), PUBLIC_URL)

    assert text.splitlines()[0] == "Measures on “shantytown renovation financing” and who leads them:"
    assert "No. 91 | Lead: China Development Bank Jilin Branch (省国开行) | 积极争取国家开发银行棚户区专项贷款。" in text
    assert "No. 92 | Lead: Provincial Development and Reform Commission (省发展改革委) |" in text


def test_a_long_answer_is_cut_within_the_limit_and_points_to_the_web_page():
    answer = many_measures_answer()

    text = format_for_chat(answer, PUBLIC_URL)

    assert len(text.encode()) <= 2000
    lines = text.splitlines()
    assert lines[0] == "省发展改革委参与（牵头或配合）的措施共139项："
    assert lines[-2:] == ["…", f"更多内容请访问：{PUBLIC_URL}"]
    assert lines[2].startswith("第1条｜牵头：省发展改革委｜")
    cited = [line for line in lines if line.startswith("第")]
    assert 5 < len(cited) < 139


def test_a_long_answer_without_a_public_url_ends_with_the_ellipsis_alone():
    text = format_for_chat(many_measures_answer(), "")

    assert len(text.encode()) <= 2000
    assert text.splitlines()[-1] == "…"
    assert "http" not in text


def test_the_english_pointer_is_in_english():
    answer = many_measures_answer().model_copy(update={"language": "en"})

    text = format_for_chat(answer, PUBLIC_URL)

    assert text.splitlines()[-1] == f"More: {PUBLIC_URL}"


@pytest.mark.parametrize("limit", [120, 200, 333, 500, 1000, 1500, 2000, 2047])
def test_every_limit_is_respected_and_the_text_stays_valid_utf8(limit):
    for answer in (many_measures_answer(), shantytown_answer("zh"), shantytown_answer("en")):
        text = format_for_chat(answer, PUBLIC_URL, limit_bytes=limit)
        assert len(text.encode("utf-8")) <= limit
        assert "\ufffd" not in text


def test_a_lead_in_longer_than_the_limit_is_cut_mid_text():
    long_text = "".join(c.text for c in corpus_citations().values())
    answer = Answer(
        question="全文", language="zh", intent=Intent.TOPIC, answer=long_text, abstained=False, citations=[]
    )

    text = format_for_chat(answer, PUBLIC_URL, limit_bytes=600)

    assert len(text.encode()) <= 600
    first, pointer = text.splitlines()
    assert first.endswith("…") and long_text.startswith(first[:-1])
    assert pointer == f"更多内容请访问：{PUBLIC_URL}"


def test_an_abstention_is_its_text_alone():
    answer = Answer(
        question="今天天气怎么样？",
        language="zh",
        intent=Intent.OUT_OF_SCOPE,
        answer="文库中没有找到能回答这个问题的内容。可以问：某项工作由哪个部门牵头。",
        abstained=True,
        citations=[],
    )

    assert format_for_chat(answer, PUBLIC_URL) == answer.answer
    assert format_plain_markdown(answer) == answer.answer


def test_lead_in_stops_at_the_first_blank_line_or_bullet():
    assert lead_in("第一段第一行\n第一段第二行\n\n第二段") == "第一段第一行\n第一段第二行"
    assert lead_in("标题：\n· 第1条\n· 第2条") == "标题："
    assert lead_in("· 第1条") == ""


def test_markdown_keeps_the_whole_answer_as_a_list_and_adds_the_sources():
    answer = shantytown_answer("zh")

    text = format_plain_markdown(answer)

    lines = text.splitlines()
    assert lines[0] == "「棚户区改造融资」相关措施及其牵头部门（列第一位的为牵头部门）："
    assert lines[1] == "", "a blank line before the list, or markdown folds it into the heading"
    assert lines[2] == f"- 第91条（牵头：省国开行）：“{corpus_citation(91).text}”"
    assert "**依据**" in lines
    sources = lines[lines.index("**依据**") + 1 :]
    assert [line.split("｜")[0] for line in sources] == ["- 第91条", "- 第92条", "- 第93条", "- 第94条"]


def test_english_markdown_has_english_sources():
    text = format_plain_markdown(shantytown_answer("en"))

    assert "**Sources**" in text
    assert "- No. 93 | Lead: China Development Bank Jilin Branch (省国开行) |" in text
