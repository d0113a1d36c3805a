"""Cue words per language (lexicon.json), matched on whole tokens so that "called" is not "led",
"accountable" is not "count" and 我省 is not 我."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from index.tokenizer import Tokenizer

LEXICON_PATH = Path(__file__).with_name("lexicon.json")
_EDGE_PUNCTUATION = " \t\r\n？?。.！!，,：:；;、…~～\"'“”‘’「」《》()（）【】[]〔〕"
GAP = "…"  # in an entry, up to MAX_GAP characters of anything: 牵…头 is 牵头, 牵了头 and 牵了几次头
MAX_GAP = 4  # spaces aside: a department name blanked out of the question fills a gap without counting
_LATIN = re.compile(r"[a-z]")
KEY_LENGTH = 2  # an entry is tried only where the first characters of its words occur in the text


class Cue(str, Enum):
    LEAD = "lead"  # names the lead role: 牵头, leads
    PARTICIPATE = "participate"  # names any role: 参与, 涉及, involved
    ALL_ROLES = "all_roles"  # leading and supporting both count: 配合的也算上
    SUPPORT = "support"  # the supporting role alone: 配合的, 作为配合部门, assists, support but not lead
    NAME = "name"  # a department's names asked for: 全称, 英文名, what does it stand for, in English
    MOST = "most"  # departments compared by how many measures they have: 最多, the most, 更多, fewer
    FEWEST = "fewest"  # the comparison asks for the fewest: 最少, the fewest
    TOGETHER = "together"  # departments named together share the measures asked for: 共同负责, both … share
    RESPONSIBLE = "responsible"  # asks which body is responsible: 谁负责, which departments
    LEAD_QUESTION = "lead_question"  # asks who leads: 谁牵头, who leads
    COUNT = "count"
    LIST = "list"
    EXHAUSTIVE = "exhaustive"  # all of them: a department's whole list, never filtered by a stray word
    YES_NO = "yes_no"
    EITHER_OR = "either_or"
    FOLLOW_UP = "follow_up"
    AMONG = "among"  # among the measures just listed: 其中, of those; with a subject, those of them on it
    PERSONAL = "personal"  # the asker's own case: 我, my
    PROCEDURE = "procedure"  # how to apply, where to go, what papers
    CONTACT = "contact"  # phone numbers, addresses, service counters: what policy documents do not list
    OUTLINE = "outline"  # the document's parts: 分哪几个部分, table of contents
    DOCUMENT_FACT = "document_fact"  # the document itself: its issuer, date of issue, title
    DOCUMENT_NUMBER = "document_number"  # its 文号 in particular, said to be missing where none is printed
    ISSUED = "issued"  # a document's issuing: 印发, 发布, issued; with when or who, and no subject, the document's own facts
    OFFICIAL = "official"  # who holds an office (省长是谁, who is the director): documents assign departments, not people
    MONEY = "money"  # sums of money, prices, fees
    FIGURE = "figure"  # rates, quantities, sizes
    DATE = "date"  # when, deadlines
    FUTURE = "future"  # later plans than the documents
    EVERYDAY = "everyday"  # everyday subjects far from any policy: weather, sports, recipes
    INJECTION = "injection"  # text addressed to the system rather than a question
    FRAME = "frame"  # words that frame a question rather than name its subject

    @classmethod
    def parse(cls, name: str) -> Cue:
        try:
            return cls(name)
        except ValueError:
            raise ValueError(f"unknown cue {name!r}; valid cues: {', '.join(c.value for c in cls)}") from None


@dataclass(frozen=True)
class Entry:
    words: str
    at_start: bool
    at_end: bool


@dataclass(frozen=True)
class Match:
    cue: Cue
    language: str
    start: int
    end: int
    gap: tuple[int, int] = (0, 0)  # what a … entry skipped over: 了几次 in 牵了几次头, free for other cues

    def holds(self, other: Match) -> bool:
        """Whether `other` lies within this match's own words (not in its gap)."""
        inside = self.start <= other.start and other.end <= self.end
        return inside and not (self.gap[0] <= other.start and other.end <= self.gap[1])


def _entry(raw: str) -> Entry:
    at_start, at_end = raw.startswith("^"), raw.endswith("$") and len(raw) > 1
    return Entry(raw.strip("^$").lower(), at_start, at_end)


class Lexicon:
    def __init__(self, entries: dict[Cue, dict[str, tuple[Entry, ...]]], tokenizer: Tokenizer):
        self.entries = entries
        self.tokenizer = tokenizer
        # Each entry under the opening characters of its words, in lexicon order: a question holds a
        # few dozen of these keys, so it is scanned for the few entries that can occur in it, not all
        self._by_key: dict[str, list[tuple[int, Cue, str, Entry]]] = {}
        ordered = ((cue, language, entry) for cue, by_language in entries.items() for language, items in by_language.items() for entry in items)
        for order, (cue, language, entry) in enumerate(ordered):
            self._by_key.setdefault(_key(entry.words), []).append((order, cue, language, entry))

    @classmethod
    def load(cls, tokenizer: Tokenizer, path: Path = LEXICON_PATH) -> Lexicon:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = {
            Cue.parse(name): {language: tuple(_entry(word) for word in words) for language, words in by_language.items()}
            for name, by_language in data.items()
            if not name.startswith("_")
        }
        return cls(entries, tokenizer)

    def words(self, cue: Cue, language: str) -> tuple[str, ...]:
        return tuple(entry.words for entry in self.entries.get(cue, {}).get(language, ()))

    def chinese_words(self) -> Iterable[str]:
        """Multi-character Chinese entries, for the segmenter to keep whole."""
        return {entry.words for by_language in self.entries.values() for entry in by_language.get("zh", ()) if len(entry.words) > 1 and GAP not in entry.words}

    def matches(self, text: str) -> list[Match]:
        """Every cue entry found in `text` (normalised) at word boundaries: jieba's word edges in
        Chinese, non-letters around an English phrase."""
        lowered = text.lower()
        edges = {edge for span in self.tokenizer.spans(lowered) for edge in span}
        first = len(lowered) - len(lowered.lstrip(_EDGE_PUNCTUATION))
        last = len(lowered.rstrip(_EDGE_PUNCTUATION))
        found: list[Match] = []
        for _, cue, language, entry in sorted(self._candidates(lowered), key=lambda candidate: candidate[0]):
            for start, end, gap in _spans(lowered, entry.words):
                if entry.at_start and start != first or entry.at_end and end != last:
                    continue
                if _is_word_at(lowered, start, end, edges, latin=language == "en"):
                    found.append(Match(cue, language, start, end, gap))
        return found

    def _candidates(self, text: str) -> Iterable[tuple[int, Cue, str, Entry]]:
        keys = {""} | {text[i : i + length] for length in range(1, KEY_LENGTH + 1) for i in range(len(text) - length + 1)}
        for key in keys:
            yield from self._by_key.get(key, ())


def _key(words: str) -> str:
    return words.partition(GAP)[0][:KEY_LENGTH]


def _spans(text: str, words: str) -> Iterable[tuple[int, int, tuple[int, int]]]:
    """Where `words` stands in `text`: start, end and the stretch a … skipped."""
    head, gap, tail = words.partition(GAP)
    start = text.find(head)
    while start != -1:
        after_head = start + len(head)
        if not gap:
            yield start, after_head, (0, 0)
        elif (found := _within_gap(text, tail, after_head)) != -1:
            yield start, found + len(tail), (after_head, found)
        start = text.find(head, start + 1)


def _within_gap(text: str, tail: str, start: int) -> int:
    """Where `tail` stands after `start` with at most MAX_GAP characters other than spaces between."""
    skipped = 0
    for position in range(start, len(text)):
        if text.startswith(tail, position):
            return position
        if not text[position].isspace():
            skipped += 1
            if skipped > MAX_GAP:
                break
    return -1


def _is_word_at(text: str, start: int, end: int, edges: set[int], latin: bool) -> bool:
    if latin or _LATIN.search(text[start:end]):
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
    return start in edges and end in edges
