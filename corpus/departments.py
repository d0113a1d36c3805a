"""The departments responsible for measures: canonical names, the forms people type, and finding them in text.

The registry is derived from the names documents write in their responsibilities and the
jurisdiction of each document's issuer (corpus.department_names, corpus.department_english);
departments.json adds only what no rule can derive.
"""
from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.department_english import LEVEL_ENGLISH, english_for, place_english
from corpus.department_names import DepartmentName, parse_name
from corpus.jurisdiction import LEVEL_WORDS, Gazetteer, Jurisdiction, jurisdiction_named, jurisdiction_of_issuer, simplified
from corpus.models import Document

BUNDLED_OVERRIDES = Path(__file__).resolve().parent / "departments.json"

# A name right after one of these belongs to another level of government (国家发展改革委,
# 长春市财政局, 市委组织部), not to the department the bare alias stands for. A department's own
# level-prefixed forms are registered whole, so they match before the bare alias could.
OTHER_LEVELS = (
    "国家", "国务院", "中央", "全国", "省委", "市委", "县委", "区委", "州委", "省", "市", "县", "区", "州",
)
# The same in English, before the name of a local body: the State Grain Administration is not the
# province's grain bureau
ENGLISH_OTHER_LEVELS = ("state ", "national ")

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

# Words people put before any department's name: "the Department of Finance".
GENERIC_QUALIFIERS = ("the ",)

_APOSTROPHES = frozenset("'’‘`")
_SEPARATORS = frozenset("-‐‑‒–—―,./_")
_LATIN_OR_DIGIT = re.compile(r"[a-z0-9]")


@dataclass(frozen=True)
class Department:
    name: str  # as written in the measures' parentheses; the full name where that form is shared
    full_name: str
    english: str
    aliases: tuple[str, ...]
    english_aliases: tuple[str, ...]
    jurisdiction: str = ""  # 吉林省, 长春市; "" for a national body

    @property
    def chinese_forms(self) -> tuple[str, ...]:
        return (self.name, self.full_name, *self.aliases)

    @property
    def english_forms(self) -> tuple[str, ...]:
        return (self.english, *self.english_aliases)


@dataclass(frozen=True)
class DocumentNames:
    """What derive_registry reads of a document: its issuer and the departments it names."""

    document: str
    issuer: str  # 发文机关: 吉林省人民政府, 长春市人民政府办公厅, 国务院办公厅
    names: tuple[str, ...]  # as written in its responsibilities, in order of first appearance

    @classmethod
    def of(cls, document: Document) -> DocumentNames:
        names = dict.fromkeys(name for measure in document.measures for name in measure.departments)
        return cls(document.id, document.issuer, tuple(names))


@dataclass(frozen=True)
class Mention:
    department: Department
    start: int
    end: int
    surface: str  # text[start:end]
    # every department the surface names, `department` first: 财政厅 in a library of two provinces
    namesakes: tuple[Department, ...] = ()


class UnknownDepartmentError(LookupError):
    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        message = f"no department is called {query!r}"
        if suggestions:
            message += f"; did you mean {', '.join(suggestions)}?"
        super().__init__(message)


class AmbiguousDepartmentError(UnknownDepartmentError):
    """A form several departments answer to (财政厅 with both 吉林省财政厅 and 辽宁省财政厅 in the library)."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        super().__init__(query, suggestions)
        self.args = (f"{query!r} names several departments: {', '.join(suggestions)}",)


def fold(text: str) -> str:
    """The comparable form of a name: simplified, width- and case-folded, apostrophes dropped,
    separators collapsed."""
    return _fold_with_origins(text)[0].strip()


def _fold_with_origins(text: str) -> tuple[str, list[int]]:
    """Fold text and keep, for every folded character, the index of the character it came from.

    Folding can change the length of the text, so matches found in the folded text are mapped
    back to the caller's offsets through the origins.
    """
    converted = simplified(text)
    if len(converted) == len(text):  # t2s maps character for character; keep offsets if it ever did not
        text = converted
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
# Words of an English name that say what kind of body it is or link its words, not what it does
_NAME_FRAME_WORDS = frozenset(
    {
        "department", "bureau", "commission", "office", "administration", "agency", "committee", "authority", "council",
        "of", "and", "for", "the", "on", "provincial", "municipal", "city", "county", "district", "prefectural", "local",
    }
)
# a province or city has no ministry, and a State or National body is another government's
_NATIONAL_NAME_WORDS = frozenset({"ministry", "state", "national", "china"})
# enough of a word to meet its other forms: Economy and Economic, Technology and Technological
_STEM_CHARS = 5


def _shortened_english_forms(departments: list[Department], qualifier: re.Pattern[str]) -> dict[str, list[Department]]:
    """People shorten a long English name to its first part: "Department of Industry" for the
    Provincial Department of Industry and Information Technology. Kept only where the short form
    still names a kind of body and no other department of the same place shortens to it too: the
    same body of two provinces shares it, as their full names do."""
    claims: dict[str, list[Department]] = {}
    for department in departments:
        for form in department.english_forms:
            folded = qualifier.sub("", fold(form))
            head = folded.split(" and ")[0].strip()
            if head != folded and len(head.split()) >= 2 and _BODY_WORD.search(head):
                claimants = claims.setdefault(head, [])
                if department not in claimants:
                    claimants.append(department)
    return {form: claimants for form, claimants in claims.items() if len({c.jurisdiction for c in claimants}) == len(claimants)}


class _FormMatcher:
    """The forms found in a text, scanning left to right and taking at each place the longest form
    that stands there, as a regular expression of the forms longest first would, but comparing each
    place only with the forms that open with its character (an alternation of a thousand forms is
    tried in full at every character). English forms must not fire inside a longer word ("cas" in
    "cascade"); Chinese has no word boundaries to respect, so Chinese forms match as substrings."""

    def __init__(self, forms: Iterable[str]) -> None:
        self._by_first: dict[str, list[tuple[str, bool]]] = {}
        for form in sorted(set(forms), key=len, reverse=True):
            if form:
                self._by_first.setdefault(form[0], []).append((form, _is_latin(form)))

    def finditer(self, text: str, possessive: Container[int] = ()) -> Iterator[tuple[int, int, str]]:
        """`possessive`: where an "s" stands that followed an apostrophe, ending the name before it."""
        position = 0
        while position < len(text):
            found = next(
                (form for form, latin in self._by_first.get(text[position], ()) if _stands_at(text, position, form, latin, possessive)), None
            )
            if found is None:
                position += 1
            else:
                yield position, position + len(found), found
                position += len(found)


def _stands_at(text: str, start: int, form: str, latin: bool, possessive: Container[int] = ()) -> bool:
    if not text.startswith(form, start):
        return False
    if not latin:
        return True
    end = start + len(form)
    if end in possessive:
        end += 1  # folding drops apostrophes: "the Commission's office" reads "commissions office"
    return not (start > 0 and _LATIN_OR_DIGIT.fullmatch(text[start - 1])) and not (end < len(text) and _LATIN_OR_DIGIT.fullmatch(text[end]))


@dataclass(frozen=True)
class Derivation:
    """What a derived registry was read from: each document's jurisdiction, the places known
    while reading, and each department by the identity its names were read as."""

    jurisdictions: Mapping[str, Jurisdiction]  # by document id
    gazetteer: Gazetteer
    by_identity: Mapping[tuple[str, str], Department]
    # each name as its document writes it, by (document id, written name): read once, as the registry was derived
    read_names: Mapping[tuple[str, str], DepartmentName]


def identity(name: DepartmentName) -> tuple[str, str]:
    """What makes two written names one department: their jurisdiction and full name."""
    return name.jurisdiction.name, fold(name.full_name)


@dataclass(frozen=True)
class _Qualifier:
    """Words before a name that restrict it to some jurisdictions: 吉林省, Jilin Provincial."""

    text: str
    jurisdictions: frozenset[str] | None  # None: any


class DepartmentRegistry:
    def __init__(self, departments: list[Department], derivation: Derivation | None = None) -> None:
        self.departments = departments
        self._derivation = derivation
        jurisdictions = [jurisdiction_named(name) for name in dict.fromkeys(d.jurisdiction for d in departments)
                         if name and name not in LEVEL_WORDS]
        self._gazetteer = Gazetteer(jurisdictions)
        self._qualifiers = _qualifiers(jurisdictions)
        self._names = {department.name: department for department in departments}
        self._claims: dict[str, list[Department]] = {}
        for department in departments:
            for form in (*department.chinese_forms, *department.english_forms):
                self._claim(fold(form), department)
        places = sorted({re.escape(j.english.casefold()) for j in jurisdictions if j.english}, key=len, reverse=True)
        levels = [re.escape(word.casefold()) for word in LEVEL_ENGLISH.values()]
        qualifier = re.compile(rf"^(?:(?:{'|'.join([*places, *levels])})\s+)+")
        for form, claimants in _shortened_english_forms(departments, qualifier).items():
            self._claims.setdefault(form, claimants)
        self._matcher = _FormMatcher({*self._claims, *map(fold, NOT_DEPARTMENTS)})
        self._english_words = [
            (department, _name_stems(form), _content_words(form)) for department in departments for form in department.english_forms
        ]
        self._place_stems = {stem for j in jurisdictions if j.english for stem in _name_stems(j.english)}

    def _claim(self, form: str, department: Department) -> None:
        claimants = self._claims.setdefault(form, [])
        if department not in claimants:
            claimants.append(department)

    @classmethod
    def load(cls) -> DepartmentRegistry:
        """The registry of the bundled library's documents, with the bundled overrides."""
        from corpus.library import BUNDLED_LIBRARY, Library  # the library parses documents; it needs no registry

        return derive_registry([DocumentNames.of(document) for document in Library.load(BUNDLED_LIBRARY).documents])

    def get(self, text: str) -> Department | None:
        """The one department text names; None when it names none, or several (财政厅 in a library
        of two provinces)."""
        candidates = self._candidates(text)
        return candidates[0] if len(candidates) == 1 else None

    def named(self, name: str) -> Department | None:
        """The department whose registry name is `name`, as passages record it. Unlike `get`, which
        reads what a person typed, a name is never ambiguous: another department's alias may read the
        same (Liaoning's 省工業和信息化廳 answers to 省工业信息化厅, the name of Jilin's)."""
        return self._names.get(name)

    def resolve(self, text: str) -> Department:
        candidates = self._candidates(text)
        if len(candidates) > 1:
            raise AmbiguousDepartmentError(text, [_label(department) for department in candidates])
        if not candidates:
            raise UnknownDepartmentError(text, self._suggestions(text))
        return candidates[0]

    def department_for(self, document: str, written: str) -> Department:
        """The department a name written in a document stands for: 省财政厅 in a document of
        吉林省人民政府 is 吉林省财政厅, 省林业厅 in a document of 辽宁省人民政府 none the library knows."""
        derivation = self._derivation
        if derivation is None or document not in derivation.jurisdictions:
            raise LookupError(f"the registry was not derived from a document {document!r}")
        name = derivation.read_names.get((document, written)) or parse_name(written, derivation.jurisdictions[document], derivation.gazetteer)
        department = derivation.by_identity.get(identity(name))
        if department is None:
            raise UnknownDepartmentError(written, [])
        return department

    def named_in_other_words(self, name: str) -> Department | None:
        """The department an English name worded unlike any of its forms stands for: every word that
        says what the body does is a word of one of that department's names, in any of its forms
        (the Bureau of Economic Cooperation for the Bureau of Economic and Technological Cooperation),
        and the name says more of that department than of any other, then in more of its very words
        (the Finance Bureau is the Finance Department, not the financial office). None where the name
        is a national body's, says only where (the Chengdu Bureau), or fits no department better than
        another."""
        stems = _name_stems(name)
        if not stems or stems <= self._place_stems or names_national_body(name):
            return None
        words = _content_words(name)
        fit: dict[str, tuple[float, int]] = {}
        for department, form_stems, form_words in self._english_words:
            if stems <= form_stems:
                form_fit = (len(stems) / len(form_stems), len(words & form_words))
                fit[department.name] = max(fit.get(department.name, form_fit), form_fit)
        ranked = sorted(fit.items(), key=lambda item: item[1], reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            return None
        return self._names[ranked[0][0]]

    def _candidates(self, text: str) -> list[Department]:
        for key, allowed in self._lookup_keys(text):
            candidates = [d for d in self._claims.get(key, ()) if allowed is None or d.jurisdiction in allowed]
            if candidates:
                return candidates
        return []

    def _lookup_keys(self, text: str) -> Iterator[tuple[str, frozenset[str] | None]]:
        """The text, then the text without each qualifier in front (吉林省发改委 → 发改委 within 吉林省)."""
        key = fold(text).removesuffix("的").strip()
        allowed: frozenset[str] | None = None
        yield key, allowed
        while qualifier := next((q for q in self._qualifiers if key.startswith(q.text) and len(key) > len(q.text)), None):
            key = key[len(qualifier.text):].strip()
            if qualifier.jurisdictions is not None:
                allowed = qualifier.jurisdictions if allowed is None else allowed & qualifier.jurisdictions
            yield key, allowed

    def _suggestions(self, text: str, limit: int = 3) -> list[str]:
        close = difflib.get_close_matches(fold(text), self._claims, n=10, cutoff=0.5)
        departments = dict.fromkeys(department for form in close for department in self._claims[form])
        return [_label(department) for department in list(departments)[:limit]]

    def find_mentions(self, text: str) -> list[Mention]:
        """Departments named in text. A form several departments answer to (财政厅 in a library of
        two provinces) is one mention of all of them, unless a place before it names one."""
        return self.find_names(text)[0]

    def find_names(self, text: str) -> tuple[list[Mention], list[tuple[int, int]]]:
        """The mentions, and where text names another government's body by a form of a department's
        name (国家发改委, 辽宁省财政厅 in a library of Jilin's documents), each such span opening with
        its place or level word."""
        found = list(self._forms_found(text))
        mentions = [Mention(claimants[0], start, end, text[start:end], claimants) for start, end, _, claimants in found if claimants]
        return mentions, [(opening, end) for _, end, opening, claimants in found if not claimants]

    def _forms_found(self, text: str) -> Iterator[tuple[int, int, int, tuple[Department, ...]]]:
        """Each department form found in text: where it stands, where the place or level word before it
        opens (its own start where there is none), and the departments it names there; none where the
        word before makes it another government's."""
        folded, origins = _fold_with_origins(text)
        possessive = {i for i, origin in enumerate(origins) if folded[i] == "s" and origin > 0 and text[origin - 1] in _APOSTROPHES}
        for match_start, match_end, form in self._matcher.finditer(folded, possessive):
            claims = self._claims.get(form, [])
            if not claims:
                continue
            claimants = tuple(d for d in claims if not self._belongs_elsewhere(folded, match_start, d))
            opening = match_start - len(self._word_before(folded, match_start)) if not claimants else match_start
            yield origins[match_start], origins[match_end - 1] + 1, origins[opening], claimants

    def _word_before(self, folded: str, start: int) -> str:
        """The place or level word written right before folded[start]."""
        level = max((word for word in (*OTHER_LEVELS, *ENGLISH_OTHER_LEVELS) if folded.endswith(word, 0, start)), key=len, default="")
        place = self._gazetteer.form_ending_at(folded, start - len(level)) or ""
        return place + level

    def _belongs_elsewhere(self, folded: str, start: int, department: Department) -> bool:
        """Whether what precedes a name makes it another government's: 国家 or 市 before 发改委,
        辽宁 before 省发改委 for the department of 吉林省."""
        if folded.endswith(OTHER_LEVELS, 0, start):
            return True
        if department.jurisdiction and folded.endswith(ENGLISH_OTHER_LEVELS, 0, start):
            return True
        place = self._gazetteer.ending_at(folded, start)
        return place is not None and place.name != department.jurisdiction

    def surface_forms(self) -> list[str]:
        forms = (form for department in self.departments for form in department.chinese_forms)
        return list(dict.fromkeys(forms))


def _words(name: str) -> list[str]:
    return re.findall(r"[a-z]+", fold(name))


def names_national_body(name: str) -> bool:
    """Whether an English name is a national body's: the Ministry of …, the State …, China …."""
    return bool(_NATIONAL_NAME_WORDS & set(_words(name)))


def _content_words(name: str) -> frozenset[str]:
    """The words of a name that say what the body does: not Bureau, Department, of."""
    return frozenset(word for word in _words(name) if word not in _NAME_FRAME_WORDS)


def _name_stems(name: str) -> frozenset[str]:
    return frozenset(word[:_STEM_CHARS] for word in _content_words(name))


def _label(department: Department) -> str:
    return f"{department.name} ({department.english})"


def _qualifiers(jurisdictions: list[Jurisdiction]) -> list[_Qualifier]:
    """吉林省, 吉林, Jilin Provincial, Jilin: restricted to that jurisdiction; Provincial: to the
    provinces; the: to none. Longest first, so 吉林省 goes before 吉林."""
    by_text: dict[str, set[str]] = defaultdict(set)
    for jurisdiction in jurisdictions:
        level = LEVEL_ENGLISH.get(jurisdiction.level_word, "").casefold()
        english = jurisdiction.english.casefold()
        texts = [jurisdiction.name, jurisdiction.short, f"{level} "]
        texts += [f"{english} {level} ", f"{english} "] if english else []
        for text in texts:
            by_text[text].add(jurisdiction.name)
    qualifiers = [_Qualifier(text, frozenset(names)) for text, names in by_text.items()]
    qualifiers += [_Qualifier(text, None) for text in GENERIC_QUALIFIERS]
    return sorted(qualifiers, key=lambda q: len(q.text), reverse=True)


# -- deriving the registry ------------------------------------------------------------------------


def derive_registry(documents: Sequence[DocumentNames], overrides: Path | None = BUNDLED_OVERRIDES) -> DepartmentRegistry:
    """The departments the documents name, with full names, aliases and English names by rule.

    A written name is completed by its document's jurisdiction (省财政厅 in a 吉林省人民政府 document
    is 吉林省财政厅); names that carry their own (国家发展改革委, 长春海关) keep it. A department
    keeps its written name unless that form names departments of several jurisdictions in the
    library; then each is called by its full name. Overrides, matched by written name within a
    jurisdiction, replace the full or English name and add aliases.
    """
    jurisdictions = {document.document: jurisdiction_of_issuer(document.issuer) for document in documents}
    gazetteer = Gazetteer(jurisdictions.values())
    groups: dict[tuple[str, str], list[DepartmentName]] = {}
    read_names: dict[tuple[str, str], DepartmentName] = {}
    for document in documents:
        for written in document.names:
            name = read_names[document.document, written] = parse_name(written, jurisdictions[document.document], gazetteer)
            groups.setdefault(identity(name), []).append(name)
    keys_by_written: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for key, names in groups.items():
        for name in names:
            keys_by_written[fold(name.written)].add(key)
    records = _read_overrides(overrides)
    departments = {
        key: _department(
            names,
            shared=any(len(keys_by_written[fold(name.written)]) > 1 for name in names),
            override=_override_for(names, records),
        )
        for key, names in groups.items()
    }
    return DepartmentRegistry(list(departments.values()), Derivation(jurisdictions, gazetteer, departments, read_names))


def _read_overrides(path: Path | None) -> dict[tuple[str, str], dict]:
    if path is None:
        return {}
    records = json.loads(path.read_text(encoding="utf-8"))
    return {(record.get("jurisdiction", ""), fold(record["name"])): record for record in records}


def _override_for(names: list[DepartmentName], records: Mapping[tuple[str, str], dict]) -> dict:
    return next((records[key] for name in names if (key := (name.jurisdiction.name, fold(name.written))) in records), {})


def _department(names: list[DepartmentName], shared: bool, override: Mapping) -> Department:
    """One department from the names it is written as, its derived forms and its override.

    An override's English name replaces the composed English forms altogether: the rules got
    them wrong, and composing them may need the dictionary. An override's full name keeps the
    composed one as an alias, a form people write (吉林省电力公司).
    """
    first = names[0]
    full_name = override.get("full_name") or first.full_name
    name = full_name if shared else first.written
    composed = [] if "english" in override else [form for n in names for form in english_for(n).forms]
    # where the written form names departments of several places, so does the English: with the place
    place = place_english(first)
    qualified = None
    if shared and composed and place and place not in composed[0]:
        qualified = next((form for form in composed if form.startswith(place)), f"{place} {composed[0]}")
    english = override.get("english") or qualified or composed[0]
    chinese = [*(n.written for n in names), first.full_name, *(alias for n in names for alias in n.aliases)]
    return Department(
        name=name,
        full_name=full_name,
        english=english,
        aliases=_distinct([*chinese, *override.get("aliases", ())], exclude={fold(name), fold(full_name)}),
        english_aliases=_distinct([*composed, *override.get("english_aliases", ())], exclude={fold(english)}),
        jurisdiction=first.jurisdiction.name,
    )


def _distinct(forms: list[str], exclude: set[str]) -> tuple[str, ...]:
    """Forms in order, one per folded form, without the excluded ones."""
    kept: dict[str, str] = {}
    for form in forms:
        kept.setdefault(fold(form), form)
    return tuple(form for key, form in kept.items() if key not in exclude)
