"""Places outside the library's jurisdiction. The library holds the issuers' own policies: a
question about another province's or city's policy is out of scope, however close its other
words come to a measure ("黑龙江省棚户区改造由哪个部门牵头？"). A place a measure names as a
model to follow (借鉴北京中关村…) still lets staff ask who is responsible for that measure."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

GAZETTEER_FILE = Path(__file__).with_name("places.json")


@dataclass(frozen=True)
class PlaceMention:
    surface: str  # as the question writes it
    mentioned_by_library: bool


class OtherJurisdictions:
    def __init__(self, gazetteer: dict[str, list[str]], library_texts: Iterable[str], issuers: Iterable[str]):
        issuers = list(issuers)
        text = "".join(library_texts)
        outside = {name: english for name, english in gazetteer.items() if not any(name in issuer for issuer in issuers)}
        self._mentioned = {form.lower() for name, english in outside.items() if name in text for form in [name, *english]}
        forms = [re.escape(name) for name in outside] + [rf"\b{re.escape(e)}\b" for english in outside.values() for e in english]
        forms.sort(key=len, reverse=True)
        self._pattern = re.compile("|".join(forms), re.IGNORECASE) if forms else None

    @classmethod
    def load(cls, library_texts: Iterable[str], issuers: Iterable[str], path: Path = GAZETTEER_FILE) -> OtherJurisdictions:
        return cls(json.loads(path.read_text(encoding="utf-8")), library_texts, issuers)

    def find(self, question: str) -> list[PlaceMention]:
        if self._pattern is None:
            return []
        surfaces = dict.fromkeys(match.group(0) for match in self._pattern.finditer(question))
        return [PlaceMention(surface, surface.lower() in self._mentioned) for surface in surfaces]
