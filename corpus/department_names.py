"""How Chinese government bodies are named: the parts of a written name, its full name and the
other forms people write it in, from the standard abbreviations of government bodies.

省发展改革委 is the level word 省, the subject 发展改革 and the body word 委: in a document of
吉林省 its full name is 吉林省发展和改革委员会, and 发改委, 吉林省发改委, 发展和改革委员会 are the same body.
A subject the table lacks is abbreviated as the table's are (经济和信息化 → 经信, as 工业和信息化 → 工信).
A body with two names writes the second in brackets, 市经信局（市新经济委）: both are its names.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from corpus.jurisdiction import (
    LEVEL_WORDS,
    NATIONAL,
    NATIONAL_MARKERS,
    Gazetteer,
    Jurisdiction,
    Level,
    level_word_jurisdiction,
    simplified,
)


@dataclass(frozen=True)
class Subject:
    """What a body is in charge of, in the forms names write it."""

    forms: tuple[str, ...]  # the official form first; each joins either body word (发展和改革委员会, 发展改革委)
    short: tuple[str, ...] = ()  # abbreviations, written only with the short body word (发改委, never 发改委员会)
    of_government: bool = False  # an office of the people's government itself: 吉林省人民政府金融工作办公室

    @property
    def official(self) -> str:
        return self.forms[0]

    @property
    def all_forms(self) -> tuple[str, ...]:
        return (*self.forms, *self.short)


# The functions of Chinese government bodies and their standard abbreviations, national to county.
SUBJECTS: tuple[Subject, ...] = (
    Subject(("发展和改革", "发展改革"), ("发改",)),
    Subject(("机构编制委员会", "机构编制"), ("编委", "编")),
    Subject(("财政",)),
    Subject(("教育",)),
    Subject(("科学技术",), ("科技",)),
    Subject(("工业和信息化", "工业信息化"), ("工信",)),
    Subject(("经济和信息化", "经济信息化"), ("经信",)),
    Subject(("公安",)),
    Subject(("民政",)),
    Subject(("司法",)),
    Subject(("人力资源和社会保障", "人力资源社会保障"), ("人社",)),
    Subject(("国土资源",), ("国土",)),
    Subject(("自然资源",)),
    Subject(("环境保护",), ("环保",)),
    Subject(("生态环境",)),
    Subject(("住房和城乡建设", "住房城乡建设"), ("住建",)),
    Subject(("交通运输",), ("交通",)),
    Subject(("水利",)),
    Subject(("农业",), ("农",)),
    Subject(("农业农村",)),
    Subject(("林业",)),
    Subject(("商务",)),
    Subject(("文化",)),
    Subject(("旅游",)),
    Subject(("文化和旅游", "文化旅游"), ("文旅",)),
    Subject(("卫生和计划生育", "卫生计生"), ("卫计",)),
    Subject(("卫生健康",), ("卫健",)),
    Subject(("审计",)),
    Subject(("统计",)),
    Subject(("粮食",)),
    Subject(("物价",)),
    Subject(("能源",)),
    Subject(("畜牧业管理",), ("畜牧",)),
    Subject(("工商行政管理",), ("工商",)),
    Subject(("质量技术监督",), ("质量技监", "质监")),
    Subject(("食品药品监督管理", "食品药品监管"), ("食药监", "药监")),
    Subject(("市场监督管理",), ("市场监管", "市监")),
    Subject(("医疗保障",), ("医保",)),
    Subject(("新闻出版广电",), ("广电",)),
    Subject(("广播电视",)),
    Subject(("通信管理",), ("通管",)),
    Subject(("经济技术合作",), ("经合",)),
    Subject(("地方金融监督管理", "地方金融监管")),
    Subject(("金融工作",), ("金融",), of_government=True),
    Subject(("外事",), ("外",), of_government=True),
    Subject(("国有资产监督管理",), ("国资",), of_government=True),
    Subject(("扶贫开发领导小组", "扶贫开发"), ("扶贫",)),
    Subject(("城市管理行政执法", "城市管理"), ("城管执法", "城管")),
    Subject(("应急管理",), ("应急",)),
    Subject(("安全生产监督管理",), ("安全监管", "安监")),
    Subject(("退役军人事务",), ("退役军人",)),
    Subject(("民族宗教事务", "民族宗教"), ("民宗",)),
    Subject(("人民防空",), ("人防",)),
    Subject(("体育",)),
    Subject(("税务",)),
    Subject(("知识产权",)),
    Subject(("侨务",)),
    Subject(("信访",)),
    Subject(("档案",)),
    Subject(("气象",)),
    Subject(("地震",)),
    Subject(("烟草专卖",)),
    Subject(("邮政管理",), ("邮政",)),
    Subject(("机关事务管理",), ("机关事务",)),
    # Party committee departments (省委组织部)
    Subject(("组织",)),
    Subject(("宣传",)),
    Subject(("统一战线工作", "统战")),
    Subject(("政法",)),
)

# How a subject joins two functions (工业和信息化); each is a word of two characters or more.
CONJUNCTION = "和"
MIN_FUNCTION_LENGTH = 2

# Bare "X部" is a national ministry (财政部) unless X is one of a Party committee's departments.
PARTY_SUBJECTS = frozenset({"组织", "宣传", "统一战线工作"})

# Mass organisations, named whole (吉林省总工会).
ORGANIZATIONS: tuple[Subject, ...] = (
    Subject(("总工会",)),
    Subject(("妇女联合会", "妇联")),
    Subject(("科学技术协会", "科协")),
    Subject(("残疾人联合会", "残联")),
    Subject(("工商业联合会", "工商联")),
    Subject(("文学艺术界联合会", "文联")),
    Subject(("归国华侨联合会", "侨联")),
    Subject(("红十字会",)),
)

# Body words as names end with them, the long form of a short one: 委 ↔ 委员会, 办 ↔ 办公室;
# 厅 stays 厅 and never becomes 局.
LONG_BODY = {"委": "委员会", "办": "办公室"}
BODY_SUFFIXES = ("委员会", "办公室", "总局", "委", "办", "厅", "局", "部", "署")
_SHORT_BODY = {long: short for short, long in LONG_BODY.items()}
# A name no rule knows the parts of, shorter than this, is an ordinary word when bare: 政府 of 省政府.
MINIMUM_BARE_REMAINDER = 4

# How the names of national institutions open (中国人民银行, 国家开发银行).
NATIONAL_NAME_OPENINGS = ("中国", *NATIONAL_MARKERS)

# National bodies whatever document writes them (海关总署, 审计署).
NATIONAL_BODIES = frozenset({"总局", "署"})
# A national commission or administration is the State's (国家发展和改革委员会, 国家统计局); the
# rest of the central government's bodies are the Republic's (中华人民共和国财政部).
NATIONAL_COMMISSIONS = frozenset({"委", "局"})


@dataclass(frozen=True)
class Institution:
    """A national institution or vertical system with branches named after their place.

    人民银行长春中心支行 is the institution, a place and a branch word; 吉林银监局 a place and the
    system's local office; 省国开行 the institution in the document's province.
    """

    system: str  # what the English table knows it by
    full: str  # what a branch's full name opens with: 中国人民银行长春中心支行, 中华人民共和国长春海关
    names: tuple[str, ...] = ()  # forms naming the institution itself, which its one branch in a library answers to
    stems: tuple[str, ...] = ()  # forms written only before a place: 科学院长春分院
    branches: tuple[tuple[str, ...], ...] = ()  # branch words, each with its forms, full first
    local: tuple[str, ...] = ()  # the local office as written after a place: 吉林银监局, 长春海关
    local_alone: bool = False  # whether the local office word alone names it (银监局 does; 海关 is a common word)
    branch_alone: bool = False  # whether the place and branch word alone name it (长春中心支行; 吉林分公司 could be any firm's)

    @property
    def written_forms(self) -> tuple[str, ...]:
        return (*self.names, *self.stems)


INSTITUTIONS: tuple[Institution, ...] = (
    Institution("人民银行", "中国人民银行", ("中国人民银行", "人民银行", "人行", "央行"),
                branches=(("中心支行",), ("分行",), ("支行",), ("营业管理部",)), branch_alone=True),
    Institution("国家开发银行", "国家开发银行", ("国家开发银行", "国开行", "开发银行"), branches=(("分行",),)),
    Institution("农业发展银行", "中国农业发展银行", ("中国农业发展银行", "农业发展银行", "农发行"), branches=(("分行",),)),
    Institution("中国科学院", "中国科学院", ("中国科学院", "中科院"), ("科学院",), branches=(("分院",),), branch_alone=True),
    Institution("中储粮", "中国储备粮管理总公司", ("中国储备粮管理总公司", "中储粮"), branches=(("分公司",),)),
    Institution("银监会", "中国银行业监督管理委员会", ("中国银行业监督管理委员会", "中国银监会", "银监会", "银行业监督管理委员会"),
                branches=(("监管局",),), local=("银监局",), local_alone=True),
    Institution("保监会", "中国保险监督管理委员会", ("中国保险监督管理委员会", "中国保监会", "保监会", "保险监督管理委员会"),
                branches=(("监管局",),), local=("保监局",), local_alone=True),
    Institution("证监会", "中国证券监督管理委员会", ("中国证券监督管理委员会", "中国证监会", "证监会", "证券监督管理委员会"),
                branches=(("监管局",),), local=("证监局",), local_alone=True),
    Institution("民航", "中国民用航空", ("中国民用航空局", "民航局"), ("中国民用航空", "民用航空", "民航"),
                branches=(("安全监督管理局", "监管局"),), local=("民航监管局",), local_alone=True),
    Institution("金融监管总局", "国家金融监督管理总局", ("国家金融监督管理总局", "金融监管总局"),
                branches=(("监管分局",), ("监管局",))),
    Institution("外汇管理局", "国家外汇管理局", ("国家外汇管理局", "外汇管理局", "外汇局", "外管局"),
                branches=(("中心支局",), ("分局",))),
    Institution("出口信用保险", "中国出口信用保险公司", ("中国出口信用保险公司", "出口信用保险公司", "中国信保"),
                branches=(("分公司",), ("营业管理部",))),
    Institution("贸促会", "中国国际贸易促进委员会", ("中国国际贸易促进委员会", "中国贸促会", "贸促会"), branches=(("分会",),)),
    Institution("海关", "中华人民共和国", local=("海关",)),
    Institution("检验检疫", "中华人民共和国", local=("出入境检验检疫局", "检验检疫局", "国检局"), local_alone=True),
)


class Kind(str, Enum):
    GOVERNMENT = "government"  # 省财政厅: a body of a people's government
    PARTY = "party"  # 省委组织部: a department of a Party committee
    ORGANIZATION = "organization"  # 省总工会
    INSTITUTION = "institution"  # 人民银行 in a national document: the institution itself
    BRANCH = "branch"  # 人民银行长春中心支行: a national institution's branch, named after its place
    JURISDICTION_BRANCH = "jurisdiction branch"  # 省国开行: the institution's branch in a jurisdiction
    LOCAL_OFFICE = "local office"  # 吉林银监局, 长春海关: a vertical system's office in a place
    OTHER = "other"  # 省电力公司: no rule knows its parts


@dataclass(frozen=True)
class DepartmentName:
    written: str  # as the document writes it, traditional characters included
    jurisdiction: Jurisdiction
    kind: Kind
    prefix: str = ""  # the jurisdiction as written: 省, 吉林省, 国家, "" when bare; a branch's place: 长春
    subject: Subject | None = None
    body: str = ""  # the body word, short form: 委 for 委员会
    institution: Institution | None = None
    branch: tuple[str, ...] = ()  # the branch word's forms, full first
    place: str = ""  # where a branch is, as its full name writes it: 长春, 吉林省
    rest: str = ""  # what follows the jurisdiction when no rule knows the parts (电力公司)
    # a double name's two names, 市经信局 and 市新经济委 of 市经信局（市新经济委）; the parts above are the first's
    joined: tuple[DepartmentName, ...] = ()

    @property
    def full_name(self) -> str:
        return FULL_NAMES[self.kind](self)

    @property
    def national_opening(self) -> str:
        """What a national body's full name opens with: as written, else 国家 for a commission or
        an administration (国家发展和改革委员会, 国家统计局) and 中华人民共和国 for the rest (财政部)."""
        return self.prefix or ("国家" if self.body in NATIONAL_COMMISSIONS else "中华人民共和国")

    @property
    def aliases(self) -> tuple[str, ...]:
        joined = (form for name in self.joined for form in (name.written, *name.aliases))
        forms = dict.fromkeys([*ALIASES[self.kind](self), *joined])
        forms.pop(self.written, None)
        return tuple(forms)

    @property
    def place_forms(self) -> tuple[str, ...]:
        """How a branch's name may write its place: as written, and a province short and in full
        (农发行吉林分行, 农发行吉林省分行); a city is never written 长春市中心支行."""
        full = (self.jurisdiction.short, self.jurisdiction.name) if self.jurisdiction.level is Level.PROVINCE else ()
        return tuple(dict.fromkeys((self.place, *full)))


_SUBJECT_BY_FORM = {form: subject for subject in SUBJECTS for form in subject.all_forms}
_ORGANIZATION_BY_FORM = {form: organization for organization in ORGANIZATIONS for form in organization.all_forms}


# a second name in brackets after the first: 市经信局（市新经济委）
DOUBLE_NAME = re.compile(r"^(?P<first>[^（()）]+)[（(](?P<second>[^（()）]+)[）)]$")


def parse_name(written: str, document: Jurisdiction, gazetteer: Gazetteer) -> DepartmentName:
    """The parts of a department's name as a document of `document` writes it; of a double name, its
    first name's parts, the first and the bracketed one joined."""
    text = simplified(written).strip()
    if double := DOUBLE_NAME.match(text):
        first, second = (parse_name(double.group(part), document, gazetteer) for part in ("first", "second"))
        return dataclasses.replace(first, written=written, joined=(first, second))
    return _as_institution(written, text, document, gazetteer) or _as_body(written, text, document, gazetteer)


# -- institutions -------------------------------------------------------------------------------


def _as_institution(written: str, text: str, document: Jurisdiction, gazetteer: Gazetteer) -> DepartmentName | None:
    for institution in INSTITUTIONS:
        for parse in (_as_itself, _as_local_office, _as_branch, _as_branch_of_jurisdiction):
            if name := parse(written, text, institution, document, gazetteer):
                return name
    return None


def _as_itself(
    written: str, text: str, institution: Institution, document: Jurisdiction, gazetteer: Gazetteer
) -> DepartmentName | None:
    """人民银行, 国开行 written bare: the national institution, whatever the document."""
    if text not in institution.names:
        return None
    return DepartmentName(written, NATIONAL, Kind.INSTITUTION, institution=institution)


def _as_local_office(
    written: str, text: str, institution: Institution, document: Jurisdiction, gazetteer: Gazetteer
) -> DepartmentName | None:
    """吉林银监局, 长春海关, 省检验检疫局: a place, then the system's local office."""
    office = next((form for form in institution.local if text.endswith(form)), None)
    if office is None:
        return None
    place = text.removesuffix(office)
    if not place and not institution.local_alone:
        return None
    jurisdiction = _place_jurisdiction(place, document, gazetteer)
    branch = institution.branches[0] if institution.branches else (institution.local[0],)
    named_place = place if place and place not in LEVEL_WORDS else jurisdiction.name
    return DepartmentName(
        written, jurisdiction, Kind.LOCAL_OFFICE, place, institution=institution, branch=branch, place=named_place
    )


def _as_branch(
    written: str, text: str, institution: Institution, document: Jurisdiction, gazetteer: Gazetteer
) -> DepartmentName | None:
    """人民银行长春中心支行, 中科院长春分院: the institution, a place, a branch word."""
    for stem in sorted(institution.written_forms, key=len, reverse=True):
        if not text.startswith(stem):
            continue
        rest = text.removeprefix(stem)
        for branch in institution.branches:
            word = next((form for form in branch if rest.endswith(form) and len(rest) > len(form)), None)
            if word:
                place = rest.removesuffix(word)
                jurisdiction = _place_jurisdiction(place, document, gazetteer)
                return DepartmentName(written, jurisdiction, Kind.BRANCH, place, institution=institution, branch=branch, place=place)
    return None


def _as_branch_of_jurisdiction(
    written: str, text: str, institution: Institution, document: Jurisdiction, gazetteer: Gazetteer
) -> DepartmentName | None:
    """省国开行, 吉林省农发行: the institution's branch in the named or the document's jurisdiction."""
    prefix, jurisdiction, rest = _split_jurisdiction(text, document, gazetteer)
    if not prefix or jurisdiction.is_national or rest not in institution.names:
        return None
    return DepartmentName(
        written, jurisdiction, Kind.JURISDICTION_BRANCH, prefix, institution=institution,
        branch=institution.branches[0], place=jurisdiction.name,
    )


def _place_jurisdiction(place: str, document: Jurisdiction, gazetteer: Gazetteer) -> Jurisdiction:
    if not place:
        return document
    if place in LEVEL_WORDS:
        return _level_word_jurisdiction(place, document)
    return gazetteer.place(place)


# -- bodies of a government or a Party committee --------------------------------------------------


def _as_body(written: str, text: str, document: Jurisdiction, gazetteer: Gazetteer) -> DepartmentName:
    prefix, jurisdiction, rest = _split_jurisdiction(text, document, gazetteer)
    if prefix.endswith("中共"):
        prefix, jurisdiction, rest = _split_jurisdiction(rest, document, gazetteer)
    kind = Kind.GOVERNMENT
    if rest.startswith("委") and len(rest) > 2:  # 省委组织部
        kind, rest = Kind.PARTY, rest[1:]
    elif rest.startswith("政府") and _knows_subject(rest[2:]):  # 省政府金融办
        rest = rest[2:]
    if organization := _ORGANIZATION_BY_FORM.get(rest):
        return DepartmentName(written, jurisdiction, Kind.ORGANIZATION, prefix, subject=organization)
    split = _subject_and_body(rest)
    if split is None:
        return DepartmentName(written, jurisdiction, Kind.OTHER, prefix, rest=rest)
    subject, body = split
    if kind is Kind.GOVERNMENT and not prefix and _is_national_body(subject, body):
        jurisdiction = NATIONAL
    elif kind is Kind.GOVERNMENT and body == "部" and subject.official in PARTY_SUBJECTS:
        kind = Kind.PARTY
    return DepartmentName(written, jurisdiction, kind, prefix, subject=subject, body=body)


def _is_national_body(subject: Subject, body: str) -> bool:
    """财政部, 审计署: bare names only the central government's bodies have."""
    return body in NATIONAL_BODIES or (body == "部" and subject.official not in PARTY_SUBJECTS)


def _subject_and_body(text: str) -> tuple[Subject, str] | None:
    suffix = next((s for s in BODY_SUFFIXES if text.endswith(s) and len(text) > len(s)), None)
    if suffix is None:
        return None
    written_subject = text.removesuffix(suffix)
    subject = _SUBJECT_BY_FORM.get(written_subject) or _unlisted_subject(written_subject)
    return subject, _SHORT_BODY.get(suffix, suffix)


def _unlisted_subject(written: str) -> Subject:
    """A subject the table lacks, with the forms the table's own follow where it joins two functions
    with 和: without the 和, and abbreviated to the first character of each (经济和信息化: 经济信息化, 经信)."""
    functions = written.split(CONJUNCTION)
    if len(functions) != 2 or min(map(len, functions)) < MIN_FUNCTION_LENGTH:
        return Subject((written,))
    return Subject((written, "".join(functions)), ("".join(function[0] for function in functions),))


def _knows_subject(text: str) -> bool:
    split = _subject_and_body(text)
    return split is not None and split[0].official in _SUBJECT_BY_FORM


def _split_jurisdiction(text: str, document: Jurisdiction, gazetteer: Gazetteer) -> tuple[str, Jurisdiction, str]:
    """The jurisdiction a name opens with, as written, and the rest of the name.

    国家发展改革委 is national; 吉林省财政厅 names its province; 省财政厅 is the document's own
    province; a bare 财政厅 too. 市场监管局 opens with 市 but is bare: the level word is taken only
    where the rest still reads as a known body.
    """
    marker = next((m for m in NATIONAL_MARKERS if text.startswith(m) and len(text) > len(m)), None)
    if marker:
        return marker, NATIONAL, text.removeprefix(marker)
    if text.startswith("中共"):
        return "中共", document, text.removeprefix("中共")
    if (place := gazetteer.place_at_start(text)) and len(text) > len(place[0]):
        return place[0], place[1], text.removeprefix(place[0])
    word = next((w for w in sorted(LEVEL_WORDS, key=len, reverse=True) if text.startswith(w) and len(text) > len(w)), None)
    if word and not (_knows_subject(text) and not _knows_subject(text.removeprefix(word))):
        return word, _level_word_jurisdiction(word, document), text.removeprefix(word)
    return "", document, text


def _level_word_jurisdiction(word: str, document: Jurisdiction) -> Jurisdiction:
    return document if word == document.level_word else level_word_jurisdiction(word)


# -- full names ---------------------------------------------------------------------------------


def _long(body: str) -> str:
    return LONG_BODY.get(body, body)


def _opening(name: DepartmentName) -> str:
    return name.national_opening if name.jurisdiction.is_national else name.jurisdiction.name


def _government_full_name(name: DepartmentName) -> str:
    of_government = name.subject.of_government and not name.jurisdiction.is_national
    return _opening(name) + ("人民政府" if of_government else "") + name.subject.official + _long(name.body)


def _party_full_name(name: DepartmentName) -> str:
    committee = "中共中央" if name.jurisdiction.is_national else f"中共{name.jurisdiction.name}委"
    return committee + name.subject.official + _long(name.body)


def _organization_full_name(name: DepartmentName) -> str:
    return _opening(name) + name.subject.official


def _other_full_name(name: DepartmentName) -> str:
    return _opening(name) + name.rest


def _institution_full_name(name: DepartmentName) -> str:
    return name.institution.names[0]


def _branch_full_name(name: DepartmentName) -> str:
    return name.institution.full + name.place + name.branch[0]


FULL_NAMES = {
    Kind.GOVERNMENT: _government_full_name,
    Kind.PARTY: _party_full_name,
    Kind.ORGANIZATION: _organization_full_name,
    Kind.OTHER: _other_full_name,
    Kind.INSTITUTION: _institution_full_name,
    Kind.BRANCH: _branch_full_name,
    Kind.JURISDICTION_BRANCH: _branch_full_name,
    Kind.LOCAL_OFFICE: _branch_full_name,
}


# -- aliases ------------------------------------------------------------------------------------


def _jurisdiction_prefixes(name: DepartmentName) -> tuple[str, ...]:
    """What may stand before a body's name: nothing, the level word, the place in full or short
    (省发改委, 吉林省发改委, 吉林发改委, 发改委). A national body keeps its marker (国家统计局)."""
    jurisdiction = name.jurisdiction
    if jurisdiction.is_national:
        return tuple(dict.fromkeys((name.prefix, name.national_opening)))
    return tuple(dict.fromkeys(("", jurisdiction.level_word, jurisdiction.name, jurisdiction.short)))


def _subject_forms(subject: Subject, body: str) -> Iterable[str]:
    """发展和改革委员会, 发展和改革委, 发展改革委员会, 发展改革委, 发改委: every form joins either body
    word, an abbreviation only the short one."""
    for form in subject.forms:
        yield form + body
        yield form + _long(body)
    for form in subject.short:
        yield form + body


def _government_aliases(name: DepartmentName) -> Iterable[str]:
    bodies = tuple(_subject_forms(name.subject, name.body))
    prefixes = _jurisdiction_prefixes(name)
    if name.subject.of_government and not name.jurisdiction.is_national:
        prefixes += (name.jurisdiction.level_word + "政府", name.jurisdiction.name + "人民政府")
    yield name.full_name
    yield from (prefix + body for prefix in prefixes for body in bodies)


def _party_aliases(name: DepartmentName) -> Iterable[str]:
    bodies = tuple(_subject_forms(name.subject, name.body))
    jurisdiction = name.jurisdiction
    committees = ("中共中央", "中央") if jurisdiction.is_national else (
        f"{jurisdiction.level_word}委", f"{jurisdiction.name}委", f"中共{jurisdiction.name}委"
    )
    yield name.full_name
    yield from bodies
    yield from (committee + body for committee in committees for body in bodies)


def _organization_aliases(name: DepartmentName) -> Iterable[str]:
    yield name.full_name
    yield from (prefix + form for prefix in _jurisdiction_prefixes(name) for form in name.subject.all_forms)


def _other_aliases(name: DepartmentName) -> Iterable[str]:
    yield name.full_name
    prefixes = _jurisdiction_prefixes(name)
    yield from (prefix + name.rest for prefix in prefixes if prefix or len(name.rest) >= MINIMUM_BARE_REMAINDER)


def _institution_aliases(name: DepartmentName) -> Iterable[str]:
    return name.institution.names


def _institution_branch_forms(name: DepartmentName) -> Iterable[str]:
    """The institution's own names, its name with the place and the branch word, the place with
    the system's local office word: 吉林银监局 is 银监会, 银监会吉林监管局, 银监局, 省银监局, 吉林省银监局."""
    institution = name.institution
    yield name.full_name
    yield from institution.names
    yield from (form + place + word for form in institution.written_forms for place in name.place_forms for word in name.branch)
    places = name.place_forms + ((name.jurisdiction.level_word, "") if institution.local_alone else ())
    yield from (place + office for place in places for office in institution.local)


def _branch_aliases(name: DepartmentName) -> Iterable[str]:
    """人民银行长春中心支行: 人民银行, 人行长春中心支行, 中国人民银行长春中心支行, 长春中心支行."""
    yield from _institution_branch_forms(name)
    if name.institution.branch_alone:
        yield from (name.place + word for word in name.branch)


def _jurisdiction_branch_aliases(name: DepartmentName) -> Iterable[str]:
    """省国开行: 国开行, 吉林省国开行, 国开行吉林分行, 国家开发银行吉林省分行. Not 吉林分行, which
    every bank's branch in Jilin is called, nor 省国家开发银行: a national name takes no level word."""
    yield from _institution_branch_forms(name)
    forms = [form for form in name.institution.names if not form.startswith(NATIONAL_NAME_OPENINGS)]
    yield from (prefix + form for prefix in _jurisdiction_prefixes(name) if prefix for form in forms)


ALIASES = {
    Kind.GOVERNMENT: _government_aliases,
    Kind.PARTY: _party_aliases,
    Kind.ORGANIZATION: _organization_aliases,
    Kind.OTHER: _other_aliases,
    Kind.INSTITUTION: _institution_aliases,
    Kind.BRANCH: _branch_aliases,
    Kind.JURISDICTION_BRANCH: _jurisdiction_branch_aliases,
    Kind.LOCAL_OFFICE: _institution_branch_forms,
}
