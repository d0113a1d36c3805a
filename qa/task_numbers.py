"""How task numbers read in an answer: 第91、93条 or 二（一）1 in Chinese, measures 91 and 93 or 2.1.1 in English.

Shared by the composer (which numbers passages) and the text channels (which number citations)."""
from __future__ import annotations

import re
from collections.abc import Sequence

from corpus.numerals import parse_chinese_number

PLAIN_NUMBER = re.compile(r"[\d.]+|[一二三四五六七八九十百零〇两]+")
CHINESE_NUMBER = re.compile(r"[一二三四五六七八九十百零〇两]+")


def display_number(printed: str, measure: int | None, language: str) -> str:
    """`printed` is the task's number as printed (91, 2.3, 第十二条) or, where numbering restarts
    under each heading, its reference (二.一.1): the headings' numbers come first, 二（一）1 in
    Chinese and 2.1.1 in English. English gives 第十二条 as 12."""
    if not printed:
        return str(measure) if measure is not None else ""
    parts = printed.split(".")
    if len(parts) > 1 and any(CHINESE_NUMBER.fullmatch(p) for p in parts):
        if language == "en":
            return ".".join(str(parse_chinese_number(p)) if CHINESE_NUMBER.fullmatch(p) else p for p in parts)
        return parts[0] + "".join(f"（{p}）" for p in parts[1:-1]) + parts[-1]
    if language == "en" and measure is not None and not PLAIN_NUMBER.fullmatch(printed):
        return str(measure)
    return printed


def numbers_phrase(numbers: Sequence[str], language: str) -> str:
    """第91、93条 / measures 91 and 93; a number printed with its own 第…条, or under its headings, stays as it is."""
    if language == "zh":
        if all(re.fullmatch(r"\d+", n) or CHINESE_NUMBER.fullmatch(n) for n in numbers):
            return f"第{'、'.join(numbers)}条"
        return "、".join(f"第{n}条" if re.fullmatch(r"[\d.]+", n) and "." not in n else n for n in numbers)
    words = list(numbers)
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"measure{'s' if len(words) > 1 else ''} {listed}"
