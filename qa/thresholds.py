"""A number a department's count of measures is asked against: "是不是超过50项", "at least five"."""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from corpus.numerals import NUMERAL_CHARS, parse_chinese_number


class Comparison(str, Enum):
    MORE = "more"
    AT_LEAST = "at_least"
    FEWER = "fewer"
    AT_MOST = "at_most"


@dataclass(frozen=True)
class CountThreshold:
    comparison: Comparison
    number: int

    def holds(self, count: int) -> bool:
        return {
            Comparison.MORE: count > self.number,
            Comparison.AT_LEAST: count >= self.number,
            Comparison.FEWER: count < self.number,
            Comparison.AT_MOST: count <= self.number,
        }[self.comparison]


# the longer words first: 不超过 before 超过, 不少于 before 少于
COMPARISON_WORDS = {
    **dict.fromkeys(("不超过", "不多于", "至多", "最多", "no more than", "not more than", "at most"), Comparison.AT_MOST),
    **dict.fromkeys(("不少于", "不低于", "至少", "起码", "no fewer than", "no less than", "not fewer than", "at least"), Comparison.AT_LEAST),
    **dict.fromkeys(("超过", "多于", "大于", "高于", "多过", "more than", "over", "above"), Comparison.MORE),
    **dict.fromkeys(("少于", "不到", "低于", "不足", "小于", "fewer than", "less than", "under", "below"), Comparison.FEWER),
}
_ENGLISH_NUMBERS = {word: value for value, word in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
_WORDS = "|".join(sorted(map(re.escape, COMPARISON_WORDS), key=len, reverse=True))
# a number after the comparison (a role word may stand between: 至少牵头3项), then what is counted: 项, 条,
# measures (else "超过" is about anything)
THRESHOLD = re.compile(
    rf"(?<![a-z])({_WORDS})\s*(?:牵头|参与|配合|负责)?了?\s*(\d+|[{NUMERAL_CHARS}]+|{'|'.join(_ENGLISH_NUMBERS)})\s*(?:项|条|个|件|(?:measures|tasks|items|articles)\b)",
    re.IGNORECASE,
)


def find_threshold(text: str) -> tuple[CountThreshold, tuple[int, int]] | None:
    """The threshold a question asks a count against, with where it stands; None where there is none."""
    match = THRESHOLD.search(text)
    if match is None:
        return None
    written = match.group(2).lower()
    number = int(written) if written.isdigit() else _ENGLISH_NUMBERS.get(written)
    if number is None:
        number = parse_chinese_number(written)
    return CountThreshold(COMPARISON_WORDS[match.group(1).lower()], number), match.span()
