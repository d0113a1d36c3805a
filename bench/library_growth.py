"""`qa bench --growth FILE...`: what adding a document to a library costs, against building it whole.

The library is the bundled documents plus the files given, the last of them the one added. Three data
folders, each driven by the `qa` command as a user would: one holding the library of all but the last
file, built and not timed; a copy of it, to which `qa ingest` adds the last file (timed: it encodes
and tokenises that document alone); and a fresh one holding the library of them all, indexed by
`qa build` from nothing (timed). The encoders are the settings' own.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.service import settings_environment
from qa.errors import UsageError
from qa.settings import LIBRARY_FOLDER, Settings

GROWTH_JSON = "growth.json"


@dataclass(frozen=True)
class GrowthFigures:
    documents: int  # in the library once the last file is added
    add_one_s: float  # `qa ingest` of the last file into the library of the others
    build_all_s: float  # `qa build` of the whole library into an empty data folder


def measure_growth(settings: Settings, files: Sequence[Path], out_dir: Path, log: Callable[[str], None]) -> GrowthFigures:
    if not files:
        raise UsageError("--growth needs at least one document file: the last is the one added")
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise UsageError(f"--growth: no such file: {', '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="qa-growth-") as scratch:
        base, grown, whole = (Path(scratch) / name for name in ("base", "grown", "whole"))
        if files[:-1]:
            log(f"building the library of the bundled documents and {len(files) - 1} files (not timed)")
            _qa(settings, base, "ingest", *map(str, files[:-1]))
        else:
            _qa(settings, base, "build")
        shutil.copytree(base, grown)
        log(f"adding {files[-1].name}")
        add_one = _timed(lambda: _qa(settings, grown, "ingest", str(files[-1])))
        shutil.copytree(grown / LIBRARY_FOLDER, whole / LIBRARY_FOLDER)
        log("building the whole library from nothing")
        build_all = _timed(lambda: _qa(settings, whole, "build"))
        documents = len(_qa(settings, whole, "documents").stdout.splitlines())
    figures = GrowthFigures(documents, round(add_one, 2), round(build_all, 2))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / GROWTH_JSON).write_text(json.dumps(asdict(figures), indent=2), encoding="utf-8")
    return figures


def growth_markdown(figures: GrowthFigures) -> str:
    return "\n".join(
        [
            "# Adding a document",
            "",
            "| documents | add the last (`qa ingest`) s | build all from nothing (`qa build`) s |",
            "|---:|---:|---:|",
            f"| {figures.documents} | {figures.add_one_s} | {figures.build_all_s} |",
        ]
    )


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _qa(settings: Settings, data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    # the library is the data folder's own: the one seeded with the bundled documents by `qa ingest`
    environment = {**os.environ, **settings_environment(settings), "QA_DATA_DIR": str(data_dir)}
    environment.pop("QA_LIBRARY_DIR", None)
    done = subprocess.run([sys.executable, "-m", "qa.cli", *args], env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise UsageError(f"`qa {' '.join(args)}` failed: {done.stderr.strip()[-2000:]}")
    return done
