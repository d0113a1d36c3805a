"""Read a policy document from a .txt, .docx, .pdf or .html file into one SourceText.

Every reader hands the parser the same shape (corpus.source): paragraphs and tables in reading order,
plus whatever the file states about itself. A file that cannot be read raises UnreadableDocumentError
with one sentence naming the file and the problem, never a parsing library's traceback.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from corpus.source import SourceText


class UnreadableDocumentError(ValueError):
    """A file that is not a readable document of the format its name claims."""


# A policy document is a few megabytes at most; anything far larger is not one and would only cost memory.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024

PDF = "a PDF"
ZIP = "a ZIP archive such as a .docx"
OLE = "an old .doc or a password-protected Word file"
HTML = "an HTML page"
BINARY = "binary data"
TEXT = "text"


@dataclass(frozen=True)
class Format:
    reader: str  # the module of corpus.readers that reads it, as read_<module>(data)
    name: str  # as a message names it: "a PDF"
    holds: frozenset[str]  # what describe() may find in a genuine file of this format

    def read(self, data: bytes) -> SourceText:
        # Imported when a file of the format is first read: a library of text files never loads the
        # PDF, Word and HTML parsing libraries, and the service starts sooner.
        module = importlib.import_module(f"corpus.readers.{self.reader}")
        return getattr(module, f"read_{self.reader}")(data)


FORMATS = {
    ".txt": Format("text", "a text file", frozenset({TEXT})),
    ".docx": Format("word", "a Word .docx file", frozenset({ZIP})),
    ".pdf": Format("pdf", "a PDF", frozenset({PDF})),
    # an HTML fragment without <html> or <body> looks like text
    ".html": Format("html", "an HTML page", frozenset({HTML, TEXT})),
    ".htm": Format("html", "an HTML page", frozenset({HTML, TEXT})),
}


def read_source(path: Path) -> SourceText:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableDocumentError(f"{path.name}: cannot open the file ({error.strerror})") from None
    return read_bytes(data, path.name)


def read_bytes(data: bytes, filename: str) -> SourceText:
    suffix = Path(filename).suffix.lower()
    document_format = FORMATS.get(suffix)
    if document_format is None:
        kind = f"a {suffix} file" if suffix else "a file without a suffix"
        raise UnreadableDocumentError(f"{filename}: {kind} is not a supported document; add a .txt, .docx, .pdf or .html file")
    if not data.strip():
        raise UnreadableDocumentError(f"{filename}: the file is empty")
    if len(data) > MAX_DOCUMENT_BYTES:
        limit = MAX_DOCUMENT_BYTES // 2**20
        raise UnreadableDocumentError(f"{filename}: over {limit} MB, too large for a policy document")
    content = describe(data)
    if content not in document_format.holds:
        raise UnreadableDocumentError(f"{filename}: not {document_format.name} (the file holds {content})")
    try:
        return document_format.read(data)
    except UnreadableDocumentError as error:
        raise UnreadableDocumentError(f"{filename}: {error}") from None


def describe(data: bytes) -> str:
    """What a file's first bytes show it to be, for the message about a file named for another format."""
    head = data[:1024]
    if b"%PDF-" in head:  # the header may follow a few bytes of junk
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return ZIP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    lowered = head.lower()
    if b"<html" in lowered or b"<body" in lowered or b"<!doctype html" in lowered:
        return HTML
    if b"\x00" in head:
        return BINARY
    return TEXT
