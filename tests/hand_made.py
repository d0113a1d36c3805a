"""Hand-made gold questions and answers for the evaluator and report tests: no index, no pipeline."""
from __future__ import annotations

from collections.abc import Sequence

from eval.corpus_departments import GOLD_DOCUMENT, read_lead_departments
from eval.gold import GoldQuestion
from qa.answer import Answer, AnswerItem, Citation, Intent, Role, Verdict

CORPUS_LEADS = read_lead_departments(GOLD_DOCUMENT)
DOCUMENT = "jilin-northeast-revitalization-2014"


def citation(measure: int | None, lead: str | None = None) -> Citation:
    """A citation of `measure` naming `lead` as its lead department, by default the document's own."""
    lead = lead or (CORPUS_LEADS[measure] if measure is not None else None)
    number = str(measure) if measure is not None else ""
    return Citation(
        id=f"{DOCUMENT}#{number or 'preamble@1'}",
        label=f"第{number}条" if number else "",
        document=DOCUMENT,
        title="",
        doc_number="",
        number=number,
        measure=measure,
        part="",
        subsection="",
        text="",
        body="",
        departments=[lead] if lead else [],
        lead_department=lead,
        score=1.0,
    )


def item(department: str, measures: Sequence[int] = (), role: str = "lead") -> AnswerItem:
    return AnswerItem(department=department, label=department, role=Role(role), measures=[str(m) for m in measures], document=DOCUMENT)


def answer(
    measures: Sequence[int | None] = (),
    *,
    wrong_leads: dict[int, str] | None = None,
    abstained: bool = False,
    count: int | None = None,
    direct: str = "",
    text: str | None = None,
    items: Sequence[AnswerItem] = (),
    verdict: str | None = None,
    choice: str | None = None,
) -> Answer:
    """An answer citing `measures`; its text is the direct answer alone unless `text` is given."""
    wrong_leads = wrong_leads or {}
    return Answer(
        question="q",
        language="zh",
        intent=Intent.OUT_OF_SCOPE if abstained else Intent.TOPIC,
        direct=direct,
        answer=direct if text is None else text,
        items=list(items),
        verdict=Verdict(verdict) if verdict else None,
        choice=choice,
        abstained=abstained,
        citations=[citation(measure, wrong_leads.get(measure)) for measure in measures],
        count=count,
    )


def gold(
    kind: str,
    relevant: Sequence[int] = (),
    *,
    related: Sequence[int] = (),
    lead: Sequence[str] = (),
    count: int | None = None,
    expect: str | None = None,
    context: Sequence[str] = (),
    lang: str = "zh",
    id: str = "x",
    q: str = "q",
) -> GoldQuestion:
    return GoldQuestion(
        id=id,
        q=q,
        lang=lang,
        kind=kind,
        relevant=list(relevant),
        related=list(related),
        lead=list(lead),
        count=count,
        expect=expect,
        context=list(context),
    )
