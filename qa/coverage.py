"""What the documents a question is asked of cover: the places and years their text names, and the
departments their tasks name. A question limited to some documents is judged against those alone, so a
Liaoning document elsewhere in the library does not make "what does Liaoning's plan say" answerable
from the Jilin document."""
from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

from corpus.library import Library
from qa.places import OtherJurisdictions
from qa.understanding import YEAR

SCOPES_KEPT = 64  # distinct document selections whose coverage stays built


@dataclass(frozen=True)
class ScopeCoverage:
    other_jurisdictions: OtherJurisdictions
    years: frozenset[int]
    departments: frozenset[str]  # the registry names of the departments the documents' tasks name


class LibraryCoverage:
    def __init__(self, library: Library):
        self.library = library
        self._built = functools.lru_cache(maxsize=SCOPES_KEPT)(self._build)

    def of(self, documents: Collection[str]) -> ScopeCoverage:
        """The coverage of `documents`; none named: of the whole library."""
        return self._built(frozenset(documents))

    def _build(self, documents: frozenset[str]) -> ScopeCoverage:
        chosen = self.library.within(documents)
        texts = [passage.text for document in chosen for passage in document.passages]
        return ScopeCoverage(
            OtherJurisdictions.load(texts, (document.issuer for document in chosen)),
            frozenset(int(year) for text in texts for year in YEAR.findall(text)),
            frozenset(name for document in chosen for task in document.measures for name in task.departments),
        )
