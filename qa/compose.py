"""Answer composition: a direct answer first, built from the cited measures, then one line per
citation; extractive, in the question's language, every claim tied to a citation."""
from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Sequence
from dataclasses import replace

from corpus.departments import Department, DepartmentRegistry
from corpus.library import Library
from corpus.models import Document, Passage, PassageKind
from corpus.numerals import chinese_number
from qa.answer import Answer, AnswerItem, Citation, Intent, Role, Verdict
from qa.department_roles import holds_role
from qa.lexicon import Cue
from qa.thresholds import CountThreshold
from qa.task_numbers import display_number, numbers_phrase
from qa.understanding import DEPARTMENT_LIST_INTENTS, TAG_QUESTION, Understanding

LIST_PREVIEW_CHARS = 36  # long lists quote the opening of each measure; the citation holds the rest
DIRECT_QUOTE_CHARS = 60  # a measure asked about by number is quoted in the direct answer up to here
DIRECT_MEASURES = 3  # a who-is-responsible direct answer spells out the roles of at most this many measures
DIRECT_CO_DEPARTMENTS = 3  # and names this many co-responsible departments of each; the citation lists them all
# what an unnumbered passage outside any heading is called, in Chinese and in English
PASSAGE_KIND_LABELS = {
    PassageKind.PREAMBLE: ("文件开头", "Opening"),
    PassageKind.SUBSECTION: ("正文", "Text"),
    PassageKind.CLOSING: ("文件结尾", "Closing"),
    PassageKind.MEASURE: ("措施", "Measure"),
}
ROLE_WORDS_ZH = {Role.LEAD: "牵头", Role.CO: "配合", Role.ANY: "参与"}
ROLE_WORDS_EN = {Role.LEAD: "leading", Role.CO: "supporting", Role.ANY: "taking part"}
# the verb of each role, for one department and for each of several
ROLE_VERBS_EN = {Role.LEAD: ("leads", "lead"), Role.CO: ("supports", "support"), Role.ANY: ("takes part in", "take part in")}
RANKING_RUNNERS_UP = 2  # a ranking of every department names the runners-up where the first are no more than this many
TIED_NAMED = 4  # departments named of a group with as many measures; the rest are counted
HAS_QUESTION = re.compile(r"有没有|有无|是否有")
CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def task_number(passage: Passage, language: str) -> str:
    return display_number(passage.reference or passage.number, passage.measure, language)


def citation_label(passage: Passage, language: str) -> str:
    """What a citation is called: 第91条 / No. 91, 二（一）1 / No. 2.1.1, else its heading."""
    if passage.kind is PassageKind.MEASURE:
        number = task_number(passage, language)
        return f"No. {number}" if language == "en" else numbers_phrase([number], language)
    return passage.subsection or passage.part or PASSAGE_KIND_LABELS[passage.kind][language == "en"]


def cite(passage: Passage, score: float, document: Document, language: str, lead_english: str | None = None) -> Citation:
    return Citation(
        id=passage.id,
        label=citation_label(passage, language),
        document=passage.document,
        title=document.title,
        doc_number=document.doc_number,
        number=passage.reference or passage.number,
        body=passage.body,
        measure=passage.measure,
        part=passage.part,
        subsection=passage.subsection,
        text=passage.text,
        departments=list(passage.departments),
        lead_department=passage.lead_department,
        lead_department_en=lead_english,
        parties=list(passage.parties),
        score=round(score, 4),
    )


def _join(labels: Sequence[str], language: str) -> str:
    if language == "zh":
        return "、".join(labels)
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _measured(passages: Sequence[Passage]) -> list[Passage]:
    return [p for p in passages if p.kind is PassageKind.MEASURE]


class Composer:
    def __init__(self, registry: DepartmentRegistry, library: Library):
        self.registry = registry
        self.library = library
        self._position = {passage.id: row for row, passage in enumerate(library.passages)}

    def department_label(self, name: str, language: str) -> str:
        """English answers name the department in English with the Chinese as written."""
        if language == "zh":
            return name
        department = self.registry.named(name)
        return f"{department.english} ({name})" if department else name

    def _short_label(self, name: str, language: str) -> str:
        if language == "zh":
            return name
        department = self.registry.named(name)
        return department.english if department else name

    # -- items: the facts a direct answer states ------------------------------------------------

    def role_items(self, passages: Sequence[Passage], language: str, role: Role) -> list[AnswerItem]:
        """Each department with the cited measures it leads (Role.LEAD) or supports (Role.CO), in the
        order the citations first name it; its measures in number order."""
        by_department: dict[tuple[str, str], list[Passage]] = {}
        for passage in _measured(passages):
            if role is Role.LEAD:
                names = (passage.lead_department,) if passage.lead_department else ()
            else:
                names = passage.co_departments
            for name in names:
                by_department.setdefault((name, passage.document), []).append(passage)
        return [
            AnswerItem(
                department=name,
                label=self.department_label(name, language),
                role=role,
                measures=[task_number(p, language) for p in self._in_document_order(tasks)],
                document=document,
            )
            for (name, document), tasks in by_department.items()
        ]

    def _in_document_order(self, passages: Sequence[Passage]) -> list[Passage]:
        return sorted(passages, key=lambda p: self._position.get(p.id, 0))

    def cite(self, passage: Passage, score: float, language: str) -> Citation:
        lead = self.registry.named(passage.lead_department) if passage.lead_department else None
        return cite(passage, score, self.library.document(passage.document), language, lead.english if lead else None)

    # -- answers ----------------------------------------------------------------------------------

    def answer(
        self,
        understanding: Understanding,
        intent: Intent,
        passages: Sequence[tuple[Passage, float]],
        count: int | None = None,
        direct: str | None = None,
        items: list[AnswerItem] | None = None,
        verdict: Verdict | None = None,
        choice: str | None = None,
    ) -> Answer:
        """An answer citing `passages`; `count` is the size of the whole set when only part of it is
        cited; `direct` and `items`, where given, replace those the intent would give."""
        language = understanding.language
        cited = [passage for passage, _ in passages]
        if items is None:
            items = self._items(understanding, intent, cited, language)
        if direct is None:
            direct = self._direct(understanding, intent, cited, items)
            measured = _measured(cited)
            if (role := understanding.departments_counted) is not None and intent not in DEPARTMENT_LIST_INTENTS and measured:
                # "第91条有几个部门负责？", "几个配合部门？": the number of departments first, then who they are
                count = len(_departments_named(measured, role))
                direct = self._departments_counted(measured, count, role, language) + direct
            elif count is not None and intent not in DEPARTMENT_LIST_INTENTS:
                # "一共几条？" after an answer: the number first, then what it counts
                direct = (f"共{count}条。" if language == "zh" else f"{count} measure{'s' if count != 1 else ''}. ") + direct
        detailed = intent not in DEPARTMENT_LIST_INTENTS
        lines = [direct, *(self._line(passage, language, detailed) for passage in cited)]
        return Answer(
            question=understanding.question.asked,
            language=language,
            intent=intent,
            direct=direct,
            answer="\n".join(lines),
            items=items,
            verdict=verdict,
            choice=choice,
            abstained=False,
            citations=[self.cite(passage, score, language) for passage, score in passages],
            count=count,
        )

    def documents_answer(self, understanding: Understanding, documents: Sequence[Document]) -> Answer:
        """What each document is, from its header and its tasks: title, 文号, issuer, date, and how
        many tasks, parts and departments it has; each cites the document's opening passage."""
        zh = understanding.language == "zh"
        outline = Cue.OUTLINE in understanding.cues
        asks_number = Cue.DOCUMENT_NUMBER in understanding.cues
        sentences = [
            self._document_outline(document, zh) if outline else self._document_facts(document, zh, asks_number) for document in documents
        ]
        direct = "".join(sentences) if zh else " ".join(sentences)
        opening = [(document.passages[0], 1.0) for document in documents if document.passages]
        if outline:
            count = sum(len(document.parts) for document in documents)
        elif understanding.departments_counted is not None:
            count = len(_departments_named([p for document in documents for p in document.measures], understanding.departments_counted))
        else:
            count = sum(len(document.measures) for document in documents)
        return self.answer(understanding, Intent.DOCUMENT, opening, direct=direct, items=[], count=count)

    def _document_outline(self, document: Document, zh: bool) -> str:
        """《…》分11个部分：一、着力激发市场活力（第1–8条）；二、…"""
        title = self._title(document, zh)
        if not document.parts:
            return f"{title}没有分部分，共{len(document.measures)}项任务。" if zh else f"{title} has no parts: {len(document.measures)} tasks."
        sizes = {part.title: sum(1 for p in document.measures if p.part == part.title) for part in document.parts}
        if zh:
            parts = "；".join(f"{chinese_number(part.number)}、{part.title}（{sizes[part.title]}项）" for part in document.parts)
            return f"{title}分{len(document.parts)}个部分：{parts}。"
        parts = "; ".join(f"{part.number}. {part.title} ({sizes[part.title]})" for part in document.parts)
        return f"{title} has {len(document.parts)} parts: {parts}."

    def _title(self, document: Document, zh: bool) -> str:
        entry = self.library.entry(document.id)
        if zh:
            # a title quoting another document's keeps its inner marks as 〈〉 inside the outer 《》
            return f"《{(entry.title or document.title).replace('《', '〈').replace('》', '〉')}》"
        return f"“{entry.title_en or entry.title or document.title}”"

    def _document_facts(self, document: Document, zh: bool, asks_number: bool) -> str:
        tasks, parts = len(document.measures), len(document.parts)
        departments = len(_departments_named(document.measures))
        if zh:
            issued = f"，{document.issuer}" if document.issuer else ""
            issued += f"{document.date}印发" if document.date else ("印发" if document.issuer else "")
            size = f"共{tasks}项任务" + (f"，分{parts}个部分" if parts else "") + (f"，涉及{departments}个部门" if departments else "")
            number = f"（{document.doc_number}）" if document.doc_number else "（未载文号）" if asks_number else ""
            return f"{self._title(document, zh)}{number}{issued}，{size}。"
        number = f" ({document.doc_number})" if document.doc_number else " (no document number is printed)" if asks_number else ""
        issued = f", issued by {document.issuer}" if document.issuer else ""
        issued += f" on {english_date(document.date)}" if document.date else ""
        size = f"{tasks} task{'s' if tasks != 1 else ''}" + (f" in {parts} parts" if parts else "") + (f", naming {departments} departments" if departments else "")
        return f"{self._title(document, zh)}{number}{issued}: {size}."

    def ranking_answer(
        self, understanding: Understanding, ranked: Sequence[tuple[str, list[Passage]]], role: Role, fewest: bool, cited: Sequence[Passage]
    ) -> Answer:
        """省发展改革委牵头的措施最多（51项），其次是… / of two named, the one with more; citing `cited`,
        the measures of the departments that come first."""
        language = understanding.language
        zh = language == "zh"
        if not ranked:
            return self.abstain(understanding, Intent.DEPT_RANKING, "没有部门担任这一角色。" if zh else "No department holds that role.")
        if len(understanding.departments) > 1:
            shown = list(ranked)
            counts = [(self._short_label(name, language), len(tasks)) for name, tasks in shown]
            (first, best), rest = counts[0], counts[1:]
            if all(n == best for _, n in rest):
                direct = f"{'、'.join(l for l, _ in counts)}{ROLE_WORDS_ZH[role]}的措施一样多，各{best}项。" if zh else f"{_join([l for l, _ in counts], language)} each {ROLE_VERBS_EN[role][1]} {best} measures."
            elif zh:
                direct = f"{first}{ROLE_WORDS_ZH[role]}的措施{'更少' if fewest else '更多'}（{best}项），" + "、".join(f"{l}{n}项" for l, n in rest) + "。"
            else:
                others = _join([f"{n} for {l}" for l, n in rest], language)
                direct = f"{first} {ROLE_VERBS_EN[role][0]} {'fewer' if fewest else 'more'} measures: {best}, against {others}."
        else:
            # departments with as many measures stand together: the first such group, and the next
            groups = [list(group) for _, group in itertools.groupby(ranked, key=lambda item: len(item[1]))]
            shown_groups = groups[:2] if len(groups[0]) <= RANKING_RUNNERS_UP else groups[:1]
            shown = [item for group in shown_groups for item in group]
            best = len(shown[0][1])
            phrases = [self._tied(group, language) for group in shown_groups]
            if zh:
                direct = f"{ROLE_WORDS_ZH[role]}措施{'最少' if fewest else '最多'}的是{phrases[0]}" + (f"，其次是{phrases[1]}" if len(phrases) > 1 else "") + "。"
            else:
                verb = ROLE_VERBS_EN[role][0 if len(shown_groups[0]) == 1 else 1]
                direct = f"{phrases[0]} {verb} the {'fewest' if fewest else 'most'} measures" + (f", then {phrases[1]}" if len(phrases) > 1 else "") + "."
        verdict = None
        if Cue.YES_NO in understanding.cues and Cue.EITHER_OR not in understanding.cues and len(understanding.departments) > 1:
            # "科技厅牵头的比人社厅多吗？": whether the department named first has more (or fewer) than the others
            held = {name: len(tasks) for name, tasks in ranked}
            mine = held.pop(understanding.departments[0].name, 0)
            holds = all(mine < n for n in held.values()) if fewest else all(mine > n for n in held.values())
            verdict = Verdict.YES if holds else Verdict.NO
            direct = (("是。" if holds else "不是。") if zh else ("Yes. " if holds else "No. ")) + direct
        items = [
            AnswerItem(department=name, label=self.department_label(name, language), role=role, measures=[task_number(p, language) for p in tasks], document=tasks[0].document if tasks else "")
            for name, tasks in shown
        ]
        return self.answer(understanding, Intent.DEPT_RANKING, [(p, 1.0) for p in cited], direct=direct, items=items, count=best, verdict=verdict)

    def _tied(self, group: Sequence[tuple[str, list[Passage]]], language: str) -> str:
        """省发展改革委（51项） / 省人社厅、省经合局（各7项） / 省环保厅、…等12个部门（各1项）"""
        labels = [self._short_label(name, language) for name, _ in group]
        n = len(group[0][1])
        named, more = labels[:TIED_NAMED], len(labels) - TIED_NAMED
        if language == "zh":
            if len(labels) == 1:
                return f"{labels[0]}（{n}项）"
            return "、".join(named) + (f"等{len(labels)}个部门" if more > 0 else "") + f"（各{n}项）"
        if len(labels) == 1:
            return f"{labels[0]} ({n})"
        return _join([*named, f"{more} other{'s' if more > 1 else ''}"] if more > 0 else named, language) + f" ({n} each)"

    @staticmethod
    def _departments_counted(measured: list[Passage], count: int, role: Role, language: str) -> str:
        """共有7个部门负责。 / 共有3个配合部门。 / 3 supporting departments work on measure 45."""
        kind = {Role.ANY: "", Role.CO: "配合", Role.LEAD: "牵头"}[role] if language == "zh" else {Role.ANY: "", Role.CO: "supporting ", Role.LEAD: "lead "}[role]
        departments = f"{count} {kind}department{'s' if count != 1 else ''}"
        if len(measured) == 1:
            number = task_number(measured[0], language)
            if language == "zh":
                return f"共有{count}个{kind}部门。" if kind else f"共有{count}个部门负责。"
            return f"{departments} {'work on' if kind else 'are responsible for'} measure {number}. "
        return f"这{len(measured)}条措施共涉及{count}个{kind}部门。" if language == "zh" else f"These {len(measured)} measures involve {departments}. "

    def abstain(self, understanding: Understanding, intent: Intent, reason: str | None = None) -> Answer:
        """No answer: why, and what the library covers. Never repeats the question's own words,
        which may be text addressed to the system rather than a question."""
        zh = understanding.language == "zh"
        scope = "；".join(self._scope(document, zh) for document in self.library.documents)
        if reason is None:
            reason = "文库中没有找到能回答这个问题的内容。" if zh else "The library has nothing that answers this question."
        covers = f"现收录{scope}。" if zh else f" It holds {scope}."
        hint = (
            "可以问：某项工作由哪个部门牵头、某部门牵头或参与哪些措施、第N条讲了什么。"
            if zh
            else " Try: who leads a piece of work, which measures a department leads or joins, or what measure N says."
        )
        return Answer(
            question=understanding.question.asked,
            language=understanding.language,
            intent=intent,
            direct=reason,
            answer=reason + covers + hint,
            abstained=True,
            citations=[],
        )

    def _scope(self, document: Document, zh: bool) -> str:
        """What one document covers: the catalog's words where it has them, else its title and size."""
        entry = self.library.entry(document.id)
        tasks = len(document.measures)
        if zh:
            return f"《{entry.title or document.title}》：{entry.scope or f'{tasks}项任务及其牵头和责任部门'}"
        title = entry.title_en or entry.title or document.title
        return f"{title}: {entry.scope_en or f'{tasks} tasks with their lead and responsible departments'}"

    def _items(self, understanding: Understanding, intent: Intent, cited: list[Passage], language: str) -> list[AnswerItem]:
        if intent in DEPARTMENT_LIST_INTENTS:
            return [item for i in range(len(understanding.departments)) for item in self._department_items(understanding, i, cited, language)]
        if intent is Intent.DEPARTMENTS:
            return self.role_items(cited, language, Role.LEAD) + self.role_items(cited, language, Role.CO)
        return self.role_items(cited, language, Role.LEAD)

    def _department_items(self, understanding: Understanding, index: int, cited: list[Passage], language: str) -> list[AnswerItem]:
        """The index-th department's measures among those cited: one item per document and role, so
        that a name several departments share (财政厅 of two provinces) lists each one's tasks, and a
        list of all roles tells leading from supporting."""
        asked = understanding.role_of(index)
        names = [d.name for d in understanding.namesakes_of(index)]
        by_document: dict[tuple[str, str, Role], list[Passage]] = {}
        for passage in _measured(cited):
            name = next((n for n in names if holds_role(passage, {n}, asked)), None)
            if name is None:
                continue
            role = asked if asked is not Role.ANY else Role.LEAD if passage.lead_department == name else Role.CO
            by_document.setdefault((name, passage.document, role), []).append(passage)
        if not by_document:
            by_document[(names[0], "", asked)] = []
        return [
            AnswerItem(
                department=name,
                label=self.department_label(name, language),
                role=role,
                measures=[task_number(p, language) for p in tasks],
                document=document,
            )
            for (name, document, role), tasks in by_document.items()
        ]

    def _direct(self, understanding: Understanding, intent: Intent, cited: list[Passage], items: list[AnswerItem]) -> str:
        language = understanding.language
        zh = language == "zh"
        measured = _measured(cited)
        if intent in DEPARTMENT_LIST_INTENTS:
            return self._department_direct(understanding, intent, measured)
        if not measured:
            where = "、".join(dict.fromkeys(p.subsection or p.part for p in cited if p.subsection or p.part))
            if zh:
                return f"相关内容见{where}（共{len(cited)}段），未列明责任部门。" if where else f"相关内容共{len(cited)}段，未列明责任部门。"
            return f"The passages on this ({len(cited)}) name no responsible department" + (f"; they are under {where}." if where else ".")
        if intent is Intent.MEASURE:
            return self._measure_direct(measured, language)
        if intent is Intent.DEPARTMENTS:
            roles = self._roles_direct(measured[:DIRECT_MEASURES], language)
            # the measures left out of the sentence are pointed to, so none is taken for absent
            rest = [task_number(p, language) for p in measured[DIRECT_MEASURES:]]
            if not rest:
                return roles
            if zh:
                return roles.removesuffix("。") + f"；{numbers_phrase(rest, language)}的分工见所引原文。"
            return roles.removesuffix(".") + f"; {numbers_phrase(rest, language)} {'is' if len(rest) == 1 else 'are'} quoted below."
        leads = [item for item in items if item.role is Role.LEAD]
        if not leads:
            return "相关措施未列明牵头部门。" if zh else "The measures on this name no lead department."
        if zh:
            listed = "、".join(f"{item.label}（{numbers_phrase(item.measures, language)}）" for item in leads)
            if intent is Intent.TOPIC:
                return f"相关的是{numbers_phrase([task_number(p, language) for p in measured], language)}，由{listed}牵头。"
            if len(measured) == 1:
                return f"{understanding.subject}（{numbers_phrase(leads[0].measures, language)}）由{leads[0].label}牵头。" if understanding.subject else f"{numbers_phrase(leads[0].measures, language)}由{leads[0].label}牵头。"
            return f"{understanding.subject or '这项工作'}由{listed}牵头。"
        clauses = [f"{self._short_label(item.department, language)} leads {numbers_phrase(item.measures, language)}" for item in leads]
        if intent is Intent.TOPIC:
            listed = numbers_phrase([task_number(p, language) for p in measured], language).removeprefix("measures ").removeprefix("measure ")
            return f"The measures on this are {listed}; " + "; ".join(clauses) + "."
        return "; ".join(clauses) + "."

    def stated_direct(self, understanding: Understanding, passage: Passage, clause: str, cited: Sequence[Passage]) -> str:
        """第89条写明：“力争到2017年基本完成…”（省住房城乡建设厅牵头）。相关的还有第93、90条。"""
        language = understanding.language
        number = numbers_phrase([task_number(passage, language)], language) if passage.kind is PassageKind.MEASURE else passage.subsection or passage.part
        others = [task_number(p, language) for p in _measured(cited) if p.id != passage.id]
        lead = self._short_label(passage.lead_department, language) if passage.lead_department else ""
        if language == "zh":
            text = f"{number}写明：“{clause}”" + (f"（{lead}牵头）" if lead else "") + "。"
            return text + (f"相关的还有{numbers_phrase(others, language)}。" if others else "")
        text = f"{number[0].upper() + number[1:]} states: “{clause}”" + (f" (led by {lead})" if lead else "") + "."
        return text + (f" Also related: {numbers_phrase(others, language)}." if others else "")

    def _roles_direct(self, measured: list[Passage], language: str, named: frozenset[str] = frozenset()) -> str:
        """第91条由省国开行牵头，省住房城乡建设厅、省财政厅配合；… / Measure 91: led by …, with …; ….
        The `named` departments a question asks about are among the co-responsible ones shown."""
        parts = []
        for passage in measured:
            number = task_number(passage, language)
            if not passage.departments:
                parts.append(f"{numbers_phrase([number], language)}未列明责任部门" if language == "zh" else f"measure {number} names no department")
                continue
            if passage.lead_department is None:
                shared = [self._short_label(d, language) for d in passage.departments]
                parts.append(
                    f"{numbers_phrase([number], language)}由{'、'.join(shared)}按职责分工负责，未列明牵头部门"
                    if language == "zh"
                    else f"measure {number} is shared by {_join(shared, language)}, none named as lead"
                )
                continue
            lead = self._short_label(passage.lead_department, language)
            # the first few in written order, a named one taking the place of the last where it is further on
            kept = set(sorted(passage.co_departments, key=lambda d: d not in named)[:DIRECT_CO_DEPARTMENTS])
            co = [self._short_label(d, language) for d in passage.co_departments if d in kept]
            more = len(passage.co_departments) - len(co)
            if language == "zh":
                others = "、".join(co) + (f"等{len(passage.co_departments)}个部门" if more else "等" if passage.ends_with_deng else "")
                text = f"{numbers_phrase([number], language)}由{lead}牵头" + (f"，{others}配合" if co else "")
            else:
                named = [*co, f"{more} other{'s' if more > 1 else ''}"] if more else co
                text = f"measure {number} is led by {lead}" + (f", with {_join(named, language)}" if co else "")
            parts.append(text)
        if language == "zh":
            return "；".join(parts) + "。"
        sentence = "; ".join(parts) + "."
        return sentence[0].upper() + sentence[1:]

    def _measure_direct(self, measured: list[Passage], language: str) -> str:
        if len(measured) > 1:
            return self._roles_direct(measured, language)
        passage = measured[0]
        body = passage.body if len(passage.body) <= DIRECT_QUOTE_CHARS else passage.body[:DIRECT_QUOTE_CHARS] + "…"
        roles = self._roles_direct([passage], language).rstrip("。.")
        return f"{roles}：“{body}”" if language == "zh" else f"{roles}: “{body}”"

    def _department_direct(self, understanding: Understanding, intent: Intent, measured: list[Passage]) -> str:
        """省发展改革委牵头51项措施：第1、5…条。 A name several departments share gives one such
        sentence for each of them that has tasks."""
        if understanding.lists_together:
            return self._together_direct(understanding, intent, measured)
        if Cue.NAME in understanding.cues:
            # "发改委全称是什么？", "What is 省经合局 in English?": its names, then what it is responsible for
            return self._names(understanding.departments[0], understanding.language) + self._department_direct(
                replace(understanding, cues=understanding.cues - {Cue.NAME}), intent, measured
            )
        sentences = []
        for index in range(len(understanding.departments)):
            names, role = [d.name for d in understanding.namesakes_of(index)], understanding.role_of(index)
            groups = [(name, [p for p in measured if holds_role(p, {name}, role)]) for name in names]
            groups = [(name, cited) for name, cited in groups if cited] or [(names[0], [])]
            sentences += [self._one_department_direct(understanding, intent, name, cited, role) for name, cited in groups]
        separator = "；" if understanding.language == "zh" else "; "
        return separator.join(sentence.rstrip("。.") for sentence in sentences) + ("。" if understanding.language == "zh" else ".")

    def _names(self, department: Department, language: str) -> str:
        """省发展改革委，全称吉林省发展和改革委员会，英文名 Provincial Development and Reform Commission。"""
        if language == "zh":
            return f"{department.name}，全称{department.full_name}，英文名 {department.english}。"
        return f"{department.english} is {department.name} ({department.full_name}). "

    def _together_direct(self, understanding: Understanding, intent: Intent, measured: list[Passage]) -> str:
        """省发展改革委牵头、省财政厅参与的措施共8项：第…条。 / 8 measures have … leading and … taking part: …"""
        language = understanding.language
        roles = [understanding.role_of(i) for i in range(len(understanding.departments))]
        # beside a department that leads, taking part is supporting
        roles = [Role.CO if role is Role.ANY and Role.LEAD in roles else role for role in roles]
        named = [(self._short_label(department.name, language), role) for department, role in zip(understanding.departments, roles)]
        numbers = [task_number(p, language) for p in measured]
        listed = "" if intent in (Intent.DEPT_LEAD_COUNT, Intent.DEPT_ALL_COUNT) or not numbers else numbers_phrase(numbers, language)
        every_role = all(role is Role.ANY for _, role in named)
        if language == "zh":
            who = "、".join(label for label, _ in named) + "共同参与" if every_role else "、".join(f"{label}{ROLE_WORDS_ZH[role]}" for label, role in named)
            if not measured:
                return f"没有{who}的措施。"
            return f"{who}的措施共{len(measured)}项" + (f"：{listed}。" if listed else "。")
        clauses = [f"{label} {ROLE_WORDS_EN[role]}" for label, role in named]
        who = f"both {_join([label for label, _ in named], language)} taking part" if every_role else _join(clauses, language)
        if not measured:
            return f"No measure has {who}."
        head = f"{len(measured)} measure{'s' if len(measured) != 1 else ''} {'has' if len(measured) == 1 else 'have'} {who}"
        return head + (f": {', '.join(numbers)}." if listed else ".")

    def _tasks_of(self, name: str, role: Role, understanding: Understanding) -> list[Passage]:
        """The measures in which `name` holds `role`, within the documents, parts and subsections asked about."""
        scoped = bool(understanding.parts or understanding.subsections)
        return [
            p
            for d in self.library.within(understanding.documents)
            for p in (d.under_headings(understanding.parts, understanding.subsections) if scoped else d.measures)
            if p.kind is PassageKind.MEASURE and holds_role(p, {name}, role)
        ]

    def _one_department_direct(self, understanding: Understanding, intent: Intent, department: str, measured: list[Passage], role: Role) -> str:
        language = understanding.language
        zh = language == "zh"
        label = self._short_label(department, language)
        numbers = [task_number(p, language) for p in measured]
        # "有几条，分别是什么？": a count asked with its list is given with it
        counting = intent in (Intent.DEPT_LEAD_COUNT, Intent.DEPT_ALL_COUNT) and Cue.LIST not in understanding.cues
        n = len(self._tasks_of(department, role, understanding))
        measures = "项措施" if zh else f" measure{'s' if n != 1 else ''}"
        if role is Role.LEAD:
            head = f"{label}牵头{n}{measures}" if zh else f"{label} leads {n}{measures}"
        elif role is Role.CO:
            head = f"{label}作为配合部门参与{n}{measures}" if zh else f"{label} supports {n}{measures} without leading them"
        else:
            head = f"{label}参与{n}{measures}" if zh else f"{label} takes part in {n}{measures}"
        if understanding.parts or understanding.subsections:
            headings = [d.heading_titles(understanding.parts, understanding.subsections) for d in self.library.within(understanding.documents)]
            titles = sorted(set().union(*(parts | subsections for parts, subsections in headings)))
            head = f"在{'、'.join(f'「{t}」' for t in titles)}中，{head}" if zh else f"{head} under {', '.join(f'“{t}”' for t in titles)}"
        if n == 0 and role is Role.LEAD and (supported := self._tasks_of(department, Role.CO, understanding)):
            # "长春海关牵头了吗？": it leads none, and the measures it supports say where it stands
            others = [task_number(p, language) for p in supported]
            if zh:
                return f"{head}，作为配合部门参与{len(others)}项：{numbers_phrase(others, language)}。"
            return f"{head}; it supports {len(others)}: {', '.join(others)}."
        filtered = 0 < len(numbers) < n  # by the question's subject
        if n == 0 or not numbers or (counting and role is not Role.ANY and not filtered):
            return head + "。" if zh else head + "."
        if filtered:
            if zh:
                return f"{head}，其中与此相关的有{len(numbers)}项：{numbers_phrase(numbers, language)}。"
            return f"{head}; {len(numbers)} of them on this subject: {', '.join(numbers)}."
        if role is not Role.ANY:
            return f"{head}：{numbers_phrase(numbers, language)}。" if zh else f"{head}: {', '.join(numbers)}."
        in_order = self._in_document_order(measured)
        led = [task_number(p, language) for p in in_order if p.lead_department == department]
        supported = [task_number(p, language) for p in in_order if p.lead_department != department]
        if counting:
            return f"{head}（牵头{len(led)}项、配合{len(supported)}项）。" if zh else f"{head} (leads {len(led)}, supports {len(supported)})."
        if zh:
            roles = [f"牵头{len(led)}项：{numbers_phrase(led, language)}" if led else "", f"配合{len(supported)}项：{numbers_phrase(supported, language)}" if supported else ""]
            return f"{head}（{'；'.join(r for r in roles if r)}）。"
        roles = [f"leads {len(led)} ({', '.join(led)})" if led else "", f"supports {len(supported)} ({', '.join(supported)})" if supported else ""]
        return f"{head}: {' and '.join(r for r in roles if r)}."

    def threshold_answer(
        self, understanding: Understanding, department: str, role: Role, held: Sequence[Passage], threshold: CountThreshold
    ) -> Answer:
        """是。省发展改革委牵头51项措施。 / No. Provincial Department of Finance leads 5 measures."""
        language = understanding.language
        holds = threshold.holds(len(held))
        label = self._short_label(department, language)
        verdict = Verdict.YES if holds else Verdict.NO
        if language == "zh":
            direct = f"{_verdict_word(understanding, verdict)}{label}{ROLE_WORDS_ZH[role]}{len(held)}项措施。"
        else:
            direct = f"{_verdict_word(understanding, verdict)}{label} {ROLE_VERBS_EN[role][0]} {len(held)} measure{'s' if len(held) != 1 else ''}."
        measures = [task_number(p, language) for p in held]
        items = [AnswerItem(department=department, label=self.department_label(department, language), role=role, measures=measures, document=held[0].document if held else "")]
        return self.answer(understanding, Intent.YES_NO, [(p, 1.0) for p in held], direct=direct, items=items, count=len(held), verdict=verdict)

    def involvement_direct(self, department: str, involved: Sequence[Passage], among: int, language: str) -> str:
        """What a department does in the measures just cited ("那省财政厅呢？"): 省财政厅配合第93、91、94条
        （均不牵头）。 / Provincial Department of Finance supports measures 93, 91 and 94 (it leads none of them)."""
        label = self._short_label(department, language)
        led = [task_number(p, language) for p in involved if p.lead_department == department]
        supported = [task_number(p, language) for p in involved if p.lead_department != department]
        if language == "zh":
            if not involved:
                return f"{label}不参与这{among}条措施。"
            roles = [f"牵头{numbers_phrase(led, language)}" if led else "", f"配合{numbers_phrase(supported, language)}" if supported else ""]
            return f"{label}{'，'.join(r for r in roles if r)}" + ("（均不牵头）。" if not led and len(supported) > 1 else "。")
        if not involved:
            return f"{label} takes no part in these {among} measures."
        roles = [f"leads {numbers_phrase(led, language)}" if led else "", f"supports {numbers_phrase(supported, language)}" if supported else ""]
        return f"{label} {' and '.join(r for r in roles if r)}" + (" (it leads none of them)." if not led and len(supported) > 1 else ".")

    def verdict_direct(self, understanding: Understanding, verdict: Verdict, measured: list[Passage]) -> str:
        """是。第8条由省财政厅牵头。 / No. Measure 8 is led by …"""
        roles = self._roles_direct(measured[:DIRECT_MEASURES], understanding.language, understanding.named_departments)
        return _verdict_word(understanding, verdict) + roles

    def choice_direct(self, understanding: Understanding, choice: str | None, measured: list[Passage]) -> str:
        """是省发展改革委牵头：第31条由… / Neither: measure 31 is led by …"""
        zh = understanding.language == "zh"
        roles = self._roles_direct(measured[:DIRECT_MEASURES], understanding.language, understanding.named_departments)
        if choice is None:
            return f"都不是：{roles}" if zh else f"Neither. {roles}"
        label = self._short_label(choice, understanding.language)
        return f"是{label}牵头。{roles}" if zh else f"{label} leads. {roles}"

    @staticmethod
    def scope_direct(titles: list[str], passages: Sequence[Passage], language: str) -> str:
        """「紧紧依靠创新驱动发展」下共14项措施：第17…30条。 and the passages that are not tasks, counted apart"""
        measured = _measured(passages)
        numbers = [task_number(p, language) for p in measured]
        others = len(passages) - len(measured)
        if language == "zh":
            head = f"{'、'.join(f'「{t}」' for t in titles)}下共{len(measured)}项措施" + (f"，另有{others}段其他内容" if others else "")
            return head + (f"：{numbers_phrase(numbers, language)}。" if numbers else "。")
        head = f"Under {', '.join(f'“{t}”' for t in titles)} there {'is' if len(measured) == 1 else 'are'} {len(measured)} measure{'s' if len(measured) != 1 else ''}"
        head += f" and {others} other passage{'s' if others != 1 else ''}" if others else ""
        return head + (f": {', '.join(numbers)}." if numbers else ".")

    @staticmethod
    def uncovered(subjects: list[str], understanding: Understanding) -> str:
        """Says whether the whole library or only the documents the question was limited to lack them."""
        scoped = bool(understanding.documents)
        if understanding.language == "zh":
            return f"{'所问的文件' if scoped else '文库中的文件'}不涉及{'、'.join(subjects)}。"
        documents = "The documents asked about" if scoped else "The library's documents"
        return f"{documents} do not cover {', '.join(subjects)}."

    def _line(self, passage: Passage, language: str, detailed: bool) -> str:
        zh = language == "zh"
        if passage.kind is not PassageKind.MEASURE:
            where = citation_label(passage, language)
            return f"· {where}：“{passage.body}”" if zh else f"• {where}: “{passage.body}”"
        quote = passage.body if detailed else _preview(passage.body)
        lead = passage.lead_department
        if not passage.departments:
            roles = "未列明责任部门" if zh else "no responsible department named"
        elif lead is None:
            shared = "、".join(passage.departments) if zh else ", ".join(self.department_label(d, language) for d in passage.departments)
            roles = f"按职责分工负责：{shared}" if zh else f"shared by: {shared}"
        elif zh:
            roles = f"牵头：{lead}"
            if passage.co_departments:
                roles += f"；配合：{'、'.join(passage.co_departments)}" + ("等" if passage.ends_with_deng else "")
        else:
            roles = f"lead: {self.department_label(lead, language)}"
            if passage.co_departments:
                others = ", ".join(self.department_label(d, language) for d in passage.co_departments)
                roles += f"; with: {others}" + (" and others" if passage.ends_with_deng else "")
        if passage.parties:
            roles += f"；另有{'、'.join(passage.parties)}" if zh else f"; also: {', '.join(passage.parties)}"
        number = task_number(passage, language)
        if zh:
            return f"· {numbers_phrase([number], language)}（{roles}）：“{quote}”"
        return f"• Measure {number} ({roles}): “{quote}”"


def _verdict_word(understanding: Understanding, verdict: Verdict) -> str:
    """Yes or no, in Chinese in the question's own words: 有没有…？ 有/没有; …，对吗？ 对/不对; 是不是…？ 是/不是."""
    if understanding.language != "zh":
        return "Yes. " if verdict is Verdict.YES else "No. "
    if HAS_QUESTION.search(understanding.text):
        yes, no = "有。", "没有。"
    elif TAG_QUESTION.search(understanding.text) and not understanding.text.rstrip("？?。 ").endswith("是不是"):
        yes, no = "对。", "不对。"
    else:
        yes, no = "是。", "不是。"
    return yes if verdict is Verdict.YES else no


def _departments_named(measures: Sequence[Passage], role: Role = Role.ANY) -> set[str]:
    """The departments the measures name in that role: leading, supporting (listed after the lead), or either."""
    if role is Role.LEAD:
        return {passage.lead_department for passage in measures if passage.lead_department}
    return {name for passage in measures for name in (passage.co_departments if role is Role.CO else passage.departments)}


def english_date(written: str) -> str:
    """2014年9月25日 → 25 September 2014; a date written otherwise is given as written."""
    parts = CHINESE_DATE.fullmatch(written.strip())
    if parts is None:
        return written
    year, month, day = (int(n) for n in parts.groups())
    return f"{day} {calendar.month_name[month]} {year}" if 1 <= month <= 12 else written


def _preview(text: str) -> str:
    return text if len(text) <= LIST_PREVIEW_CHARS else text[:LIST_PREVIEW_CHARS] + "…"
