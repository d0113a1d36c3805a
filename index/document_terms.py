"""Each document's BM25 terms as a component of its own, and BM25 statistics for any choice of documents.

A document is tokenised once, when it joins the library; the library's BM25 index is assembled from
the documents' terms, so adding a document tokenises that document alone. A search limited to some
documents is scored with the statistics of those documents alone (ScopedBM25): it ranks as a library
holding only them would, and a question about the Jilin plan ranks the same whatever else the library
holds (other provinces' plans would otherwise change the IDF of every word they share with it).
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from index.bm25 import LEXICAL, BM25Retriever
from index.document_rows import DocumentGroup, LibraryTexts
from index.store import IndexStore, Manifest, UnusableComponentError, fingerprint
from index.tokenizer import Tokenizer

TERMS = "terms"
TERMS_FILE = "terms.json"
# Choices of documents whose statistics are kept: each takes a few milliseconds per hundred passages
# to build, and questions limited to documents mostly name one or two.
CACHED_SCOPES = 32

Terms = list[list[str]]


def terms_manifest(group: DocumentGroup, tokenizer: Tokenizer) -> Manifest:
    return group.manifest(TERMS, tokenizer.name, tokenizer.fingerprint)


def read_terms(directory: Path, passages: int) -> Terms:
    """A terms component's token lists, refused unless there is one list of strings per passage."""
    try:
        terms = json.loads((directory / TERMS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UnusableComponentError(directory, f"{TERMS_FILE} is unreadable ({error})") from None
    if not isinstance(terms, list) or len(terms) != passages or not all(isinstance(tokens, list) for tokens in terms):
        raise UnusableComponentError(directory, f"{TERMS_FILE} does not hold one list of terms per passage")
    return terms


class DocumentTerms:
    """The documents' terms, each a component of the store: made when the document joins the library,
    read when a search first needs them."""

    def __init__(
        self,
        store: IndexStore,
        library: LibraryTexts,
        tokenizer: Tokenizer,
        build_missing: bool = True,
        progress: Callable[[str, int], None] | None = None,
    ) -> None:
        self.library = library
        self.groups = {group.document: group for group in library.groups}
        self._store, self._tokenizer = store, tokenizer
        self._build_missing, self._progress = build_missing, progress

    def ensure_all(self, force: bool = False) -> list[Path]:
        """Each document's terms component, made where it is missing (or anew, with force)."""
        return [
            self._store.component(terms_manifest(group, self._tokenizer), self._builder(document), self._build_missing, force)
            for document, group in self.groups.items()
        ]

    def of(self, document: str) -> Terms:
        group = self.groups[document]
        read = lambda folder: read_terms(folder, len(group.rows))  # noqa: E731
        return self._store.read(terms_manifest(group, self._tokenizer), self._builder(document), read, self._build_missing)[1]

    def _builder(self, document: str) -> Callable[[Path], None]:
        group = self.groups[document]

        def build(temporary: Path) -> None:
            terms = [self._tokenizer.tokenize(text) for text in self.library.of_document(group)]
            (temporary / TERMS_FILE).write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
            if self._progress:
                self._progress(LEXICAL, len(terms))

        return build

    def library_manifest(self) -> Manifest:
        """The library's BM25 index: fingerprinted by every document's terms, so that it is assembled
        again only when a document changes, and from terms already made."""
        built_from = fingerprint(*(terms_manifest(group, self._tokenizer).fingerprint for group in self.groups.values()))
        return Manifest(LEXICAL, self._tokenizer.name, self.library.checksum, built_from, len(self.library.texts))

    def build_library(self, temporary: Path) -> None:
        BM25Retriever.build([tokens for document in self.groups for tokens in self.of(document)]).save(temporary)


class ScopedBM25:
    """BM25 scores with the statistics of a choice of documents, over the whole library's rows (zero
    outside the documents)."""

    def __init__(self, terms: DocumentTerms, cached: int = CACHED_SCOPES) -> None:
        self._terms = terms
        self._cached = cached
        self._models: OrderedDict[frozenset[str], tuple[np.ndarray, BM25Retriever | None]] = OrderedDict()
        self._lock = threading.Lock()

    def scores(self, documents: frozenset[str], query_tokens: list[str]) -> np.ndarray:
        rows, model = self._model(documents)
        scores = np.zeros(len(self._terms.library.texts), dtype=np.float32)
        if model is not None:
            scores[rows] = model.scores(query_tokens)
        return scores

    def _model(self, documents: frozenset[str]) -> tuple[np.ndarray, BM25Retriever | None]:
        """The documents' rows and their BM25 model; None for documents without a single term."""
        with self._lock:
            if documents in self._models:
                self._models.move_to_end(documents)
                return self._models[documents]
        chosen = [group for document, group in self._terms.groups.items() if document in documents]
        rows = np.concatenate([np.arange(group.rows.start, group.rows.stop) for group in chosen])
        terms = [tokens for group in chosen for tokens in self._terms.of(group.document)]
        model = BM25Retriever.build(terms) if any(terms) else None
        with self._lock:
            self._models[documents] = (rows, model)
            while len(self._models) > self._cached:
                self._models.popitem(last=False)
        return rows, model
