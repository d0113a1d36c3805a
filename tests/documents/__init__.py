"""Three invented policy documents, each stated once as data and written out as .txt, .docx, .pdf and .html.

- changchun_renovation: a city plan, 一、/（一）/1., responsibilities in a closing parenthesis;
- liaoning_enterprises: a provincial notice in traditional characters, 第一章/第一條, responsibilities on a
  line of their own;
- jilin_trade_tasks: a department's notice with a task-division table as its attachment.

Each module holds DOCUMENT (tests.documents.model.PolicyDocument) and EXPECTED, what a parser should read
from it in any format (tests.documents.model.ExpectedParse). The files are written by the tests into a
temporary folder; none is committed.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.documents import changchun_renovation, jilin_trade_tasks, liaoning_enterprises
from tests.documents.model import PolicyDocument
from tests.documents.write_docx import write_docx
from tests.documents.write_html import write_html
from tests.documents.write_pdf import write_pdf
from tests.documents.write_txt import write_txt

DOCUMENTS: dict[str, PolicyDocument] = {
    module.DOCUMENT.name: module.DOCUMENT for module in (changchun_renovation, liaoning_enterprises, jilin_trade_tasks)
}
WRITERS: dict[str, Callable[[PolicyDocument, Path], None]] = {
    "txt": write_txt,
    "docx": write_docx,
    "pdf": write_pdf,
    "html": write_html,
}
FORMATS = tuple(WRITERS)


def write_document(document: PolicyDocument, folder: Path, format: str) -> Path:
    path = folder / f"{document.name}.{format}"
    WRITERS[format](document, path)
    return path


def write_all(folder: Path) -> dict[str, dict[str, Path]]:
    """Every document in every format: document name -> format -> path."""
    return {name: {format: write_document(document, folder, format) for format in FORMATS} for name, document in DOCUMENTS.items()}
