"""The gold set is well-formed and agrees with the document it was written against."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from corpus.departments import DepartmentRegistry
from corpus.models import PASSAGE_ID_SEPARATOR, PassageKind
from corpus.parser import parse_source
from corpus.readers import read_source
from eval.corpus_departments import GOLD_DOCUMENT, GOLD_DOCUMENT_ID, read_measure_departments
from eval.gold import (
    COUNT_KINDS,
    DEPARTMENTS_COUNTED_KIND,
    JOINT_KIND,
    RANKING_KIND,
    DEPARTMENT_KINDS,
    GOLD_PATH,
    KINDS,
    LANGUAGES,
    OUT_OF_SCOPE,
    TEST_PATH,
    VERDICT_KINDS,
    GoldQuestion,
    load_gold,
)
from qa.unlisted import english_body_names
from tests.documents import DOCUMENTS, write_document
from tests.documents.model import BODY_START_LENGTH, expected_parse

FIELDS = {"id", "q", "lang", "kind", "relevant", "related", "lead", "count"}
NEGATION = re.compile(r"不是|不牵头|没有牵头|没牵头|并非|\bnot\b|n't\b", re.IGNORECASE)
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


def about_gold_document(questions: list[GoldQuestion]) -> list[GoldQuestion]:
    return [question for question in questions if question.document == GOLD_DOCUMENT_ID]


@pytest.fixture(scope="module")
def gold() -> list[GoldQuestion]:
    """The fitted part's questions about the Jilin document; those about other documents are checked below."""
    return about_gold_document(load_gold(GOLD_PATH))


def expected_relevant(question: GoldQuestion) -> list[int]:
    (department,) = question.lead
    if question.kind in ("dept_all", "dept_all_count"):
        return [number for number, names in CORPUS.items() if department in names]
    if question.kind in ("dept_co", "dept_co_count"):
        return [number for number, names in CORPUS.items() if department in names[1:]]
    return [number for number, names in CORPUS.items() if names[0] == department]


def test_corpus_regex_finds_every_measure():
    assert sorted(CORPUS) == list(range(1, MEASURE_COUNT + 1))
    assert CORPUS[1][0] == "省发展改革委" and "列第一位的为牵头部门" not in " ".join(CORPUS[1])
    assert CORPUS[91] == ["省国开行", "省住房城乡建设厅", "省财政厅"]


def test_eval_parser_agrees_with_the_test_regex():
    assert {number: list(names) for number, names in read_measure_departments(GOLD_DOCUMENT).items()} == CORPUS


def test_every_line_has_exactly_the_schema_fields():
    for line_number, line in enumerate(GOLD_PATH.read_text(encoding="utf-8").splitlines(), start=1):
        row = json.loads(line)
        asks_yes_no = row["kind"] in ("yes_no", "either_or") or (row["kind"] == RANKING_KIND and "expect" in row)
        optional = {"expect"} if asks_yes_no else {"context"} if row["kind"] == "follow_up" else set()
        assert set(row) == FIELDS | optional | ({"document"} if "document" in row else set()), f"line {line_number}"
        assert row.get("document") != GOLD_DOCUMENT_ID, f"line {line_number}: the gold document is the default"


def test_size_kinds_and_languages(gold):
    assert len(gold) >= 220
    per_kind = Counter(question.kind for question in gold)
    for kind, minimum in MINIMUM_PER_KIND.items():
        assert per_kind[kind] >= minimum, kind
    assert set(per_kind) <= set(KINDS)
    english = [question for question in gold if question.lang == "en"]
    assert len(english) / len(gold) >= 0.35
    assert {question.kind for question in english} == set(per_kind)
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
        if question.kind in ("lead", "departments", "dept_count", "measure"):
            assert set(question.lead) == {CORPUS[number][0] for number in question.relevant}, question.id


def test_shantytown_financing_questions():
    by_question = {question.q: question for question in load_gold(GOLD_PATH)}
    for text in ("棚户区改造的融资工作由哪个部门牵头？", "Who leads the shantytown renovation financing?"):
        question = by_question[text]
        assert question.kind == "lead"
        assert question.relevant == [91, 92, 93, 94]
        assert question.lead == ["省国开行", "省发展改革委", "省金融办"]


# --- the held-out test part: written separately from the system, checked against the document ---

TEST_MINIMUM_PER_KIND = {
    "lead": 20,
    "departments": 12,
    "dept_lead": 10,
    "dept_all": 10,
    "dept_lead_count": 8,
    "dept_all_count": 8,
    "measure": 12,
    "topic": 20,
    "yes_no": 12,
    "either_or": 8,
    "follow_up": 10,
    "oos": 25,
}
# Kinds whose `lead` is the set of first departments of their relevant measures.
TEST_LEAD_KINDS = ("lead", "departments", "dept_count", "measure", "yes_no", "either_or", "follow_up")
# The registry's matcher reads simplified characters; the test part writes some questions in 繁體.
TRADITIONAL = str.maketrans("廳辦農會總業濕", "厅办农会总业湿")


@pytest.fixture(scope="module")
def test_part() -> list[GoldQuestion]:
    return about_gold_document(load_gold(TEST_PATH))


@pytest.fixture(scope="module")
def registry() -> DepartmentRegistry:
    return DepartmentRegistry.load()


def named_departments(registry: DepartmentRegistry, question: GoldQuestion) -> set[str]:
    """The departments a question names: by one of their forms, or in English words unlike them ("the
    Foreign Affairs Bureau" for the Foreign Affairs Office)."""
    text = question.q.translate(TRADITIONAL)
    named = {mention.department.name for mention in registry.find_mentions(text)}
    if named:
        return named
    in_other_words = (registry.named_in_other_words(text[start:end]) for start, end in english_body_names(text))
    return {department.name for department in in_other_words if department is not None}


def test_test_part_size_kinds_and_languages(test_part):
    assert len(test_part) >= 170
    per_kind = Counter(question.kind for question in test_part)
    for kind, minimum in TEST_MINIMUM_PER_KIND.items():
        assert per_kind[kind] >= minimum, kind
    assert set(per_kind) == set(KINDS)
    english = [question for question in test_part if question.lang == "en"]
    assert len(english) / len(test_part) >= 0.40
    assert {question.kind for question in english} == set(KINDS)
    assert {question.kind for question in test_part if question.lang == "zh"} == set(KINDS)


def test_test_part_fields_follow_the_kind():
    for line_number, line in enumerate(TEST_PATH.read_text(encoding="utf-8").splitlines(), start=1):
        record = json.loads(line)
        expected = set(FIELDS) | ({"document"} if "document" in record else set())
        if record["kind"] in VERDICT_KINDS or (record["kind"] == RANKING_KIND and "expect" in record):
            expected.add("expect")
        if record["kind"] == "follow_up":
            expected.add("context")
        assert set(record) == expected, f"line {line_number}"


def test_test_part_ids_and_questions(test_part):
    assert len({question.id for question in test_part}) == len(test_part)
    assert len({question.q for question in test_part}) == len(test_part)
    for question in test_part:
        assert re.fullmatch(rf"test-{question.kind}-{question.lang}-\d{{3}}", question.id), question.id


def test_test_part_shares_no_question_with_the_gold_part(test_part, gold):
    gold_questions = {question.q.strip() for question in gold}
    for question in test_part:
        assert question.q.strip() not in gold_questions, question.id
        for earlier in question.context:
            assert earlier.strip() not in gold_questions, question.id


def test_test_part_measures_exist_and_in_scope_questions_cite_some(test_part):
    for question in test_part:
        for number in question.relevant + question.related:
            assert 1 <= number <= MEASURE_COUNT, question.id
        if question.kind not in (OUT_OF_SCOPE, *COUNT_KINDS):
            assert question.relevant, question.id


def test_test_part_department_kinds_match_the_document(test_part, registry):
    for question in test_part:
        if question.kind in DEPARTMENT_KINDS:
            relevant = expected_relevant(question)
            assert question.relevant == relevant, question.id
            if question.kind in COUNT_KINDS:
                assert question.count == len(relevant), question.id
            else:
                assert question.count is None, question.id
            assert named_departments(registry, question) == set(question.lead), question.id
        elif question.kind == DEPARTMENTS_COUNTED_KIND:
            assert question.count == len({name for number in question.relevant for name in CORPUS[number]}), question.id
        elif question.kind == JOINT_KIND:
            assert question.relevant == [n for n, names in CORPUS.items() if set(question.lead) <= set(names)], question.id
            assert question.count is None and named_departments(registry, question) == set(question.lead), question.id
        elif question.kind == RANKING_KIND:
            # each department that comes first has `count` measures among `relevant`, in the role asked
            # about: leading, where they lead every one of them
            leading = all(CORPUS[n][0] in question.lead for n in question.relevant)
            for name in question.lead:
                held = [n for n in question.relevant if (CORPUS[n][0] == name if leading else name in CORPUS[n])]
                assert len(held) == question.count, (question.id, name)
        elif question.kind != OUT_OF_SCOPE:
            assert question.count is None, question.id


def test_test_part_names_only_registered_departments(test_part, registry):
    canonical = {department.name for department in registry.departments}
    for question in test_part:
        for name in question.lead:
            assert name in canonical, (question.id, name)
        if question.kind == "either_or":
            assert question.expect in canonical, question.id


def test_test_part_leads_are_exactly_the_leads_of_relevant_measures(test_part):
    for question in test_part:
        if question.kind in TEST_LEAD_KINDS:
            assert set(question.lead) == {CORPUS[number][0] for number in question.relevant}, question.id
        if question.kind == "topic":
            assert question.lead == [], question.id


def test_test_part_verdicts_agree_with_the_document(test_part, registry):
    for question in test_part:
        leads = {CORPUS[number][0] for number in question.relevant}
        named = named_departments(registry, question)
        if question.kind == "yes_no":
            # a question may name a partner besides the department asked about, and a statement may
            # deny that it leads ("…不是…牵头的，对吗？"): some reading must hold
            readings = {"yes": bool(named & leads), "no": bool(named - leads)}
            opposite = "no" if question.expect == "yes" else "yes"
            holds = readings[question.expect] or (NEGATION.search(question.q) is not None and readings[opposite])
            # a body the document does not name (是国家能源局牵头吗) leads none of its measures
            assert holds if named else question.expect == "no", question.id
        if question.kind == "either_or":
            assert len(named) == 2 and question.expect in named, question.id
            assert leads & named == {question.expect}, question.id
            assert any(CORPUS[number][0] == question.expect for number in question.relevant), question.id


def test_test_part_has_both_verdicts(test_part):
    verdicts = Counter(question.expect for question in test_part if question.kind == "yes_no")
    assert verdicts["yes"] >= 4 and verdicts["no"] >= 4
    for kind in VERDICT_KINDS + ("follow_up",):
        assert {question.lang for question in test_part if question.kind == kind} == set(LANGUAGES), kind


def test_test_part_out_of_scope_questions_are_empty(test_part):
    for question in test_part:
        if question.kind == OUT_OF_SCOPE:
            assert not (question.relevant or question.related or question.lead or question.count is not None)


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


# --- questions about the other documents of a library, checked against those documents as written ---


@pytest.fixture(scope="module")
def tasks_by_document(tmp_path_factory) -> dict[str, dict[str, tuple[str | None, tuple[str, ...]]]]:
    """Per test document, each task's id within the document -> (lead, co-departments), the truth taken
    from the document's own statement (tests.documents), matched to the parsed tasks in reading order."""
    folder = tmp_path_factory.mktemp("documents")
    truth = {}
    for name, document in DOCUMENTS.items():
        parsed = parse_source(read_source(write_document(document, folder, "txt")), name)
        tasks = [passage for passage in parsed.passages if passage.kind is PassageKind.MEASURE]
        expected = expected_parse(document).tasks
        assert [task.body[:BODY_START_LENGTH] for task in tasks] == [task.body_start for task in expected], name
        truth[name] = {
            task.id.partition(PASSAGE_ID_SEPARATOR)[2]: (written.lead, written.co) for task, written in zip(tasks, expected, strict=True)
        }
    return truth


def library_questions() -> list[GoldQuestion]:
    return [question for path in (GOLD_PATH, TEST_PATH) for question in load_gold(path) if question.document != GOLD_DOCUMENT_ID]


def test_both_parts_ask_about_every_test_document_in_both_languages():
    for path in (GOLD_PATH, TEST_PATH):
        asked = {(question.document, question.lang) for question in load_gold(path) if question.document != GOLD_DOCUMENT_ID}
        assert asked == {(name, language) for name in DOCUMENTS for language in LANGUAGES}, path.name


def test_library_questions_agree_with_their_documents(tasks_by_document):
    for question in library_questions():
        tasks = tasks_by_document[question.document]
        keys = [str(key) for key in question.relevant + question.related]
        assert keys and set(keys) <= set(tasks), question.id
        leads = {tasks[str(key)][0] for key in question.relevant}
        if question.kind in ("dept_lead", "dept_lead_count"):
            (department,) = question.lead
            assert keys == [key for key, (lead, _) in tasks.items() if lead == department], question.id
        elif question.kind in ("dept_all", "dept_all_count"):
            (department,) = question.lead
            assert keys == [key for key, (lead, co) in tasks.items() if department in (lead, *co)], question.id
        else:
            assert set(question.lead) == leads, question.id
        if question.kind in COUNT_KINDS:
            assert question.count == len(question.relevant), question.id
        if question.kind == "yes_no":
            assert (question.expect == "yes") == bool(leads & set(question.lead)), question.id
        if question.kind == "either_or":
            assert question.expect in leads, question.id
