import numpy as np
import pytest

from index.vectors import VectorIndex


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
