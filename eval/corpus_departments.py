"""Responsible departments per measure, read straight from the text the gold set was written against.

The evaluation judges lead departments against the document itself, never against the system under test.
"""
from __future__ import annotations

import re
from pathlib import Path

from qa.settings import BUNDLED_LIBRARY

GOLD_DOCUMENT_ID = "jilin-northeast-revitalization-2014"  # the document the gold questions ask about
GOLD_DOCUMENT = BUNDLED_LIBRARY / f"{GOLD_DOCUMENT_ID}.txt"

# "91.积极争取…。（省国开行、省住房城乡建设厅、省财政厅负责）": the last parenthesis of a numbered line.
# The list may end in 等负责, and measure 1 adds "，列第一位的为牵头部门，下同" after 负责.
_MEASURE_LINE = re.compile(
    r"^\s*(?P<number>\d+)\.(?P<body>.*)（(?P<departments>[^（）]*?)等?负责[^（）]*）\s*$",
    re.MULTILINE,
)


def read_measure_departments(path: Path) -> dict[int, tuple[str, ...]]:
    """Measure number -> responsible departments in written order (the first is the lead)."""
    text = path.read_text(encoding="utf-8")
    return {
        int(match["number"]): tuple(name.strip() for name in match["departments"].split("、"))
        for match in _MEASURE_LINE.finditer(text)
    }


def read_lead_departments(path: Path) -> dict[int, str]:
    """Measure number -> lead department (牵头部门)."""
    return {number: departments[0] for number, departments in read_measure_departments(path).items()}
