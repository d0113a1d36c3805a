"""Numbering markers of Chinese policy documents and the levels they form.

Documents number their structure in a customary order, outermost first: the 章、节、条 of
regulations, then the 公文 sequence 一、 （一） 1. （1）, with dotted numbers (2.3, 2.3.1) and
circled ones (①) in between or below. A document uses some of these styles; the ones it uses, in
this order, are its levels.

Markers and keywords are matched on a normalized copy of the text (simplified characters, ASCII
digits) of the same length, so every match slices the text as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from opencc import OpenCC

from corpus.numerals import CIRCLED, NUMERAL_CHARS, parse_ordinal, spell_like

_TO_SIMPLIFIED = OpenCC("t2s")
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@lru_cache(maxsize=8192)
def normalized(text: str) -> str:
    """Simplified characters and ASCII digits, position for position with text."""
    converted = _TO_SIMPLIFIED.convert(text)
    if len(converted) != len(text):
        # a phrase conversion changed the length; character by character keeps positions aligned
        converted = "".join(_TO_SIMPLIFIED.convert(char) for char in text)
    return converted.translate(_ASCII_DIGITS)


_CHINESE = f"[{NUMERAL_CHARS}]+"
_ORDINAL = rf"{_CHINESE}|\d+"
# a number directly followed by one of these is a quantity (1.5万亩), not a marker
_NOT_AFTER_NUMBER = r"(?![\d万亿千百元%％倍个])"


@dataclass(frozen=True)
class Style:
    name: str
    pattern: re.Pattern[str]  # groups: head (the marker), number (as cited), value (its ordinal), rest


def _style(name: str, head: str) -> Style:
    return Style(name, re.compile(rf"^(?P<head>{head})\s*(?P<rest>.*)$", re.DOTALL))


STYLES: tuple[Style, ...] = (
    _style("chapter", rf"(?P<number>第(?P<value>{_ORDINAL})章)"),
    _style("section", rf"(?P<number>第(?P<value>{_ORDINAL})节)"),
    _style("article", rf"(?P<number>第(?P<value>{_ORDINAL})条)"),
    _style("chinese", rf"(?P<number>(?P<value>{_CHINESE}))[、.．]"),
    _style("chinese-parenthesized", rf"[（(](?P<number>(?P<value>{_CHINESE}))[）)]"),
    _style("arabic", r"(?P<number>(?P<value>\d+))[.．、](?!\d)"),
    _style("dotted", rf"(?P<number>\d+[.．](?P<value>\d+))(?![.．]?\d)[.．、]?{_NOT_AFTER_NUMBER}"),
    _style("dotted-deep", rf"(?P<number>\d+[.．]\d+[.．](?P<value>\d+))(?![.．]?\d)[.．、]?{_NOT_AFTER_NUMBER}"),
    _style("arabic-parenthesized", r"[（(](?P<number>(?P<value>\d+))[）)]"),
    _style("arabic-half-parenthesized", r"(?P<number>(?P<value>\d+))[）)]"),
    _style("circled", rf"(?P<number>(?P<value>[{CIRCLED}]))"),
)
ARTICLE = "article"


@dataclass(frozen=True)
class Marker:
    """The numbering at the start of a paragraph, sliced from the text as written."""

    style: str
    head: str  # the marker as printed: （三）, 91., 第十二條
    number: str  # the number a reader cites: 三, 91, 第十二條, 2.3
    ordinal: int  # its place in the count at its level
    rest: str  # the paragraph after the marker
    value_span: tuple[int, int]  # where the ordinal is printed within head

    def with_ordinal(self, ordinal: int) -> str:
        """This marker printed with another ordinal, in the same notation: （三） → （四）."""
        start, end = self.value_span
        return self.head[:start] + spell_like(ordinal, self.head[start:end]) + self.head[end:]


def find_marker(text: str) -> Marker | None:
    matching = normalized(text)
    for style in STYLES:
        if match := style.pattern.match(matching):
            head_start = match.start("head")
            return Marker(
                style=style.name,
                head=text[head_start : match.end("head")],
                number=text[match.start("number") : match.end("number")],
                ordinal=parse_ordinal(match.group("value")),
                rest=text[match.start("rest") :],
                value_span=(match.start("value") - head_start, match.end("value") - head_start),
            )
    return None


def levels(styles: set[str]) -> dict[str, int]:
    """The depth of each style a document uses (0 the outermost), in the customary order."""
    used = [style.name for style in STYLES if style.name in styles]
    return {name: depth for depth, name in enumerate(used)}


class NumberingCheck:
    """Follows the count at each level and says where it breaks.

    An item continues the count of its level under the same parent, or under a new parent either
    restarts at 1 or carries on from the previous parent's last number (documents that number
    their measures through the whole text do that).
    """

    def __init__(self) -> None:
        self._last: dict[int, tuple[object, int]] = {}

    def follow(self, marker: Marker, level: int, parent: object) -> str | None:
        """A description of the break this item makes, or None when it is in order."""
        previous = self._last.get(level)
        self._last[level] = (parent, marker.ordinal)
        if previous is None:
            expected = [1]
        elif previous[0] == parent:
            expected = [previous[1] + 1]
        else:
            expected = [1, previous[1] + 1]
        if marker.ordinal in expected:
            return None
        return f"{marker.head} out of order (expected {' or '.join(marker.with_ordinal(n) for n in expected)})"
