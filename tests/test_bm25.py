import math
import re
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from index.bm25 import BM25Method, BM25Retriever, best_rows
from index.tokenizer import Tokenizer

CORPUS = Path(__file__).parents[1] / "corpus/documents/jilin-northeast-revitalization-2014.txt"
MEASURE = re.compile(r"^\s*(\d+)\.(.+)$", re.MULTILINE)
DEPARTMENT_LIST = re.compile(r"（([^（）]*?)等?负责[^）]*）")

QUESTIONS = [
    "棚户区改造融资", "民营银行", "高铁走出去", "人才引进", "粮食仓储", "冰雪旅游", "对俄合作",
    "混合所有制经济", "黑土地保护", "机场建设", "特高压", "油页岩开发", "企业退休人员养老金",
    "电子商务平台", "湿地保护", "企业债券", "灌区工程", "自主创新示范区", "发展改革",
    "国有企业改革", "边境小额贸易", "ＰＰＰ项目",
]
K1, B = 1.5, 0.75


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    text = CORPUS.read_text(encoding="utf-8")
    departments = {name for match in DEPARTMENT_LIST.finditer(text) for name in match[1].split("、")}
    return Tokenizer(departments)


@pytest.fixture(scope="module")
def corpus_tokens(tokenizer) -> list[list[str]]:
    text = CORPUS.read_text(encoding="utf-8")
    return [tokenizer.tokenize(match[2]) for match in MEASURE.finditer(text)]


@pytest.fixture(scope="module")
def question_tokens(tokenizer) -> list[list[str]]:
    return [tokenizer.tokenize(question) for question in QUESTIONS]


def ranking(scores: np.ndarray, k: int = 10) -> list[int]:
    # Rounded, so float32 and float64 agree on ties, which break by corpus position.
    rounded = np.round(np.asarray(scores, dtype=np.float64), 4)
    return np.lexsort((np.arange(len(scores)), -rounded))[:k].tolist()


def test_the_corpus_has_139_measures(corpus_tokens):
    assert len(corpus_tokens) == 139


def test_robertson_matches_rank_bm25_okapi_without_epsilon(corpus_tokens, question_tokens):
    # Both compute idf = ln((N - df + 0.5) / (df + 0.5)) and saturate tf with
    # tf / (tf + k1 * (1 - b + b * dl / avgdl)). rank_bm25 lifts a negative idf to
    # epsilon * mean idf, bm25s clamps it at 0: they agree at epsilon = 0. rank_bm25
    # multiplies by (k1 + 1), bm25s does not, which no ranking sees.
    ours = BM25Retriever.build(corpus_tokens, K1, B, method=BM25Method.ROBERTSON)
    reference = BM25Okapi(corpus_tokens, k1=K1, b=B, epsilon=0.0)
    assert any(reference.idf[token] == 0 for tokens in question_tokens for token in tokens)
    for tokens in question_tokens:
        expected = reference.get_scores(tokens) / (K1 + 1)
        actual = ours.scores(tokens)
        assert np.allclose(actual, expected, rtol=1e-5, atol=1e-5), tokens
        assert ranking(actual) == ranking(expected), tokens


def test_lucene_matches_rank_bm25_okapi_with_the_lucene_idf(corpus_tokens, question_tokens):
    # No rank_bm25 variant has Lucene's idf, ln(1 + (N - df + 0.5) / (df + 0.5)); its tf
    # saturation is Okapi's, so the reference is BM25Okapi with that idf in place of its own.
    ours = BM25Retriever.build(corpus_tokens, K1, B)
    reference = BM25Okapi(corpus_tokens, k1=K1, b=B)
    n = len(corpus_tokens)
    document_frequency: dict[str, int] = {}
    for tokens in corpus_tokens:
        for token in set(tokens):
            document_frequency[token] = document_frequency.get(token, 0) + 1
    reference.idf = {
        token: math.log(1 + (n - df + 0.5) / (df + 0.5)) for token, df in document_frequency.items()
    }
    for tokens in question_tokens:
        expected = reference.get_scores(tokens) / (K1 + 1)
        actual = ours.scores(tokens)
        assert np.allclose(actual, expected, rtol=1e-5, atol=1e-5), tokens
        assert ranking(actual) == ranking(expected), tokens


def test_scores_are_float32_in_corpus_order(corpus_tokens, tokenizer):
    retriever = BM25Retriever.build(corpus_tokens)
    scores = retriever.scores(tokenizer.tokenize("国家开发银行棚户区专项贷款"))
    assert scores.dtype == np.float32 and scores.shape == (139,)
    assert len(retriever) == 139
    assert int(np.argmax(scores)) == 90  # measure 91


def test_unseen_and_empty_queries_score_zero(corpus_tokens):
    retriever = BM25Retriever.build(corpus_tokens)
    for query in (["月球基地", "qwerty"], [], [""]):
        scores = retriever.scores(query)
        assert scores.dtype == np.float32 and scores.shape == (139,)
        assert not scores.any()


def test_unseen_tokens_are_ignored_beside_known_ones(corpus_tokens):
    retriever = BM25Retriever.build(corpus_tokens)
    assert np.array_equal(retriever.scores(["棚户区", "月球基地"]), retriever.scores(["棚户区"]))


def test_save_and_load_round_trip(corpus_tokens, question_tokens, tmp_path):
    for method in BM25Method:
        built = BM25Retriever.build(corpus_tokens, k1=1.2, b=0.6, method=method)
        built.save(tmp_path / method.value)
        loaded = BM25Retriever.load(tmp_path / method.value)
        assert len(loaded) == len(built)
        for tokens in question_tokens:
            assert np.array_equal(loaded.scores(tokens), built.scores(tokens))


def test_building_twice_saves_identical_files(corpus_tokens, tmp_path):
    for name in ("first", "second"):
        BM25Retriever.build(corpus_tokens).save(tmp_path / name)
    for path in (tmp_path / "first").iterdir():
        assert path.read_bytes() == (tmp_path / "second" / path.name).read_bytes(), path.name


def test_method_names_parse_and_unknown_ones_list_the_valid_ones(corpus_tokens):
    assert BM25Method.parse("robertson") is BM25Method.ROBERTSON
    with pytest.raises(ValueError, match="lucene, robertson"):
        BM25Retriever.build(corpus_tokens, method="okapi")


def test_a_corpus_without_tokens_is_rejected():
    with pytest.raises(ValueError):
        BM25Retriever.build([[], []])


def test_best_rows_are_the_highest_positive_scores(corpus_tokens, question_tokens):
    retriever = BM25Retriever.build(corpus_tokens)
    for tokens in question_tokens:
        scores = retriever.scores(tokens)
        matched = np.flatnonzero(scores > 0)
        assert sorted(best_rows(scores, 200).tolist()) == matched.tolist()
        best = best_rows(scores, 5)
        assert len(best) == min(5, len(matched))
        if len(matched) > 5:
            assert scores[best].min() >= np.sort(scores[matched])[-5]


def test_best_rows_keep_to_the_rows_allowed(corpus_tokens, tokenizer):
    scores = BM25Retriever.build(corpus_tokens).scores(tokenizer.tokenize("国家开发银行棚户区专项贷款"))
    allowed = np.arange(0, 139, 2)
    best = best_rows(scores, 3, allowed)
    assert set(best.tolist()) <= set(allowed.tolist()) and np.all(scores[best] > 0)
    assert sorted(scores[best].tolist()) == sorted(scores[allowed])[-3:]
    assert best_rows(np.zeros(139, dtype=np.float32), 10).shape == (0,)
