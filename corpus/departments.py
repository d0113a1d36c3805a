"""The departments responsible for measures: canonical names, the forms people type, and finding them in text."""
from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BUNDLED_REGISTRY = Path(__file__).resolve().parent / "departments.json"

# Resolve tolerates these in front of a name: people write 吉林省发改委 or "the Jilin DRC".
LEADING_QUALIFIERS = ("吉林省", "吉林", "省", "the ", "jilin provincial ", "jilin ", "provincial ")

# A name right after one of these belongs to another level of government (国家发展改革委,
# 长春市财政局, 市委组织部), not to the provincial department the bare alias stands for.
OTHER_LEVELS = ("国家", "国务院", "中央", "全国", "市委", "县委", "区委", "州委", "市", "县", "区", "州")

# Ordinary words that contain an alias. Matched like aliases, so the longer word wins and
# swallows the alias: 人行道 is a pavement, not the People's Bank (人行).
NOT_DEPARTMENTS = (
    "人行道", "人行横道", "人行天桥", "人行通道", "人行走",
    "个人行", "法人行", "他人行", "私人行", "本人行",
    "中央行",
    "亚洲开发银行", "美洲开发银行", "非洲开发银行", "欧洲复兴开发银行", "新开发银行",
    "宣传部门", "组织部门",
    "对外办", "国外办", "海外办", "境外办", "涉外办",
    "首都机场集团",
)

_APOSTROPHES = frozenset("'’‘`")
_SEPARATORS = frozenset("-‐‑‒–—―,./_")
_LATIN_OR_DIGIT = re.compile(r"[a-z0-9]")


@dataclass(frozen=True)
class Department:
    name: str  # as written in the measures' parentheses
    full_name: str
    english: str
    aliases: tuple[str, ...]
    english_aliases: tuple[str, ...]

    @property
    def chinese_forms(self) -> tuple[str, ...]:
        return (self.name, self.full_name, *self.aliases)

    @property
    def english_forms(self) -> tuple[str, ...]:
        return (self.english, *self.english_aliases)


@dataclass(frozen=True)
class Mention:
    department: Department
    start: int
    end: int
    surface: str  # text[start:end]


class UnknownDepartmentError(LookupError):
    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        message = f"no department is called {query!r}"
        if suggestions:
            message += f"; did you mean {', '.join(suggestions)}?"
        super().__init__(message)


def fold(text: str) -> str:
    """The comparable form of a name: width- and case-folded, apostrophes dropped, separators collapsed."""
    return _fold_with_origins(text)[0].strip()


def _fold_with_origins(text: str) -> tuple[str, list[int]]:
    """Fold text and keep, for every folded character, the index of the character it came from.

    Folding can change the length of the text, so matches found in the folded text are mapped
    back to the caller's offsets through the origins.
    """
    folded: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char).casefold():
            if piece in _APOSTROPHES:
                continue
            if piece.isspace() or piece in _SEPARATORS:
                if folded and folded[-1] == " ":
                    continue
                piece = " "
            folded.append(piece)
            origins.append(index)
    return "".join(folded), origins


def _is_latin(form: str) -> bool:
    return bool(_LATIN_OR_DIGIT.search(form))


_BODY_WORD = re.compile(r"\b(?:department|bureau|commission|office|administration|agency|committee)\b")
_QUALIFIER = re.compile(r"^(?:provincial|jilin)\s+")


def _shortened_english_forms(departments: list[Department]) -> dict[str, Department]:
    """People shorten a long English name to its first part: "Department of Industry" for the
    Provincial Department of Industry and Information Technology. Kept only where the short form
    still names a kind of body and no other department shortens to it too."""
    claims: dict[str, set[str]] = {}
    by_name = {department.name: department for department in departments}
    for department in departments:
        for form in department.english_forms:
            folded = _QUALIFIER.sub("", fold(form))
            head = folded.split(" and ")[0].strip()
            if head != folded and len(head.split()) >= 2 and _BODY_WORD.search(head):
                claims.setdefault(head, set()).add(department.name)
    return {form: by_name[names.pop()] for form, names in claims.items() if len(names) == 1}


def _pattern_for(form: str) -> str:
    # English forms must not fire inside a longer word ("cas" in "cascade"); Chinese has no word
    # boundaries to respect, so Chinese forms match as substrings.
    if _is_latin(form):
        return rf"(?<![a-z0-9]){re.escape(form)}(?![a-z0-9])"
    return re.escape(form)


class DepartmentRegistry:
    def __init__(self, departments: list[Department]) -> None:
        self.departments = departments
        self._by_form: dict[str, Department] = {}
        for department in departments:
            for form in (*department.chinese_forms, *department.english_forms):
                self._register(fold(form), department)
        for form, department in _shortened_english_forms(departments).items():
            self._by_form.setdefault(form, department)
        forms_longest_first = sorted({*self._by_form, *map(fold, NOT_DEPARTMENTS)}, key=len, reverse=True)
        self._matcher = re.compile("|".join(_pattern_for(form) for form in forms_longest_first))

    def _register(self, form: str, department: Department) -> None:
        known = self._by_form.setdefault(form, department)
        if known is not department:
            raise ValueError(f"{form!r} names both {known.name} and {department.name}")

    @classmethod
    def load(cls, path: Path | None = None) -> DepartmentRegistry:
        records = json.loads((path or BUNDLED_REGISTRY).read_text(encoding="utf-8"))
        return cls([
            Department(
                name=record["name"],
                full_name=record["full_name"],
                english=record["english"],
                aliases=tuple(record["aliases"]),
                english_aliases=tuple(record["english_aliases"]),
            )
            for record in records
        ])

    def get(self, text: str) -> Department | None:
        for key in _lookup_keys(text):
            if key in self._by_form:
                return self._by_form[key]
        return None

    def resolve(self, text: str) -> Department:
        department = self.get(text)
        if department is None:
            raise UnknownDepartmentError(text, self._suggestions(text))
        return department

    def _suggestions(self, text: str, limit: int = 3) -> list[str]:
        close = difflib.get_close_matches(fold(text), self._by_form, n=10, cutoff=0.5)
        departments = dict.fromkeys(self._by_form[form] for form in close)
        return [f"{department.name} ({department.english})" for department in list(departments)[:limit]]

    def find_mentions(self, text: str) -> list[Mention]:
        folded, origins = _fold_with_origins(text)
        mentions = []
        for match in self._matcher.finditer(folded):
            department = self._by_form.get(match.group())
            if department is None or folded.endswith(OTHER_LEVELS, 0, match.start()):
                continue
            start, end = origins[match.start()], origins[match.end() - 1] + 1
            mentions.append(Mention(department, start, end, text[start:end]))
        return mentions

    def surface_forms(self) -> list[str]:
        forms = (form for department in self.departments for form in department.chinese_forms)
        return list(dict.fromkeys(forms))


def _lookup_keys(text: str) -> Iterator[str]:
    key = fold(text).removesuffix("的").strip()
    yield key
    while qualifier := next((q for q in LEADING_QUALIFIERS if key.startswith(q) and len(key) > len(q)), None):
        key = key[len(qualifier):].strip()
        yield key
    # People drop the 省 of a provincial name (农委 for 省农委) where the registry lists no alias.
    if not _is_latin(key):
        yield "省" + key
