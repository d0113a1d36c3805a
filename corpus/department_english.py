"""English names of departments, composed from the parts of their Chinese names.

The level of the jurisdiction (Provincial, Municipal), the body word (厅 Department, 局 Bureau,
委 Commission) and the subject from a table of government functions (财政 Finance): 省财政厅 is
the Provincial Department of Finance. Subjects the table lacks are glossed from CC-CEDICT.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from corpus import cedict
from corpus.department_names import DepartmentName, Kind


@dataclass(frozen=True)
class SubjectEnglish:
    words: str
    phrases: Mapping[str, str] = field(default_factory=dict)  # a body word whose usual name differs: 局 → Bureau of Statistics
    acronyms: tuple[str, ...] = ()
    alternates: tuple[str, ...] = ()  # other renderings of the words: Propaganda for Publicity
    vertical: bool = False  # managed from above and named after its place: Jilin Communications Administration


# Keyed by the official subject form of corpus.department_names.SUBJECTS.
SUBJECT_ENGLISH: dict[str, SubjectEnglish] = {
    "发展和改革": SubjectEnglish("Development and Reform", acronyms=("NDRC", "DRC")),
    "机构编制委员会": SubjectEnglish("Public Sector Reform", {"办": "Commission Office for Public Sector Reform"}),
    "财政": SubjectEnglish("Finance"),
    "教育": SubjectEnglish("Education"),
    "科学技术": SubjectEnglish("Science and Technology"),
    "工业和信息化": SubjectEnglish("Industry and Information Technology"),
    "经济和信息化": SubjectEnglish("Economy and Information Technology", alternates=("Economic and Information Technology", "Economy and Informatization")),
    "公安": SubjectEnglish("Public Security", acronyms=("PSB",)),
    "民政": SubjectEnglish("Civil Affairs"),
    "司法": SubjectEnglish("Justice"),
    "人力资源和社会保障": SubjectEnglish("Human Resources and Social Security", acronyms=("HRSS", "DHRSS")),
    "国土资源": SubjectEnglish("Land and Resources"),
    "自然资源": SubjectEnglish("Natural Resources"),
    "环境保护": SubjectEnglish("Environmental Protection", acronyms=("EPB",)),
    "生态环境": SubjectEnglish("Ecology and Environment"),
    "住房和城乡建设": SubjectEnglish("Housing and Urban-Rural Development", acronyms=("HURD", "DOHURD")),
    "交通运输": SubjectEnglish("Transport", alternates=("Transportation",)),
    "水利": SubjectEnglish("Water Resources"),
    "农业": SubjectEnglish("Agriculture"),
    "农业农村": SubjectEnglish("Agriculture and Rural Affairs"),
    "林业": SubjectEnglish("Forestry", {"厅": "Forestry Department", "局": "Forestry Administration"}),
    "商务": SubjectEnglish("Commerce", acronyms=("DOFCOM",)),
    "文化": SubjectEnglish("Culture"),
    "旅游": SubjectEnglish("Tourism", {"局": "Tourism Administration"}),
    "文化和旅游": SubjectEnglish("Culture and Tourism"),
    "卫生和计划生育": SubjectEnglish("Health and Family Planning"),
    "卫生健康": SubjectEnglish("Health"),
    "审计": SubjectEnglish("Audit", {"署": "National Audit Office"}),
    "统计": SubjectEnglish("Statistics", {"局": "Bureau of Statistics"}),
    "粮食": SubjectEnglish("Grain"),
    "物价": SubjectEnglish("Price"),
    "能源": SubjectEnglish("Energy", {"局": "Energy Administration"}),
    "畜牧业管理": SubjectEnglish("Animal Husbandry"),
    "工商行政管理": SubjectEnglish("Industry and Commerce", {"局": "Administration for Industry and Commerce"}, ("AIC",)),
    "质量技术监督": SubjectEnglish("Quality and Technical Supervision", {"局": "Bureau of Quality and Technical Supervision"}),
    "食品药品监督管理": SubjectEnglish("Food and Drug", {"局": "Food and Drug Administration"}, ("FDA", "CFDA")),
    "市场监督管理": SubjectEnglish("Market Regulation", {"局": "Administration for Market Regulation"}, ("AMR",)),
    # the national body's English; local ones call themselves Medical Security Bureaus as often
    "医疗保障": SubjectEnglish("Healthcare Security", {"局": "Healthcare Security Administration"}, alternates=("Medical Security",)),
    "新闻出版广电": SubjectEnglish(
        "Press, Publication, Radio, Film and Television",
        {"局": "Administration of Press, Publication, Radio, Film and Television"},
        ("SAPPRFT",),
    ),
    "广播电视": SubjectEnglish("Radio and Television", {"局": "Radio and Television Administration"}),
    "通信管理": SubjectEnglish("Communications", {"局": "Communications Administration"}, vertical=True),
    "经济技术合作": SubjectEnglish(
        "Economic and Technological Cooperation", {"局": "Bureau of Economic and Technological Cooperation"}
    ),
    "金融工作": SubjectEnglish("Financial Affairs"),
    "地方金融监督管理": SubjectEnglish("Local Financial Supervision and Administration"),
    "外事": SubjectEnglish("Foreign Affairs"),
    "国有资产监督管理": SubjectEnglish("State-owned Assets Supervision and Administration", acronyms=("SASAC",)),
    "扶贫开发领导小组": SubjectEnglish("Poverty Alleviation and Development"),
    "城市管理行政执法": SubjectEnglish("Urban Management and Law Enforcement"),
    "应急管理": SubjectEnglish("Emergency Management"),
    "安全生产监督管理": SubjectEnglish("Work Safety", {"局": "Administration of Work Safety"}),
    "退役军人事务": SubjectEnglish("Veterans Affairs"),
    "民族宗教事务": SubjectEnglish("Ethnic and Religious Affairs"),
    "人民防空": SubjectEnglish("Civil Air Defense"),
    "体育": SubjectEnglish("Sports"),
    "税务": SubjectEnglish("Taxation"),
    "知识产权": SubjectEnglish("Intellectual Property"),
    "侨务": SubjectEnglish("Overseas Chinese Affairs"),
    "信访": SubjectEnglish("Public Complaints and Proposals"),
    "档案": SubjectEnglish("Archives"),
    "气象": SubjectEnglish("Meteorology", {"局": "Meteorological Bureau"}, vertical=True),
    "地震": SubjectEnglish("Earthquake", {"局": "Earthquake Administration"}),
    "烟草专卖": SubjectEnglish("Tobacco Monopoly", vertical=True),
    "邮政管理": SubjectEnglish("Postal", {"局": "Postal Administration"}, vertical=True),
    "机关事务管理": SubjectEnglish("Government Offices", {"局": "Government Offices Administration"}),
    "组织": SubjectEnglish("Organization"),
    "宣传": SubjectEnglish("Publicity", alternates=("Propaganda",)),
    "统一战线工作": SubjectEnglish("United Front Work"),
    "政法": SubjectEnglish("Political and Legal Affairs"),
}

# Keyed by the official form of corpus.department_names.ORGANIZATIONS.
ORGANIZATION_ENGLISH = {
    "总工会": "Federation of Trade Unions",
    "妇女联合会": "Women's Federation",
    "科学技术协会": "Association for Science and Technology",
    "残疾人联合会": "Disabled Persons' Federation",
    "工商业联合会": "Federation of Industry and Commerce",
    "文学艺术界联合会": "Federation of Literary and Art Circles",
    "归国华侨联合会": "Federation of Returned Overseas Chinese",
    "红十字会": "Red Cross Society",
}


@dataclass(frozen=True)
class InstitutionEnglish:
    names: tuple[str, ...] = ()  # the first is the one a branch's name opens with
    acronyms: tuple[str, ...] = ()
    by_place: bool = False  # its offices are named after their place alone: Changchun Customs


# Keyed by corpus.department_names.Institution.system.
INSTITUTION_ENGLISH = {
    "人民银行": InstitutionEnglish(("People's Bank of China", "People's Bank"), ("PBOC", "PBC")),
    "国家开发银行": InstitutionEnglish(("China Development Bank",), ("CDB",)),
    "农业发展银行": InstitutionEnglish(("Agricultural Development Bank of China", "Agricultural Development Bank"), ("ADBC",)),
    "中国科学院": InstitutionEnglish(("Chinese Academy of Sciences", "Academy of Sciences"), ("CAS",)),
    "中储粮": InstitutionEnglish(("Sinograin", "China Grain Reserves Corporation")),
    "银监会": InstitutionEnglish(("China Banking Regulatory Commission", "Banking Regulatory Commission"), ("CBRC",)),
    "保监会": InstitutionEnglish(("China Insurance Regulatory Commission", "Insurance Regulatory Commission"), ("CIRC",)),
    "证监会": InstitutionEnglish(("China Securities Regulatory Commission", "Securities Regulatory Commission"), ("CSRC",)),
    "民航": InstitutionEnglish(("CAAC", "Civil Aviation Administration of China", "Civil Aviation Administration"), ("CAAC",)),
    "金融监管总局": InstitutionEnglish(("National Financial Regulatory Administration", "Financial Regulatory Administration"), ("NFRA",)),
    "外汇管理局": InstitutionEnglish(("State Administration of Foreign Exchange",), ("SAFE",)),
    "出口信用保险": InstitutionEnglish(("China Export & Credit Insurance Corporation", "Sinosure"), ("Sinosure",)),
    "贸促会": InstitutionEnglish(("China Council for the Promotion of International Trade",), ("CCPIT",)),
    "海关": InstitutionEnglish(by_place=True),
    "检验检疫": InstitutionEnglish(acronyms=("CIQ",), by_place=True),
}

BRANCH_ENGLISH = {
    "中心支行": "Central Sub-branch",
    "分行": "Branch",
    "支行": "Sub-branch",
    "营业管理部": "Operations Office",
    "分院": "Branch",
    "分公司": "Branch",
    "监管局": "Office",
    "监管分局": "Sub-office",
    "分局": "Branch",
    "中心支局": "Central Sub-branch",
    "分会": "Sub-council",
    "安全监督管理局": "Safety Supervision and Management Bureau",
    "海关": "Customs",
    "出入境检验检疫局": "Entry-Exit Inspection and Quarantine Bureau",
}

# How a body word joins its subject in a government's body, a national one where it differs,
# and a Party committee's.
BODY_TEMPLATES = {
    "厅": "Department of {}",
    "局": "{} Bureau",
    "委": "{} Commission",
    "办": "{} Office",
    "部": "Ministry of {}",
    "署": "{} Administration",
    "总局": "General Administration of {}",
}
NATIONAL_BODY_TEMPLATES = {**BODY_TEMPLATES, "局": "{} Administration"}
PARTY_BODY_TEMPLATES = {**BODY_TEMPLATES, "部": "{} Department"}

# What a national marker makes of a body's name: 国家统计局 → National Bureau of Statistics.
NATIONAL_TEMPLATES = {
    "国家": "National {}",
    "全国": "National {}",
    "国务院": "{} of the State Council",
    "中央": "Central {}",
    "中共中央": "{}",
    "中华人民共和国": "{}",
}

# State enterprises are named after their place, not their level: Jilin Civil Aviation Airport Group.
COMPANY_WORDS = ("公司", "集团")

# Keyed by corpus.jurisdiction.Jurisdiction.level_word.
LEVEL_ENGLISH = {
    "省": "Provincial",
    "自治区": "Regional",
    "特区": "SAR",
    "市": "Municipal",
    "州": "Prefectural",
    "盟": "League",
    "县": "County",
    "旗": "Banner",
    "区": "District",
}

# People name a body either way round: Department of Finance, Finance Department. Only a subject
# the template put in is known to be a noun: Meteorological Bureau is no Bureau of Meteorological.
_FLIPS_TO_TRAILING = (
    (re.compile(r"^(Department|Bureau) of (.+)$"), r"\2 \1"),
    (re.compile(r"^(Administration|Office|Commission) (?:of|for) (.+)$"), r"\2 \1"),
)
_FLIPS_TO_OF = ((re.compile(r"^(.+) (Department|Bureau)$"), r"\2 of \1"),)
_SMALL_WORDS = frozenset({"and", "of", "for", "the", "in", "on", "a"})
_DICTIONARY_NOISE = re.compile(r"^(?:CL:|variant of|old variant|surname|abbr\. )")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_PLACE_DEFINITION = re.compile(r"^[A-Z][\w ]*?\b(?i:province|city|county|prefecture|district|region|town|autonomous)\b")
_TONE_DIGITS = re.compile(r"\d")
# single characters the dictionary is not asked about (their first sense is rarely a name's) that join two words
CONJUNCTIONS = {"和": "and", "与": "and", "及": "and"}


@dataclass(frozen=True)
class English:
    name: str
    aliases: tuple[str, ...]

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def english_for(name: DepartmentName) -> English:
    """The English of a name; of a double name, that of each of its names, the first's first: 市经信局（市新经济委）
    is called as 市经信局 is and as 市新经济委 is, never by a gloss of the brackets between them."""
    names = name.joined or (name,)
    forms = list(dict.fromkeys(form for each in names for form in COMPOSERS[each.kind](each)))
    return English(forms[0], tuple(forms[1:]))


def _join(*parts: str) -> str:
    """Words with the empty ones left out: a place no table or dictionary knows, a level of none."""
    return " ".join(part for part in parts if part)


def _level(name: DepartmentName) -> str:
    return LEVEL_ENGLISH.get(name.jurisdiction.level_word, "")


def place_english(name: DepartmentName) -> str:
    jurisdiction = name.jurisdiction
    return jurisdiction.english or (romanize(jurisdiction.short) if jurisdiction.short else "")


def _subject_english(name: DepartmentName) -> SubjectEnglish:
    return SUBJECT_ENGLISH.get(name.subject.official) or SubjectEnglish(gloss(name.subject.official))


def _phrases(subject: SubjectEnglish, body: str, templates: Mapping[str, str]) -> list[str]:
    """The body's name without its jurisdiction, the usual one first, then the literal one
    (Energy Administration, Energy Bureau) and every rendering of the subject."""
    template = templates.get(body) or "{} " + gloss(body)
    usual = subject.phrases.get(body) or template.format(subject.words)
    return [usual, *(template.format(words) for words in (subject.words, *subject.alternates))]


def _with_flips(phrases: list[str]) -> list[str]:
    """The phrases each followed by its other way round; the usual one, which may come from the
    table, only towards the trailing body word."""
    usual, *made = phrases
    return [
        usual, *_flipped(usual, _FLIPS_TO_TRAILING),
        *(form for phrase in made for form in (phrase, *_flipped(phrase, (*_FLIPS_TO_TRAILING, *_FLIPS_TO_OF)))),
    ]


def _flipped(phrase: str, flips: Iterable[tuple[re.Pattern[str], str]]) -> list[str]:
    return [pattern.sub(replacement, phrase) for pattern, replacement in flips if pattern.match(phrase)]


def _government(name: DepartmentName) -> Iterable[str]:
    """省财政厅 → Provincial Department of Finance; Department of Finance, Finance Department,
    Jilin Provincial Department of Finance."""
    subject = _subject_english(name)
    if name.jurisdiction.is_national:
        phrases = _phrases(subject, name.body, NATIONAL_BODY_TEMPLATES)
        yield NATIONAL_TEMPLATES.get(name.national_opening, "{}").format(phrases[0])
        yield from _with_flips(phrases)
        yield from subject.acronyms
        return
    phrases = _phrases(subject, name.body, BODY_TEMPLATES)
    level, place = _level(name), place_english(name)
    if subject.vertical:
        yield _join(place, phrases[0])
    yield _join(level, phrases[0])
    yield from _with_flips(phrases)
    if place:
        yield _join(place, level, phrases[0])
        # people name the place without its level: Liaoning Department of Finance, Jilin Finance Department
        yield from (_join(place, phrase) for phrase in _with_flips(phrases))
    yield from subject.acronyms


def _party(name: DepartmentName) -> Iterable[str]:
    """省委组织部 → Organization Department of the CPC Jilin Provincial Committee."""
    phrases = _phrases(_subject_english(name), name.body, PARTY_BODY_TEMPLATES)
    committee = "Central" if name.jurisdiction.is_national else _join(place_english(name), _level(name))
    yield f"{phrases[0]} of the CPC {committee} Committee"
    yield from phrases


def _organization(name: DepartmentName) -> Iterable[str]:
    """省总工会 → Jilin Provincial Federation of Trade Unions."""
    words = ORGANIZATION_ENGLISH.get(name.subject.official) or gloss(name.subject.official)
    if name.jurisdiction.is_national:
        yield words
        return
    yield _join(place_english(name), _level(name), words)
    yield words
    yield _join(_level(name), words)


def _other(name: DepartmentName) -> Iterable[str]:
    words = gloss(name.rest)
    if not name.jurisdiction.is_national:
        opening = place_english(name) if name.rest.endswith(COMPANY_WORDS) else _level(name)
        yield _join(opening, words)
    yield words


def _institution_english(name: DepartmentName) -> InstitutionEnglish:
    return INSTITUTION_ENGLISH.get(name.institution.system) or InstitutionEnglish((gloss(name.institution.full),))


def _institution_names(name: DepartmentName) -> tuple[InstitutionEnglish, str, str]:
    branch = BRANCH_ENGLISH.get(name.branch[0]) or gloss(name.branch[0])
    return _institution_english(name), place_english(name), branch


def _institution(name: DepartmentName) -> Iterable[str]:
    institution = _institution_english(name)
    yield from (*institution.names, *institution.acronyms)


def _branch(name: DepartmentName) -> Iterable[str]:
    """人民银行长春中心支行 → People's Bank of China Changchun Central Sub-branch; PBOC, PBOC
    Changchun, People's Bank of China, Changchun Central Sub-branch."""
    institution, place, branch = _institution_names(name)
    if institution.by_place:
        yield _join(place, branch)
    yield from (_join(english, place, branch) for english in institution.names)
    yield from institution.names
    yield from (_join(english, place) for english in institution.names)
    yield from institution.acronyms
    yield from (form for acronym in institution.acronyms for form in (_join(acronym, place), _join(place, acronym)))
    if not institution.by_place:
        yield from (_join(acronym, place, branch) for acronym in institution.acronyms)
    if institution.by_place and name.institution.local_alone:
        yield branch
    if name.kind is Kind.BRANCH:
        yield _join(place, branch)


COMPOSERS = {
    Kind.GOVERNMENT: _government,
    Kind.PARTY: _party,
    Kind.ORGANIZATION: _organization,
    Kind.OTHER: _other,
    Kind.INSTITUTION: _institution,
    Kind.BRANCH: _branch,
    Kind.JURISDICTION_BRANCH: _branch,
    Kind.LOCAL_OFFICE: _branch,
}


# -- CC-CEDICT, for what the tables do not know ---------------------------------------------------


def gloss(chinese: str) -> str:
    """An English rendering of a subject no table knows, from CC-CEDICT: the longest dictionary
    words left to right, each by its first plain definition; a run of characters it lacks,
    romanized as one word (长吉图 → Zhangjitu), unless it is a conjunction between words (和 → and)."""
    words: list[str] = []
    unknown, position = "", 0
    while position < len(chinese):
        end = next((e for e in range(len(chinese), position + 1, -1) if _definition(chinese[position:e])), None)
        if end is None:
            unknown += chinese[position]
            position += 1
            continue
        words += [_unknown_run(unknown)] if unknown else []
        words.append(_definition(chinese[position:end]))
        unknown, position = "", end
    words += [_unknown_run(unknown)] if unknown else []
    return _title(" ".join(words))


def _unknown_run(chinese: str) -> str:
    return CONJUNCTIONS.get(chinese) or romanize(chinese)


@functools.cache
def _definition(word: str) -> str:
    if len(word) < 2:  # a single character's first sense is rarely the one a name means
        return ""
    entry = cedict.lookup(word)
    definitions = entry.definitions if entry else []
    if definitions and _PLACE_DEFINITION.match(definitions[0]) and entry.pinyin[:1].isupper():
        # CC-CEDICT describes a place ("Jilin province in northeast China, abbr. 吉, capital 长春"):
        # a name only wants it said
        return romanize(word)
    for definition in definitions:
        if not _DICTIONARY_NOISE.match(definition):
            return _PARENTHESES.sub("", definition).strip().removeprefix("to ").strip()
    return ""


def _reading(chinese: str) -> str | None:
    """A proper noun's reading first: 朝阳 the district is Chaoyang, the morning sun zhaoyang."""
    return cedict.proper_reading(chinese) or (entry.pinyin if (entry := cedict.lookup(chinese)) else None)


def romanize(chinese: str) -> str:
    """Pinyin without tones, as one capitalized word: 延边 → Yanbian."""
    syllables = _reading(chinese) or " ".join(_reading(char) or "" for char in chinese)
    return _TONE_DIGITS.sub("", syllables).replace("u:", "u").replace(" ", "").capitalize()


def _title(text: str) -> str:
    words = text.split()
    return " ".join(word if word in _SMALL_WORDS and index else word[:1].upper() + word[1:] for index, word in enumerate(words))
