from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from corpus.departments import DepartmentRegistry
from qa.answer import Answer, AnswerItem, Citation, Intent, Role
from qa.render_text import render_text
from service.chat_format import format_for_chat, format_plain_markdown

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "documents" / "jilin-northeast-revitalization-2014.txt"
DOCUMENT_ID = CORPUS.stem
PUBLIC_URL = "https://qa.example.org/"

_PART = re.compile(r"^[一二三四五六七八九十]+、(.+)$")
_SUBSECTION = re.compile(r"^（[一二三四五六七八九十]+）(.+?)。?$")
_MEASURE = re.compile(r"^(\d+)\.(.+)$")
REGISTRY = DepartmentRegistry.load()
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
                id=f"{DOCUMENT_ID}#{match.group(1)}",
                label=f"第{match.group(1)}条",
                document=DOCUMENT_ID,
                title="",
                doc_number="",
                number=match.group(1),
                measure=int(match.group(1)),
                part=part,
                subsection=subsection,
                text=text,
                body=_RESPONSIBLE.sub("", text).strip(),
                departments=departments,
                lead_department=departments[0] if departments else None,
                lead_department_en=REGISTRY.resolve(departments[0]).english if departments else None,
                score=1.0,
            )
    return citations


def corpus_citation(measure: int) -> Citation:
    return corpus_citations()[measure]


SHANTYTOWN_DIRECT = {
    "zh": "棚户区改造融资由省国开行（第91、93条）、省发展改革委（第92条）、省金融办（第94条）牵头。",
    "en": "China Development Bank Jilin Branch leads measures 91 and 93; the Provincial Development and Reform "
    "Commission leads measure 92; the Provincial Financial Affairs Office leads measure 94.",
}
SHANTYTOWN_LABELS = {
    "省国开行": "China Development Bank Jilin Branch",
    "省发展改革委": "Provincial Development and Reform Commission",
    "省金融办": "Provincial Financial Affairs Office",
}


def shantytown_answer(language: str = "zh", question: str = "") -> Answer:
    """What the pipeline says about financing shantytown renovation: measures 91–94."""
    citations = [corpus_citation(n) for n in (91, 92, 93, 94)]
    if language == "en":
        citations = [c.model_copy(update={"label": f"No. {c.number}"}) for c in citations]
    leads: dict[str, list[str]] = {}
    for c in citations:
        leads.setdefault(c.lead_department, []).append(c.number)
    items = [
        AnswerItem(
            department=department,
            label=department if language == "zh" else SHANTYTOWN_LABELS[department],
            role=Role.LEAD,
            measures=measures,
            document=DOCUMENT_ID,
        )
        for department, measures in leads.items()
    ]
    direct = SHANTYTOWN_DIRECT[language]
    if language == "zh":
        lines = [f"· 第{c.measure}条（牵头：{c.lead_department}）：“{c.text}”" for c in citations]
    else:
        lines = [f"• Measure {c.measure} (lead: {c.lead_department}): “{c.text}”" for c in citations]
    return Answer(
        question=question or ("棚户区改造融资由哪个部门牵头？" if language == "zh" else "Who leads the shantytown renovation financing?"),
        language=language,
        intent=Intent.LEAD,
        direct=direct,
        answer="\n".join([direct, *lines]),
        items=items,
        abstained=False,
        citations=citations,
    )


def many_measures_answer() -> Answer:
    citations = list(corpus_citations().values())
    direct = f"省发展改革委参与（牵头或配合）的措施共{len(citations)}项。"
    return Answer(
        question="省发展改革委参与哪些措施？",
        language="zh",
        intent=Intent.DEPT_ALL,
        direct=direct,
        answer=direct + "\n" + "\n".join(f"· 第{c.measure}条：“{c.text}”" for c in citations),
        abstained=False,
        citations=citations,
        count=len(citations),
    )


def abstained_answer() -> Answer:
    reason = "文库中没有找到能回答这个问题的内容。"
    return Answer(
        question="今天天气怎么样？",
        language="zh",
        intent=Intent.OUT_OF_SCOPE,
        direct=reason,
        answer=reason + "现收录《吉林省人民政府关于贯彻落实〈国务院关于近期支持东北振兴若干重大政策举措的意见〉的实施意见》。"
        "可以问：某项工作由哪个部门牵头。",
        abstained=True,
        citations=[],
    )


def test_the_corpus_reader_finds_every_measure_with_its_departments():
    citations = corpus_citations()
    assert sorted(citations) == list(range(1, len(citations) + 1))
    assert len(citations) == 139
    assert corpus_citation(91).departments == ["省国开行", "省住房城乡建设厅", "省财政厅"]
    assert corpus_citation(91).subsection == "加快推进棚户区改造"


SHANTYTOWN_LINES_ZH = [
    "第91条｜牵头：省国开行｜积极争取国家开发银行棚户区专项贷款。",
    "第92条｜牵头：省发展改革委｜优先支持符合条件的企业申请发行企业债券用于棚户区改造项目建设。",
    "第93条｜牵头：省国开行｜积极争取棚户区改造“债贷组合”范围和规模。",
]


def test_chinese_reply_is_the_direct_answer_then_one_line_per_measure():
    answer = shantytown_answer("zh")

    text = format_for_chat(answer, PUBLIC_URL)

    lines = text.splitlines()
    assert lines[0] == answer.direct
    assert lines[1] == ""
    assert lines[2:5] == SHANTYTOWN_LINES_ZH
    assert lines[5].startswith("第94条｜牵头：省金融办｜比照西部标准") and lines[5].endswith("…")
    assert len(lines) == 6
    assert "· 第91条" not in text, "the answer's own per-citation lines are not repeated"
    assert PUBLIC_URL not in text, "the pointer to the web page is only for replies that had to be cut"
    assert len(text.encode()) <= 2000


def test_the_reply_renders_the_data_not_the_prose():
    answer = shantytown_answer("zh").model_copy(update={"answer": "不应出现的旧文本\n· 第1条"})

    text = format_for_chat(answer, PUBLIC_URL)

    assert "不应出现" not in text and "第1条" not in text
    assert text.splitlines()[0] == answer.direct


def test_english_reply_names_the_lead_in_english_with_the_chinese_as_written():
    answer = shantytown_answer("en")

    text = format_for_chat(answer, PUBLIC_URL)

    assert text.splitlines()[0] == answer.direct
    assert "No. 91 | Lead: China Development Bank Jilin Branch (省国开行) | 积极争取国家开发银行棚户区专项贷款。" in text
    assert "No. 92 | Lead: Provincial Development and Reform Commission (省发展改革委) |" in text
    assert [line.split(" | ")[0] for line in text.splitlines()[2:]] == ["No. 91", "No. 92", "No. 93", "No. 94"]


def test_the_cli_text_is_the_same_reply_uncut():
    for answer in (shantytown_answer("zh"), shantytown_answer("en"), abstained_answer()):
        assert render_text(answer) == format_for_chat(answer, "")


def test_a_long_answer_is_cut_within_the_limit_and_points_to_the_web_page():
    answer = many_measures_answer()

    text = format_for_chat(answer, PUBLIC_URL)

    assert len(text.encode()) <= 2000
    lines = text.splitlines()
    assert lines[0] == answer.direct
    assert lines[1] == ""
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
    for answer in (many_measures_answer(), shantytown_answer("zh"), shantytown_answer("en"), abstained_answer()):
        text = format_for_chat(answer, PUBLIC_URL, limit_bytes=limit)
        assert len(text.encode("utf-8")) <= limit
        assert "\ufffd" not in text


def test_a_direct_answer_longer_than_the_limit_is_cut_mid_text():
    long_text = "".join(c.text for c in corpus_citations().values())
    answer = Answer(
        question="全文",
        language="zh",
        intent=Intent.TOPIC,
        direct=long_text,
        answer=long_text,
        abstained=False,
        citations=[corpus_citation(1)],
    )

    text = format_for_chat(answer, PUBLIC_URL, limit_bytes=600)

    assert len(text.encode()) <= 600
    first, pointer = text.splitlines()
    assert first.endswith("…") and long_text.startswith(first[:-1])
    assert pointer == f"更多内容请访问：{PUBLIC_URL}"


def test_an_abstention_is_its_whole_explanation():
    answer = abstained_answer()

    assert format_for_chat(answer, PUBLIC_URL) == answer.answer
    assert format_plain_markdown(answer) == answer.answer
    assert render_text(answer) == answer.answer


def test_markdown_is_the_direct_answer_then_the_sources_as_a_list():
    answer = shantytown_answer("zh")

    text = format_plain_markdown(answer)

    lines = text.splitlines()
    assert lines[0] == answer.direct
    assert lines[1] == "", "a blank line before the heading, or markdown folds it into the answer"
    assert lines[2] == "**依据**"
    assert lines[3:6] == [f"- {line}" for line in SHANTYTOWN_LINES_ZH]
    assert [line.split("｜")[0] for line in lines[3:]] == ["- 第91条", "- 第92条", "- 第93条", "- 第94条"]
    assert "“" + corpus_citation(91).text not in text, "the per-citation prose of answer.answer is not repeated"


def test_english_markdown_has_english_sources():
    answer = shantytown_answer("en")

    text = format_plain_markdown(answer)

    assert text.splitlines()[:3] == [answer.direct, "", "**Sources**"]
    assert "- No. 93 | Lead: China Development Bank Jilin Branch (省国开行) |" in text
