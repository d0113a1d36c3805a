import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from corpus.departments import (
    NOT_DEPARTMENTS,
    Department,
    DepartmentRegistry,
    UnknownDepartmentError,
    fold,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "documents" / "jilin-northeast-revitalization-2014.txt"

# "　　91.积极争取...。（省国开行、省住房城乡建设厅、省财政厅负责）"; measure 1 ends "等负责，列第一位的为牵头部门，下同）".
MEASURE_LINE = re.compile(r"^\s*(\d+)\..*（([^（）]+?)等?负责[^（）]*）\s*$", re.MULTILINE)


@pytest.fixture(scope="module")
def registry() -> DepartmentRegistry:
    return DepartmentRegistry.load()


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


def test_loading_data_where_an_alias_names_two_departments_fails(tmp_path):
    records = json.loads((Path(__file__).resolve().parent.parent / "corpus" / "departments.json").read_text(encoding="utf-8"))
    records[1]["aliases"].append(records[0]["aliases"][0])
    clashing = tmp_path / "departments.json"
    clashing.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match=records[0]["aliases"][0]):
        DepartmentRegistry.load(clashing)


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


