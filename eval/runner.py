"""Run the gold set through the pipeline under named configurations and score the answers."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tqdm import tqdm

from eval.abstention_evaluator import AbstentionEvaluator
from eval.citation_precision_evaluator import CitationPrecisionEvaluator
from eval.configurations import CONFIGURATIONS, DEFAULT_CONFIGURATION, HYBRID, SINGLE_RETRIEVERS, configuration_settings
from eval.corpus_departments import GOLD_DOCUMENT, GOLD_DOCUMENT_ID, read_lead_departments
from eval.count_evaluator import CountEvaluator
from eval.direct_answer_evaluator import DirectAnswerEvaluator
from eval.evaluator import Evaluator
from eval.exact_set_evaluator import ExactSetEvaluator
from eval.gold import KINDS, LANGUAGES, GoldQuestion, load_gold
from eval.lead_evaluator import LeadEvaluator
from eval.metrics import cited_measures, ranking_key
from eval.report import Baseline, abstention_models, against_previous_release, hybrid_versus_single, write_reports
from eval.result import EvalResult, Metrics, PartResults, QuestionResult
from eval.retrieval_evaluator import RetrievalEvaluator
from eval.verdict_evaluator import VerdictEvaluator
from qa.answer import Answer
from qa.settings import Settings

if TYPE_CHECKING:  # the pipeline is imported where a run needs it: scoring alone does without the encoders
    from qa.pipeline import QAPipeline

BASELINES_DIR = Path(__file__).with_name("baselines")
NO_BASELINE = "none"
# Bars redrawn at most this often: on a log file rather than a terminal each redraw is a line of its own.
PROGRESS_INTERVAL_SECONDS = 2.0


class Ask(Protocol):
    """QAPipeline.ask, as the runner calls it."""

    def __call__(self, question: str, *, conversation_id: str | None = None, document: str = GOLD_DOCUMENT_ID) -> Answer: ...


def evaluate(
    questions: list[GoldQuestion],
    ask: Ask,
    part: str,
    progress: bool = True,
    corpus_leads: Mapping[str, Mapping[int | str, str]] | None = None,
) -> EvalResult:
    """Ask every question of one part and score the answers overall, per language, per kind and per kind × language.
    `corpus_leads`: per document, each task's lead as the library names it; by default the gold
    document's as its text writes them."""
    bar = tqdm(questions, desc=f"{part} questions", unit="q", disable=not progress, mininterval=PROGRESS_INTERVAL_SECONDS)
    answers = [answer_in_conversation(question, ask, part) for question in bar]
    evaluators: list[Evaluator] = [
        RetrievalEvaluator(),
        CitationPrecisionEvaluator(),
        LeadEvaluator(corpus_leads or {GOLD_DOCUMENT_ID: read_lead_departments(GOLD_DOCUMENT)}),
        ExactSetEvaluator(),
        CountEvaluator(),
        VerdictEvaluator(),
        DirectAnswerEvaluator(),
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


class LibraryUnderTest:
    """How the gold questions are asked of the library under test. Each question is about one document:
    the Jilin questions, written when it was the only document, are limited to it in a larger library,
    with its departments named as the library names them there (a name two provinces' documents share
    becomes 吉林省财政厅); a question about another document is asked of the whole library, so that
    finding the right document is part of the answer; a question about a document the library lacks is
    not asked."""

    def __init__(self, pipeline: QAPipeline) -> None:
        self.pipeline = pipeline
        self.library = pipeline.library
        self.documents = {document.id for document in self.library.documents}

    def covers(self, question: GoldQuestion) -> bool:
        return question.document in self.documents

    def ask(self, question: str, *, conversation_id: str | None = None, document: str = GOLD_DOCUMENT_ID) -> Answer:
        scope = [document] if document == GOLD_DOCUMENT_ID and len(self.documents) > 1 else []
        return self.pipeline.ask(question, conversation_id=conversation_id, documents=scope)

    def canonical(self, document: str, name: str) -> str:
        if len(self.documents) == 1:
            return name
        try:
            return self.library.registry.department_for(document, name).name
        except LookupError:
            return name

    def named(self, question: GoldQuestion) -> GoldQuestion:
        """The question with its departments named as the library names them."""

        def canonical(name: str) -> str:
            return self.canonical(question.document, name)

        expect = canonical(question.expect) if question.kind == "either_or" and question.expect else question.expect
        return question.model_copy(update={"lead": [canonical(name) for name in question.lead], "expect": expect})

    def gold_document_leads(self) -> dict[str, dict[int | str, str]]:
        """The Jilin measures' leads as its text writes them, named as the library names them."""
        leads = read_lead_departments(GOLD_DOCUMENT)
        return {GOLD_DOCUMENT_ID: {number: self.canonical(GOLD_DOCUMENT_ID, lead) for number, lead in leads.items()}}


def answer_in_conversation(question: GoldQuestion, ask: Ask, part: str) -> Answer:
    """The answer to `question` in a conversation of its own, after its `context` questions; only this one is scored.

    A conversation per question keeps one question's turn from becoming the previous turn of the next.
    """
    conversation_id = f"eval:{part}:{question.id}"
    for earlier in question.context:
        ask(earlier, conversation_id=conversation_id, document=question.document)
    return ask(question.q, conversation_id=conversation_id, document=question.document)


def _question_result(question: GoldQuestion, answer: Answer, evaluators: list[Evaluator]) -> QuestionResult:
    cited = cited_measures(answer, question.document)
    lead_by_measure: dict[int | str, str | None] = {}
    for citation in answer.citations:
        if (measure := ranking_key(citation, question.document)) is not None:
            lead_by_measure.setdefault(measure, citation.lead_department)
    scores: Metrics = {}
    for evaluator in evaluators:
        scores.update(evaluator.question_scores(question, answer))
    return QuestionResult(
        gold=question,
        intent=answer.intent.value,
        abstained=answer.abstained,
        direct=answer.direct,
        cited=cited,
        cited_leads=[lead_by_measure[measure] for measure in cited],
        count=answer.count,
        verdict=answer.verdict.value if answer.verdict else None,
        choice=answer.choice,
        scores=scores,
    )


def chosen_baseline(argument: str | None, directory: Path = BASELINES_DIR) -> Path | None:
    """The baseline file a `--baseline` argument names: by default the newest release's, "none" for none."""
    if argument is None:
        return newest_baseline(directory)
    return None if argument.lower() == NO_BASELINE else Path(argument)


def newest_baseline(directory: Path = BASELINES_DIR) -> Path | None:
    """The baseline of the latest release, by the version in the file name (v0.10.0 is newer than v0.9.0)."""
    versions = {path: _release_version(path.stem) for path in directory.glob("*.json")}
    releases = {path: version for path, version in versions.items() if version is not None}
    return max(releases, key=releases.__getitem__, default=None)


def _release_version(name: str) -> tuple[int, ...] | None:
    match = re.fullmatch(r"v?(\d+(?:\.\d+)*)", name)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def comparison_sections(results: dict[str, PartResults], baseline: Baseline | None) -> list[str]:
    """report.md's comparisons: with the previous release, and of hybrid with the single retrievers run."""
    lines: list[str] = []
    if baseline is not None:
        lines += against_previous_release(baseline, DEFAULT_CONFIGURATION, results.get(DEFAULT_CONFIGURATION))
    singles = {name: results[name] for name in SINGLE_RETRIEVERS if name in results}
    if HYBRID in results and singles:
        lines += hybrid_versus_single(HYBRID, results[HYBRID], singles)
    return lines


def load_parts(parts: Mapping[str, Path]) -> dict[str, list[GoldQuestion]]:
    """Each part's questions; a missing or malformed file raises ValueError before anything is asked."""
    loaded: dict[str, list[GoldQuestion]] = {}
    for part, path in parts.items():
        try:
            loaded[part] = load_gold(path)
        except OSError as error:
            raise ValueError(f"cannot read the {part} part {path}: {error.strerror}") from None
    return loaded


def run(
    settings: Settings,
    parts: Mapping[str, Path],
    out_dir: Path,
    configs: list[str],
    baseline: Baseline | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> dict[str, PartResults]:
    """Evaluate each named configuration on each part (name -> gold file), write the reports to out_dir
    (compared with `baseline`, a previous release, if given) and return the results by configuration and part."""
    if not configs:
        raise ValueError(f"no configuration given; valid names: {', '.join(CONFIGURATIONS)}")
    configured = {name: configuration_settings(settings, name) for name in configs}
    questions_by_part = load_parts(parts)
    # Imported here so that scoring and reporting do not load the retrieval stack and its encoders.
    from eval.calibration import stored_calibration
    from qa.pipeline import QAPipeline

    results: dict[str, PartResults] = {}
    for name, configured_settings in configured.items():
        library = LibraryUnderTest(QAPipeline.from_settings(configured_settings))
        for part, questions in questions_by_part.items():
            if absent := sorted({q.document for q in questions if not library.covers(q)}):
                skipped = sum(not library.covers(q) for q in questions)
                log(f"{name}, {part} part: {skipped} questions about documents the library lacks ({', '.join(absent)}) not asked")
        results[name] = {
            part: evaluate(
                [library.named(q) for q in questions if library.covers(q)], library.ask, part, corpus_leads=library.gold_document_leads()
            )
            for part, questions in questions_by_part.items()
        }
    primary = DEFAULT_CONFIGURATION if DEFAULT_CONFIGURATION in results else configs[0]
    calibrations = {name: stored_calibration(configured_settings) for name, configured_settings in configured.items()}
    sections = comparison_sections(results, baseline) + abstention_models(calibrations)
    write_reports(results, out_dir, primary, sections)
    return results
