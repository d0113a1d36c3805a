"""An Answer as plain text: the direct answer, then one compact line per citation.

Shared by `qa ask` and the chat channels, which render the Answer's data rather than re-parse its prose.
"""
from __future__ import annotations

import functools
import re

from corpus.departments import DepartmentRegistry
from qa.answer import Answer, Citation

QUOTE_CHARS = 40
ELLIPSIS = "…"

_DEPARTMENT_NOTE = re.compile(r"（[^（）]*负责[^（）]*）\s*$")


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


def headline(answer: Answer) -> str:
    """What a reply opens with: the direct answer, or for an abstention the whole explanation,
    which adds what the library covers and what can be asked."""
    return (answer.answer if answer.abstained else answer.direct).strip()


def citation_lines(answer: Answer) -> list[str]:
    return [citation_line(citation, answer.language) for citation in answer.citations]


def render_text(answer: Answer) -> str:
    """The headline, a blank line, then one line per citation."""
    return "\n\n".join(part for part in (headline(answer), "\n".join(citation_lines(answer))) if part)
