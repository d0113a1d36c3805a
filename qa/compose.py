"""Answer composition: a direct answer first, built from the cited measures, then one line per
citation; extractive, in the question's language, every claim tied to a citation."""
from __future__ import annotations

from collections.abc import Sequence

from corpus.departments import DepartmentRegistry
from corpus.library import Library
from corpus.models import Passage
from qa.answer import Answer, AnswerItem, Citation, Intent, Role, Verdict
from qa.understanding import DEPARTMENT_LIST_INTENTS, Understanding

LIST_PREVIEW_CHARS = 36  # long lists quote the opening of each measure; the citation holds the rest
DIRECT_QUOTE_CHARS = 60  # a measure asked about by number is quoted in the direct answer up to here
DIRECT_MEASURES = 3  # a who-is-responsible direct answer spells out the roles of at most this many measures
DIRECT_CO_DEPARTMENTS = 3  # and names this many co-responsible departments of each; the citation lists them all


def cite(passage: Passage, score: float) -> Citation:
    return Citation(
        document=passage.document,
        measure=passage.measure,
        part=passage.part,
        subsection=passage.subsection,
        text=passage.text,
        departments=list(passage.departments),
        lead_department=passage.lead_department,
        score=round(score, 4),
    )


def _numbers(measures: Sequence[int], language: str) -> str:
    """第91、93条 / measures 91 and 93."""
    if language == "zh":
        return f"第{'、'.join(map(str, measures))}条"
    words = [str(n) for n in measures]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"measure{'s' if len(words) > 1 else ''} {listed}"


def _join(labels: Sequence[str], language: str) -> str:
    if language == "zh":
        return "、".join(labels)
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _measured(passages: Sequence[Passage]) -> list[Passage]:
    return [p for p in passages if p.measure is not None]


class Composer:
    def __init__(self, registry: DepartmentRegistry, library: Library):
        self.registry = registry
        self.library = library

    def department_label(self, name: str, language: str) -> str:
        """English answers name the department in English with the Chinese as written."""
        if language == "zh":
            return name
        department = self.registry.get(name)
        return f"{department.english} ({name})" if department else name

    def _short_label(self, name: str, language: str) -> str:
        if language == "zh":
            return name
        department = self.registry.get(name)
        return department.english if department else name

    # -- items: the facts a direct answer states ------------------------------------------------

    def role_items(self, passages: Sequence[Passage], language: str, role: Role) -> list[AnswerItem]:
        """Each department with the cited measures it leads (Role.LEAD) or supports (Role.CO), in the
        order the citations first name it; its measures in number order."""
        by_department: dict[tuple[str, str], list[int]] = {}
        for passage in _measured(passages):
            for name in passage.departments[:1] if role is Role.LEAD else passage.co_departments:
                by_department.setdefault((name, passage.document), []).append(passage.measure)
        return [
            AnswerItem(department=name, label=self.department_label(name, language), role=role, measures=sorted(measures), document=document)
            for (name, document), measures in by_department.items()
        ]

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
            direct = self._direct(understanding, intent, cited, items, count)
            if count is not None and intent not in DEPARTMENT_LIST_INTENTS:
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
            citations=[cite(passage, score) for passage, score in passages],
            count=count,
        )

    def abstain(self, understanding: Understanding, intent: Intent, reason: str | None = None) -> Answer:
        """No answer: why, and what the library covers. Never repeats the question's own words,
        which may be text addressed to the system rather than a question."""
        zh = understanding.language == "zh"
        scope = "；".join(f"《{e.title}》：{e.scope}" for e in self.library.catalog) if zh else "; ".join(
            f"{e.title_en or e.title}: {e.scope_en or e.scope}" for e in self.library.catalog
        )
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

    def _items(self, understanding: Understanding, intent: Intent, cited: list[Passage], language: str) -> list[AnswerItem]:
        if intent in DEPARTMENT_LIST_INTENTS:
            department = understanding.departments[0].name
            role = Role.LEAD if intent in (Intent.DEPT_LEAD, Intent.DEPT_LEAD_COUNT) else Role.ANY
            measures = [p.measure for p in _measured(cited)]
            document = cited[0].document if cited else ""
            return [AnswerItem(department=department, label=self.department_label(department, language), role=role, measures=measures, document=document)]
        if intent is Intent.DEPARTMENTS:
            return self.role_items(cited, language, Role.LEAD) + self.role_items(cited, language, Role.CO)
        return self.role_items(cited, language, Role.LEAD)

    def _direct(self, understanding: Understanding, intent: Intent, cited: list[Passage], items: list[AnswerItem], count: int | None) -> str:
        language = understanding.language
        zh = language == "zh"
        measured = _measured(cited)
        if intent in DEPARTMENT_LIST_INTENTS:
            return self._department_direct(understanding, intent, measured, count if count is not None else len(measured))
        if not measured:
            where = "、".join(dict.fromkeys(p.subsection or p.part for p in cited if p.subsection or p.part))
            if zh:
                return f"相关内容见{where}（共{len(cited)}段），未列明责任部门。" if where else f"相关内容共{len(cited)}段，未列明责任部门。"
            return f"The passages on this ({len(cited)}) name no responsible department" + (f"; they are under {where}." if where else ".")
        if intent is Intent.MEASURE:
            return self._measure_direct(measured, language)
        if intent is Intent.DEPARTMENTS:
            return self._roles_direct(measured[:DIRECT_MEASURES], language)
        leads = [item for item in items if item.role is Role.LEAD]
        if not leads:
            return "相关措施未列明牵头部门。" if zh else "The measures on this name no lead department."
        if zh:
            listed = "、".join(f"{item.label}（{_numbers(item.measures, language)}）" for item in leads)
            if intent is Intent.TOPIC:
                return f"相关的是{_numbers([p.measure for p in measured], language)}，由{listed}牵头。"
            if len(measured) == 1:
                return f"{understanding.subject}（{_numbers(leads[0].measures, language)}）由{leads[0].label}牵头。" if understanding.subject else f"{_numbers(leads[0].measures, language)}由{leads[0].label}牵头。"
            return f"{understanding.subject or '这项工作'}由{listed}牵头。"
        clauses = [f"{self._short_label(item.department, language)} leads {_numbers(item.measures, language)}" for item in leads]
        if intent is Intent.TOPIC:
            return f"The measures on this are {_numbers([p.measure for p in measured], language).removeprefix('measures ').removeprefix('measure ')}; " + "; ".join(clauses) + "."
        return "; ".join(clauses) + "."

    def _roles_direct(self, measured: list[Passage], language: str) -> str:
        """第91条由省国开行牵头，省住房城乡建设厅、省财政厅配合；… / Measure 91: led by …, with …; …"""
        parts = []
        for passage in measured:
            if passage.lead_department is None:
                parts.append(f"{_numbers([passage.measure], language)}未列明责任部门" if language == "zh" else f"measure {passage.measure} names no department")
                continue
            lead = self._short_label(passage.lead_department, language)
            co = [self._short_label(d, language) for d in passage.co_departments[:DIRECT_CO_DEPARTMENTS]]
            more = len(passage.co_departments) - len(co)
            if language == "zh":
                others = "、".join(co) + (f"等{len(passage.co_departments)}个部门" if more else "等" if passage.ends_with_deng else "")
                text = f"第{passage.measure}条由{lead}牵头" + (f"，{others}配合" if co else "")
            else:
                named = [*co, f"{more} other{'s' if more > 1 else ''}"] if more else co
                text = f"measure {passage.measure} is led by {lead}" + (f", with {_join(named, language)}" if co else "")
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

    def _department_direct(self, understanding: Understanding, intent: Intent, measured: list[Passage], n: int) -> str:
        language = understanding.language
        zh = language == "zh"
        department = understanding.departments[0].name
        label = self._short_label(department, language)
        numbers = [p.measure for p in measured]
        counting = intent in (Intent.DEPT_LEAD_COUNT, Intent.DEPT_ALL_COUNT)
        leads_only = intent in (Intent.DEPT_LEAD, Intent.DEPT_LEAD_COUNT)
        if leads_only:
            head = f"{label}牵头{n}项措施" if zh else f"{label} leads {n} measure{'s' if n != 1 else ''}"
        else:
            led = sum(1 for p in self.library.measures() if p.lead_department == department)
            supported = n - led if counting or not understanding.has_topic else None
            if zh:
                head = f"{label}参与{n}项措施" + (f"（牵头{led}项、配合{supported}项）" if supported is not None else "")
            else:
                head = f"{label} takes part in {n} measure{'s' if n != 1 else ''}" + (
                    f" (leads {led}, supports {supported})" if supported is not None else ""
                )
        if n == 0:
            return head + "。" if zh else head + "."
        if counting or not numbers:
            return head + "。" if zh else head + "."
        if len(numbers) < n:  # filtered by the question's subject
            if zh:
                return f"{head}，其中与此相关的是{_numbers(numbers, language)}。"
            return f"{head}; those on this subject: {', '.join(map(str, numbers))}."
        if zh:
            return f"{head}：{_numbers(numbers, language)}。"
        return f"{head}: {', '.join(map(str, numbers))}."

    def verdict_direct(self, understanding: Understanding, verdict: Verdict, measured: list[Passage]) -> str:
        """是。第8条由省财政厅牵头。 / No. Measure 8 is led by …"""
        zh = understanding.language == "zh"
        roles = self._roles_direct(measured[:DIRECT_MEASURES], understanding.language)
        if zh:
            return ("是。" if verdict is Verdict.YES else "不是。") + roles
        return ("Yes. " if verdict is Verdict.YES else "No. ") + roles

    def choice_direct(self, understanding: Understanding, choice: str | None, measured: list[Passage]) -> str:
        """是省发展改革委牵头：第31条由… / Neither: measure 31 is led by …"""
        zh = understanding.language == "zh"
        roles = self._roles_direct(measured[:DIRECT_MEASURES], understanding.language)
        if choice is None:
            return f"都不是：{roles}" if zh else f"Neither. {roles}"
        label = self._short_label(choice, understanding.language)
        return f"是{label}牵头。{roles}" if zh else f"{label} leads. {roles}"

    @staticmethod
    def scope_direct(titles: list[str], n: int, language: str) -> str:
        if language == "zh":
            return f"{'、'.join(f'「{t}」' for t in titles)}中的内容共{n}段。"
        return f"Under {', '.join(f'“{t}”' for t in titles)} there are {n} passages."

    @staticmethod
    def uncovered(subjects: list[str], language: str) -> str:
        if language == "zh":
            return f"文库中的文件不涉及{'、'.join(subjects)}。"
        return f"The library's documents do not cover {', '.join(subjects)}."

    def _line(self, passage: Passage, language: str, detailed: bool) -> str:
        zh = language == "zh"
        if passage.measure is None:
            where = passage.subsection or passage.part or passage.kind.value
            return f"· {where}：“{passage.body}”" if zh else f"• {where}: “{passage.body}”"
        quote = passage.body if detailed else _preview(passage.body)
        lead = passage.lead_department
        if lead is None:
            roles = "未列明责任部门" if zh else "no responsible department named"
        elif zh:
            roles = f"牵头：{lead}"
            if passage.co_departments:
                roles += f"；配合：{'、'.join(passage.co_departments)}" + ("等" if passage.ends_with_deng else "")
        else:
            roles = f"lead: {self.department_label(lead, language)}"
            if passage.co_departments:
                others = ", ".join(self.department_label(d, language) for d in passage.co_departments)
                roles += f"; with: {others}" + (" and others" if passage.ends_with_deng else "")
        if zh:
            return f"· 第{passage.measure}条（{roles}）：“{quote}”"
        return f"• Measure {passage.measure} ({roles}): “{quote}”"


def _preview(text: str) -> str:
    return text if len(text) <= LIST_PREVIEW_CHARS else text[:LIST_PREVIEW_CHARS] + "…"
