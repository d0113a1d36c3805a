"""The parsed structure of the Jilin document, checked against its text, and errors on malformed input."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus.library import BUNDLED_LIBRARY, Library, LibraryError
from corpus.models import PassageKind
from corpus.parser import ParseError, parse_document

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
        ("　　一、总则\n\n　　没有编号的段落。\n", 1, "no numbered measures"),
        (MINIMAL.replace("2.做好乙", "3.做好乙"), 7, "out of order"),
        (MINIMAL.replace("（省财政厅负责）\n", "（省财政厅负责\n", 1), 5, "unclosed parenthesis"),
        ("　　一、总则\n　　三、跳过\n　　1.甲。（省财政厅负责）\n", 2, "part"),
        ("　　1.甲。（省财政厅负责）\n", 1, "before any part"),
    ],
)
def test_malformed_documents_name_the_line(text, line, words):
    with pytest.raises(ParseError) as caught:
        parse_document(text, "bad")
    assert caught.value.line == line
    assert f"line {line}" in str(caught.value)
    assert words in str(caught.value)


def test_measure_without_departments_is_kept_with_a_warning():
    document = parse_document(MINIMAL.replace("（省财政厅负责）", ""), "warn")
    assert document.measure(1).departments == ()
    assert document.warnings == ["line 5: measure 1 names no responsible departments"]


def test_library_errors_name_the_file(tmp_path):
    with pytest.raises(LibraryError, match="catalog.json"):
        Library.load(tmp_path)
    (tmp_path / "catalog.json").write_text('{"documents": [{"id": "x", "file": "x.txt", "title": "X"}]}', encoding="utf-8")
    (tmp_path / "x.txt").write_text("　　1.甲。（省财政厅负责）\n", encoding="utf-8")
    with pytest.raises(LibraryError, match=r"x\.txt: line 1"):
        Library.load(tmp_path)
