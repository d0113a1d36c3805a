import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from corpus.departments import (
    BUNDLED_OVERRIDES,
    NOT_DEPARTMENTS,
    AmbiguousDepartmentError,
    Department,
    DepartmentRegistry,
    DocumentNames,
    UnknownDepartmentError,
    derive_registry,
    fold,
)
from corpus.parser import parse_document

JILIN = "jilin-northeast-revitalization-2014"
CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "documents" / f"{JILIN}.txt"
# The hand-written registry the derived one replaced: every form it resolved must still resolve.
HAND_WRITTEN = Path(__file__).resolve().parent / "data" / "departments_v1.json"

# "　　91.积极争取...。（省国开行、省住房城乡建设厅、省财政厅负责）"; measure 1 ends "等负责，列第一位的为牵头部门，下同）".
MEASURE_LINE = re.compile(r"^\s*(\d+)\..*（([^（）]+?)等?负责[^（）]*）\s*$", re.MULTILINE)


@pytest.fixture(scope="module")
def registry() -> DepartmentRegistry:
    return DepartmentRegistry.load()


@pytest.fixture(scope="module")
def jilin_names() -> DocumentNames:
    return DocumentNames.of(parse_document(CORPUS.read_text(encoding="utf-8"), JILIN))


@pytest.fixture(scope="module")
def by_rule_alone(jilin_names) -> DepartmentRegistry:
    return derive_registry([jilin_names], overrides=None)


@pytest.fixture(scope="module")
def hand_written() -> list[dict]:
    return json.loads(HAND_WRITTEN.read_text(encoding="utf-8"))


def every_form(record: dict) -> list[str]:
    return [record["name"], record["full_name"], record["english"], *record["aliases"], *record["english_aliases"]]


@pytest.fixture(scope="module")
def measure_departments() -> dict[int, list[str]]:
    text = CORPUS.read_text(encoding="utf-8")
    return {int(number): listed.split("、") for number, listed in MEASURE_LINE.findall(text)}


def names_in_order_of_first_appearance(measure_departments: dict[int, list[str]]) -> list[str]:
    return list(dict.fromkeys(name for number in sorted(measure_departments) for name in measure_departments[number]))


def test_the_corpus_parenthesis_pattern_finds_every_measure(measure_departments):
    assert sorted(measure_departments) == list(range(1, 140))


def test_every_department_in_the_corpus_is_registered(registry, measure_departments):
    registered = {department.name for department in registry.departments}
    in_corpus = set(names_in_order_of_first_appearance(measure_departments))
    assert in_corpus - registered == set()


def test_no_registered_department_is_absent_from_the_corpus(registry, measure_departments):
    registered = {department.name for department in registry.departments}
    in_corpus = set(names_in_order_of_first_appearance(measure_departments))
    assert registered - in_corpus == set()


def test_departments_are_listed_in_order_of_first_appearance(registry, measure_departments):
    assert [d.name for d in registry.departments] == names_in_order_of_first_appearance(measure_departments)


def test_no_form_names_two_departments(registry):
    departments_by_form = defaultdict(set)
    for department in registry.departments:
        for form in (*department.chinese_forms, *department.english_forms):
            departments_by_form[fold(form)].add(department.name)
    shared = {form: names for form, names in departments_by_form.items() if len(names) > 1}
    assert shared == {}


def test_every_department_has_a_full_name_and_an_english_name(registry):
    for department in registry.departments:
        assert department.full_name, department.name
        assert re.fullmatch(r"[A-Za-z][A-Za-z ,'&()-]+", department.english), department.name


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("发改委", "省发展改革委"),
        ("省发改委", "省发展改革委"),
        ("吉林省发展和改革委员会", "省发展改革委"),
        ("人社厅", "省人力资源社会保障厅"),
        ("住建厅", "省住房城乡建设厅"),
        ("工信厅", "省工业信息化厅"),
        ("国土厅", "省国土资源厅"),
        ("国开行", "省国开行"),
        ("国家开发银行", "省国开行"),
        ("人民银行", "人民银行长春中心支行"),
        ("人行", "人民银行长春中心支行"),
        ("银监局", "吉林银监局"),
        ("农发行", "省农发行"),
        ("省财政厅", "省财政厅"),
        ("吉林省财政厅的", "省财政厅"),
        ("财政厅的", "省财政厅"),
        ("外办", "省外办"),
        ("Development and Reform Commission", "省发展改革委"),
        ("china development bank", "省国开行"),
        ("Department of Finance", "省财政厅"),
        ("  the Jilin Provincial  Department of Finance ", "省财政厅"),
        ("Peoples Bank of China", "人民银行长春中心支行"),
        ("People’s Bank of China Changchun Central Sub-branch", "人民银行长春中心支行"),
        ("ＮＤＲＣ", "省发展改革委"),
        ("Department of Industry", "省工业信息化厅"),
        ("吉林发改委", "省发展改革委"),
        ("省人力资源社會保障廳", "省人力资源社会保障厅"),
    ],
)
def test_resolve_accepts_what_people_type(registry, typed, name):
    assert registry.resolve(typed).name == name


def test_resolve_names_the_unknown_input_and_suggests_close_departments(registry):
    with pytest.raises(UnknownDepartmentError) as raised:
        registry.resolve("发改局")
    assert "发改局" in str(raised.value)
    assert "省发展改革委" in str(raised.value)
    assert raised.value.suggestions[0].startswith("省发展改革委")


def test_resolve_of_something_unlike_any_department_raises_without_suggestions(registry):
    with pytest.raises(UnknownDepartmentError, match="xyz") as raised:
        registry.resolve("xyz")
    assert raised.value.suggestions == []


def test_get_returns_none_for_an_unknown_department(registry):
    assert registry.get("财政部") is None
    assert isinstance(registry.get("财政厅"), Department)


def mentioned(registry: DepartmentRegistry, text: str) -> list[tuple[str, str]]:
    return [(mention.department.name, mention.surface) for mention in registry.find_mentions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发改委牵头的交通项目有哪些", [("省发展改革委", "发改委")]),
        ("Which measures does the Department of Finance lead?", [("省财政厅", "Department of Finance")]),
        ("人民银行长春中心支行参与了哪些措施", [("人民银行长春中心支行", "人民银行长春中心支行")]),
        ("棚户区改造的融资工作由哪个部门牵头？", []),
        ("省财政厅和财政厅是同一个部门", [("省财政厅", "省财政厅"), ("省财政厅", "财政厅")]),
        ("吉林省发改委、人社厅和NDRC", [("省发展改革委", "吉林省发改委"), ("省人力资源社会保障厅", "人社厅"), ("省发展改革委", "NDRC")]),
        ("争取国家开发银行棚户区专项贷款", [("省国开行", "国家开发银行")]),
        ("What does the People's Bank of China do?", [("人民银行长春中心支行", "People's Bank of China")]),
        ("pbocand cdbs and broadcasting", []),
        ("Where is the Development and Reform Commission's office?", [("省发展改革委", "Development and Reform Commission")]),
    ],
)
def test_find_mentions(registry, text, expected):
    assert mentioned(registry, text) == expected


def test_mention_offsets_point_into_the_original_text(registry):
    text = "问：ＰＢＯＣ  和 People’s  Bank of China 与中国人民银行长春中心支行"
    mentions = registry.find_mentions(text)
    assert [text[m.start:m.end] for m in mentions] == [m.surface for m in mentions]
    assert [m.surface for m in mentions] == ["ＰＢＯＣ", "People’s  Bank of China", "中国人民银行长春中心支行"]


@pytest.mark.parametrize(
    "text",
    [
        "尽快上报国家发展改革委核准",
        "长春市发改委和延边州旅游局",
        "市委组织部",
        "国家统计局的数据",
        "人行道和人行天桥改造",
        "规范个人行为",
        "中央行政机关",
        "亚洲开发银行贷款",
        "各级宣传部门",
        "辽宁省发改委牵头",
        "沈阳市财政局",
    ],
)
def test_other_bodies_and_ordinary_words_are_not_mentions(registry, text):
    assert mentioned(registry, text) == []


@pytest.mark.parametrize(
    "word",
    ["开发", "金融", "教育", "旅游", "科技", "商务", "文化", "交通", "水利", "能源", "粮食", "统计", "扶贫", "海关",
     "检验检疫", "电力", "工会", "finance", "bank", "education", "development", "tourism", "customs", "energy"],
)
def test_common_policy_words_alone_are_not_departments(registry, word):
    assert registry.get(word) is None
    assert registry.find_mentions(f"关于{word}的措施有哪些 / measures on {word}") == []


def test_every_measure_parenthesis_yields_its_departments_in_written_order(registry, measure_departments):
    text = CORPUS.read_text(encoding="utf-8")
    for number, listed in measure_departments.items():
        line = next(line for line in text.splitlines() if re.match(rf"^\s*{number}\.", line))
        parenthesis = line[line.rindex("（"):]
        assert [m.department.name for m in registry.find_mentions(parenthesis)] == listed, number


def test_every_not_department_phrase_guards_an_alias(registry):
    for phrase in NOT_DEPARTMENTS:
        assert any(alias in phrase for d in registry.departments for alias in d.chinese_forms), phrase


def test_surface_forms_are_the_chinese_names_and_aliases(registry):
    forms = registry.surface_forms()
    assert len(forms) == len(set(forms))
    assert {"省发展改革委", "发改委", "吉林省发展和改革委员会", "人民银行长春中心支行", "人行"} <= set(forms)
    assert not any(re.search(r"[A-Za-z]", form) for form in forms)




# -- the registry derived from the Jilin document, against the hand-written one it replaced ------


def test_load_is_the_registry_derived_from_the_bundled_document(registry, jilin_names):
    derived = derive_registry([jilin_names])
    assert [d.name for d in registry.departments] == [d.name for d in derived.departments] == list(jilin_names.names)


def test_every_form_the_hand_written_registry_resolved_still_resolves(registry, hand_written):
    unresolved = [
        (record["name"], form)
        for record in hand_written
        for form in every_form(record)
        if getattr(registry.get(form), "name", None) != record["name"]
    ]
    assert unresolved == []


def test_names_full_names_and_english_names_are_those_of_the_hand_written_registry(registry, hand_written):
    by_name = {department.name: department for department in registry.departments}
    assert [(r["name"], r["full_name"], r["english"]) for r in hand_written] == [
        (r["name"], by_name[r["name"]].full_name, by_name[r["name"]].english) for r in hand_written
    ]


def test_rules_alone_derive_most_of_the_hand_written_registry(by_rule_alone, hand_written):
    """The measurement: how much of the hand-written registry rules produce without overrides."""
    by_name = {department.name: department for department in by_rule_alone.departments}

    def resolved(field: str) -> int:
        return sum(by_rule_alone.get(form) is by_name[r["name"]] for r in hand_written for form in r[field])

    assert len(hand_written) == 51
    assert sum(by_name[r["name"]].full_name == r["full_name"] for r in hand_written) >= 48
    assert sum(by_name[r["name"]].english == r["english"] for r in hand_written) >= 49
    assert (resolved("aliases"), sum(len(r["aliases"]) for r in hand_written)) >= (188, 207)
    assert (resolved("english_aliases"), sum(len(r["english_aliases"]) for r in hand_written)) >= (118, 204)


def test_overrides_hold_only_what_rules_cannot_produce(by_rule_alone):
    by_name = {department.name: department for department in by_rule_alone.departments}
    redundant = []
    for record in json.loads(BUNDLED_OVERRIDES.read_text(encoding="utf-8")):
        department = by_name[record["name"]]
        assert record["jurisdiction"] == department.jurisdiction, record["name"]
        redundant += [form for form in record.get("aliases", ()) if by_rule_alone.get(form) is department]
        if "english" not in record:
            redundant += [form for form in record.get("english_aliases", ()) if by_rule_alone.get(form) is department]
        redundant += [record[field] for field in ("full_name", "english") if record.get(field) == getattr(department, field)]
    assert redundant == []


@pytest.mark.parametrize(
    ("name", "jurisdiction"),
    [("省财政厅", "吉林省"), ("吉林银监局", "吉林省"), ("人民银行长春中心支行", "长春市"), ("长春海关", "长春市"), ("省委组织部", "吉林省")],
)
def test_departments_carry_their_jurisdiction(registry, name, jurisdiction):
    assert registry.resolve(name).jurisdiction == jurisdiction


def test_document_names_are_the_responsibilities_in_order_of_first_appearance(jilin_names, measure_departments):
    assert jilin_names.issuer == "吉林省人民政府"
    assert list(jilin_names.names) == names_in_order_of_first_appearance(measure_departments)


# -- several jurisdictions in one library ---------------------------------------------------------

LIAONING = DocumentNames("liaoning", "辽宁省人民政府", ("省财政厅", "省发展改革委", "省国开行"))
CHANGCHUN = DocumentNames(
    "changchun", "长春市人民政府办公厅", ("长春市发展改革委", "市财政局", "长春市住房城乡建设局", "市城管执法局", "人民银行长春中心支行")
)
NATIONAL = DocumentNames("national", "国务院办公厅", ("发展改革委", "财政部", "人民银行"))


@pytest.fixture(scope="module")
def library(jilin_names) -> DepartmentRegistry:
    return derive_registry([jilin_names, LIAONING, CHANGCHUN, NATIONAL])


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("吉林省财政厅", "吉林省财政厅"),
        ("辽宁省财政厅", "辽宁省财政厅"),
        ("Liaoning Provincial Department of Finance", "辽宁省财政厅"),
        ("Jilin Department of Finance", "吉林省财政厅"),
        ("财政局", "市财政局"),
        ("长春市财政局", "市财政局"),
        ("吉林发改委", "吉林省发展和改革委员会"),
        ("长春发改委", "长春市发展改革委"),
        ("国开行辽宁分行", "国家开发银行辽宁省分行"),
        ("人社厅", "省人力资源社会保障厅"),
        ("城管局", "市城管执法局"),
        ("住建局", "长春市住房城乡建设局"),
        ("财政部", "财政部"),
        ("Ministry of Finance", "财政部"),
        ("人民银行长春中心支行", "人民银行长春中心支行"),
    ],
)
def test_a_library_of_several_jurisdictions_resolves_what_names_one(library, typed, name):
    assert library.resolve(typed).name == name


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("财政厅", {"吉林省财政厅", "辽宁省财政厅"}),
        ("省财政厅", {"吉林省财政厅", "辽宁省财政厅"}),
        ("Provincial Department of Finance", {"吉林省财政厅", "辽宁省财政厅"}),
        ("国开行", {"国家开发银行吉林省分行", "国家开发银行辽宁省分行"}),
        ("发改委", {"吉林省发展和改革委员会", "辽宁省发展和改革委员会", "长春市发展改革委", "发展改革委"}),
        ("人民银行", {"人民银行长春中心支行", "人民银行"}),
    ],
)
def test_a_form_several_departments_answer_to_names_none_and_resolve_lists_them(library, typed, names):
    assert library.get(typed) is None
    with pytest.raises(AmbiguousDepartmentError) as raised:
        library.resolve(typed)
    assert {suggestion.split(" (")[0] for suggestion in raised.value.suggestions} == names
    assert isinstance(raised.value, UnknownDepartmentError)
    assert typed in str(raised.value)


def test_a_written_form_shared_across_jurisdictions_gives_way_to_full_names(library):
    names = {(d.jurisdiction, d.name) for d in library.departments}
    assert {("吉林省", "吉林省财政厅"), ("辽宁省", "辽宁省财政厅"), ("吉林省", "国家开发银行吉林省分行")} <= names
    assert {("吉林省", "省人力资源社会保障厅"), ("长春市", "市财政局"), ("", "财政部")} <= names
    assert "省财政厅" not in {name for _, name in names}


def test_deriving_is_deterministic_whatever_the_order_of_documents(jilin_names):
    forward = derive_registry([jilin_names, LIAONING, CHANGCHUN])
    backward = derive_registry([CHANGCHUN, LIAONING, jilin_names])
    assert {d.name: d for d in forward.departments} == {d.name: d for d in backward.departments}


@pytest.mark.parametrize(
    ("document", "written", "name"),
    [
        (JILIN, "省财政厅", "吉林省财政厅"),
        ("liaoning", "省财政厅", "辽宁省财政厅"),
        ("changchun", "市财政局", "市财政局"),
        ("national", "发展改革委", "发展改革委"),
        ("liaoning", "财政厅", "辽宁省财政厅"),
    ],
)
def test_department_for_is_what_a_name_written_in_a_document_stands_for(library, document, written, name):
    assert library.department_for(document, written).name == name


def test_department_for_a_name_the_library_does_not_know_raises(library):
    with pytest.raises(UnknownDepartmentError):
        library.department_for("liaoning", "省林业厅")


def test_overrides_apply_within_their_jurisdiction(library):
    jilin, liaoning = library.resolve("吉林省国开行"), library.resolve("辽宁省国开行")
    assert (jilin.english, liaoning.english) == ("China Development Bank Jilin Branch", "China Development Bank Liaoning Branch")
    assert "DOF" in library.resolve("吉林省财政厅").english_aliases
    assert "DOF" not in library.resolve("辽宁省财政厅").english_aliases


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("辽宁省财政厅和吉林省发改委", [("辽宁省财政厅", "辽宁省财政厅"), ("吉林省发展和改革委员会", "吉林省发改委")]),
        # a name two provinces' documents share is one mention of both: the question's scope decides
        ("省财政厅和财政厅", [("吉林省财政厅", "省财政厅"), ("吉林省财政厅", "财政厅")]),
        ("长春市财政局、市城管执法局", [("市财政局", "长春市财政局"), ("市城管执法局", "市城管执法局")]),
    ],
)
def test_mentions_in_a_library_of_several_jurisdictions(library, text, expected):
    assert mentioned(library, text) == expected


def test_a_shared_name_names_every_department_it_stands_for(library):
    [mention] = library.find_mentions("财政厅牵头哪些")
    assert [d.name for d in mention.namesakes] == ["吉林省财政厅", "辽宁省财政厅"]


# -- traditional characters -------------------------------------------------------------------


@pytest.fixture(scope="module")
def traditional() -> DepartmentRegistry:
    return derive_registry([DocumentNames("traditional", "吉林省人民政府", ("省人力资源社會保障廳", "省財政廳"))])


def test_a_name_written_in_traditional_characters_keeps_its_form(traditional):
    assert [d.name for d in traditional.departments] == ["省人力资源社會保障廳", "省財政廳"]
    assert traditional.resolve("人社厅").full_name == "吉林省人力资源和社会保障厅"


@pytest.mark.parametrize("typed", ["省人力资源社会保障厅", "省人力资源社會保障廳", "吉林省人社廳", "人社厅"])
def test_simplified_and_traditional_forms_resolve_alike(traditional, typed):
    assert traditional.resolve(typed).name == "省人力资源社會保障廳"


def test_mentions_in_traditional_text_point_at_the_text_as_written(traditional):
    assert mentioned(traditional, "由省財政廳和人社廳負責") == [("省財政廳", "省財政廳"), ("省人力资源社會保障廳", "人社廳")]


# -- double names and abbreviations the table lacks ---------------------------------------------------


def test_a_double_name_is_one_department_under_either_name():
    registry = derive_registry([
        DocumentNames("chengdu", "成都市人民政府办公厅", ("市经信局（市新经济委）", "市民政局")),
        DocumentNames("chengdu-later", "成都市人民政府办公厅", ("市经信局",)),
    ])
    double = registry.department_for("chengdu", "市经信局（市新经济委）")
    assert double.name == "市经信局（市新经济委）"
    assert registry.department_for("chengdu-later", "市经信局") is double
    assert all(registry.resolve(typed) is double for typed in ("市新经济委", "成都市新经济委员会", "经信局"))
    assert not any("（" in form or "(" in form for form in double.english_forms)


def test_an_abbreviation_derived_by_rule_names_the_department():
    registry = derive_registry([DocumentNames("anhui", "安徽省人民政府办公厅", ("省经济和信息化厅", "省财政厅"))])
    assert registry.resolve("安徽省经信厅").name == "省经济和信息化厅"
    assert [mention.surface for mention in registry.find_mentions("经信厅牵头哪些措施")] == ["经信厅"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("国家发改委牵头哪些？", ["国家发改委"]),
        ("第92条是省发改委还是国家发改委牵头？", ["国家发改委"]),
        ("辽宁省财政厅牵头哪些措施？", ["辽宁省财政厅"]),
        ("省发改委牵头哪些？", []),
    ],
)
def test_another_government_body_written_with_a_department_form_is_found_with_its_place(registry, text, names):
    assert [text[start:end] for start, end in registry.find_names(text)[1]] == names
