"""A document as its reader hands it to the parser: blocks of text and tables in reading order.

Every format (.txt, .docx, .pdf, .html) is read into this one shape, so the layout parser never
needs to know where a document came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int  # 1-based position in the source: a text line, a Word paragraph, a PDF line


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]  # the header row first, cells as plain text
    line: int


Block = Paragraph | Table


@dataclass(frozen=True)
class SourceMetadata:
    """What the file states about itself outside the text (a page's metadata block, Word's properties)."""

    title: str = ""
    doc_number: str = ""  # 文号, e.g. 国发〔2014〕28号
    issuer: str = ""  # 发文机关
    date: str = ""  # 成文日期, as written (2014年11月20日)


@dataclass(frozen=True)
class SourceText:
    blocks: tuple[Block, ...]
    format: str  # txt, docx, pdf or html
    metadata: SourceMetadata = field(default_factory=SourceMetadata)

    @classmethod
    def from_text(cls, text: str, format: str = "txt", metadata: SourceMetadata | None = None) -> SourceText:
        """Each non-blank line a paragraph, numbered by its line in the text."""
        blocks = tuple(
            Paragraph(line.strip(" \t\u3000\ufeff"), number)
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip(" \t\u3000\ufeff")
        )
        return cls(blocks, format, metadata or SourceMetadata())

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [block for block in self.blocks if isinstance(block, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]
