"""The regression gate CI relies on: the default configuration scored on the gold set, against the floors."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.live_server import REPO_ROOT


def test_default_configuration_meets_every_floor(qa_env, tmp_path):
    out = tmp_path / "eval"
    run = subprocess.run(
        [sys.executable, "-m", "qa.cli", "eval", "--configs", "hybrid", "--gate", "--out", str(out)],
        cwd=REPO_ROOT,
        env={**os.environ, **qa_env},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, f"below a floor or failed:\n{run.stderr[-3000:]}"
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["hybrid"]["overall"]["questions"] >= 200
    assert {"report.md", "questions.csv", "comparison.png"} <= {p.name for p in out.iterdir()}
    assert "Against the previous release" in (out / "report.md").read_text(encoding="utf-8")
