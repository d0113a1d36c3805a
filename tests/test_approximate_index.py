"""From ann_threshold rows dense search is approximate: its HNSW graph is a stored component, built once
over every document's vectors, loaded at the next start, rebuilt when damaged or when a document changes."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from corpus.departments import DepartmentRegistry
from corpus.library import BUNDLED_LIBRARY, Library
from index.fusion import FusionMode
from index.document_rows import LibraryTexts
from index.hybrid import APPROXIMATE_FILE, HybridIndex, IndexConfig, Query, open_index
from index.store import IndexStore, UnusableIndexError
from index.tokenizer import Tokenizer
from index.translate import QueryTranslator
from qa.pipeline import build_tokenizer, index_config
from qa.settings import Settings

GOLD = Path(__file__).parents[1] / "eval/gold.jsonl"
EXACT = IndexConfig(("use",), True, FusionMode.ZSCORE)
APPROXIMATE = replace(EXACT, ann_threshold=100)  # below the bundled library's 143 passages


@pytest.fixture(scope="module")
def bundled() -> tuple[Library, Tokenizer]:
    """The bundled library and the pipeline's tokenizer for it."""
    return Library.load(BUNDLED_LIBRARY), build_tokenizer(DepartmentRegistry.load(), QueryTranslator())


def open_in(store: IndexStore, library: Library, tokenizer: Tokenizer, config: IndexConfig, **options) -> HybridIndex:
    return open_index(LibraryTexts.of(library.passages, library.checksum), config, store, tokenizer, **options)


def graphs(store: IndexStore) -> list[Path]:
    return sorted(store.root.glob("hnsw-*"))


@pytest.mark.integration  # encodes the library
def test_the_graph_is_built_once_and_loaded_after(tmp_path, bundled):
    library, tokenizer = bundled
    store = IndexStore(tmp_path)
    open_in(store, library, tokenizer, EXACT)
    assert graphs(store) == []
    approximate = open_in(store, library, tokenizer, APPROXIMATE)
    [graph] = graphs(store)
    assert graph in approximate.components and approximate.retrievers[1].vectors.approximate
    built = (graph / APPROXIMATE_FILE).stat().st_mtime_ns
    again = open_in(store, library, tokenizer, APPROXIMATE, build_missing=False)
    assert graphs(store) == [graph] and (graph / APPROXIMATE_FILE).stat().st_mtime_ns == built
    assert again.retrievers[1].vectors.approximate


@pytest.mark.integration  # encodes the library
def test_approximate_search_ranks_as_exact_search(tmp_path, bundled):
    library, tokenizer = bundled
    store = IndexStore(tmp_path)
    exact, approximate = open_in(store, library, tokenizer, EXACT), open_in(store, library, tokenizer, APPROXIMATE)
    questions = [json.loads(line)["q"] for line in GOLD.read_text(encoding="utf-8").splitlines()[:40]]
    agreeing = 0
    for question in questions:
        query = Query(question, question)
        ranked, reference = approximate.search(query, 5), exact.search(query, 5)
        agreeing += len({hit.row for hit in ranked.hits} & {hit.row for hit in reference.hits})
        assert ranked.best_scores == reference.best_scores, question
    assert agreeing / (5 * len(questions)) >= 0.95


@pytest.mark.integration  # encodes the library
def test_a_damaged_graph_is_rebuilt_or_refused(tmp_path, bundled):
    library, tokenizer = bundled
    store = IndexStore(tmp_path)
    open_in(store, library, tokenizer, APPROXIMATE)
    [graph] = graphs(store)
    (graph / APPROXIMATE_FILE).write_bytes(b"not a graph")
    with pytest.raises(UnusableIndexError, match=f"{graph.name}: {APPROXIMATE_FILE} is damaged"):
        open_in(store, library, tokenizer, APPROXIMATE, build_missing=False)
    open_in(store, library, tokenizer, APPROXIMATE)
    assert (graph / APPROXIMATE_FILE).stat().st_size > 1000


@pytest.mark.integration  # encodes the library
def test_a_changed_document_asks_for_a_new_graph(tmp_path, bundled):
    library, tokenizer = bundled
    store = IndexStore(tmp_path)
    open_in(store, library, tokenizer, APPROXIMATE)
    shorter = library.passages[:-1]
    open_index(LibraryTexts.of(shorter, "another-corpus"), APPROXIMATE, store, tokenizer)
    assert len(graphs(store)) == 2


def test_the_threshold_is_a_setting(tmp_path):
    assert index_config(Settings(data_dir=tmp_path, ann_threshold=1000)).ann_threshold == 1000
    assert index_config(Settings(data_dir=tmp_path)).ann_threshold == 50_000
    with pytest.raises(ValueError, match="ann_threshold"):
        Settings(data_dir=tmp_path, ann_threshold=0)
