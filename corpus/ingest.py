"""Adding documents to a library folder and removing them, all or nothing.

Every file is read and parsed before anything changes, so a broken file (not really a PDF, empty,
encrypted, scanned, undecodable) is refused with its name and leaves the library as it was. The
catalog is replaced in one rename, after the new files are in place: a reader of the folder sees
the old library or the new one, never half of either. A lock file keeps two writers apart.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from corpus.library import CATALOG_FILE, CatalogEntry, LibraryError, parse_bytes, read_catalog
from corpus.models import Document
from corpus.readers import FORMATS

LOCK_FILE = ".lock"
MAX_ID_CHARS = 60


@dataclass(frozen=True)
class Upload:
    filename: str  # the name it came with; only its suffix and stem are used
    data: bytes


@dataclass(frozen=True)
class Added:
    entry: CatalogEntry
    document: Document


def seed_library(directory: Path, source: Path) -> Path:
    """A writable library folder, created as a copy of `source` (the bundled documents) when missing."""
    if not (directory / CATALOG_FILE).exists():
        staging = directory.with_name(f".{directory.name}.seeding")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(source, staging, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        os.replace(staging, directory)
    return directory


def uploads_from_paths(paths: Sequence[Path]) -> list[Upload]:
    """The files named, and the documents of a supported format inside each folder named."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)
            if not found:
                raise LibraryError(f"{path.name}: the folder holds no .txt, .docx, .pdf or .html file")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise LibraryError(f"{path}: no such file or folder")
    uploads = []
    for file in files:
        try:
            uploads.append(Upload(file.name, file.read_bytes()))
        except OSError as error:
            raise LibraryError(f"{file.name}: cannot read the file ({error.strerror})") from None
    return uploads


def add_documents(directory: Path, uploads: Sequence[Upload]) -> list[Added]:
    """Parse every upload, then add them all to the library at once; any failure changes nothing."""
    if not uploads:
        raise LibraryError("no documents to add")
    with _locked(directory):
        entries = read_catalog(directory)
        known = {entry.sha256: entry.id for entry in entries if entry.sha256}
        taken = {entry.id for entry in entries} | {entry.file for entry in entries}
        added = []
        for upload in uploads:
            digest = hashlib.sha256(upload.data).hexdigest()
            if digest in known:
                raise LibraryError(f"{upload.filename}: already in the library as {known[digest]!r}")
            document_id = _new_id(upload.filename, digest, taken)
            suffix = Path(upload.filename).suffix.lower()
            entry = CatalogEntry(id=document_id, file=f"{document_id}{suffix}", sha256=digest)
            document = parse_bytes(upload.data, upload.filename, document_id)
            if not document.measures:
                raise LibraryError(f"{upload.filename}: no numbered tasks found; nothing to answer questions from")
            added.append(Added(entry, document))
            known[digest] = document_id
            taken |= {document_id, entry.file}
        written = []
        try:
            for upload, item in zip(uploads, added):
                _write_file(directory / item.entry.file, upload.data)
                written.append(directory / item.entry.file)
            _write_catalog(directory, [*entries, *(item.entry for item in added)])
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        return added


def remove_document(directory: Path, document_id: str) -> CatalogEntry:
    with _locked(directory):
        entries = read_catalog(directory)
        entry = next((e for e in entries if e.id == document_id), None)
        if entry is None:
            raise LibraryError(f"unknown document {document_id!r}; known: {', '.join(e.id for e in entries)}")
        remaining = [e for e in entries if e.id != document_id]
        if not remaining:
            raise LibraryError(f"{document_id!r} is the library's only document; add another before removing it")
        _write_catalog(directory, remaining)
        (directory / entry.file).unlink(missing_ok=True)
        return entry


def _new_id(filename: str, digest: str, taken: set[str]) -> str:
    """An id from the file's name where it has Latin letters or digits, else from its content."""
    slug = re.sub(r"[^a-z0-9]+", "-", Path(filename).stem.lower()).strip("-")[:MAX_ID_CHARS].strip("-")
    base = slug if re.search(r"[a-z]", slug) else f"document-{digest[:8]}"
    candidate, n = base, 2
    while candidate in taken or any(name.startswith(f"{candidate}.") for name in taken):
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _write_file(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.partial")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _write_catalog(directory: Path, entries: list[CatalogEntry]) -> None:
    text = json.dumps({"documents": [entry.to_json() for entry in entries]}, ensure_ascii=False, indent=2) + "\n"
    _write_file(directory / CATALOG_FILE, text.encode("utf-8"))


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    if not (directory / CATALOG_FILE).exists():
        raise LibraryError(f"no {CATALOG_FILE} in {directory.name}: not a library folder")
    with open(directory / LOCK_FILE, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
