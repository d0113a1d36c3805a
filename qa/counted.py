"""What a how-many question counts. Measures and departments are the library's to count; anything
else ("how many jobs", 多少游客) is a figure, which only the text of the answering measures can give."""
from __future__ import annotations

import re

from qa.answer import Role

ENGLISH_COUNT = re.compile(r"\bhow\s+many\s+([a-z][a-z-]*)", re.IGNORECASE)
# 多少游客, 多少家企业, 几个就业岗位: a measure word may stand between 多少 (几) and the noun
CHINESE_COUNT = re.compile(r"(?:多少|几)(?:个|名|位|家|户|万|亿|千|百)?([\u4e00-\u9fff]{1,2})")
# what the library itself counts: its tasks and the bodies responsible for them
LIBRARY_COUNTS_EN = frozenset(
    {
        "measure", "measures", "task", "tasks", "item", "items", "article", "articles", "provision", "provisions",
        "policy", "policies", "department", "departments", "agency", "agencies", "body", "bodies", "unit", "units",
        "office", "offices", "organisation", "organisations", "organization", "organizations", "time", "times",
        "of", "in", "are", "does", "do", "is", "did", "has", "have", "things", "ones", "role", "roles", "responsibilities",
        "part", "parts", "section", "sections", "subsection", "subsections", "document", "documents", "points",
    }
)
# the first character after 多少 or 几 (钱 is a sum; a measure word alone, 多少个, counts nothing named;
# 几大部分 counts parts, 几乎 is no count)
LIBRARY_COUNTS_ZH = frozenset("项条件次回处份类部门单位措施钱个名位家户万亿千百大乎")


# "第91条有几个部门负责", "几个配合部门", "配合单位有多少个", "how many departments work on it": the bodies
# the cited measures name, in the role the words before the body word give
_ROLE_WORDS_ZH = "配合|协办|协同|牵头|主办|责任|参与"
DEPARTMENTS_COUNTED = re.compile(
    rf"(?:多少|几)\s*(?:个|家)?\s*(?P<zh_role>{_ROLE_WORDS_ZH})?\s*(?:部门|单位|机构)"
    rf"|(?P<zh_role_first>{_ROLE_WORDS_ZH})?(?:部门|单位|机构)\s*(?:一共|总共|共)?\s*(?:有|是)?\s*(?:多少|几)\s*(?:个|家)"
    r"|\b(?:how\s+many|number\s+of)\s+(?:(?P<en_role>\w+(?:-\w+)?)\s+)?(?:departments|agencies|bodies|units|offices|organi[sz]ations)\b",
    re.IGNORECASE,
)
ROLE_COUNTED = {
    **dict.fromkeys(("配合", "协办", "协同", "supporting", "co-responsible", "cooperating", "assisting", "co-operating"), Role.CO),
    **dict.fromkeys(("牵头", "主办", "lead", "leading"), Role.LEAD),
}


def departments_counted(text: str) -> Role | None:
    """The role of the departments a how-many question counts (ANY for all those responsible, CO for
    配合部门 alone); None where it counts measures, not departments."""
    match = DEPARTMENTS_COUNTED.search(text)
    if match is None:
        return None
    role = match.group("zh_role") or match.group("zh_role_first") or match.group("en_role") or ""
    return ROLE_COUNTED.get(role.lower(), Role.ANY)


def counted_noun(text: str, language: str) -> str:
    """The thing a how-many question counts when it is neither a task nor a department; else ""."""
    if departments_counted(text) is not None:
        return ""
    if language == "en":
        match = ENGLISH_COUNT.search(text)
        return match.group(1).lower() if match and match.group(1).lower() not in LIBRARY_COUNTS_EN else ""
    match = CHINESE_COUNT.search(text)
    return match.group(1) if match and match.group(1)[0] not in LIBRARY_COUNTS_ZH else ""


def stated_near_a_number(term: str, text: str, reach: int = 6) -> bool:
    """Whether `term` stands within `reach` characters of a number in `text` (接待游客1000万人次)."""
    # 一 alone is rarely a count (一批, 进一步): only before a unit of ten or more
    number = r"(?:\d|[二三四五六七八九十百千万亿两]|一[十百千万亿])"
    pattern = rf"{re.escape(term)}.{{0,{reach}}}{number}|{number}.{{0,{reach}}}{re.escape(term)}"
    return re.search(pattern, text) is not None
