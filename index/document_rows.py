"""Which rows of the index each document holds, and what retrieval reads of its passages."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corpus.jurisdiction import simplified
from corpus.models import Passage, PassageKind
from index.store import Manifest, fingerprint


def search_text(passage: Passage) -> str:
    """What retrieval reads: the subsection title gives a measure its theme; departments are left out
    because department questions are answered from the registry, and names like 省财政厅 would
    otherwise pull every finance-sounding question towards the measures it joins."""
    text = f"{passage.subsection}：{passage.body}" if passage.kind is PassageKind.MEASURE and passage.subsection else passage.body
    # in simplified characters, as questions are read: a document written in traditional ones is
    # matched like any other (its citations still quote it as written)
    return simplified(text)


def document_spans(passages: Sequence[Passage]) -> dict[str, range]:
    """Each document's rows, in the order the documents first appear; refused unless each document's
    passages are contiguous."""
    spans: dict[str, range] = {}
    start = 0
    for row in range(1, len(passages) + 1):
        if row == len(passages) or passages[row].document != passages[start].document:
            document = passages[start].document
            if document in spans:
                raise ValueError(f"the passages of document {document!r} are not contiguous")
            spans[document] = range(start, row)
            start = row
    return spans


@dataclass(frozen=True)
class DocumentGroup:
    """One document's rows in the index. Its vectors and its BM25 terms are components of their own,
    fingerprinted by the document's text: adding or removing a document reads that document alone."""

    document: str
    rows: range
    checksum: str  # of the document's search texts, in order

    def manifest(self, kind: str, name: str, *parameters: str, dimension: int | None = None) -> Manifest:
        """The manifest of this document's component of `kind` made by `name` (an encoder, the tokenizer)
        with `parameters` (the tokenizer's fingerprint)."""
        return Manifest(kind, name, self.checksum, fingerprint(self.checksum, name, *parameters), len(self.rows), dimension=dimension)


@dataclass(frozen=True)
class LibraryTexts:
    """What retrieval reads of a library: its passages, each one's search text, and which document holds
    which. Made once (LibraryTexts.of) and handed to every component built from the library."""

    passages: Sequence[Passage]
    checksum: str  # the library's
    texts: Sequence[str]
    groups: Sequence[DocumentGroup]

    @classmethod
    def of(cls, passages: Sequence[Passage], checksum: str) -> LibraryTexts:
        texts = [search_text(p) for p in passages]
        return cls(passages, checksum, texts, document_groups(passages, texts))

    def of_document(self, group: DocumentGroup) -> list[str]:
        return [self.texts[row] for row in group.rows]

    def manifest(self, kind: str, name: str, *parameters: str) -> Manifest:
        """The manifest of the library's component of `kind` made by `name` with `parameters` (which
        name it: the fingerprint leaves `name` out, as the components built before this class did)."""
        return Manifest(kind, name, self.checksum, fingerprint(self.checksum, *parameters), len(self.texts))


def document_groups(passages: Sequence[Passage], texts: Sequence[str] | None = None) -> list[DocumentGroup]:
    """The passages' documents in the order they first appear; `texts` are their search texts, where
    the caller has them already."""
    texts = texts if texts is not None else [search_text(p) for p in passages]
    return [
        DocumentGroup(document, rows, fingerprint(document, *(texts[row] for row in rows)))
        for document, rows in document_spans(passages).items()
    ]
