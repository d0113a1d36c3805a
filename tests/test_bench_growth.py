"""`qa bench --growth` adds a document to a library and builds the whole library, each timed; BM25 only."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.library_growth import GROWTH_JSON, measure_growth
from qa.errors import UsageError
from qa.settings import Settings
from tests.documents import DOCUMENTS, write_document

pytestmark = pytest.mark.slow  # four `qa` processes, each reading the library and building its index


def test_the_growth_bench_times_adding_one_document_and_building_all(tmp_path: Path):
    files = [write_document(DOCUMENTS[name], tmp_path, "txt") for name in ("changchun-old-residential-areas-2024", "liaoning-small-enterprises-2023")]
    settings = Settings(data_dir=tmp_path / "unused", encoder="")
    figures = measure_growth(settings, files, tmp_path / "out", log=lambda message: None)
    assert figures.documents == 3  # the bundled document and the two files
    assert figures.add_one_s > 0 and figures.build_all_s > 0
    assert json.loads((tmp_path / "out" / GROWTH_JSON).read_text(encoding="utf-8"))["documents"] == 3
    assert not (tmp_path / "unused").exists()  # every build ran in a folder of its own


def test_the_growth_bench_names_a_missing_file(tmp_path: Path):
    with pytest.raises(UsageError, match="no such file: .*absent.docx"):
        measure_growth(Settings(data_dir=tmp_path), [tmp_path / "absent.docx"], tmp_path / "out", log=lambda message: None)
