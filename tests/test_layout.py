"""Numbering markers, the levels they form and the checks on their order."""
from __future__ import annotations

import pytest

from corpus.layout import NumberingCheck, find_marker, levels, normalized
from corpus.numerals import chinese_number, parse_ordinal


@pytest.mark.parametrize(
    ("text", "style", "head", "number", "ordinal", "rest"),
    [
        ("一、着力激发市场活力", "chinese", "一、", "一", 1, "着力激发市场活力"),
        ("十二．加强监管", "chinese", "十二．", "十二", 12, "加强监管"),
        ("（三十五）加强督促检查。", "chinese-parenthesized", "（三十五）", "三十五", 35, "加强督促检查。"),
        ("(二)强化保障", "chinese-parenthesized", "(二)", "二", 2, "强化保障"),
        ("91.积极争取国家开发银行贷款。", "arabic", "91.", "91", 91, "积极争取国家开发银行贷款。"),
        ("3、推进改革", "arabic", "3、", "3", 3, "推进改革"),
        ("4．扩大开放", "arabic", "4．", "4", 4, "扩大开放"),
        ("１２．全角数字", "arabic", "１２．", "１２", 12, "全角数字"),
        ("（1）完善机制", "arabic-parenthesized", "（1）", "1", 1, "完善机制"),
        ("2）建立台账", "arabic-half-parenthesized", "2）", "2", 2, "建立台账"),
        ("③加快建设", "circled", "③", "③", 3, "加快建设"),
        ("第一章　总则", "chapter", "第一章", "第一章", 1, "总则"),
        ("第二节 一般规定", "section", "第二节", "第二节", 2, "一般规定"),
        ("第十二条　县级以上人民政府应当加强领导。", "article", "第十二条", "第十二条", 12, "县级以上人民政府应当加强领导。"),
        ("第十二條　縣級以上人民政府應當加強領導。", "article", "第十二條", "第十二條", 12, "縣級以上人民政府應當加強領導。"),
        ("第三節 附則", "section", "第三節", "第三節", 3, "附則"),
        ("第12条 数字写法", "article", "第12条", "第12条", 12, "数字写法"),
        ("2.3 推进数字化转型", "dotted", "2.3", "2.3", 3, "推进数字化转型"),
        ("2.3.1 建设数据中心", "dotted-deep", "2.3.1", "2.3.1", 1, "建设数据中心"),
        ("1.2加强统筹", "dotted", "1.2", "1.2", 2, "加强统筹"),
    ],
)
def test_every_marker_style(text, style, head, number, ordinal, rest):
    marker = find_marker(text)
    assert (marker.style, marker.head, marker.number, marker.ordinal, marker.rest) == (style, head, number, ordinal, rest)


@pytest.mark.parametrize(
    "text",
    [
        "1.5万亩耕地得到保护。",
        "2.3亿元资金已经到位。",
        "2014年9月25日",
        "第一批试点城市名单。",
        "ＰＰＰ（政府与社会资本合作）项目试点。",
        "各地、各有关部门要高度重视。",
        "一是加强领导，二是强化保障。",
        "十分重要、必须落实。",
    ],
)
def test_text_that_only_looks_numbered_is_not_a_marker(text):
    assert find_marker(text) is None


def test_levels_follow_the_customary_order_whatever_comes_first():
    assert levels({"arabic", "chinese", "chinese-parenthesized"}) == {"chinese": 0, "chinese-parenthesized": 1, "arabic": 2}
    assert levels({"article", "chapter", "chinese-parenthesized"}) == {"chapter": 0, "article": 1, "chinese-parenthesized": 2}
    assert levels({"circled", "arabic-parenthesized", "dotted", "dotted-deep"}) == {
        "dotted": 0,
        "dotted-deep": 1,
        "arabic-parenthesized": 2,
        "circled": 3,
    }


@pytest.mark.parametrize(
    ("sequence", "problems"),
    [
        # (marker, level, parent) in reading order
        ([("一、", 0, None), ("二、", 0, None), ("三、", 0, None)], []),
        ([("一、", 0, None), ("三、", 0, None)], ["三、 out of order (expected 二、)"]),
        ([("二、", 0, None)], ["二、 out of order (expected 一、)"]),
        ([("1.", 1, "a"), ("2.", 1, "a"), ("1.", 1, "b")], []),  # restarts under a new heading
        ([("1.", 1, "a"), ("2.", 1, "a"), ("3.", 1, "b")], []),  # or runs on through the text
        ([("1.", 1, "a"), ("2.", 1, "a"), ("5.", 1, "b")], ["5. out of order (expected 1. or 3.)"]),
        ([("（1）", 2, "x"), ("（1）", 2, "x")], ["（1） out of order (expected （2）)"]),
        ([("第一条", 0, None), ("第三条", 0, None)], ["第三条 out of order (expected 第二条)"]),
        ([("①", 0, None), ("③", 0, None)], ["③ out of order (expected ②)"]),
    ],
)
def test_numbering_check(sequence, problems):
    check = NumberingCheck()
    found = [problem for head, level, parent in sequence if (problem := check.follow(find_marker(head + "文"), level, parent))]
    assert found == problems


def test_normalized_copy_keeps_positions():
    text = "（省發展改革委、省財政廳等負責）第十二條１２"
    copy = normalized(text)
    assert len(copy) == len(text)
    assert copy == "（省发展改革委、省财政厅等负责）第十二条12"


@pytest.mark.parametrize(
    ("value", "spelled"),
    [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五"), (105, "一百零五"), (110, "一百一十"), (139, "一百三十九")],
)
def test_chinese_numbers_both_ways(value, spelled):
    assert chinese_number(value) == spelled
    assert parse_ordinal(spelled) == value


def test_ordinals_in_each_notation():
    assert [parse_ordinal(text) for text in ("7", "七", "⑦", "两")] == [7, 7, 7, 2]
    with pytest.raises(ValueError):
        parse_ordinal("甲")
