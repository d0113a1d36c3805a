"""An Answer as plain text: the direct answer, then one compact line per citation.

Shared by `qa ask` and the chat channels, which render the Answer's data rather than re-parse its prose.
"""
from __future__ import annotations

from qa.answer import Answer, Citation

QUOTE_CHARS = 40
ELLIPSIS = "…"


def _short_quote(citation: Citation) -> str:
    body = citation.body.strip()
    if len(body) <= QUOTE_CHARS:
        return body
    return body[:QUOTE_CHARS].rstrip("，、；：。,;: ") + ELLIPSIS


def _lead(citation: Citation, language: str) -> str | None:
    lead = citation.lead_department
    if lead is None:
        return None
    if language == "zh":
        return f"牵头：{lead}"
    return f"Lead: {citation.lead_department_en} ({lead})" if citation.lead_department_en else f"Lead: {lead}"


def citation_line(citation: Citation, language: str) -> str:
    """第91条｜牵头：省国开行｜积极争取… or No. 91 | Lead: China Development Bank Jilin Branch (省国开行) | …"""
    separator = " | " if language == "en" else "｜"
    parts = (citation.label, _lead(citation, language), _short_quote(citation))
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
