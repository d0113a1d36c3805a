"""Damaged index components: rebuilt from the corpus where building is allowed, otherwise refused
with a message naming the folder and the file; never loaded, never a traceback."""
from __future__ import annotations

import fcntl
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.bm25 import BM25Retriever
from index.document_terms import TERMS_FILE
from index.hybrid import VECTORS_FILE, load_vectors
from index.store import (
    JSON_FILE,
    MANIFEST_FILE,
    TEMPORARY_PREFIX,
    IndexStore,
    Manifest,
    UnusableIndexError,
    file_checksum,
    fingerprint,
    json_component,
)
from tests.live_server import REPO_ROOT

SHAPE = (3, 4)
VECTORS = Manifest("vectors", "fake", "corpus", fingerprint("corpus", "fake"), SHAPE[0], dimension=SHAPE[1])
UNIT_ROWS = np.eye(*SHAPE, dtype=np.float32)


class FakeEncoding:
    """A vectors build that writes fixed rows and counts how often it ran."""

    def __init__(self, rows: np.ndarray = UNIT_ROWS):
        self.rows = rows
        self.runs = 0

    def __call__(self, temporary: Path) -> None:
        self.runs += 1
        np.save(temporary / VECTORS_FILE, self.rows)


def open_vectors(store: IndexStore, build: FakeEncoding, build_missing: bool = True) -> np.ndarray:
    """As open_index opens each document's vectors."""
    directory = store.component(VECTORS, build, build_missing, check=lambda directory: load_vectors(directory, SHAPE))
    return load_vectors(directory, SHAPE)


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def scribble_header(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.write(b"\x93NUMPY\x01\x00garbage!")


def zero_values(path: Path) -> None:
    data = path.read_bytes()
    values = UNIT_ROWS.nbytes
    path.write_bytes(data[:-values] + bytes(values))


def write_non_utf8(path: Path) -> None:
    path.write_bytes(b'{"kind": "\xff\xfe vectors"}')


def write_non_json(path: Path) -> None:
    path.write_text("{not json", encoding="utf-8")


# (what is done, to which file of the component)
DAMAGES = {
    "truncated": (truncate, VECTORS_FILE),
    "deleted": (Path.unlink, VECTORS_FILE),
    "scribbled header": (scribble_header, VECTORS_FILE),
    "zeroed vectors": (zero_values, VECTORS_FILE),
    "non-UTF-8 manifest": (write_non_utf8, MANIFEST_FILE),
    "non-JSON manifest": (write_non_json, MANIFEST_FILE),
    "missing manifest": (Path.unlink, MANIFEST_FILE),
}


@pytest.fixture(params=list(DAMAGES), ids=list(DAMAGES))
def damaged(request, tmp_path) -> tuple[IndexStore, FakeEncoding, Path, str]:
    """A store whose one vectors component has been damaged after it was built: the store, the
    build, the component folder and the damaged file's name."""
    store, build = IndexStore(tmp_path), FakeEncoding()
    open_vectors(store, build)
    directory = store.component_dir(VECTORS.kind, VECTORS.name, VECTORS.fingerprint)
    damage, file_name = DAMAGES[request.param]
    damage(directory / file_name)
    return store, build, directory, file_name


def assert_names_the_file(message: str, directory: Path, file_name: str) -> None:
    assert directory.name in message and file_name in message and "run `qa build`" in message
    assert str(directory.parent) not in message  # the folder by its name in the data folder


def test_a_damaged_component_is_rebuilt_when_building_is_allowed(damaged, caplog):
    store, build, directory, file_name = damaged
    with caplog.at_level(logging.WARNING, logger="index.store"):
        assert np.array_equal(open_vectors(store, build), UNIT_ROWS)
    assert build.runs == 2
    [warning] = caplog.messages
    assert directory.name in warning and file_name in warning and "rebuilding" in warning


def test_a_damaged_component_is_refused_naming_the_file_when_building_is_not_allowed(damaged):
    store, build, directory, file_name = damaged
    with pytest.raises(UnusableIndexError) as refused:
        open_vectors(store, build, build_missing=False)
    assert_names_the_file(str(refused.value), directory, file_name)
    assert build.runs == 1


def test_a_component_never_built_is_refused_when_building_is_not_allowed(tmp_path):
    with pytest.raises(UnusableIndexError, match=r"vectors-fake-\w+: it has not been built .* run `qa build`"):
        open_vectors(IndexStore(tmp_path), FakeEncoding(), build_missing=False)


NOT_UNIT_ROWS = {
    "zero rows": np.zeros(SHAPE, dtype=np.float32),
    "not a number": np.full(SHAPE, np.nan, dtype=np.float32),
    "infinite": np.full(SHAPE, np.inf, dtype=np.float32),
    "too long": UNIT_ROWS * 7,
    "wrong shape": np.eye(SHAPE[0], SHAPE[1] + 1, dtype=np.float32),
}


@pytest.mark.parametrize("rows", NOT_UNIT_ROWS.values(), ids=list(NOT_UNIT_ROWS))
def test_intact_vectors_that_are_not_finite_unit_rows_of_the_right_shape_are_never_loaded(tmp_path, rows):
    # Checked as soon as they are built, so refused before anything searches them.
    build = FakeEncoding(rows)
    with pytest.raises(UnusableIndexError, match=rf"vectors-fake-\w+: {VECTORS_FILE} .*run `qa build`"):
        open_vectors(IndexStore(tmp_path), build)
    assert build.runs == 1


def test_vectors_rewritten_with_a_matching_checksum_but_zero_rows_are_rebuilt(tmp_path, caplog):
    store, build = IndexStore(tmp_path), FakeEncoding()
    open_vectors(store, build)
    directory = store.component_dir(VECTORS.kind, VECTORS.name, VECTORS.fingerprint)
    np.save(directory / VECTORS_FILE, np.zeros(SHAPE, dtype=np.float32))
    recorded = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    recorded["files"][VECTORS_FILE] = file_checksum(directory / VECTORS_FILE)
    (directory / MANIFEST_FILE).write_text(json.dumps(recorded), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="index.store"):
        assert np.array_equal(open_vectors(store, build), UNIT_ROWS)
    assert build.runs == 2 and "unit-length" in caplog.text


TOKENS = [["棚户区", "改造"], ["融资", "改造"], ["轨道", "交通"]]
BM25 = Manifest("bm25", "fake", "corpus", fingerprint("corpus", "bm25"), len(TOKENS))


@pytest.mark.parametrize("damage", [truncate, Path.unlink], ids=["truncated", "deleted"])
@pytest.mark.parametrize("file_name", ["data.csc.index.npy", "vocab.index.json"])
def test_a_damaged_bm25_file_is_rebuilt_or_refused(tmp_path, damage, file_name):
    store = IndexStore(tmp_path)
    runs = []

    def build(temporary: Path) -> None:
        runs.append(temporary)
        BM25Retriever.build(TOKENS).save(temporary)

    directory = store.component(BM25, build)
    damage(directory / file_name)
    with pytest.raises(UnusableIndexError) as refused:
        store.component(BM25, build, build_missing=False)
    assert_names_the_file(str(refused.value), directory, file_name)
    assert BM25Retriever.load(store.component(BM25, build)).knows("改造")
    assert len(runs) == 2


SYNONYMS = Manifest("synonyms", "fake", "corpus", fingerprint("corpus", "synonyms"), 1)


def test_a_scribbled_json_component_is_rebuilt_or_refused(tmp_path):
    store = IndexStore(tmp_path)
    table = {"棚改": ["棚户区改造"]}
    assert json_component(store, SYNONYMS, lambda: table) == table
    directory = store.component_dir(SYNONYMS.kind, SYNONYMS.name, SYNONYMS.fingerprint)
    (directory / JSON_FILE).write_text('{"棚改": ["轨道交通"]}', encoding="utf-8")
    with pytest.raises(UnusableIndexError) as refused:
        json_component(store, SYNONYMS, lambda: table, build_missing=False)
    assert_names_the_file(str(refused.value), directory, JSON_FILE)
    assert json_component(store, SYNONYMS, lambda: table) == table


def hold(directory: Path) -> int:
    """Lock a temporary folder as a running build does. flock locks taken through separate opens
    exclude each other within one process just as across processes."""
    handle = os.open(directory, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def test_a_build_removes_temporary_folders_no_running_build_holds(tmp_path):
    store = IndexStore(tmp_path)
    abandoned, running = tmp_path / f"{TEMPORARY_PREFIX}dead", tmp_path / f"{TEMPORARY_PREFIX}alive"
    for directory in (abandoned, running):
        directory.mkdir()
        (directory / VECTORS_FILE).write_bytes(b"half written")
    handle = hold(running)
    try:
        open_vectors(store, FakeEncoding())
        assert not abandoned.exists() and running.exists()
    finally:
        os.close(handle)
    assert store.prune({VECTORS.corpus_checksum}) == [running]


def run_qa(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "QA_DATA_DIR": str(data_dir), "QA_ENCODER": "", "QA_BM25": "true"}
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], cwd=REPO_ROOT, env=environment, capture_output=True, text=True)


@pytest.mark.integration
def test_qa_build_rebuilds_damaged_components_of_the_real_index(tmp_path):
    built = run_qa(tmp_path, "build")
    assert built.returncode == 0, built.stderr[-4000:]
    [bm25] = tmp_path.glob("bm25-*")
    [terms] = tmp_path.glob("terms-*")
    [synonyms] = tmp_path.glob("synonyms-*")
    [vocabulary] = tmp_path.glob("vocabulary-jieba-*")
    truncate(bm25 / "data.csc.index.npy")
    truncate(terms / TERMS_FILE)
    write_non_utf8(synonyms / MANIFEST_FILE)
    (vocabulary / JSON_FILE).unlink()
    rebuilt = run_qa(tmp_path, "build")
    assert rebuilt.returncode == 0 and "Traceback" not in rebuilt.stderr, rebuilt.stderr[-4000:]
    damaged = ((bm25, "data.csc.index.npy"), (terms, TERMS_FILE), (synonyms, MANIFEST_FILE), (vocabulary, JSON_FILE))
    for directory, file_name in damaged:
        assert any(directory.name in line and file_name in line for line in rebuilt.stderr.splitlines()), rebuilt.stderr
    asked = run_qa(tmp_path, "ask", "棚改融资谁牵头")
    assert asked.returncode == 0 and "index component" not in asked.stderr, asked.stderr[-4000:]
