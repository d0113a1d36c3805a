"""The two parts of the evaluation: the fitted part, which the system may learn from, and the held-out test part."""
from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from eval.gold import GOLD_PATH, TEST_PATH
from qa.errors import UsageError

FITTED = "fitted"
TEST = "test"
PARTS: dict[str, Path] = {FITTED: GOLD_PATH, TEST: TEST_PATH}


def parts_to_run(gold: Path | None) -> dict[str, Path]:
    """Both parts by default; a single file given instead is one part, named as the part it is or after the file."""
    if gold is None:
        return dict(PARTS)
    names = {path.resolve(): name for name, path in PARTS.items()}
    return {names.get(gold.resolve(), gold.stem): gold}


def gated_part(parts: Collection[str]) -> str:
    """The part the floors apply to: the held-out test part, or the one part of a single-file run.

    Only the test part measures questions nothing was fitted on, so a gate on the fitted part would
    reward memorising it.
    """
    if TEST in parts:
        return TEST
    if len(parts) == 1:
        return next(iter(parts))
    raise UsageError(f"no {TEST} part to gate; the run has: {', '.join(parts) or 'none'}")
