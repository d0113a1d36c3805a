"""Question understanding: language, intent, departments, measure and part references, topic."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.departments import Department, DepartmentRegistry
from corpus.numerals import NUMERAL_CHARS, parse_chinese_number
from qa.answer import Intent

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]+")

NUMBER = rf"(\d+|[{NUMERAL_CHARS}]+)"
RANGE_SEP = r"\s*(?:-|–|—|~|～|至|到|to|through)\s*"
MEASURE_PATTERNS = [
    re.compile(rf"第\s*{NUMBER}(?:{RANGE_SEP}(?:第)?\s*{NUMBER})?\s*(?:条|项|号|个措施|款)"),
    re.compile(rf"(?:措施|举措)\s*(?:第)?\s*{NUMBER}(?:{RANGE_SEP}{NUMBER})?(?![\d{NUMERAL_CHARS}]*(?:部分|项措施|条措施))"),
    re.compile(rf"(?<![A-Za-z])(?:measures?|items?|articles?|no\.|number|#)\s*(?:no\.?\s*|number\s*|#\s*)?(\d+)(?:{RANGE_SEP}(\d+))?", re.IGNORECASE),
]
PART_PATTERNS = [
    re.compile(rf"第\s*{NUMBER}\s*(?:部分|大部分|章)"),
    re.compile(r"(?<![A-Za-z])part\s+(\d+|[ivxlc]+)\b", re.IGNORECASE),
]
SUBSECTION_PATTERNS = [
    re.compile(rf"[（(]\s*([{NUMERAL_CHARS}]+)\s*[）)]"),
    re.compile(rf"第\s*{NUMBER}\s*(?:小节|节|小项)"),
    re.compile(r"(?<![A-Za-z])(?:subsection|section)\s+(\d+)\b", re.IGNORECASE),
]
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}

COUNT_CUES = re.compile(r"多少|几项|几条|几个|几件|数量|总数|how many|number of|count", re.IGNORECASE)
LEAD_CUES = re.compile(r"牵头|主责|主要负责|领头|打头|lead|leads|leading|led|in charge|heads?\b|spearhead", re.IGNORECASE)
PARTICIPATE_CUES = re.compile(
    r"参与|参加|配合|涉及|负责|承担|有份|involved|involve|participat|take part|takes part|join|responsible|contribut|work on|help",
    re.IGNORECASE,
)
DEPARTMENTS_CUES = re.compile(
    r"哪些部门|哪几个部门|哪些单位|责任部门|负责部门|配合部门|协办|谁负责|哪个部门负责|由谁负责|谁来负责|"
    r"which departments|what departments|which agencies|which units|who is responsible|who are responsible|who's responsible|"
    r"responsible departments|departments responsible|who else|who handles|who is involved|who are involved",
    re.IGNORECASE,
)
LEAD_QUESTION_CUES = re.compile(
    r"谁牵头|哪个部门牵头|哪家牵头|哪个单位牵头|牵头部门|牵头单位|由谁牵头|谁来牵头|谁主抓|谁负总责|"
    r"who leads|who is leading|who's leading|who takes the lead|which department leads|what department leads|lead department|"
    r"leading department|who heads|who is in charge|who's in charge|in charge of|led by|lead agency|who should lead",
    re.IGNORECASE,
)
MEASURE_LIST_CUES = re.compile(r"哪些|什么|哪几|列出|清单|有啥|所有|全部|which|what|list|show|everything|all\b", re.IGNORECASE)
# A policy of measures and responsibilities gives no personal procedures and no prices, rates,
# fees, scores or timetables: questions asking for these are likely out of scope.
PERSONAL_PROCEDURE_CUES = re.compile(
    r"我|怎么申请|如何申请|怎么办理|如何办理|在哪里查|去哪里|需要什么材料|要什么材料|怎么做|"
    r"\bhow (?:do|can|should) i\b|\bwhere (?:do|can) i\b|\bmy\b|\bapply for\b|\bsign up\b",
    re.IGNORECASE,
)
FIGURE_CUES = re.compile(
    r"是多少|多少钱|票价|税率|利率|费率|收费标准|分数线|时刻表|天气|比分|"
    r"\bhow much\b|\b(?:tax|interest|exchange) rate\b|\bfees?\b|\btickets?\b|\bfares?\b|"
    r"\bweather\b|\bschedule\b|\btimetable\b|\bscore\b|\bwho won\b",
    re.IGNORECASE,
)
# "Does 人社厅 lead X?" asks who leads X, naming a candidate; it is not a request for 人社厅's list.
YES_NO_CUES = re.compile(r"吗[？?]?$|是不是|是否|对吗|^(?:does|do|is|are|did)\b", re.IGNORECASE)
FOLLOW_UP_CUES = re.compile(
    r"^(?:那|那么|还有|另外|and\b|what about|how about|also\b|so\b)|呢[？?]?$|\b(?:else|those|them|these|that one|it)\b|其他|其余|它们|这些|那些|上面|刚才",
    re.IGNORECASE,
)
ORDINAL_FOLLOW_UP = re.compile(rf"^(?:那)?第\s*([{NUMERAL_CHARS}\d]+)\s*(?:条|个|项)呢|^(?:and |what about )?the (first|second|third|fourth|fifth|last) one", re.IGNORECASE)
# Words that frame a question rather than name its subject; longest first so 哪个部门 goes before 部门.
QUESTION_WORDS = re.compile(
    r"哪个部门|哪些部门|哪几个部门|哪个单位|哪些单位|责任部门|牵头部门|配合部门|牵头单位|哪些措施|哪几项|多少项|多少条|多少个|几项|几条|"
    r"牵头的|牵头|负责的|负责|参与的|参与了|参与|配合|参加|涉及|主抓|主责|相关的|相关|方面的|方面|具体|分别|一共|总共|共有|"
    r"是谁|由谁|哪些|哪个|什么|怎么|如何|多少|措施|举措|内容|规定|请问|一下|工作|讲了|说了|有关|关于|"
    r"条目|事项|事情|任务|所有|全部|作为|列出|清单|一起|共同|分别是|都有|都是|"
    r"这件|这个|这项|那个|哪家|"
    r"[的由谁呢吗了啊呀吧都有事归是]|"
    r"\b(?:who|whom|which|what|how|many|much|does|do|did|is|are|was|were|the|a|an|of|for|on|in|to|by|with|and|"
    r"lead|leads|leading|led|in charge|charge|measures?|departments?|agenc(?:y|ies)|responsible|involved|take|takes|part|"
    r"about|say|says|said|tell|me|please|list|show|there|it|its|this|that|these|those|handles?|heads?|work|"
    r"tasks?|items?|things?|everything|all|roles?|have|has|had|jobs?|involves?|participates?|participating|"
    r"name|give|get|any|one|ones|under|as|at|be|been|being|can|should|will|whose|where|i|you|we|my|our)\b",
    re.IGNORECASE,
)
# "Jilin Banking Regulatory Bureau", "吉林省财政厅": the qualifier belongs to the name it precedes
DEPARTMENT_QUALIFIER = re.compile(r"(?:\bjilin\s+(?:provincial\s+)?|\bprovincial\s+|\bthe\s+|吉林省|吉林|省)$", re.IGNORECASE)
LEADS_EXPLICITLY = re.compile(r"牵头|\blead", re.IGNORECASE)
FOLLOW_UP_TOPIC_CHARS = 12  # a follow-up names little of its own; a longer subject is a new question
DEPARTMENT_LIST_INTENTS = frozenset({Intent.DEPT_LEAD, Intent.DEPT_ALL, Intent.DEPT_LEAD_COUNT, Intent.DEPT_ALL_COUNT})
ENGLISH_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}


@dataclass(frozen=True)
class Understanding:
    question: str
    language: str  # "zh" | "en"
    intent: Intent
    departments: tuple[Department, ...] = ()
    measures: tuple[int, ...] = ()
    parts: tuple[int, ...] = ()
    subsections: tuple[int, ...] = ()
    topic: str = ""  # the question without department names, references and question words
    ordinal: int | None = None  # "第二条呢" in a follow-up: the n-th citation of the previous answer
    cues: frozenset[str] = field(default_factory=frozenset)  # which kinds of wording it uses: "lead", "count", "yes_no", …


def detect_language(text: str) -> str:
    cjk = len(CJK.findall(text))
    latin_words = len(LATIN_WORD.findall(text))
    return "zh" if cjk >= max(1, latin_words) else "en"


def _number(text: str) -> int:
    return int(text) if text.isdigit() else parse_chinese_number(text)


def _references(patterns: list[re.Pattern[str]], text: str) -> tuple[list[int], str]:
    """Numbers referred to (ranges expanded) and the text with the references cut out."""
    found: list[int] = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            groups = [g for g in match.groups() if g]
            try:
                numbers = [_roman(g) if g.lower().strip("ivxlc") == "" and not g.isdigit() else _number(g) for g in groups]
            except ValueError:
                continue
            if len(numbers) == 2 and 0 < numbers[1] - numbers[0] <= 50:
                found.extend(range(numbers[0], numbers[1] + 1))
            else:
                found.extend(numbers[:1])
        text = pattern.sub(" ", text)
    return list(dict.fromkeys(found)), text


def _roman(text: str) -> int:
    values = [ROMAN[c] for c in text.lower()]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


class QuestionReader:
    def __init__(self, registry: DepartmentRegistry):
        self.registry = registry

    def read(self, question: str, has_context: bool = False) -> Understanding:
        language = detect_language(question)
        ordinal = self._ordinal(question) if has_context else None
        measures, rest = _references(MEASURE_PATTERNS, question) if ordinal is None else ([], question)
        parts, rest = _references(PART_PATTERNS, rest)
        subsections, rest = _references(SUBSECTION_PATTERNS, rest)
        mentions = self.registry.find_mentions(rest)
        departments = tuple(dict.fromkeys(m.department for m in mentions))
        without_departments = rest
        for mention in sorted(mentions, key=lambda m: -m.start):
            before = DEPARTMENT_QUALIFIER.sub("", without_departments[: mention.start])
            without_departments = before + " " + without_departments[mention.end :]
        cues = frozenset(
            name
            for name, pattern in (
                ("count", COUNT_CUES),
                ("lead", LEAD_CUES),
                ("participate", PARTICIPATE_CUES),
                ("departments", DEPARTMENTS_CUES),
                ("lead_question", LEAD_QUESTION_CUES),
                ("list", MEASURE_LIST_CUES),
                ("yes_no", YES_NO_CUES),
                ("personal_procedure", PERSONAL_PROCEDURE_CUES),
                ("figure", FIGURE_CUES),
            )
            if pattern.search(question)
        )
        topic_without_departments = self._topic(without_departments)
        intent = self._intent(question, has_context, ordinal, measures, departments, cues, topic_without_departments)
        # a department named in a topic question is part of the topic ("国开行棚改贷款谁负责")
        topic = topic_without_departments if intent in DEPARTMENT_LIST_INTENTS else self._topic(rest)
        return Understanding(
            question, language, intent, departments, tuple(measures), tuple(parts), tuple(subsections), topic, ordinal, cues
        )

    @staticmethod
    def _ordinal(question: str) -> int | None:
        match = ORDINAL_FOLLOW_UP.search(question.strip())
        if not match:
            return None
        if match.group(1):
            return _number(match.group(1))
        return ENGLISH_ORDINALS[match.group(2).lower()]

    @staticmethod
    def _topic(rest: str) -> str:
        topic = QUESTION_WORDS.sub(" ", rest)
        return re.sub(r"[\s？?。.，,！!：:；;、“”\"'‘’（）()]+", " ", topic).strip()

    @staticmethod
    def _intent(
        question: str,
        has_context: bool,
        ordinal: int | None,
        measures: list[int],
        departments: tuple[Department, ...],
        cues: frozenset[str],
        topic: str,
    ) -> Intent:
        if ordinal is not None:
            return Intent.FOLLOW_UP
        if measures:
            return Intent.MEASURE
        # "how many?", "那配合部门呢？": little of its own to ask about, so it is about the last answer
        if has_context and (FOLLOW_UP_CUES.search(question.strip()) or not topic) and len(topic) <= FOLLOW_UP_TOPIC_CHARS:
            return Intent.FOLLOW_UP
        if departments and _asks_for_a_department_list(question, cues, topic):
            leads = "lead" in cues and not ("participate" in cues and not LEADS_EXPLICITLY.search(question))
            if "count" in cues:
                return Intent.DEPT_LEAD_COUNT if leads else Intent.DEPT_ALL_COUNT
            return Intent.DEPT_LEAD if leads else Intent.DEPT_ALL
        if "lead_question" in cues or ("lead" in cues and "yes_no" in cues):
            return Intent.LEAD
        if "departments" in cues or ("participate" in cues and "yes_no" in cues):
            return Intent.DEPARTMENTS
        return Intent.TOPIC


def _asks_for_a_department_list(question: str, cues: frozenset[str], topic: str) -> bool:
    """Whether a question naming a department asks what that department does (its measures),
    rather than who is responsible for a topic it happens to name."""
    if "yes_no" in cues:
        return False
    if "lead_question" in cues and not cues & {"list", "count"}:
        return False
    # a bare name ("发改委"), or a role with no other subject ("人社厅负责的") asks for the list;
    # a role with a subject ("发改委牵头的交通项目") asks for that list filtered by the subject
    return bool(cues & {"list", "count", "lead", "participate"}) or not topic
