"""Places outside the library's jurisdiction. The library holds the issuers' own policies: a
question about another province's or city's policy is out of scope, however close its other
words come to a measure ("黑龙江省棚户区改造由哪个部门牵头？"). A place a measure names as a
model to follow (借鉴北京中关村…) is covered where the passages answering the question name it."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from corpus.jurisdiction import simplified

GAZETTEER_FILE = Path(__file__).with_name("places.json")
# A place right after these, or before a possessive, is where the question is set: "深圳的税收优惠",
# "visa rules for visiting Russia" ask about that place's own rules, not a measure that cites it.
SETTING_BEFORE = re.compile(r"(?:\b(?:in|to|visit|visiting|at|from)\s+(?:the\s+)?|[在去到赴])$", re.IGNORECASE)
# 上海自己的…, 深圳本地的…, 辽宁对小微企业…: a place's own rules, as the setting of the question
SETTING_AFTER = re.compile(r"(?:省|市|县|区)?(?:自己|自身|本身|本地|当地)?(?:的|对|关于|'s|’s|\s+(?:government|province|city)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class PlaceMention:
    surface: str  # as the question writes it
    library_name: str | None  # the name the library's text uses for it; None where the text never names it
    as_setting: bool = False  # asked about as where something happens (深圳的…, in Shenzhen), not as a model

    @property
    def mentioned_by_library(self) -> bool:
        return self.library_name is not None


def is_setting(question: str, start: int, end: int) -> bool:
    """Whether the place at question[start:end] is where the question is set (深圳的…, in Shenzhen)."""
    return bool(SETTING_BEFORE.search(question[:start]) or SETTING_AFTER.match(question[end:]))


class OtherJurisdictions:
    def __init__(self, gazetteer: dict[str, list[str]], library_texts: Iterable[str], issuers: Iterable[str]):
        # questions are read in simplified characters; so must a document written in traditional ones be
        issuers = [simplified(issuer) for issuer in issuers]
        text = simplified("".join(library_texts))
        outside = {name: english for name, english in gazetteer.items() if not any(name in issuer for issuer in issuers)}
        # each written form of a place the library's text names, to the name the text uses
        self._mentioned = {form.lower(): name for name, english in outside.items() if name in text for form in [name, *english]}
        forms = [re.escape(name) for name in outside] + [rf"\b{re.escape(e)}\b" for english in outside.values() for e in english]
        forms.sort(key=len, reverse=True)
        self._pattern = re.compile("|".join(forms), re.IGNORECASE) if forms else None

    @classmethod
    def load(cls, library_texts: Iterable[str], issuers: Iterable[str], path: Path = GAZETTEER_FILE) -> OtherJurisdictions:
        return cls(json.loads(path.read_text(encoding="utf-8")), library_texts, issuers)

    def without(self, text: str) -> str:
        """The text with the places in it left out."""
        return self._pattern.sub(" ", text) if self._pattern is not None else text

    def find(self, question: str) -> list[PlaceMention]:
        if self._pattern is None:
            return []
        mentions: dict[str, PlaceMention] = {}
        for match in self._pattern.finditer(question):
            surface = match.group(0)
            as_setting = is_setting(question, match.start(), match.end())
            known = mentions.get(surface)
            if known is None or as_setting and not known.as_setting:
                mentions[surface] = PlaceMention(surface, self._mentioned.get(surface.lower()), as_setting)
        return list(mentions.values())
