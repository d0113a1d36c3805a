"""Which government a body belongs to, as its issuer or its own name states it.

吉林省人民政府 issues for the province of Jilin, 长春市人民政府办公厅 for the city of Changchun,
国务院办公厅 for the national government; 长春海关 names its own place.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

import opencc


class Level(str, Enum):
    NATIONAL = "national"
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    CITY = "city"
    COUNTY = "county"
    DISTRICT = "district"


@dataclass(frozen=True)
class Jurisdiction:
    name: str  # 吉林省, 长春市, 延边朝鲜族自治州; "" for the national government
    short: str  # 吉林, 长春, 延边: how names abbreviate it (吉林银监局)
    level: Level
    level_word: str  # how its own documents write "ours": 省财政厅, 市财政局, 州旅游局
    english: str = ""  # Jilin, Changchun; "" when no table knows it

    @property
    def is_national(self) -> bool:
        return self.level is Level.NATIONAL


NATIONAL = Jurisdiction("", "", Level.NATIONAL, "")

# The suffix of a place's name, its level, and the word its own bodies are prefixed with.
# Longest first: 自治州 before 州.
LEVEL_SUFFIXES: tuple[tuple[str, Level, str], ...] = (
    ("特别行政区", Level.PROVINCE, "特区"),
    ("自治区", Level.PROVINCE, "自治区"),
    ("自治州", Level.PREFECTURE, "州"),
    ("自治县", Level.COUNTY, "县"),
    ("自治旗", Level.COUNTY, "旗"),
    ("省", Level.PROVINCE, "省"),
    ("州", Level.PREFECTURE, "州"),
    ("盟", Level.PREFECTURE, "盟"),
    ("市", Level.CITY, "市"),
    ("县", Level.COUNTY, "县"),
    ("旗", Level.COUNTY, "旗"),
    ("区", Level.DISTRICT, "区"),
)
LEVEL_WORDS: tuple[str, ...] = tuple(dict.fromkeys(word for _, _, word in LEVEL_SUFFIXES))
_LEVEL_OF_WORD = {word: level for _, level, word in reversed(LEVEL_SUFFIXES)}

# Names opening with these belong to the central government or the central Party (国家发展改革委,
# 国务院国资委, 中央组织部), whoever issues the document that writes them.
NATIONAL_MARKERS = ("中华人民共和国", "中共中央", "国务院", "国家", "中央", "全国")

# Provincial-level divisions: short name, full name, English. Every province is here, so a place
# missing from this table is below the provincial level.
PROVINCES: dict[str, tuple[str, str]] = {
    "北京": ("北京市", "Beijing"), "天津": ("天津市", "Tianjin"), "上海": ("上海市", "Shanghai"),
    "重庆": ("重庆市", "Chongqing"), "河北": ("河北省", "Hebei"), "山西": ("山西省", "Shanxi"),
    "内蒙古": ("内蒙古自治区", "Inner Mongolia"), "辽宁": ("辽宁省", "Liaoning"), "吉林": ("吉林省", "Jilin"),
    "黑龙江": ("黑龙江省", "Heilongjiang"), "江苏": ("江苏省", "Jiangsu"), "浙江": ("浙江省", "Zhejiang"),
    "安徽": ("安徽省", "Anhui"), "福建": ("福建省", "Fujian"), "江西": ("江西省", "Jiangxi"),
    "山东": ("山东省", "Shandong"), "河南": ("河南省", "Henan"), "湖北": ("湖北省", "Hubei"),
    "湖南": ("湖南省", "Hunan"), "广东": ("广东省", "Guangdong"), "广西": ("广西壮族自治区", "Guangxi"),
    "海南": ("海南省", "Hainan"), "四川": ("四川省", "Sichuan"), "贵州": ("贵州省", "Guizhou"),
    "云南": ("云南省", "Yunnan"), "西藏": ("西藏自治区", "Tibet"), "陕西": ("陕西省", "Shaanxi"),
    "甘肃": ("甘肃省", "Gansu"), "青海": ("青海省", "Qinghai"), "宁夏": ("宁夏回族自治区", "Ningxia"),
    "新疆": ("新疆维吾尔自治区", "Xinjiang"), "台湾": ("台湾省", "Taiwan"),
    "香港": ("香港特别行政区", "Hong Kong"), "澳门": ("澳门特别行政区", "Macao"),
}

# Provincial capitals and sub-provincial cities: the cities vertical bodies are named after
# (长春海关, 人民银行长春中心支行).
CITIES: dict[str, str] = {
    "石家庄": "Shijiazhuang", "太原": "Taiyuan", "呼和浩特": "Hohhot", "沈阳": "Shenyang", "大连": "Dalian",
    "长春": "Changchun", "哈尔滨": "Harbin", "南京": "Nanjing", "杭州": "Hangzhou", "宁波": "Ningbo",
    "合肥": "Hefei", "福州": "Fuzhou", "厦门": "Xiamen", "南昌": "Nanchang", "济南": "Jinan", "青岛": "Qingdao",
    "郑州": "Zhengzhou", "武汉": "Wuhan", "长沙": "Changsha", "广州": "Guangzhou", "深圳": "Shenzhen",
    "南宁": "Nanning", "海口": "Haikou", "成都": "Chengdu", "贵阳": "Guiyang", "昆明": "Kunming",
    "拉萨": "Lhasa", "西安": "Xi'an", "兰州": "Lanzhou", "西宁": "Xining", "银川": "Yinchuan",
    "乌鲁木齐": "Urumqi",
}

# An autonomous prefecture or county is abbreviated without its peoples: 延边朝鲜族自治州 → 延边.
ETHNIC_GROUPS = (
    "朝鲜族", "蒙古族", "回族", "藏族", "维吾尔", "苗族", "彝族", "壮族", "布依族", "侗族", "瑶族", "白族",
    "土家族", "哈尼族", "哈萨克族", "哈萨克", "傣族", "黎族", "傈僳族", "佤族", "畲族", "拉祜族", "水族",
    "东乡族", "纳西族", "景颇族", "柯尔克孜", "土族", "达斡尔族", "羌族", "满族", "锡伯族", "仡佬族",
    "鄂温克族", "各族",
)

# A place as an issuer or a name writes it: 吉林省 + 人民政府, 长春市 + 人民政府办公厅, 四平市 + 财政局.
# A place's name runs to eight characters before its suffix (湘西土家族苗族自治州); longer is a zone
# or a programme (长吉图开发开放先导区).
_PLACE = re.compile(rf"[\u4e00-\u9fff]{{2,8}}?(?:{'|'.join(suffix for suffix, _, _ in LEVEL_SUFFIXES)})")
# A one-character place (沛县) only where an issuer names it: inside a name it would take any 县.
_ONE_CHARACTER_PLACE = re.compile(rf"[\u4e00-\u9fff](?:{'|'.join(suffix for suffix, _, _ in LEVEL_SUFFIXES)})")


@functools.cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters folded to simplified (省人力资源社會保障廳 → 省人力资源社会保障厅)."""
    return _to_simplified().convert(text)


def jurisdiction_named(full_name: str) -> Jurisdiction:
    """The jurisdiction a full place name stands for: 吉林省, 长春市, 延边朝鲜族自治州, 沛县."""
    for short, (name, english) in PROVINCES.items():
        if full_name in (name, short):
            return _with_suffix(name, short, english)
    suffix = next((s for s, _, _ in LEVEL_SUFFIXES if full_name.endswith(s) and len(full_name) > len(s)), None)
    if suffix is None:  # a bare city name in a vertical body's name: 长春, 四平
        return Jurisdiction(full_name + "市", full_name, Level.CITY, "市", CITIES.get(full_name, ""))
    short = full_name.removesuffix(suffix)
    if suffix.startswith("自治"):
        short = _without_peoples(short)
    if len(short) < 2:  # 沛县 is not abbreviated to 沛: one character would open too many names
        short = full_name
    return _with_suffix(full_name, short, CITIES.get(short, ""))


def _with_suffix(name: str, short: str, english: str) -> Jurisdiction:
    _, level, word = next(entry for entry in LEVEL_SUFFIXES if name.endswith(entry[0]))
    return Jurisdiction(name, short, level, word, english)


def _without_peoples(short: str) -> str:
    while peoples := next((group for group in ETHNIC_GROUPS if short.endswith(group) and len(short) > len(group)), None):
        short = short.removesuffix(peoples)
    return short


def level_word_jurisdiction(word: str) -> Jurisdiction:
    """A level word whose place the document does not say (市财政局 in a provincial document):
    some body of that level, not one the library can name."""
    return Jurisdiction(word, "", _LEVEL_OF_WORD[word], word)


def jurisdiction_of_issuer(issuer: str) -> Jurisdiction:
    """吉林省人民政府 → 吉林省; 长春市人民政府办公厅 → 长春市; 国务院办公厅 → national.

    The innermost place of a chain counts (吉林省长春市人民政府 → 长春市); an issuer that names no
    place (国务院办公厅, 财政部) is national.
    """
    text = simplified(issuer).strip().removeprefix("中共")
    if not text or text.startswith(NATIONAL_MARKERS):
        return NATIONAL
    places = list(_place_chain(text))
    return jurisdiction_named(places[-1]) if places else NATIONAL


def _place_chain(text: str) -> Iterable[str]:
    position = 0
    while place := _place_at(text, position):
        yield place
        position += len(place)


def _place_at(text: str, position: int) -> str | None:
    for short, (name, _) in PROVINCES.items():
        if text.startswith(name, position):
            return name
    for pattern in (_PLACE, _ONE_CHARACTER_PLACE):
        if match := pattern.match(text, position):
            return match.group()
    return None


class Gazetteer:
    """The places a name may open with or carry inside it: the provinces, their capitals and the
    jurisdictions of the library's issuers."""

    def __init__(self, jurisdictions: Iterable[Jurisdiction] = ()) -> None:
        issuers = [j for j in jurisdictions if not j.is_national and j.name not in LEVEL_WORDS]
        self._by_form = {j.name: j for j in issuers}
        for short in (*PROVINCES, *CITIES):
            table = jurisdiction_named(short)
            self._by_form.setdefault(table.name, table)
            self._by_form.setdefault(short, table)
        # An issuer's short name counts unless a province or capital already has it: 吉林 stays the
        # province when the library also holds a document of 吉林市.
        for jurisdiction in issuers:
            self._by_form.setdefault(jurisdiction.short, jurisdiction)
        # The forms by their first and by their last character, longest first: a name is compared with
        # the few forms that can open or close it, not with every place (thousands of names at a load)
        self._by_first: dict[str, list[str]] = {}
        self._by_last: dict[str, list[str]] = {}
        for form in sorted(self._by_form, key=len, reverse=True):
            self._by_first.setdefault(form[:1], []).append(form)
            self._by_last.setdefault(form[-1:], []).append(form)

    def place_at_start(self, text: str) -> tuple[str, Jurisdiction] | None:
        """The place a name opens with, as written: 吉林省财政厅 → ("吉林省", 吉林省); a place no
        table knows when written with its level: 四平市财政局 → ("四平市", 四平市)."""
        if form := next((form for form in self._by_first.get(text[:1], ()) if text.startswith(form)), None):
            return form, self._by_form[form]
        match = _PLACE.match(text)
        if match is None or match.group().startswith(LEVEL_WORDS):  # 自治区发展改革委 is the document's own
            return None
        return match.group(), jurisdiction_named(match.group())

    def place(self, written: str) -> Jurisdiction:
        """The jurisdiction of a place as a name writes it: 长春 → 长春市, 吉林 → 吉林省."""
        return self._by_form.get(written) or jurisdiction_named(written)

    def ending_at(self, text: str, end: int) -> Jurisdiction | None:
        """The known place written right before text[end]: 辽宁 in 辽宁省发改委 before 省发改委."""
        form = self.form_ending_at(text, end)
        return self._by_form[form] if form else None

    def form_ending_at(self, text: str, end: int) -> str | None:
        """How the place ending_at finds is written."""
        return next((form for form in self._by_last.get(text[:end][-1:], ()) if text.endswith(form, 0, end)), None)
