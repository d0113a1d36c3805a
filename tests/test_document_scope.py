"""A search limited to documents ranks as a library of those documents alone would, and a document
joining the library is the only one tokenised. BM25 only: no encoder is loaded."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from corpus.ingest import add_documents, seed_library, uploads_from_paths
from corpus.library import BUNDLED_LIBRARY, Library
from index.bm25 import LEXICAL
from index.document_rows import LibraryTexts
from index.hybrid import HybridIndex, IndexConfig, Query, open_index
from index.store import IndexStore
from index.tokenizer import Tokenizer
from tests.documents import DOCUMENTS, write_document

JILIN = "jilin-northeast-revitalization-2014"
ADDED = ("changchun-old-residential-areas-2024", "liaoning-small-enterprises-2023")
GOLD = Path(__file__).parents[1] / "eval/gold.jsonl"
BM25_ONLY = IndexConfig(encoders=(), bm25=True)


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, tokenizer: Tokenizer) -> dict:
    """The bundled library's index, then the index of a library of three documents in the same store,
    with the passages each build tokenised."""
    root = tmp_path_factory.mktemp("scope")
    store = IndexStore(root / "data")
    folder = root / "documents"
    folder.mkdir()
    paths = [write_document(DOCUMENTS[name], folder, "txt") for name in ADDED]
    library_dir = seed_library(root / "library", BUNDLED_LIBRARY)
    add_documents(library_dir, uploads_from_paths(paths))
    built = {}
    for name, library in (("single", Library.load(BUNDLED_LIBRARY)), ("library", Library.load(library_dir))):
        tokenised: Counter[str] = Counter()
        index = open_index(LibraryTexts.of(library.passages, library.checksum), BM25_ONLY, store, tokenizer, progress=lambda kind, n: tokenised.update({kind: n}))
        built[name] = (library, index, tokenised[LEXICAL])
    return built


def questions() -> list[str]:
    return [json.loads(line)["q"] for line in GOLD.read_text(encoding="utf-8").splitlines()[:80]]


def ranked(index: HybridIndex, question: str, **limits) -> list[tuple[str, float]]:
    return [(hit.passage.id, hit.score) for hit in index.search(Query(question, question), 10, **limits).hits]


def test_a_search_limited_to_a_document_ranks_as_a_library_of_it_alone(built):
    _, single, _ = built["single"]
    _, library, _ = built["library"]
    differs_unlimited = 0
    for question in questions():
        alone, limited = ranked(single, question), ranked(library, question, documents=[JILIN])
        assert [p for p, _ in limited] == [p for p, _ in alone], question
        np.testing.assert_allclose([s for _, s in limited], [s for _, s in alone], rtol=1e-5)
        differs_unlimited += ranked(library, question) != alone
    # the other documents' statistics do change the unlimited ranking: what the limit is for
    assert differs_unlimited > 0


def test_a_restriction_applies_within_the_documents(built):
    _, library, _ = built["library"]
    jilin_rows = [row for row, passage in enumerate(library.passages) if passage.document == JILIN]
    other_rows = [row for row, passage in enumerate(library.passages) if passage.document != JILIN]
    rows = jilin_rows[::3] + other_rows
    hits = library.search(Query("棚户区改造", "棚户区改造"), 10, rows=rows, documents=[JILIN]).hits
    assert hits and {hit.row for hit in hits} <= set(jilin_rows[::3])
    assert library.search(Query("棚户区改造", "棚户区改造"), 10, rows=other_rows, documents=[JILIN]).hits == []


def test_documents_outside_the_library_are_refused_with_those_it_holds(built):
    _, library, _ = built["library"]
    with pytest.raises(ValueError, match=f"{JILIN}.*got nowhere-2020"):
        library.search(Query("政策", "政策"), 5, documents=["nowhere-2020"])
    with pytest.raises(ValueError, match="at least one document"):
        library.search(Query("政策", "政策"), 5, documents=[])


def test_a_document_joining_the_library_is_the_only_one_tokenised(built):
    single_library, _, first = built["single"]
    library, _, second = built["library"]
    assert first == len(single_library.passages)
    assert second == len(library.passages) - len(single_library.passages)
