"""The scale curve on a tiny library: every figure reported, in scale.json, scale.md and scale.png."""
from __future__ import annotations

import json

import pytest

from bench.scale import ENCODERS, run_scale_curve, scale_markdown

SIZE = 2_000
EMBEDDED_FIGURES = {
    "approximate_served", "bm25_p50_ms", "build_bm25_s", "build_s", "fused_p50_ms", "fused_exact_p50_ms", "fused_top5_agreement",
    "index_memory_bytes", "rss_growth_untrimmed_bytes",
    *(f"{figure}_{name}{unit}" for name in ENCODERS for figure, unit in (
        ("build_exact", "_s"), ("build_approximate", "_s"), ("dense_exact", "_p50_ms"), ("dense_approximate", "_p50_ms"), ("recall_at_10", ""),
    )),
}


@pytest.mark.slow  # builds small synthetic libraries
def test_every_figure_is_reported(tmp_path):
    lines: list[str] = []
    figures = run_scale_curve([SIZE], tmp_path, backends=("embedded",), log=lines.append, vectors="uniform")
    measured = figures["embedded"][str(SIZE)]
    assert set(measured) == EMBEDDED_FIGURES
    assert all(value > 0 for name, value in measured.items() if not name.startswith(("approximate_served", "build_exact")))
    assert measured["approximate_served"] is False and 0 <= measured[f"recall_at_10_{next(iter(ENCODERS))}"] <= 1
    assert "uniformly random unit vectors" in figures["synthetic"] and figures["milvus"] == {}
    assert json.loads((tmp_path / "scale.json").read_text(encoding="utf-8")) == figures
    table = (tmp_path / "scale.md").read_text(encoding="utf-8")
    assert table == scale_markdown(figures) and f"| {SIZE:,} | embedded (exact) |" in table and "synthetic" in table
    assert (tmp_path / "scale.png").read_bytes().startswith(b"\x89PNG")
    assert any(f"{SIZE:,} passages" in line for line in lines)


def test_unknown_backends_vector_sources_and_sizes_are_refused(tmp_path):
    with pytest.raises(ValueError, match="embedded, milvus"):
        run_scale_curve([SIZE], tmp_path, backends=("faiss",))
    with pytest.raises(ValueError, match="clustered, uniform"):
        run_scale_curve([SIZE], tmp_path, vectors="gaussian")
    with pytest.raises(ValueError, match="pool depth"):
        run_scale_curve([100], tmp_path)
