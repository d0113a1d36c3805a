"""Answer composition: extractive text in the question's language, every claim tied to a citation."""
from __future__ import annotations

from collections.abc import Sequence

from corpus.departments import DepartmentRegistry
from corpus.library import Library
from corpus.models import Passage
from qa.answer import Answer, Citation, Intent
from qa.understanding import DEPARTMENT_LIST_INTENTS, Understanding

LIST_PREVIEW_CHARS = 36  # long lists quote the opening of each measure; the citation holds the rest


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


class Composer:
    def __init__(self, registry: DepartmentRegistry, library: Library):
        self.registry = registry
        self.library = library

    def answer(
        self,
        understanding: Understanding,
        intent: Intent,
        passages: Sequence[tuple[Passage, float]],
        count: int | None = None,
        heading: str | None = None,
    ) -> Answer:
        """An answer citing `passages`; `count` is the size of the whole set when only part of it is
        cited; `heading` replaces the first line the intent would give."""
        language = understanding.language
        citations = [cite(passage, score) for passage, score in passages]
        lines = [heading or self._heading(understanding, intent, len(citations) if count is None else count)]
        detailed = intent not in DEPARTMENT_LIST_INTENTS
        for passage, _ in passages:
            lines.append(self._line(passage, language, detailed))
        return Answer(
            question=understanding.question,
            language=language,
            intent=intent,
            direct=lines[0],
            answer="\n".join(lines),
            abstained=False,
            citations=citations,
            count=count,
        )

    def abstain(self, understanding: Understanding, intent: Intent, reason: str | None = None) -> Answer:
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
            question=understanding.question,
            language=understanding.language,
            intent=intent,
            direct=reason,
            answer=reason + covers + hint,
            abstained=True,
            citations=[],
        )

    @staticmethod
    def scope_heading(titles: list[str], n: int, language: str) -> str:
        if language == "zh":
            return f"{'、'.join(f'「{t}」' for t in titles)}中的内容（共{n}段）："
        return f"Under {', '.join(f'“{t}”' for t in titles)} ({n} passages):"

    @staticmethod
    def uncovered_places(places: list[str], language: str) -> str:
        if language == "zh":
            return f"文库中的文件不涉及{'、'.join(places)}。"
        return f"The library's documents do not cover {', '.join(places)}."

    def department_label(self, name: str, language: str) -> str:
        """English answers name the department in English with the Chinese as written."""
        if language == "zh":
            return name
        department = self.registry.get(name)
        return f"{department.english} ({name})" if department else name

    def _heading(self, understanding: Understanding, intent: Intent, n: int) -> str:
        zh = understanding.language == "zh"
        topic = understanding.topic
        department = understanding.departments[0].name if understanding.departments else ""
        label = self.department_label(department, understanding.language) if department else ""
        if intent in (Intent.DEPT_LEAD, Intent.DEPT_LEAD_COUNT):
            if zh:
                return f"{label}牵头的措施共{n}项" + (f"，与「{topic}」相关的如下：" if topic else "：")
            return f"{label} leads {n} measure{'s' if n != 1 else ''}" + (f"; those on “{topic}”:" if topic else ":")
        if intent in (Intent.DEPT_ALL, Intent.DEPT_ALL_COUNT):
            if zh:
                return f"{label}参与（牵头或配合）的措施共{n}项" + (f"，与「{topic}」相关的如下：" if topic else "：")
            return f"{label} takes part in (leads or supports) {n} measure{'s' if n != 1 else ''}" + (
                f"; those on “{topic}”:" if topic else ":"
            )
        if intent is Intent.LEAD:
            return f"「{topic}」相关措施及其牵头部门（列第一位的为牵头部门）：" if zh else f"Measures on “{topic}” and who leads them:"
        if intent is Intent.DEPARTMENTS:
            return f"「{topic}」相关措施及其责任部门：" if zh else f"Measures on “{topic}” and the departments responsible:"
        if intent is Intent.MEASURE:
            return "原文如下：" if zh else "The text (quoted in Chinese):"
        return f"与「{topic}」相关的措施：" if zh else f"Measures related to “{topic}”:"

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
