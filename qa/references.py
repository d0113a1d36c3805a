"""Exact references in a question: measure numbers (one, a list or a range), parts, subsections,
line or page numbers, and "the second one" in a follow-up. Each is cut out of the text it was found in."""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.numerals import NUMERAL_CHARS, parse_chinese_number

NUMBER = rf"(?:\d+|[{NUMERAL_CHARS}]+)"
# A Chinese numeral straight after 措施 is a number only where it ends there: 措施一共, 措施十分 are words.
# It may be followed by what follows a reference (措施七由谁牵头, 措施三的内容, 措施五和六), or by no Chinese at all.
REFERENCE_FOLLOWERS = "条项号款的是说讲写由呢吗和及与跟至到、中里有都内规谁"
ENDING_NUMBER = rf"(?:\d+|[{NUMERAL_CHARS}]+(?=[^\u4e00-\u9fff]|$|[{REFERENCE_FOLLOWERS}]))"
# 12条 without its 第, standing where a question about one measure puts it: "12条是什么内容", "请问12条讲了啥"
ABOUT_A_MEASURE = r"(?:是什么|是啥|说了?什么|说了?啥|讲了?什么|讲了?啥|讲的|说的|写的|写了|的?内容|规定了?什么|是谁|由谁|谁负责|谁牵头|哪个部门|呢)"
ENGLISH_REFERENCE_WORDS = r"measures?|tasks?|items?|articles?|points?|clauses?|provisions?"
RANGE_WORDS = r"(?:-|–|—|~|～|至|到|to|through|thru)"
LIST_WORDS = r"(?:、|，|,|和|及|与|跟|以及|and|&|,\s*and)"
_SEPARATOR = rf"\s*(?:{RANGE_WORDS}|{LIST_WORDS})\s*"

MEASURE_PATTERNS = (
    # 第12条, 第12、13条, 第12条和第13条, 第一百零五条, 第30至35条
    re.compile(rf"第\s*{NUMBER}(?:\s*(?:条|项|个措施|款))?(?:{_SEPARATOR}(?:第\s*)?{NUMBER})*\s*(?:条|项|号|个措施|款)"),
    # 措施76, 措施12、13
    re.compile(rf"(?:措施|举措)\s*(?:第\s*)?{ENDING_NUMBER}(?:{_SEPARATOR}{ENDING_NUMBER})*(?![\d{NUMERAL_CHARS}]*(?:部分|项措施|条措施))"),
    # 12条是什么内容, 12、13条讲什么
    re.compile(rf"(?<![\d.第])\d+(?:{_SEPARATOR}\d+)*\s*[条项](?=\s*{ABOUT_A_MEASURE})"),
    # measure 76, measures 30 and 31, and 40, No. 5, item #7, articles 12-15, task 3, point 12
    re.compile(
        rf"(?<![a-z])(?:{ENGLISH_REFERENCE_WORDS}|nos?\.|numbers?|#)\s*(?:no\.?\s*|number\s*|#\s*)?\d+"
        rf"(?:{_SEPARATOR}(?:(?:{ENGLISH_REFERENCE_WORDS})\s*|no\.?\s*|#\s*)?\d+)*",
        re.IGNORECASE,
    ),
)
# Tasks numbered under their group, as task-division tables do (2.3, 4.1.2): 第4.3项, 任务2.3, task 2.3
DOTTED_NUMBER = re.compile(r"\d+(?:\.\d+)+")
TASK_PATTERNS = (
    re.compile(r"第\s*\d+(?:\.\d+)+\s*(?:条|项|号|个任务)?|(?:任务|措施|事项|序号)\s*(?:第\s*)?\d+(?:\.\d+)+"),
    re.compile(
        r"(?<![a-z])(?:tasks?|measures?|items?|articles?|nos?\.|numbers?|#)\s*(?:no\.?\s*|#\s*)?\d+(?:\.\d+)+"
        rf"(?:{_SEPARATOR}(?:tasks?\s*|items?\s*)?\d+(?:\.\d+)+)*",
        re.IGNORECASE,
    ),
)
# A task numbered under its part and subsection, as documents whose numbering restarts under each
# heading print it ("二（三）2", "二、（一）1"): its reference is the headings' numbers and its own
HEADED_TASK = re.compile(
    rf"(?<![{NUMERAL_CHARS}\d])([{NUMERAL_CHARS}]+)\s*[、.．]?\s*[（(]\s*([{NUMERAL_CHARS}]+)\s*[)）]\s*(?:第\s*)?(\d+)(?![\d.])\s*(?:条|项|款)?"
)
PART_PATTERNS = (
    re.compile(rf"第\s*{NUMBER}\s*(?:部分|大部分|章)"),
    re.compile(r"(?<![a-z])part\s+(?:\d+|[ivxlc]+)\b", re.IGNORECASE),
)
SUBSECTION_PATTERNS = (
    re.compile(rf"[（(]\s*[{NUMERAL_CHARS}]+\s*[）)]"),
    re.compile(rf"第\s*{NUMBER}\s*(?:小节|节|小项)"),
    re.compile(r"(?<![a-z])(?:subsection|section)\s+\d+\b", re.IGNORECASE),
)
# The documents number their measures, not their lines or pages: such a reference cannot be answered.
LINE_PATTERNS = (
    re.compile(rf"第\s*{NUMBER}\s*(?:行|页|段|句)"),
    # "line 2" alone may be a metro line: a line counts only where it is the document's
    re.compile(r"(?<![a-z])(?:page|paragraph)s?\s+\d+\b", re.IGNORECASE),
    # "which page mentions …": a page is the document's whatever follows (a line may be a metro line)
    re.compile(r"(?<![a-z])(?:which|what)\s+(?:page|paragraph)s?\b", re.IGNORECASE),
    re.compile(r"(?<![a-z])lines?\s+\d+\s+(?:of|in|on)\s+(?:the|this)\s+(?:document|text|file|policy|page)", re.IGNORECASE),
    re.compile(r"第几\s*(?:行|页|段)|哪一?(?:行|页)(?![业长])|页码|行号|段落号"),
    re.compile(r"(?<![a-z])(?:line|page|paragraph)\s+(?:numbers?|no)\b", re.IGNORECASE),
    re.compile(
        r"(?<![a-z])(?:which|what)\s+(?:line|page|paragraph)\s+"
        r"(?:(?:of|in|on)\s+(?:the|this)\s+(?:document|text|file|policy)|(?:does|is|do)\s+(?:measure|item|article|it))",
        re.IGNORECASE,
    ),
)
ORDINAL_PATTERNS = (
    re.compile(rf"^(?:那)?第\s*({NUMBER})\s*(?:条|个|项)呢"),
    re.compile(r"(?<![a-z])the (first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th) one\b", re.IGNORECASE),
    # "其中第一项说的是什么", "这些里面最后一条由谁配合", "the second of them": a place in the previous answer's list
    re.compile(rf"(?:其中|(?:这|那)(?:些|几)[条项个]?(?:里面?|中|当中)|上面|刚才)的?\s*(?:第\s*({NUMBER})|(最后)一?)\s*[条项个]"),
    re.compile(r"(?<![a-z])(?:the\s+)?(first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)\s+(?:one\s+)?of\s+(?:them|these|those)\b", re.IGNORECASE),
)
# "下一条呢", "and the one after it": the measure next to the previous answer's
STEP_PATTERNS = (
    (re.compile(r"(?:下一|后一|后面(?:一|那|的)|接下来(?:一|那|的)?|下)\s*(?:条|项|个)"), 1),
    (re.compile(r"(?:上一|前一|前面(?:一|那|的)|上)\s*(?:条|项|个)"), -1),
    (re.compile(r"(?<![a-z])(?:the\s+)?(?:next|following)\s+(?:one|measure|item|article)\b|(?<![a-z])the\s+one\s+after\b", re.IGNORECASE), 1),
    (re.compile(r"(?<![a-z])(?:the\s+)?previous\s+(?:one|measure|item|article)\b|(?<![a-z])the\s+one\s+before\b", re.IGNORECASE), -1),
)
# "最后一条是什么", "the last measure": the document's last task, whatever its number
LAST_MEASURE = -1
LAST_MEASURE_PATTERN = re.compile(r"最后(?:一)?\s*(?:条|项)(?:措施|任务)?|(?<![a-z])the\s+(?:last|final)\s+(?:measure|item|article|task)\b", re.IGNORECASE)
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "最后": -1}
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_NUMBER_OR_RANGE = re.compile(rf"(\d+|[{NUMERAL_CHARS}]+|[ivxlc]+\b)|({RANGE_WORDS})", re.IGNORECASE)
# English numbers spelled out after a reference word ("measure one hundred and five") or as an
# ordinal before one ("the fifth measure", "the 12th item"): read as the digits the patterns expect
ENGLISH_UNITS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
ENGLISH_TENS = {word: 10 * value for value, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
IRREGULAR_ORDINALS = {"first": "one", "second": "two", "third": "three", "fifth": "five", "eighth": "eight", "ninth": "nine", "twelfth": "twelve"}
_NUMBER_WORD = rf"(?:{'|'.join([*ENGLISH_UNITS, *ENGLISH_TENS, 'hundred'])})"
_SPELLED = rf"{_NUMBER_WORD}(?:(?:[\s-]+|(?<=hundred)\s+and\s+){_NUMBER_WORD})*"
_ORDINAL_WORD = rf"(?:{_SPELLED}[\s-]+)?(?:{'|'.join(IRREGULAR_ORDINALS)}|{_NUMBER_WORD}th|{'|'.join(w[:-1] for w in ENGLISH_TENS)}ieth)"
SPELLED_AFTER_REFERENCE = re.compile(rf"(?<![a-z])(?:{ENGLISH_REFERENCE_WORDS}|parts?|(?:sub)?sections?)\s+{_SPELLED}(?:{_SEPARATOR}{_SPELLED})*(?![a-z])", re.IGNORECASE)
_SPELLED_NUMBER = re.compile(rf"(?<![a-z]){_SPELLED}(?![a-z])", re.IGNORECASE)
ORDINAL_BEFORE_REFERENCE = re.compile(
    # only where the sentence goes on about that measure: "the first measure the NDRC leads" is the first of a list;
    # "the 12th one" outside a conversation (in one, "the second one" is a citation of the last answer)
    rf"(?<![a-z])the\s+(\d+(?:st|nd|rd|th)|{_ORDINAL_WORD})\s+({ENGLISH_REFERENCE_WORDS}|part|(?:sub)?section|one)"
    r"(?=\s*(?:[?.!,;]|$|(?:say|says|said|cover|covers|state|states|mean|means|about|(?:of|in)\s+(?:the|part|section)|is|was|does|do"
    r"|talks?|deals?|contains?|requires?|describes?|provides?)\b))",
    re.IGNORECASE,
)
MAX_RANGE = 50  # a wider "range" is more likely two separate numbers than 50 measures asked about at once


@dataclass(frozen=True)
class References:
    measures: tuple[int, ...] = ()  # LAST_MEASURE for the last one
    tasks: tuple[str, ...] = ()  # task numbers as printed where they are not whole numbers: 2.3
    parts: tuple[int, ...] = ()
    subsections: tuple[int, ...] = ()
    lines: bool = False  # a line, page or paragraph number was asked about
    ordinal: int | None = None  # "第二条呢": the n-th citation of the previous answer; -1 for the last
    step: int | None = None  # "下一条呢": +1 for the measure after the previous answer's, -1 for the one before
    rest: str = ""  # the text without the references


def number_value(text: str) -> int:
    lowered = text.lower()
    if lowered.isdigit():
        return int(lowered)
    if lowered.strip("ivxlc") == "":
        values = [ROMAN[c] for c in lowered]
        return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return parse_chinese_number(text)


def english_number(words: str) -> int:
    """The value of an English number below 1000 in words or as a digit ordinal: "one hundred and
    five" → 105, "twenty-first" → 21, "12th" → 12; raises ValueError for anything else."""
    lowered = words.lower()
    if digits := re.fullmatch(r"(\d+)(?:st|nd|rd|th)", lowered):
        return int(digits.group(1))
    tokens = [t for t in re.split(r"[\s-]+", lowered) if t and t != "and"]
    if tokens and tokens[-1] not in ENGLISH_UNITS and tokens[-1] not in ENGLISH_TENS and tokens[-1] != "hundred":
        last = tokens[-1]
        tokens[-1] = IRREGULAR_ORDINALS.get(last) or (last[:-4] + "y" if last.endswith("ieth") else last.removesuffix("th"))
    total = 0
    if len(tokens) >= 2 and tokens[1] == "hundred" and 0 < ENGLISH_UNITS.get(tokens[0], 0) < 10:
        total, tokens = 100 * ENGLISH_UNITS[tokens[0]], tokens[2:]
    if tokens and tokens[0] in ENGLISH_TENS:
        total, tokens = total + ENGLISH_TENS[tokens[0]], tokens[1:]
        if tokens and 0 < ENGLISH_UNITS.get(tokens[0], 0) < 10:
            total, tokens = total + ENGLISH_UNITS[tokens[0]], tokens[1:]
    elif tokens and tokens[0] in ENGLISH_UNITS:
        total, tokens = total + ENGLISH_UNITS[tokens[0]], tokens[1:]
    if tokens or not total:
        raise ValueError(f"not an English number: {words!r}")
    return total


def _digits_for_words(text: str) -> str:
    """`text` with spelled-out measure numbers in digits: "the fifth measure" → "measure 5"."""

    def number(match: re.Match[str]) -> str:
        try:
            return str(english_number(match.group()))
        except ValueError:
            return match.group()

    def spelled(match: re.Match[str]) -> str:
        return _SPELLED_NUMBER.sub(number, match.group())

    def ordinal(match: re.Match[str]) -> str:
        word = "measure" if match.group(2).lower() == "one" else match.group(2)
        try:
            return f"{word} {english_number(match.group(1))}"
        except ValueError:
            return match.group()

    return ORDINAL_BEFORE_REFERENCE.sub(ordinal, SPELLED_AFTER_REFERENCE.sub(spelled, text))


def _numbers_in(match_text: str) -> list[int]:
    """The numbers one reference names, ranges expanded: "12、13" → 12, 13; "30至32" → 30, 31, 32."""
    numbers: list[int] = []
    pending_range = False
    for number, range_word in _NUMBER_OR_RANGE.findall(match_text):
        if range_word:
            pending_range = bool(numbers)
            continue
        try:
            value = number_value(number)
        except ValueError:
            continue
        if pending_range and 0 < value - numbers[-1] <= MAX_RANGE:
            numbers.extend(range(numbers[-1] + 1, value + 1))
        else:
            numbers.append(value)
        pending_range = False
    return numbers


def _cut(patterns: tuple[re.Pattern[str], ...], text: str) -> tuple[list[int], str, bool]:
    found: list[int] = []
    matched = False
    for pattern in patterns:
        for match in pattern.finditer(text):
            matched = True
            found.extend(_numbers_in(match.group()))
        text = pattern.sub(" ", text)
    return list(dict.fromkeys(found)), text, matched


def _ordinal(text: str) -> int | None:
    for pattern in ORDINAL_PATTERNS:
        match = pattern.search(text.strip())
        if match:
            word = next(group for group in match.groups() if group)
            return ORDINAL_WORDS[word.lower()] if word.lower() in ORDINAL_WORDS else number_value(word)
    return None


def _step(text: str) -> int | None:
    return next((step for pattern, step in STEP_PATTERNS if pattern.search(text)), None)


def find_references(text: str, in_conversation: bool) -> References:
    ordinal = _ordinal(text) if in_conversation else None
    if ordinal is not None:
        return References(ordinal=ordinal, rest="")
    step = _step(text) if in_conversation else None
    if step is not None:
        return References(step=step, rest="")
    _, rest, lines = _cut(LINE_PATTERNS, _digits_for_words(text))
    tasks, rest = _cut_tasks(rest)
    measures, rest, _ = _cut(MEASURE_PATTERNS, rest)
    if LAST_MEASURE_PATTERN.search(rest):
        measures.append(LAST_MEASURE)
        rest = LAST_MEASURE_PATTERN.sub(" ", rest)
    parts, rest, _ = _cut(PART_PATTERNS, rest)
    subsections, rest, _ = _cut(SUBSECTION_PATTERNS, rest)
    return References(tuple(measures), tuple(tasks), tuple(parts), tuple(subsections), lines, rest=rest)


def _cut_tasks(text: str) -> tuple[list[str], str]:
    found = [".".join(match.groups()) for match in HEADED_TASK.finditer(text)]
    text = HEADED_TASK.sub(" ", text)
    for pattern in TASK_PATTERNS:
        for match in pattern.finditer(text):
            found.extend(DOTTED_NUMBER.findall(match.group()))
        text = pattern.sub(" ", text)
    return list(dict.fromkeys(found)), text
