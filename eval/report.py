"""Reports of evaluation results: results.json, questions.csv, report.md and comparison.png."""
from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pydantic import BaseModel, TypeAdapter, ValidationError

from eval.gold import KINDS, LANGUAGES, OUT_OF_SCOPE
from eval.metrics import K_VALUES, MRR_AT_K, NDCG_AT_K
from eval.parts import FITTED, TEST
from eval.result import EvalResult, Metrics, PartResults, QuestionResult
from qa.errors import UsageError

RESULTS_JSON = "results.json"
QUESTIONS_CSV = "questions.csv"
REPORT_MD = "report.md"
COMPARISON_PNG = "comparison.png"

RECALL_METRICS: tuple[str, ...] = tuple(f"recall@{k}" for k in K_VALUES)
HEADLINE_METRICS: tuple[str, ...] = (
    "recall@5",
    f"mrr@{MRR_AT_K}",
    f"ndcg@{NDCG_AT_K}",
    "citation_precision",
    "lead_accuracy",
    "exact_set_accuracy",
    "count_accuracy",
    "verdict_accuracy",
    "first_line_answers",
    "abstention_recall",
    "false_abstention_rate",
)
QUESTION_METRICS: tuple[str, ...] = RECALL_METRICS + tuple(m for m in HEADLINE_METRICS if m not in RECALL_METRICS)
PLOTTED_METRICS: tuple[str, ...] = ("recall@5", f"mrr@{MRR_AT_K}", f"ndcg@{NDCG_AT_K}")
QUESTION_COLUMNS: tuple[str, ...] = (
    "config",
    "part",
    "id",
    "lang",
    "kind",
    "question",
    "context",
    "relevant",
    "related",
    "expected_lead",
    "expected_count",
    "expect",
    "intent",
    "abstained",
    "direct",
    "cited",
    "cited_leads",
    "answer_count",
    "verdict",
    "choice",
    *QUESTION_METRICS,
)
CITED_SHOWN = 10  # cited measures listed per failed question; department lists run to 102 measures
OVERALL = "all"
SCOPES: tuple[str, ...] = (OVERALL, *LANGUAGES)
RANKING_METRIC = f"ndcg@{NDCG_AT_K}"


class _ScopedMetrics(BaseModel):
    """The part of a results.json entry that a comparison reads."""

    overall: Metrics
    by_language: dict[str, Metrics]


# results.json: configuration -> part -> metrics. Before the held-out part, configuration -> metrics, scored on
# eval/gold.jsonl alone, which is now the fitted part.
_PARTED_RESULTS = TypeAdapter(dict[str, dict[str, _ScopedMetrics]])
_SINGLE_PART_RESULTS = TypeAdapter(dict[str, _ScopedMetrics])


@dataclass(frozen=True)
class Baseline:
    """A previous release's metrics for one configuration, per part and scope ("all" and each language)."""

    release: str  # the baseline file's name without .json, e.g. v0.1.0
    configuration: str
    parts: dict[str, dict[str, Metrics]]  # part -> scope -> metrics


def read_baseline(path: Path, configuration: str) -> Baseline:
    """The `configuration` entry of a results.json kept from a previous release."""
    try:
        text = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read the baseline {path}: {error.strerror}") from None
    try:
        payload = _PARTED_RESULTS.validate_json(text)
    except ValidationError as error:
        try:
            payload = {name: {FITTED: entry} for name, entry in _SINGLE_PART_RESULTS.validate_json(text).items()}
        except ValidationError:
            # a plain ValueError: the CLI reports pydantic's own errors as invalid settings
            raise UsageError(f"the baseline {path} is not a results.json: {error}") from None
    if configuration not in payload:
        raise UsageError(f"the baseline {path} has no {configuration!r} configuration; it has: {', '.join(payload) or 'none'}")
    parts = {part: {OVERALL: entry.overall, **entry.by_language} for part, entry in payload[configuration].items()}
    return Baseline(path.stem, configuration, parts)


def write_reports(results: dict[str, PartResults], out_dir: Path, primary: str, sections: Sequence[str] = ()) -> None:
    """Write all four reports; `results` are by configuration and part, `primary` is the configuration broken down
    by kind and listed question by question, `sections` are Markdown lines that report.md shows after the headline
    metrics."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_results_json(results, out_dir / RESULTS_JSON)
    write_questions_csv(results, out_dir / QUESTIONS_CSV)
    write_report_md(results, out_dir / REPORT_MD, primary, sections)
    write_comparison_png(results, out_dir / COMPARISON_PNG)


def write_results_json(results: dict[str, PartResults], path: Path) -> None:
    """Every metric, per configuration and part, overall, per language, per kind and per kind × language."""
    payload = {
        name: {
            part: result.model_dump(mode="json", include={"overall", "by_language", "by_kind", "by_kind_language"})
            for part, result in parts.items()
        }
        for name, parts in results.items()
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_questions_csv(results: dict[str, PartResults], path: Path) -> None:
    """One row per configuration × part × question: what was expected, what was answered, and its scores."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(QUESTION_COLUMNS)
        for name, parts in results.items():
            for part, result in parts.items():
                for outcome in result.questions:
                    writer.writerow(_question_row(name, part, outcome))


def write_report_md(results: dict[str, PartResults], path: Path, primary: str, sections: Sequence[str] = ()) -> None:
    lines = ["# 政策问答 evaluation", "", *_parts_note(results[primary]), "## Headline metrics per configuration", ""]
    for name, parts in results.items():
        lines += [f"### {name}", ""] + _headline_table(parts) + [""]
    lines += sections

    for part, result in results[primary].items():
        lines += [f"## Per kind: {primary}, {part} part", ""]
        kind_rows: dict[str, Metrics] = {}
        for kind in KINDS:
            if kind in result.by_kind:
                kind_rows[kind] = result.by_kind[kind]
                for language, metrics in result.by_kind_language[kind].items():
                    kind_rows[f"{kind} · {language}"] = metrics
        lines += _metrics_table("kind", kind_rows) + [""]

    for part, result in results[primary].items():
        failed = [(outcome, checks) for outcome in result.questions if (checks := failed_checks(outcome))]
        lines += [f"## Failed questions: {primary}, {part} part ({len(failed)} of {len(result.questions)})", ""]
        for outcome, checks in failed:
            gold = outcome.gold
            lines += [f"### {gold.id} · {gold.kind} · {gold.lang}: {gold.q}", ""]
            if gold.context:
                lines.append(f"- asked after: {' / '.join(gold.context)}")
            lines += [
                f"- failed: {'; '.join(checks)}",
                f"- expected: {_expected(outcome)}",
                f"- first line: {outcome.direct or '(empty)'}",
                f"- cited: {_cited(outcome)}",
                "",
            ]
    path.write_text("\n".join(lines), encoding="utf-8")


def against_previous_release(baseline: Baseline, current_name: str, current: PartResults | None) -> list[str]:
    """Markdown: per part and scope, each headline metric in the previous release and now, and the change."""
    lines = ["## Against the previous release", ""]
    if current is None:
        return lines + [f"Not compared: this run did not include {current_name}.", ""]
    lines += [
        f"Previous: release {baseline.release}, configuration {baseline.configuration}. Now: {current_name}. "
        "Change is now minus previous; for false_abstention_rate lower is better.",
        "",
    ]
    for part, result in current.items():
        previous_scopes = _previous_part(baseline, part, current)
        if previous_scopes is None:
            lines += [f"Not compared on the {part} part: release {baseline.release} has none.", ""]
            continue
        for scope in SCOPES:
            previous, now = previous_scopes.get(scope, {}), _scope_metrics(result, scope)
            lines += [f"### {part} part · {scope}", "", "| metric | previous | now | change |", "|---|---:|---:|---:|"]
            for metric in HEADLINE_METRICS:
                before, after = previous.get(metric), now.get(metric)
                change = f"{after - before:+.3f}" if before is not None and after is not None else "–"
                lines.append(f"| {metric} | {_score(before)} | {_score(after)} | {change} |")
            lines.append("")
    return lines


def _previous_part(baseline: Baseline, part: str, current: PartResults) -> dict[str, Metrics] | None:
    """The baseline's scopes for `part`: the part of that name, or, when a single file is scored against a
    release that scored a single file, that one whatever the files are called."""
    if part in baseline.parts:
        return baseline.parts[part]
    if len(current) == 1 and len(baseline.parts) == 1:
        return next(iter(baseline.parts.values()))
    return None


def hybrid_versus_single(hybrid_name: str, hybrid: PartResults, singles: dict[str, PartResults]) -> list[str]:
    """Markdown: per part and scope, the hybrid's nDCG@10 against the best single retriever's, and a plain yes or no."""
    lines = [
        "## Does hybrid beat the best single retriever?",
        "",
        f"{RANKING_METRIC} of {hybrid_name} against the best of {', '.join(singles)} in each scope.",
        "",
    ]
    for part, result in hybrid.items():
        singles_on_part = {name: parts[part] for name, parts in singles.items() if part in parts}
        lines += [f"### {part} part", ""] + _hybrid_versus_single_on_part(hybrid_name, result, singles_on_part)
    return lines


def _hybrid_versus_single_on_part(hybrid_name: str, hybrid: EvalResult, singles: dict[str, EvalResult]) -> list[str]:
    lines = [
        f"| scope | {hybrid_name} | best single | its {RANKING_METRIC} | difference | {hybrid_name} better? |",
        "|---|---:|---|---:|---:|---|",
    ]
    verdicts: dict[str, bool] = {}
    for scope in SCOPES:
        ours = _scope_metrics(hybrid, scope).get(RANKING_METRIC)
        theirs = {name: value for name, result in singles.items() if (value := _scope_metrics(result, scope).get(RANKING_METRIC)) is not None}
        if ours is None or not theirs:
            continue
        best = max(theirs, key=theirs.__getitem__)
        difference = ours - theirs[best]
        verdicts[scope] = difference > 0
        lines.append(f"| {scope} | {ours:.3f} | {best} | {theirs[best]:.3f} | {difference:+.3f} | {'yes' if verdicts[scope] else 'no'} |")
    losing = [scope for scope, better in verdicts.items() if not better]
    winning = [scope for scope, better in verdicts.items() if better]
    if not verdicts:
        summary = f"Not compared: no scope has an {RANKING_METRIC} for both."
    elif not losing:
        summary = f"**Yes**: {hybrid_name} beats the best single retriever in every scope."
    else:
        summary = f"**No** in {', '.join(losing)}" + (f"; yes in {', '.join(winning)}." if winning else ".")
    return lines + ["", summary, ""]


def abstention_models(calibrations: dict[str, dict | None]) -> list[str]:
    """Markdown: per configuration, what `qa calibrate` recorded for its abstention model (None: never calibrated)."""
    lines = [
        "## Abstention model",
        "",
        "As fitted by `qa calibrate`; the cross-validated figures estimate questions the model has not seen.",
        "",
        "| config | calibrated on | questions | fitted recall | fitted false abstention | cross-validated recall | cross-validated false abstention |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, entry in calibrations.items():
        if entry is None:
            lines.append(f"| {name} | never calibrated: never abstains | | | | | |")
            continue
        fitted, cross_validated = entry["fitted"], entry["cross_validated"]
        lines.append(
            f"| {name} | {entry['calibrated_on']} | {entry['questions']} "
            f"| {_score(fitted['abstention_recall'])} | {_score(fitted['false_abstention_rate'])} "
            f"| {_score(cross_validated['abstention_recall'])} | {_score(cross_validated['false_abstention_rate'])} |"
        )
    return lines + [""]


def write_comparison_png(results: dict[str, PartResults], path: Path) -> None:
    """Grouped bars: one panel per part × language, one group per configuration, one bar per plotted metric."""
    parts = list(dict.fromkeys(part for part_results in results.values() for part in part_results))
    figure = Figure(figsize=(5 * len(LANGUAGES), 4 * len(parts)), layout="constrained")
    FigureCanvasAgg(figure)
    grid = figure.subplots(len(parts), len(LANGUAGES), sharey=True, squeeze=False)
    names = list(results)
    width = 0.8 / len(PLOTTED_METRICS)
    for axes, part in zip(grid, parts):
        for ax, language in zip(axes, LANGUAGES):
            for offset, metric in enumerate(PLOTTED_METRICS):
                values = [_language_metric(results[name], part, language, metric) for name in names]
                positions = [index + (offset - (len(PLOTTED_METRICS) - 1) / 2) * width for index in range(len(names))]
                ax.bar(positions, values, width, label=metric)
            ax.set_title(f"{part} · {language}")
            ax.set_xticks(range(len(names)), names, rotation=20)
            ax.set_ylim(0, 1)
            ax.grid(axis="y", alpha=0.3)
        axes[0].set_ylabel("score")
    handles, labels = grid[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(PLOTTED_METRICS))
    figure.savefig(path, dpi=120)


def _language_metric(parts: PartResults, part: str, language: str, metric: str) -> float:
    """A bar's height; 0 where the configuration did not run the part or the language has no such question."""
    return parts[part].by_language.get(language, {}).get(metric, 0.0) if part in parts else 0.0


def failed_checks(outcome: QuestionResult) -> list[str]:
    """Why a question counts as failed; empty when every check that applies to it passed."""
    scores = outcome.scores
    checks: list[str] = []
    if scores.get("recall@5", 1.0) < 1.0:
        checks.append(f"recall@5 = {scores['recall@5']:.2f}")
    if scores.get("lead_accuracy", 1.0) < 1.0:
        checks.append("wrong or missing lead department")
    if scores.get("exact_set_accuracy", 1.0) < 1.0:
        missing = sorted(set(outcome.gold.relevant) - set(outcome.cited))
        extra = sorted(set(outcome.cited) - set(outcome.gold.relevant), key=str)
        checks.append(f"set differs (missing {_join(missing) or 'none'}; extra {_join(extra) or 'none'})")
    if scores.get("count_accuracy", 1.0) < 1.0:
        checks.append(f"count {outcome.count} instead of {outcome.gold.count}")
    if scores.get("verdict_accuracy", 1.0) < 1.0:
        given = outcome.verdict if outcome.gold.kind == "yes_no" else outcome.choice
        checks.append(f"verdict {given or 'none'} instead of {outcome.gold.expect}")
    if scores.get("first_line_answers", 1.0) < 1.0:
        checks.append("the first line does not answer")
    if scores.get("abstention_recall", 1.0) < 1.0:
        checks.append("answered an out-of-scope question")
    if scores.get("false_abstention_rate", 0.0) > 0.0:
        checks.append("abstained on a question the document answers")
    return checks


def _scope_metrics(result: EvalResult, scope: str) -> Metrics:
    return result.overall if scope == OVERALL else result.by_language.get(scope, {})


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _parts_note(parts: PartResults) -> list[str]:
    counts = ", ".join(f"{part} ({_whole(result.overall.get('questions'))} questions)" for part, result in parts.items())
    note = f"Parts: {counts}."
    if FITTED in parts and TEST in parts:
        note += (
            f" Rules, lexicons, the question classifier and the abstention model learn from the {FITTED} part;"
            f" the {TEST} part is held out, and `--gate` checks it."
        )
    return [note, ""]


def _headline_table(parts: PartResults) -> list[str]:
    """One configuration: a row per headline metric, a column per scope × part."""
    columns = [(scope, part) for scope in SCOPES for part in parts]

    def row(metric: str, show: Callable[[float | None], str]) -> str:
        return f"| {metric} | " + " | ".join(show(_scope_metrics(parts[part], scope).get(metric)) for scope, part in columns) + " |"

    header = "| metric | " + " | ".join(f"{scope} · {part}" for scope, part in columns) + " |"
    rule = "|---|" + "---:|" * len(columns)
    return [header, rule, row("questions", _whole), *(row(metric, _score) for metric in HEADLINE_METRICS)]


def _whole(value: float | None) -> str:
    return "–" if value is None else str(int(value))


def _metrics_table(label: str, rows: dict[str, Metrics]) -> list[str]:
    header = f"| {label} | n | " + " | ".join(HEADLINE_METRICS) + " |"
    rule = "|---|---:|" + "---:|" * len(HEADLINE_METRICS)
    body = [
        f"| {name} | {int(metrics.get('questions', 0))} | "
        + " | ".join(_score(metrics.get(metric)) for metric in HEADLINE_METRICS)
        + " |"
        for name, metrics in rows.items()
    ]
    return [header, rule, *body]


def _question_row(config: str, part: str, outcome: QuestionResult) -> list[object]:
    gold = outcome.gold
    return [
        config,
        part,
        gold.id,
        gold.lang,
        gold.kind,
        gold.q,
        " / ".join(gold.context),
        _join(gold.relevant),
        _join(gold.related),
        _join(gold.lead),
        _blank_if_none(gold.count),
        _blank_if_none(gold.expect),
        outcome.intent,
        outcome.abstained,
        outcome.direct,
        _join(outcome.cited),
        _join(lead or "" for lead in outcome.cited_leads),
        _blank_if_none(outcome.count),
        _blank_if_none(outcome.verdict),
        _blank_if_none(outcome.choice),
        *(_blank_if_none(outcome.scores.get(metric)) for metric in QUESTION_METRICS),
    ]


def _expected(outcome: QuestionResult) -> str:
    gold = outcome.gold
    if gold.kind == OUT_OF_SCOPE:
        return "abstain"
    parts = [f"measures {_join(gold.relevant) or 'none'}"]
    if gold.related:
        parts.append(f"related {_join(gold.related)}")
    if gold.lead:
        parts.append(f"lead {_join(gold.lead)}")
    if gold.count is not None:
        parts.append(f"count {gold.count}")
    if gold.expect is not None:
        parts.append(f"verdict {gold.expect}")
    return "; ".join(parts)


def _cited(outcome: QuestionResult) -> str:
    shown = [f"{measure} ({lead or 'no lead'})" for measure, lead in zip(outcome.cited, outcome.cited_leads)]
    text = ", ".join(shown[:CITED_SHOWN]) or "nothing"
    if len(shown) > CITED_SHOWN:
        text += f", … {len(shown) - CITED_SHOWN} more"
    details = [f"intent {outcome.intent}"]
    if outcome.abstained:
        details.append("abstained")
    if outcome.count is not None:
        details.append(f"count {outcome.count}")
    if outcome.verdict is not None:
        details.append(f"verdict {outcome.verdict}")
    if outcome.choice is not None:
        details.append(f"choice {outcome.choice}")
    return " · ".join([text, *details])


def _join(values: Iterable[object]) -> str:
    return ", ".join(str(value) for value in values)


def _blank_if_none(value: object) -> object:
    return "" if value is None else value
