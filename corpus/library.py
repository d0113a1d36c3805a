"""A library of policy documents: a folder with a catalog.json naming each document's file.

Each file is read by its format's reader (.txt, .docx, .pdf, .html), parsed into passages, and the
departments registry is derived from what the documents name. Passages carry the registry's
department names, so two documents' 财政厅 of different provinces never merge.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from corpus.departments import DepartmentRegistry, DocumentNames, derive_registry
from corpus.models import Document, Passage
from corpus.parser import parse_source
from corpus.readers import UnreadableDocumentError, read_bytes

CATALOG_FILE = "catalog.json"
BUNDLED_LIBRARY = Path(__file__).resolve().parent / "documents"


class LibraryError(ValueError):
    pass


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    file: str
    title: str = ""  # empty: the title the document states
    title_en: str = ""
    scope: str = ""  # what the document covers, told to users whose question it does not answer
    scope_en: str = ""
    sha256: str = ""  # of the file as added; empty in hand-written catalogs

    def to_json(self) -> dict[str, str]:
        return {key: value for key, value in asdict(self).items() if value or key in ("id", "file")}


class Library:
    def __init__(self, documents: list[Document], catalog: list[CatalogEntry], registry: DepartmentRegistry):
        self.documents = documents
        self.catalog = catalog
        self.registry = registry
        self.checksum = library_checksum(documents)  # identifies the exact text an index was built from
        self.passages: list[Passage] = [passage for document in documents for passage in document.passages]
        self._by_id = {document.id: document for document in documents}

    @classmethod
    def load(cls, directory: Path) -> Library:
        entries = read_catalog(directory)
        documents = [read_document(directory / entry.file, entry) for entry in entries]
        return cls.of(documents, entries)

    @classmethod
    def of(cls, documents: list[Document], catalog: list[CatalogEntry]) -> Library:
        """A library of parsed documents: the registry derived from them, their passages naming its departments."""
        registry = derive_registry([DocumentNames.of(document) for document in documents])
        named = [_with_registry_names(document, registry) for document in documents]
        return cls(named, catalog, registry)

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

    def entry(self, document_id: str) -> CatalogEntry:
        self.document(document_id)
        return next(entry for entry in self.catalog if entry.id == document_id)

    def within(self, document_ids: Collection[str]) -> list[Document]:
        """The documents named, in library order; none named: all of them."""
        return [d for d in self.documents if not document_ids or d.id in document_ids]

    def measures(self) -> list[Passage]:
        return [passage for document in self.documents for passage in document.measures]


def read_document(path: Path, entry: CatalogEntry) -> Document:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LibraryError(f"document {entry.id!r}: cannot read {path.name}: {error.strerror}") from None
    return parse_bytes(data, path.name, entry.id, entry.title)


def parse_bytes(data: bytes, filename: str, document_id: str, title: str = "") -> Document:
    """Read and parse one file; every failure names the file."""
    try:
        source = read_bytes(data, filename)
        return parse_source(source, document_id, title)
    except UnreadableDocumentError as error:
        raise LibraryError(str(error)) from None
    except ValueError as error:
        raise LibraryError(f"{filename}: {error}") from None


def library_checksum(documents: list[Document]) -> str:
    digest = hashlib.sha256()
    for document in documents:
        for passage in document.passages:
            digest.update(f"{passage.id}\0{passage.text}\0{','.join(passage.departments)}\0".encode())
    return digest.hexdigest()


def _with_registry_names(document: Document, registry: DepartmentRegistry) -> Document:
    passages = [
        replace(passage, departments=tuple(registry.department_for(document.id, name).name for name in passage.departments))
        if passage.departments
        else passage
        for passage in document.passages
    ]
    return replace(document, passages=passages)


def read_catalog(directory: Path) -> list[CatalogEntry]:
    path = directory / CATALOG_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [CatalogEntry(**item) for item in data["documents"]]
    except FileNotFoundError:
        raise LibraryError(f"no {CATALOG_FILE} in {directory.name}: a library folder lists its documents there") from None
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise LibraryError(f"{CATALOG_FILE}: malformed catalog ({error})") from None
    if not entries:
        raise LibraryError(f"{CATALOG_FILE}: the catalog lists no documents")
    ids = [entry.id for entry in entries]
    if len(set(ids)) != len(ids):
        raise LibraryError(f"{CATALOG_FILE}: duplicate document ids")
    return entries
