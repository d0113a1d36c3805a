"""The regression gate CI relies on: the default configuration scored on both parts, against the floors on the test part."""
from __future__ import annotations

import pytest

import json
import os
import subprocess
import sys

from eval.corpus_departments import GOLD_DOCUMENT_ID
from eval.gold import load_gold
from eval.parts import PARTS
from tests.live_server import REPO_ROOT

pytestmark = pytest.mark.integration  # starts the service or runs the CLI on a built index

GATE_PREFIX = "gate, "  # how `qa eval --gate` starts each line naming a floor that does not hold


def test_default_configuration_meets_every_floor(qa_env, tmp_path):
    out = tmp_path / "eval"
    run = subprocess.run(
        [sys.executable, "-m", "qa.cli", "eval", "--configs", "hybrid", "--gate", "--out", str(out)],
        cwd=REPO_ROOT,
        env={**os.environ, **qa_env},
        capture_output=True,
        text=True,
    )
    below = [line for line in run.stderr.splitlines() if line.startswith(GATE_PREFIX)]
    assert run.returncode == 0, "\n".join(below) if below else f"`qa eval` failed:\n{run.stderr[-3000:]}"
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    scored = {part: results["hybrid"][part]["overall"]["questions"] for part in results["hybrid"]}
    # the bundled library holds the Jilin document alone: questions about the test documents are left out, and said so
    about_jilin = {part: sum(q.document == GOLD_DOCUMENT_ID for q in load_gold(path)) for part, path in PARTS.items()}
    assert scored == about_jilin
    assert "questions about documents the library lacks" in run.stderr
    assert {"report.md", "questions.csv", "comparison.png"} <= {p.name for p in out.iterdir()}
    assert "Against the previous release" in (out / "report.md").read_text(encoding="utf-8")
