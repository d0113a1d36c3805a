"""Regression gate: headline metrics must stay at or above their floors (or at or below a `_max` ceiling).

The floors are checked on one part's result: the held-out test part (see eval.parts.gated_part).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from eval.result import EvalResult

FLOORS_PATH = Path(__file__).with_name("floors.json")
OVERALL_SCOPE = "all"
CEILING_SUFFIX = "_max"


def load_floors(path: Path) -> dict[str, dict[str, float]]:
    """Scope ("all" or a language) -> metric -> bound."""
    return json.loads(path.read_text(encoding="utf-8"))


def check_floors(result: EvalResult, floors: Mapping[str, Mapping[str, float]]) -> list[str]:
    """Human-readable failures; empty when every bound holds."""
    failures: list[str] = []
    for scope, bounds in floors.items():
        metrics = result.overall if scope == OVERALL_SCOPE else result.by_language.get(scope)
        if metrics is None:
            failures.append(f"{scope}: no questions in this language, so none of its floors can be checked")
            continue
        for name, bound in bounds.items():
            is_ceiling = name.endswith(CEILING_SUFFIX)
            metric = name.removesuffix(CEILING_SUFFIX)
            value = metrics.get(metric)
            # A bound that cannot be measured fails: a gate that silently passes would hide a lost question kind.
            if value is None:
                failures.append(f"{scope} {metric}: not measured (no questions of the kind it scores)")
            elif is_ceiling and value > bound:
                failures.append(f"{scope} {metric} = {value:.3f}, above the ceiling {bound:.3f}")
            elif not is_ceiling and value < bound:
                failures.append(f"{scope} {metric} = {value:.3f}, below the floor {bound:.3f}")
    return failures
