"""Bodies a question names that no document of the library names: 外交部, 国家铁路局, the Ministry of
Foreign Affairs. Known departments are blanked out of the text before it is read here, so what is found
is a name by its shape alone: a word ending in a body word (部, 厅, 局, 署, 委员会, 办公室) or an English
name built on one (Ministry of …, … Bureau). A yes/no question about such a body is answered no, with
who holds the role; a question for its measures is declined, naming it."""
from __future__ import annotations

import re
from collections.abc import Callable

from corpus.jurisdiction import LEVEL_WORDS, NATIONAL_MARKERS, PROVINCES

# 委 and 办 end too many ordinary words (党委, 怎么办) to name a body when bare; their long forms do not
CHINESE_BODY_WORDS = ("委员会", "办公室", "总局", "总署", "局", "厅", "部", "署")
# the stem before the body word ends with a direction or a part in 东北部, 中西部, 全局, 内部
NOT_A_STEM_END = frozenset("东西南北中内外上下前后左右全总大格布结开当干餐客展舞歌门")
# body words too general to name a body without the word before them: 邮政 + 管理局, 国家 + 委员会
GENERAL_STEMS = frozenset({"", "管理", "监督管理", "监管", "委员", "办事", "分", "支"})
PREFIXES = frozenset({*NATIONAL_MARKERS, *LEVEL_WORDS, "中国", *PROVINCES, *(full for full, _ in PROVINCES.values())})
MAX_CHINESE_NAME = 12
QUESTION_CHARS = frozenset("哪谁啥")  # 哪个厅 asks which body, and names none

BODY = r"(?:Ministry|Department|Bureau|Administration|Commission|Office|Agency|Committee|Authority|Council)"
NAME_WORD = r"[A-Z][\w'’&-]*"
# "State Taxation Administration", "Ministry of Foreign Affairs", "General Administration of Customs"
ENGLISH_NAME = re.compile(
    rf"(?:\b{NAME_WORD}\s+(?:(?:and|of|for|&)\s+)?){{0,5}}\b{BODY}\b"
    rf"(?:\s+(?:of|for)\s+(?:the\s+)?{NAME_WORD}(?:\s+(?:and\s+|of\s+|for\s+|&\s+)?{NAME_WORD})*)?"
)
# capitalised words that open a sentence, and words that qualify any body rather than name one
SENTENCE_WORDS = frozenset(
    {
        "which", "what", "who", "whose", "does", "do", "did", "is", "are", "was", "how", "tell", "list", "show",
        "please", "the", "a", "an", "any", "each", "every", "this", "that", "these", "those", "and", "or", "if",
        "in", "for", "of", "by", "under", "can", "could", "would", "should", "has", "have", "measure", "measures",
    }
)
QUALIFYING_WORDS = frozenset(
    {
        "lead", "leading", "responsible", "relevant", "other", "provincial", "jilin", "state", "national",
        "municipal", "city", "county", "local", "government", "main", "supporting", "participating", "competent", "same",
    }
)
GENERIC_ENGLISH = SENTENCE_WORDS | QUALIFYING_WORDS


def unlisted_bodies(text: str, word_spans: Callable[[str], list[tuple[int, int]]]) -> tuple[tuple[int, int], ...]:
    """Where the names of bodies stand in `text` (known departments already blanked out), in order."""
    found = [*_chinese_names(text, word_spans), *english_body_names(text)]
    return tuple(sorted(found))


def _chinese_names(text: str, word_spans: Callable[[str], list[tuple[int, int]]]) -> list[tuple[int, int]]:
    if not any(body in text for body in CHINESE_BODY_WORDS):
        return []  # most questions: no word to segment for
    words = [(start, end) for start, end in word_spans(text) if not text[start:end].isspace()]
    found = []
    for i, (start, end) in enumerate(words):
        word = text[start:end]
        body = next((b for b in CHINESE_BODY_WORDS if word.endswith(b)), None)
        if body is None:
            continue
        stem = word[: -len(body)]
        j = i
        if stem in GENERAL_STEMS:
            # 邮政管理局: the word before names what the body manages
            if j == 0 or words[j - 1][1] != start or not _is_chinese(text[words[j - 1][0] : words[j - 1][1]]):
                continue
            j -= 1
            stem = text[words[j][0] : words[j][1]] + stem
        if len(stem) < 2 or stem[-1] in NOT_A_STEM_END or not _is_chinese(stem) or QUESTION_CHARS & set(stem):
            continue
        while j > 0 and words[j - 1][1] == words[j][0] and text[words[j - 1][0] : words[j - 1][1]] in PREFIXES:
            j -= 1
        if end - words[j][0] <= MAX_CHINESE_NAME:
            found.append((words[j][0], end))
    return found


def english_body_names(text: str) -> list[tuple[int, int]]:
    """Where English names of bodies stand: "the Ministry of Foreign Affairs", "Chengdu Medical Security Bureau"."""
    found = []
    for match in ENGLISH_NAME.finditer(text):
        words = re.findall(r"[\w'’&-]+", match.group())
        named = [w for w in words if w.lower() not in GENERIC_ENGLISH and not re.fullmatch(BODY, w)]
        if named:
            found.append(_trimmed(text, match.start(), match.end()))
    return found


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The name without the sentence words its match opens with: "Is Railway Bureau" → "Railway Bureau"."""
    while (word := re.match(r"[\w'’&-]+\s+", text[start:end])) and word.group().strip().lower() in SENTENCE_WORDS:
        start += word.end()
    return start, end


def _is_chinese(text: str) -> bool:
    return bool(text) and all("\u4e00" <= char <= "\u9fff" for char in text)
