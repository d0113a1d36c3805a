"""Render an Answer as chat text: a WeChat passive reply (size-capped) or markdown for the OpenAI endpoint."""
from __future__ import annotations

import functools
import re

from corpus.departments import DepartmentRegistry
from qa.answer import Answer, Citation

# WeChat caps a text reply at 2048 bytes of UTF-8; the default limit keeps a margin below it.
CHAT_LIMIT_BYTES = 2000
QUOTE_CHARS = 40
ELLIPSIS = "…"
BULLETS = ("·", "•", "- ")

_DEPARTMENT_NOTE = re.compile(r"（[^（）]*负责[^（）]*）\s*$")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@functools.cache
def _registry() -> DepartmentRegistry:
    return DepartmentRegistry.load()


def _short_quote(citation: Citation) -> str:
    body = _DEPARTMENT_NOTE.sub("", citation.text).strip()
    if len(body) <= QUOTE_CHARS:
        return body
    return body[:QUOTE_CHARS].rstrip("，、；：。,;: ") + ELLIPSIS


def _label(citation: Citation, language: str) -> str:
    if citation.measure is not None:
        return f"No. {citation.measure}" if language == "en" else f"第{citation.measure}条"
    return citation.subsection or citation.part or citation.document


def _lead(citation: Citation, language: str) -> str | None:
    lead = citation.lead_department
    if lead is None:
        return None
    if language == "zh":
        return f"牵头：{lead}"
    department = _registry().get(lead)
    return f"Lead: {department.english} ({lead})" if department else f"Lead: {lead}"


def citation_line(citation: Citation, language: str) -> str:
    """第91条｜牵头：省国开行｜积极争取… or No. 91 | Lead: China Development Bank Jilin Branch (省国开行) | …"""
    separator = " | " if language == "en" else "｜"
    parts = (_label(citation, language), _lead(citation, language), _short_quote(citation))
    return separator.join(part for part in parts if part)


def lead_in(text: str) -> str:
    """The answer's first paragraph without its per-measure bullets, which the citation lines restate."""
    paragraph = _PARAGRAPH_BREAK.split(text.strip(), maxsplit=1)[0]
    kept: list[str] = []
    for line in paragraph.splitlines():
        if line.lstrip().startswith(BULLETS):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def _utf8_len(text: str) -> int:
    return len(text.encode())


def _cut_to_bytes(text: str, limit: int) -> str:
    return text.encode()[: max(limit, 0)].decode(errors="ignore")


def format_for_chat(answer: Answer, public_url: str, limit_bytes: int = CHAT_LIMIT_BYTES) -> str:
    """Plain text within limit_bytes; cut with "…" and, when public_url is set, a pointer to the web page."""
    head = lead_in(answer.answer)
    lines = [citation_line(citation, answer.language) for citation in answer.citations]
    full = "\n\n".join(part for part in (head, "\n".join(lines)) if part)
    if _utf8_len(full) <= limit_bytes:
        return full

    pointer = ""
    if public_url:
        pointer = f"More: {public_url}" if answer.language == "en" else f"更多内容请访问：{public_url}"
    tail = "\n".join(part for part in (ELLIPSIS, pointer) if part)
    budget = limit_bytes - _utf8_len(tail) - 1  # the newline before the tail
    if _utf8_len(head) > budget:
        cut = _cut_to_bytes(head, limit_bytes - _utf8_len(ELLIPSIS) - (_utf8_len(pointer) + 1 if pointer else 0))
        return "\n".join(part for part in (cut + ELLIPSIS, pointer) if part)
    kept = head + "\n" if head else ""
    for line in lines:
        candidate = f"{kept}\n{line}" if kept else line
        if _utf8_len(candidate) > budget:
            break
        kept = candidate
    return f"{kept.rstrip()}\n{tail}" if kept else tail


def _markdown_lines(text: str) -> list[str]:
    """The answer with its "·" bullets as a markdown list; a blank line before the list keeps it a list."""
    lines: list[str] = []
    for line in text.strip().splitlines():
        stripped = line.lstrip()
        bullet = next((b for b in BULLETS if stripped.startswith(b)), None)
        if bullet is None:
            lines.append(line)
            continue
        if lines and not lines[-1].startswith("- ") and lines[-1].strip():
            lines.append("")
        lines.append("- " + stripped[len(bullet):].lstrip())
    return lines


def format_plain_markdown(answer: Answer) -> str:
    """The whole answer followed by its citations, one line each."""
    text = _markdown_lines(answer.answer)
    if not answer.citations:
        return "\n".join(text)
    heading = "**Sources**" if answer.language == "en" else "**依据**"
    items = [f"- {citation_line(citation, answer.language)}" for citation in answer.citations]
    return "\n".join([*text, "", heading, *items])
