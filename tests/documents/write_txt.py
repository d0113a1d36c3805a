"""The .txt: a paragraph a line, indented with full-width spaces as government downloads are, tables tab-separated."""
from __future__ import annotations

from pathlib import Path

from tests.documents.model import PolicyDocument, Printed, printed

INDENT = "\u3000\u3000"
FLUSH_ROLES = {"title", "doc_number", "addressee", "signature", "date", "annex_label", "annex_title"}


def write_txt(document: PolicyDocument, path: Path) -> None:
    lines = []
    for block in printed(document):
        if isinstance(block, Printed):
            lines += [block.text if block.role in FLUSH_ROLES else INDENT + block.text, ""]
        else:
            lines += ["\t".join(cells) for cells in block.cells]
            lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
