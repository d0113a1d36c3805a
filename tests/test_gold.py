"""The gold set is well-formed and agrees with the document it was written against."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from eval.corpus_departments import GOLD_DOCUMENT, read_measure_departments
from eval.gold import DEPARTMENT_KINDS, GOLD_PATH, KINDS, LANGUAGES, OUT_OF_SCOPE, GoldQuestion, load_gold

FIELDS = {"id", "q", "lang", "kind", "relevant", "related", "lead", "count"}
MEASURE_COUNT = 139
MINIMUM_PER_KIND = {
    "lead": 40,
    "departments": 20,
    "dept_lead": 20,
    "dept_all": 15,
    "dept_lead_count": 15,
    "measure": 20,
    "topic": 45,
    "oos": 25,
}


def corpus_departments() -> dict[int, list[str]]:
    """Departments per measure by a regex written independently of eval.corpus_departments."""
    departments: dict[int, list[str]] = {}
    for line in GOLD_DOCUMENT.read_text(encoding="utf-8").splitlines():
        numbered = re.match(r"\s*(\d+)\.", line)
        if numbered is None:
            continue
        parenthesis = line[line.rindex("（") + 1 : line.rindex("）")]
        departments[int(numbered.group(1))] = re.sub(r"等?负责.*", "", parenthesis).split("、")
    return departments


CORPUS = corpus_departments()


@pytest.fixture(scope="module")
def gold() -> list[GoldQuestion]:
    return load_gold(GOLD_PATH)


def expected_relevant(question: GoldQuestion) -> list[int]:
    (department,) = question.lead
    if question.kind == "dept_all":
        return [number for number, names in CORPUS.items() if department in names]
    return [number for number, names in CORPUS.items() if names[0] == department]


def test_corpus_regex_finds_every_measure():
    assert sorted(CORPUS) == list(range(1, MEASURE_COUNT + 1))
    assert CORPUS[1][0] == "省发展改革委" and "列第一位的为牵头部门" not in " ".join(CORPUS[1])
    assert CORPUS[91] == ["省国开行", "省住房城乡建设厅", "省财政厅"]


def test_eval_parser_agrees_with_the_test_regex():
    assert {number: list(names) for number, names in read_measure_departments(GOLD_DOCUMENT).items()} == CORPUS


def test_every_line_has_exactly_the_schema_fields():
    for line_number, line in enumerate(GOLD_PATH.read_text(encoding="utf-8").splitlines(), start=1):
        assert set(json.loads(line)) == FIELDS, f"line {line_number}"


def test_size_kinds_and_languages(gold):
    assert len(gold) >= 220
    per_kind = Counter(question.kind for question in gold)
    for kind, minimum in MINIMUM_PER_KIND.items():
        assert per_kind[kind] >= minimum, kind
    assert set(per_kind) <= set(KINDS)
    english = [question for question in gold if question.lang == "en"]
    assert len(english) / len(gold) >= 0.35
    assert {question.kind for question in english} == set(KINDS)
    assert {question.lang for question in gold} == set(LANGUAGES)


def test_ids_and_questions_are_unique(gold):
    assert len({question.id for question in gold}) == len(gold)
    assert len({question.q for question in gold}) == len(gold)


def test_ids_name_kind_and_language(gold):
    for question in gold:
        assert re.fullmatch(rf"{question.kind}-{question.lang}-\d{{3}}", question.id), question.id


def test_measure_numbers_exist(gold):
    for question in gold:
        for number in question.relevant + question.related:
            assert 1 <= number <= MEASURE_COUNT, question.id


def test_in_scope_questions_have_relevant_measures(gold):
    for question in gold:
        if question.kind not in (OUT_OF_SCOPE, "dept_lead_count"):
            assert question.relevant, question.id


def test_department_kinds_match_the_document(gold):
    for question in gold:
        if question.kind in DEPARTMENT_KINDS:
            relevant = expected_relevant(question)
            assert question.relevant == relevant, question.id
            assert question.count == len(relevant), question.id


def test_lead_kind_leads_are_first_departments_of_relevant_measures(gold):
    for question in gold:
        if question.kind == "lead":
            first_departments = {CORPUS[number][0] for number in question.relevant}
            for lead in question.lead:
                assert lead in first_departments, (question.id, lead)


def test_expected_leads_are_exactly_the_leads_of_relevant_measures(gold):
    for question in gold:
        if question.kind in ("lead", "departments", "measure"):
            assert set(question.lead) == {CORPUS[number][0] for number in question.relevant}, question.id


def test_shantytown_financing_questions():
    by_question = {question.q: question for question in load_gold(GOLD_PATH)}
    for text in ("棚户区改造的融资工作由哪个部门牵头？", "Who leads the shantytown renovation financing?"):
        question = by_question[text]
        assert question.kind == "lead"
        assert question.relevant == [91, 92, 93, 94]
        assert question.lead == ["省国开行", "省发展改革委", "省金融办"]


def test_load_gold_names_the_malformed_line(tmp_path):
    good = GOLD_PATH.read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "gold.jsonl"
    path.write_text(good + "\n" + good.replace('"count": null', '"count": null, "extra": 1') + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_gold(path)
    path.write_text(good + "\n\n{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3"):
        load_gold(path)
    path.write_text(good + "\n" + good + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2.*already used on line 1"):
        load_gold(path)
