"""`qa bench --hostile` with small attacks: every replay is reported with a status, and the service holds against each."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.hostile import HOSTILE_JSON, HOSTILE_MD, HostileSizes, replay
from qa.settings import Settings

pytestmark = pytest.mark.integration  # starts the service on a built index

# Whether these held depends also on a latency limit (a /healthz probe under load); timing targets are
# the bench's to report, not a test's to assert on a noisy machine.
TIMED = {"/healthz under /ask load", "oversized JSON /ask", "oversized JSON /v1/chat/completions"}
SMALL = HostileSizes(chunked_bytes=5 * 1024 * 1024, chunked_senders=2, json_bytes=1024 * 1024, concurrent_asks=8, health_probes=5)


def test_every_hostile_replay_is_reported_and_held(qa_env: dict[str, str], tmp_path: Path) -> None:
    rows = replay(Settings(data_dir=qa_env["QA_DATA_DIR"]), tmp_path, SMALL)

    assert {row.attack for row in rows} >= {"chunked flood /wechat/mp", "oversized JSON /ask", "broken index: /measures/91"}
    assert all(row.statuses for row in rows)
    assert [row.attack for row in rows if not row.held and row.attack not in TIMED] == []
    assert all(row.statuses == [413] for row in rows if row.attack.startswith("oversized JSON"))
    assert len(json.loads((tmp_path / HOSTILE_JSON).read_text(encoding="utf-8"))) == len(rows)
    assert "| attack | status |" in (tmp_path / HOSTILE_MD).read_text(encoding="utf-8")
