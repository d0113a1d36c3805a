"""Sums, figures and dates as policy text states them, and the clause of a passage that states the
one a question asks for ("棚户区改造计划什么时候完成？" → "力争到2017年基本完成全省现有棚户区改造任务")."""
from __future__ import annotations

import re
from collections.abc import Sequence

from corpus.jurisdiction import simplified
from corpus.models import Passage
from qa.lexicon import Cue

FIGURE_IN_TEXT = re.compile(
    r"\d+(?:\.\d+)?\s*(?:亿|万|千|%|％|元|公里|千米|米|吨|千瓦|瓦|户|人|个|项|家|套|平方|亩|公顷|斤|座|条|处|所)"
    r"|[一二三四五六七八九十百千万亿]+(?:亿|万)(?:元|亩|斤|人|户)?"
)
MONEY_IN_TEXT = re.compile(r"\d+(?:\.\d+)?\s*(?:亿|万|千)?\s*(?:元|美元)|[一二三四五六七八九十百千万亿]+(?:亿|万)?元")
DATE_IN_TEXT = re.compile(r"(?:19|20)\d\d\s*年|\d{1,2}\s*月|\d+\s*年(?:左右|内|时间)|年底|年末|年内|前完成|之前")
STATED_BY_CUE = {Cue.MONEY: MONEY_IN_TEXT, Cue.FIGURE: FIGURE_IN_TEXT, Cue.DATE: DATE_IN_TEXT}

SENTENCE_END = re.compile(r"(?<=[。；;！？!?])")
CLAUSE_END = re.compile(r"(?<=[，,])")
LONG_SENTENCE = 60  # characters; a longer sentence is quoted by the clauses that state what is asked
# A clause stating a number is quoted only where it shares this many character pairs with the
# question's terms: a number alone may be any number of the passage
MIN_SHARED_PAIRS = 2
_CHINESE = re.compile(r"[\u4e00-\u9fff]+")


def stated_patterns(cues: frozenset[Cue]) -> list[re.Pattern[str]]:
    """The patterns of what a question asks for: a sum, a figure, a date."""
    return [pattern for cue, pattern in STATED_BY_CUE.items() if cue in cues]


def stating_clause(passages: Sequence[Passage], patterns: Sequence[re.Pattern[str]], terms: str) -> tuple[Passage, str] | None:
    """The clause stating what `patterns` find that shares most with `terms` (the question in the
    documents' language), with the passage it stands in, the better-ranked passage first on a tie;
    clauses next to it that state such things too are quoted with it. None where no clause
    states it near the question's own words."""
    wanted = _pairs(terms)
    best: tuple[int, Passage, str] | None = None
    for passage in passages:
        clauses = _clauses(passage.body)
        stating = [any(p.search(clause) for p in patterns) for clause in clauses]
        for index, clause in enumerate(clauses):
            shared = len(_pairs(clause) & wanted) if stating[index] else 0
            if shared >= MIN_SHARED_PAIRS and (best is None or shared > best[0]):
                best = (shared, passage, _run(clauses, stating, index))
    return (best[1], best[2]) if best else None


def _run(clauses: list[str], stating: list[bool], index: int) -> str:
    """The clause at `index` with the stating clauses on either side of it, as one quotation
    without its closing punctuation."""
    start, end = index, index + 1
    while start > 0 and stating[start - 1]:
        start -= 1
    while end < len(clauses) and stating[end]:
        end += 1
    return "".join(clauses[start:end]).rstrip("。；;，,！!？?")


def _clauses(body: str) -> list[str]:
    sentences = [s.strip() for s in SENTENCE_END.split(body) if s.strip()]
    return [
        clause.strip()
        for sentence in sentences
        for clause in (CLAUSE_END.split(sentence) if len(sentence) > LONG_SENTENCE else [sentence])
        if clause.strip()
    ]


def _pairs(text: str) -> set[str]:
    """Its pairs of characters, in simplified characters as questions are read: a clause of a
    document in traditional ones (政府採購) shares them with the question (政府采购)."""
    return {run[i : i + 2] for run in _CHINESE.findall(simplified(text)) for i in range(len(run) - 1)}
