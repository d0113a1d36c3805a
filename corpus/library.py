"""A library of policy documents: a folder with a catalog.json naming each document's file and title."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from corpus.models import Document, Passage
from corpus.parser import parse_document

CATALOG_FILE = "catalog.json"
BUNDLED_LIBRARY = Path(__file__).resolve().parent / "documents"


class LibraryError(ValueError):
    pass


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    file: str
    title: str
    title_en: str = ""
    scope: str = ""  # what the document covers, told to users whose question it does not answer
    scope_en: str = ""


class Library:
    def __init__(self, documents: list[Document], catalog: list[CatalogEntry], checksum: str):
        self.documents = documents
        self.catalog = catalog
        self.checksum = checksum  # identifies the exact text an index was built from
        self.passages: list[Passage] = [passage for document in documents for passage in document.passages]
        self._by_id = {document.id: document for document in documents}

    @classmethod
    def load(cls, directory: Path) -> Library:
        entries = read_catalog(directory)
        digest = hashlib.sha256()
        documents = []
        for entry in entries:
            path = directory / entry.file
            try:
                raw = path.read_bytes()
            except OSError as error:
                raise LibraryError(f"{directory / CATALOG_FILE}: document {entry.id!r}: cannot read {path}: {error.strerror}") from None
            digest.update(entry.id.encode() + b"\0" + raw + b"\0")
            try:
                documents.append(parse_document(raw.decode("utf-8"), entry.id, entry.title))
            except ValueError as error:
                raise LibraryError(f"{path}: {error}") from None
        return cls(documents, entries, digest.hexdigest())

    def document(self, document_id: str | None = None) -> Document:
        """The named document; with no name, the only one (a library of several needs a name)."""
        if document_id is None:
            if len(self.documents) == 1:
                return self.documents[0]
            raise LibraryError(f"the library holds {len(self.documents)} documents; name one of: {', '.join(self._by_id)}")
        try:
            return self._by_id[document_id]
        except KeyError:
            raise LibraryError(f"unknown document {document_id!r}; known: {', '.join(self._by_id)}") from None

    def measures(self) -> list[Passage]:
        return [passage for document in self.documents for passage in document.measures]


def read_catalog(directory: Path) -> list[CatalogEntry]:
    path = directory / CATALOG_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [CatalogEntry(**item) for item in data["documents"]]
    except FileNotFoundError:
        raise LibraryError(f"no {CATALOG_FILE} in {directory}: a library folder lists its documents there") from None
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise LibraryError(f"{path}: malformed catalog ({error})") from None
    if not entries:
        raise LibraryError(f"{path}: the catalog lists no documents")
    ids = [entry.id for entry in entries]
    if len(set(ids)) != len(ids):
        raise LibraryError(f"{path}: duplicate document ids")
    return entries
