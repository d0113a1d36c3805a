"""Render an Answer as chat text: a WeChat passive reply (size-capped) or markdown for the OpenAI endpoint.

Both open with the Answer's direct sentence and list its citations, one compact line each; they render
the Answer's data and never re-parse its prose.
"""
from __future__ import annotations

from qa.answer import Answer
from qa.render_text import ELLIPSIS, citation_lines, headline, render_text

# WeChat caps a text reply at 2048 bytes of UTF-8; the default limit keeps a margin below it.
CHAT_LIMIT_BYTES = 2000


def _utf8_len(text: str) -> int:
    return len(text.encode())


def _cut_to_bytes(text: str, limit: int) -> str:
    return text.encode()[: max(limit, 0)].decode(errors="ignore")


def format_for_chat(answer: Answer, public_url: str, limit_bytes: int = CHAT_LIMIT_BYTES) -> str:
    """The direct answer, a blank line and one line per citation, within limit_bytes; cut with "…" and,
    when public_url is set, a pointer to the web page."""
    full = render_text(answer)
    if _utf8_len(full) <= limit_bytes:
        return full

    head = headline(answer)
    pointer = ""
    if public_url:
        pointer = f"More: {public_url}" if answer.language == "en" else f"更多内容请访问：{public_url}"
    tail = "\n".join(part for part in (ELLIPSIS, pointer) if part)
    budget = limit_bytes - _utf8_len(tail) - 1  # the newline before the tail
    if _utf8_len(head) > budget:
        cut = _cut_to_bytes(head, limit_bytes - _utf8_len(ELLIPSIS) - (_utf8_len(pointer) + 1 if pointer else 0))
        return "\n".join(part for part in (cut + ELLIPSIS, pointer) if part)
    kept = head + "\n" if head else ""
    for line in citation_lines(answer):
        candidate = f"{kept}\n{line}" if kept else line
        if _utf8_len(candidate) > budget:
            break
        kept = candidate
    return f"{kept.rstrip()}\n{tail}" if kept else tail


def format_plain_markdown(answer: Answer) -> str:
    """The direct answer, then its citations under a bold heading as a markdown list."""
    head = headline(answer)
    if not answer.citations:
        return head
    heading = "**Sources**" if answer.language == "en" else "**依据**"
    items = [f"- {line}" for line in citation_lines(answer)]
    lines = [head, ""] if head else []  # the blank line keeps markdown from folding the heading into the answer
    return "\n".join([*lines, heading, *items])
