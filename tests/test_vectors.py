import numpy as np
import pytest

import index.vectors as vectors_module
from index.vectors import HNSWParameters, RowVectors, VectorIndex, norms


def unit_rows(count: int, dimension: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((count, dimension)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def embeddings() -> np.ndarray:
    return unit_rows(139, 64, seed=7)


def test_search_matches_brute_force_dot_products(embeddings):
    index = VectorIndex.build(embeddings)
    for query in unit_rows(20, 64, seed=11):
        ids, scores = index.search(query, k=10)
        dots = embeddings @ query
        expected = np.argsort(-dots)[:10]
        assert ids.tolist() == expected.tolist()
        assert np.allclose(scores, dots[expected], atol=1e-5)
        assert ids.dtype == np.int64 and scores.dtype == np.float32


def test_a_row_is_its_own_nearest_neighbour(embeddings):
    ids, scores = VectorIndex.build(embeddings).search(embeddings[42], k=1)
    assert ids.tolist() == [42]
    assert scores[0] == pytest.approx(1.0, abs=1e-5)


def test_k_is_clipped_to_the_index_size(embeddings):
    index = VectorIndex.build(embeddings[:5])
    ids, scores = index.search(embeddings[0], k=50)
    assert sorted(ids.tolist()) == [0, 1, 2, 3, 4]
    assert len(scores) == 5 and np.all(np.diff(scores) <= 0)
    ids, scores = index.search(embeddings[0], k=0)
    assert ids.shape == scores.shape == (0,)


def test_a_query_shaped_as_one_row_is_accepted(embeddings):
    index = VectorIndex.build(embeddings)
    flat = index.search(embeddings[3], k=5)
    row = index.search(embeddings[3:4], k=5)
    assert np.array_equal(flat[0], row[0]) and np.array_equal(flat[1], row[1])


def test_dimension_length_and_mismatch(embeddings):
    index = VectorIndex.build(embeddings)
    assert index.dimension == 64 and len(index) == 139
    with pytest.raises(ValueError, match="dimension"):
        index.search(np.ones(32, dtype=np.float32), k=3)
    with pytest.raises(ValueError, match="2-D"):
        VectorIndex.build(embeddings[0])


def test_float64_embeddings_are_accepted(embeddings):
    index = VectorIndex.build(embeddings.astype(np.float64))
    assert index.search(embeddings[9].astype(np.float64), k=1)[0].tolist() == [9]


def test_save_and_load_round_trip(embeddings, tmp_path):
    index = VectorIndex.build(embeddings)
    index.save(tmp_path / "vectors.faiss")
    loaded = VectorIndex.load(tmp_path / "vectors.faiss")
    assert loaded.dimension == index.dimension and len(loaded) == len(index)
    for query in unit_rows(5, 64, seed=3):
        expected, actual = index.search(query, k=7), loaded.search(query, k=7)
        assert np.array_equal(expected[0], actual[0]) and np.array_equal(expected[1], actual[1])


def clustered_rows(count: int, dimension: int, seed: int) -> np.ndarray:
    """Rows around 50 random centres, as embeddings of related passages lie: approximate search has
    neighbours to find."""
    rng = np.random.default_rng(seed)
    centres = unit_rows(50, dimension, seed + 1)
    rows = centres[rng.integers(50, size=count)] + rng.standard_normal((count, dimension)).astype(np.float32) * 0.75 / np.sqrt(dimension)
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_a_restricted_search_ranks_only_the_rows_allowed(embeddings):
    index = VectorIndex.build(embeddings)
    allowed = np.arange(3, 139, 4)
    for query in unit_rows(10, 64, seed=5):
        ids, scores = index.search(query, k=10, rows=allowed)
        dots = embeddings[allowed] @ query
        assert ids.tolist() == allowed[np.argsort(-dots)[:10]].tolist()
        assert np.allclose(scores, np.sort(dots)[::-1][:10], atol=1e-5)
    assert index.search(embeddings[0], k=5, rows=np.array([], dtype=np.int64))[0].shape == (0,)


def test_a_wide_restriction_goes_through_the_faiss_selector(monkeypatch, embeddings):
    index = VectorIndex.build(embeddings)
    allowed = np.arange(0, 139, 2)
    narrow = index.search(embeddings[7], k=10, rows=allowed)
    monkeypatch.setattr("index.vectors.EXACT_RESTRICTION_ROWS", 10)
    wide = index.search(embeddings[7], k=10, rows=allowed)
    assert np.array_equal(narrow[0], wide[0]) and np.array_equal(narrow[1], wide[1])


def test_similarities_are_bit_for_bit_the_scores_search_gives(embeddings):
    index = VectorIndex.build(embeddings)
    query = unit_rows(1, 64, seed=9)[0]
    ids, scores = index.search(query, k=len(index))
    searched = dict(zip(ids.tolist(), scores.tolist()))
    for rows in (ids, ids[:7], np.array([5]), np.array([138, 0, 64])):
        assert index.similarities(query, rows).tolist() == [searched[row] for row in rows.tolist()]


def test_row_vectors_read_rows_across_documents(embeddings):
    rows = RowVectors([embeddings[:10], embeddings[10:11], embeddings[11:]])
    assert len(rows) == 139 and rows.dimension == 64
    wanted = np.array([138, 0, 10, 9, 11, 10])
    assert np.array_equal(rows.take(wanted), embeddings[wanted])
    with pytest.raises(ValueError, match="several dimensions"):
        RowVectors([embeddings, embeddings[:, :32]])


def test_approximate_search_finds_the_exact_neighbours_and_scores_them_exactly():
    rows = clustered_rows(5_000, 64, seed=2)
    exact, approximate = VectorIndex.build(rows), VectorIndex.build(rows, HNSWParameters(m=16, ef_construction=40, ef_search=256))
    assert approximate.approximate and not exact.approximate
    queries = clustered_rows(30, 64, seed=3)
    found = [approximate.search(query, k=10) for query in queries]
    recall = np.mean([len(set(ids.tolist()) & set(exact.search(query, k=10)[0].tolist())) / 10 for (ids, _), query in zip(found, queries)])
    assert recall >= 0.9
    for (ids, scores), query in zip(found, queries):
        assert np.array_equal(scores, exact.similarities(query, ids)) and np.all(np.diff(scores) <= 0)


def test_approximate_search_keeps_to_a_restriction():
    rows = clustered_rows(5_000, 64, seed=4)
    approximate = VectorIndex.build(rows, HNSWParameters(m=16, ef_construction=40, ef_search=256))
    for allowed in (np.arange(0, 5_000, 3), np.arange(100, 130)):
        ids, _ = approximate.search(rows[101], k=10, rows=allowed)
        assert len(ids) == 10 and set(ids.tolist()) <= set(allowed.tolist())


def test_an_approximate_index_loads_with_its_vectors(tmp_path):
    rows = clustered_rows(2_000, 32, seed=6)
    parameters = HNSWParameters(m=16, ef_construction=40, ef_search=64)
    built = VectorIndex.build(RowVectors([rows[:700], rows[700:]]), parameters)
    built.save(tmp_path / "hnsw.faiss")
    loaded = VectorIndex.load(tmp_path / "hnsw.faiss", RowVectors([rows]), parameters.ef_search)
    for query in rows[:5]:
        assert all(np.array_equal(a, b) for a, b in zip(built.search(query, k=10), loaded.search(query, k=10)))
    with pytest.raises(ValueError, match="exact vectors"):
        VectorIndex.load(tmp_path / "hnsw.faiss")
    with pytest.raises(ValueError, match="exact vectors"):
        VectorIndex.load(tmp_path / "hnsw.faiss", RowVectors([rows[:10]]), parameters.ef_search)


def test_rows_of_a_large_mapped_file_are_read_as_the_map_holds_them_without_mapping_them(tmp_path, monkeypatch):
    monkeypatch.setattr(vectors_module, "READ_ROWS_FROM_BYTES", 0)  # every file counts as large
    path = tmp_path / "vectors.npy"
    np.save(path, np.random.default_rng(0).standard_normal((500, 16)).astype(np.float32))
    mapped = np.load(path, mmap_mode="r")
    rows = RowVectors([mapped])
    assert rows._files[0] is not None
    for wanted in (np.array([3, 4, 5, 9, 200, 201, 499]), np.array([499, 0, 7, 6]), np.arange(500), np.array([], dtype=np.int64)):
        assert np.array_equal(rows.take(wanted), np.asarray(mapped[wanted]))
    assert np.allclose(norms(rows), np.linalg.norm(mapped, axis=1))
    # a view of part of the file is read through the map, never from the wrong offset
    assert RowVectors([mapped[10:]])._files[0] is None


def test_a_mapped_file_cut_short_is_an_error_not_garbage(tmp_path, monkeypatch):
    monkeypatch.setattr(vectors_module, "READ_ROWS_FROM_BYTES", 0)
    path = tmp_path / "vectors.npy"
    np.save(path, np.ones((100, 8), dtype=np.float32))
    rows = RowVectors([np.load(path, mmap_mode="r")])
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size - 64)
    with pytest.raises(OSError, match="cut short"):
        rows.take(np.array([99]))
