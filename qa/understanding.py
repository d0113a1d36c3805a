"""Question understanding: the question's language, its cues (lexicons matched on tokens), its slots
(departments, measure and part references, topic), and its intent (the intent table, then the
classifier for what the table leaves open)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from corpus.departments import Department, DepartmentRegistry, Mention
from index.tokenizer import Tokenizer
from qa.answer import Intent, Role
from qa.counted import counted_noun, departments_counted
from qa.intent_classifier import DEPARTMENT_MASK, IntentClassifier, features
from qa.lexicon import Cue, Lexicon, Match
from qa.question import Question
from qa.references import References, find_references
from qa.routing import IntentTable, Signals, leads_only
from qa.thresholds import CountThreshold, find_threshold
from qa.unlisted import english_body_names, unlisted_bodies

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]+")
YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
# "Jilin Banking Regulatory Bureau", "吉林省财政厅": the qualifier belongs to the name it precedes
DEPARTMENT_QUALIFIER = re.compile(r"(?:\bjilin\s+(?:provincial\s+)?|\bprovincial\s+|\bthe\s+|吉林省|吉林|省)$", re.IGNORECASE)
# An organisation word after a department's name that is part of its full name: "PBOC Changchun
# branch" names the Central Sub-branch, and "branch" is not a subject of the question
ORGANISATION_WORDS = frozenset(
    {"branch", "sub-branch", "central", "office", "bureau", "department", "commission", "administration", "committee", "agency", "center", "centre"}
)
_ENGLISH_WORD_AFTER = re.compile(r"\s+([A-Za-z]+(?:-[A-Za-z]+)*)")
SUBJECT_CHARS = 12  # a longer leftover is a description, not a name for the subject
# a function character the tokenizer glued to the subject's last word (国企混改由谁: 改由 is one jieba word)
TRAILING_FUNCTION_CHARS = re.compile(r"[由的是归被让给将把]+$")
# Chinese with digits and acronyms (PPP项目, 5G网络), never English words ("棚改financing" reads as neither language)
CJK_PHRASE = re.compile(r"(?=.*[\u4e00-\u9fff])[\u4e00-\u9fff0-9A-Z]+")
_TOPIC_PIECE = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z0-9][A-Za-z0-9'’\-]*")
NEGATION_BEFORE = re.compile(r"(?:没有|没|不|非|并非|而非)\s*$")
YES_NO_FORM_BEFORE = re.compile(r"(?:有没有|是不是|是否)\s*$")
# A yes/no question put as a statement with a tag asks whether the statement is right ("…，对吗？",
# "…吧？", "…, right?"); a negation next to its department makes the statement negative
TAG_QUESTION = re.compile(
    r"(?:对吗|对不对|对吧|对么|是吧|没错吧|没错吗|没记错吧|是这样吗|是不是|真的假的|是真的吗|真的吗|吧)[？?。！!\s]*$"
    r"|,?\s*(?:right|correct|true|is that right|is that true|is that correct|am i right|does it|is it)\s*[?？.!]*\s*$",
    re.IGNORECASE,
)
NEGATION_AFTER = re.compile(r"\s*(?:并不是|并非|不是|不|没有|没|未|does not|doesn't|doesnt|is not|isn't|isnt)(?![A-Za-z])", re.IGNORECASE)
NEGATION_BEFORE_NAME = re.compile(r"(?:并不是|并非|不是|不归|不由)\s*$|(?<![A-Za-z])(?:not|isn't|isnt)\s+(?:the\s+)?$", re.IGNORECASE)
ROLE_REACH = 3  # characters between a department and its role word: 是能源局牵头, the energy bureau leading
ROLE_CUES = frozenset({Cue.LEAD, Cue.SUPPORT, Cue.PARTICIPATE, Cue.LEAD_QUESTION, Cue.RESPONSIBLE})
# the role a department's own role word gives it, where a question names several: 发改委牵头、财政厅配合
ROLE_OF_CUE = {Cue.LEAD: Role.LEAD, Cue.LEAD_QUESTION: Role.LEAD, Cue.SUPPORT: Role.CO, Cue.PARTICIPATE: Role.ANY}
ROLE_WORDS = frozenset(ROLE_OF_CUE)
DEPARTMENT_LIST_INTENTS = frozenset({Intent.DEPT_LEAD, Intent.DEPT_ALL, Intent.DEPT_LEAD_COUNT, Intent.DEPT_ALL_COUNT})
# Cues that show which language frames the question (an English term in a Chinese question,
# or the reverse, does not change the language the answer should be in)
FRAMING_CUES = frozenset(Cue) - {Cue.FRAME, Cue.PERSONAL}
CHINESE_FRAME_WORDS = frozenset({"谁", "哪", "哪个", "哪些", "什么", "吗", "呢", "请问", "多少", "是否", "是不是", "还是", "怎么", "如何", "讲", "说"})
ENGLISH_FRAME_WORDS = frozenset({"who", "which", "what", "how", "does", "do", "is", "are", "did", "tell", "list", "show", "please", "the"})


@dataclass(frozen=True)
class Understanding:
    question: Question
    language: str  # "zh" | "en": the language of the question's frame, which the answer is in
    intent: Intent
    departments: tuple[Department, ...] = ()
    measures: tuple[int, ...] = ()
    tasks: tuple[str, ...] = ()  # task numbers as printed where they are not whole numbers: 2.3
    parts: tuple[int, ...] = ()
    subsections: tuple[int, ...] = ()
    topic: str = ""  # the question without department names, references and cue words
    has_topic: bool = False  # the topic names something the library's vocabulary knows
    subject: str = ""  # the topic as a short phrase of known words, fit to open a direct answer; else empty
    ordinal: int | None = None  # "第二条呢" in a follow-up: the n-th citation of the previous answer
    step: int | None = None  # "下一条呢" in a follow-up: the measure after (+1) or before (-1) the previous answer's
    cues: frozenset[Cue] = frozenset()
    counted: str = ""  # what a how-many question counts when it is neither tasks nor departments: jobs, 游客
    # a how-many question about the departments responsible, in the role it counts: ANY for
    # "第91条有几个部门负责", CO for "几个配合部门"; None where it counts no departments
    departments_counted: Role | None = None
    threshold: CountThreshold | None = None  # "是不是超过50项": the number a department's count is asked against
    years: tuple[int, ...] = ()  # years the question names
    line_ref: bool = False  # asks about a line or page number
    documents: frozenset[str] = frozenset()  # the documents the question is limited to; empty: the whole library
    # the names of the place whose documents the question is limited to, where the place chose them
    # ("… in Changchun"): within those documents the place says nothing of the topic
    setting: frozenset[str] = frozenset()
    # for each of `departments`, every department its name names (itself first): 财政厅 in a library of two provinces
    namesakes: tuple[tuple[Department, ...], ...] = ()
    # for each of `departments`, the role its own role word gives it ("发改委牵头、财政厅配合"); None: no word of its own
    department_roles: tuple[Role | None, ...] = ()
    # bodies the question names that no document names (外交部, the Ministry of Foreign Affairs)
    unlisted: tuple[str, ...] = ()
    # a yes/no question stating the negative ("省农委不是黑土地保护的牵头单位，对吗？"): its verdict is
    # whether the department does not hold the role
    negated: bool = False

    def namesakes_of(self, index: int) -> tuple[Department, ...]:
        return self.namesakes[index] if index < len(self.namesakes) else (self.departments[index],)

    @property
    def named_departments(self) -> frozenset[str]:
        """The names of every department the question's department names name."""
        return frozenset(d.name for i in range(len(self.departments)) for d in self.namesakes_of(i))

    @property
    def text(self) -> str:
        return self.question.text

    @property
    def role(self) -> Role:
        """The role a department question asks about: leading only, or any."""
        return Role.LEAD if leads_only(self.cues) else Role.ANY

    @property
    def listed_role(self) -> Role:
        """The role in which a department's measures are listed or counted: those it leads, those it
        supports without leading ("作为配合部门", "support but not lead"), or all of them."""
        # a ranking or a count asked against a number ("牵头的是不是超过50项") in the lead role when it names that alone
        compared = self.intent is Intent.DEPT_RANKING or self.threshold is not None
        if self.intent in (Intent.DEPT_LEAD, Intent.DEPT_LEAD_COUNT) or (compared and leads_only(self.cues)):
            return Role.LEAD
        # a lead word of its own besides ("牵头的和配合的") asks for both roles
        if Cue.SUPPORT in self.cues and not self.cues & {Cue.ALL_ROLES, Cue.LEAD, Cue.LEAD_QUESTION}:
            return Role.CO
        return Role.ANY

    def role_of(self, index: int) -> Role:
        """The role in which the index-th department's measures are asked for: its own role word's
        where a question names several departments, else the question's."""
        own = self.department_roles[index] if index < len(self.department_roles) else None
        return own if own is not None and len(self.departments) > 1 else self.listed_role

    @property
    def lists_together(self) -> bool:
        """Whether a question naming several departments asks for the measures they share ("发改委和
        财政厅共同负责的", "发改委牵头、财政厅配合的"), not for each one's list."""
        if len(self.departments) < 2:
            return False
        return Cue.TOGETHER in self.cues or len({self.role_of(i) for i in range(len(self.departments))}) > 1


def script_language(text: str) -> str:
    cjk = len(CJK.findall(text))
    latin_words = len(LATIN_WORD.findall(text))
    return "zh" if cjk >= max(1, latin_words) else "en"


def frame_language(text: str, matches: list[Match], tokens: set[str]) -> str:
    """The language of the words that make the question a question; the script decides a tie."""
    zh = sum(1 for m in matches if m.language == "zh" and m.cue in FRAMING_CUES) + len(tokens & CHINESE_FRAME_WORDS)
    en = sum(1 for m in matches if m.language == "en" and m.cue in FRAMING_CUES) + len(tokens & ENGLISH_FRAME_WORDS)
    if zh != en:
        return "zh" if zh > en else "en"
    return script_language(text)


def _outermost(matches: list[Match]) -> list[Match]:
    """Drop a match inside a longer one of another cue: 哪些部门 asks which departments, not for a list."""
    kept: list[Match] = []
    for match in sorted(matches, key=lambda m: m.start - m.end):
        inside = any(
            k.cue is not match.cue and k.cue is not Cue.FRAME and k.holds(match) and (k.end - k.start) > (match.end - match.start)
            for k in kept
        )
        if not inside:
            kept.append(match)
    return kept


def _negated_leads_support(text: str, matches: list[Match]) -> list[Match]:
    """A lead word right after a negation names the supporting role: 没有牵头的, 不牵头, 非牵头 —
    but not in the yes/no forms 有没有牵头, 是不是牵头, which ask whether it leads."""
    return [
        replace(m, cue=Cue.SUPPORT)
        if m.cue is Cue.LEAD and NEGATION_BEFORE.search(text[: m.start]) and not YES_NO_FORM_BEFORE.search(text[: m.start])
        else m
        for m in matches
    ]


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


class QuestionReader:
    def __init__(
        self,
        registry: DepartmentRegistry,
        tokenizer: Tokenizer,
        knows: Callable[[str], bool] | None = None,
        lexicon: Lexicon | None = None,
        table: IntentTable | None = None,
        classifier: IntentClassifier | None = None,
        written: Callable[[str], bool] | None = None,
        titled: Callable[[str], bool] | None = None,
    ):
        self.registry = registry
        self.tokenizer = tokenizer
        self.lexicon = lexicon or Lexicon.load(tokenizer)
        self.table = table or IntentTable.load()
        self.classifier = classifier if classifier is not None else IntentClassifier.load()
        # whether a piece of topic text names something the library's vocabulary knows
        self.knows = knows or (lambda piece: len(piece) >= 2)
        # whether the library's text writes a name: a body it names in prose (联席会议办公室设在…) is
        # one its passages tell of, though it holds no task
        self.written = written or (lambda name: False)
        # whether a subject is one a document's title names (长春老旧小区改造方案): the document itself
        self.titled = titled or (lambda topic: False)

    def _scan(self, question: Question, in_conversation: bool) -> _Scan:
        references = find_references(question.text, in_conversation)
        rest = references.rest
        mentions, elsewhere = self.registry.find_names(rest)
        mentions = sorted([*mentions, *self._named_in_other_words(rest, mentions, elsewhere)], key=lambda m: m.start)
        spans = []
        for mention in mentions:
            qualifier = DEPARTMENT_QUALIFIER.search(rest[: mention.start])
            spans.append((qualifier.start() if qualifier else mention.start, _through_own_name(rest, mention.end, mention.department)))
        masked = _blank(rest, spans)
        matches = _negated_leads_support(masked, _outermost(self.lexicon.matches(masked)))
        first_spans: dict[Department, tuple[int, int]] = {}
        namesakes: dict[Department, tuple[Department, ...]] = {}
        for mention, span in zip(mentions, spans):
            first_spans.setdefault(mention.department, span)
            namesakes.setdefault(mention.department, mention.namesakes or (mention.department,))
        cues = frozenset(m.cue for m in matches if m.cue is not Cue.FRAME)
        elsewhere = [span for span in elsewhere if not any(_overlaps(span, known) for known in spans)]
        by_shape = unlisted_bodies(masked, self.tokenizer.word_spans)
        unlisted = tuple(sorted({*by_shape, *elsewhere}))
        # another government's body (国家发改委) is never this library's, whatever its prose mentions
        prose = tuple(span for span in by_shape if span not in elsewhere and self.written(masked[span[0] : span[1]]))
        return _Scan(
            references, tuple(first_spans), spans, tuple(first_spans.values()), masked, matches, cues, namesakes, unlisted, prose
        )

    def _named_in_other_words(self, text: str, mentions: list[Mention], elsewhere: list[tuple[int, int]]) -> list[Mention]:
        """Departments named in English in words unlike their own forms ("the Chengdu Medical Security
        Bureau" for the Healthcare Security Administration) where the words fit one department alone."""
        blanked = _blank(text, [*((m.start, m.end) for m in mentions), *elsewhere])
        found = []
        for start, end in english_body_names(blanked):
            if department := self.registry.named_in_other_words(blanked[start:end]):
                found.append(Mention(department, start, end, text[start:end], (department,)))
        return found

    def read(self, question: Question, in_conversation: bool = False) -> Understanding:
        scan = self._scan(question, in_conversation)
        references, departments, matches, cues = scan.references, scan.departments, scan.matches, scan.cues
        # a body the prose names is what the question is about (联席会议办公室设在哪里？); one no document
        # writes is no subject the library could answer
        unwritten = [span for span in scan.unlisted if span not in scan.prose]
        # "是不是超过50项": a number the count is asked against, no subject
        threshold, threshold_span = found if (found := find_threshold(scan.masked)) else (None, None)
        blanks = [*((m.start, m.end) for m in matches), *unwritten, *([threshold_span] if threshold_span else [])]
        pieces = _TOPIC_PIECE.findall(_blank(scan.masked, blanks))
        topic = " ".join(pieces)
        known = [self.knows(piece) for piece in pieces]
        has_topic = any(known)
        words = {w.lower() for w in re.findall(r"[\u4e00-\u9fff]|[A-Za-z]+", question.text)} | {
            question.text[m.start : m.end] for m in matches
        }
        language = frame_language(question.text, matches, words)
        counted = counted_noun(scan.masked, language)
        if counted:
            cues = cues | {Cue.FIGURE}
        signals = Signals(
            cues=cues,
            departments=len(departments),
            unlisted=len(scan.unlisted),
            unwritten=len(unwritten),
            measures=len(references.measures) + len(references.tasks),
            scope_refs=len(references.parts) + len(references.subsections),
            line_ref=references.lines,
            ordinal=references.ordinal is not None or references.step is not None,
            in_conversation=in_conversation,
            topic=topic,
            has_topic=has_topic,
            counted=counted,
            names_document=has_topic and self.titled(topic),
            threshold=threshold is not None,
        )
        intent = self.table.route(signals)
        if intent is None:
            intent = self.classifier.predict(scan.features()) if self.classifier is not None else Intent.TOPIC
        negated = False
        if intent is Intent.YES_NO and departments:
            departments = scan.asked_about_first()
            role = scan.role_next_to(departments[0])
            negated = bool(TAG_QUESTION.search(question.text)) and scan.negated(departments[0])
            if negated and role is Cue.SUPPORT:
                role = Cue.LEAD  # 不牵头…吧？ states that it does not lead: the negation is the verdict's to apply
            if role:
                cues = (cues - ROLE_CUES) | {role}
        return Understanding(
            question=question,
            language=language,
            intent=intent,
            departments=departments,
            namesakes=tuple(scan.namesakes[d] for d in departments),
            department_roles=tuple(ROLE_OF_CUE.get(scan.role_next_to(d, ROLE_WORDS)) for d in departments),
            measures=references.measures,
            tasks=references.tasks,
            parts=references.parts,
            subsections=references.subsections,
            topic=topic,
            has_topic=has_topic,
            subject=_subject(pieces, known),
            ordinal=references.ordinal,
            step=references.step,
            cues=cues,
            counted=counted,
            departments_counted=departments_counted(scan.masked) if Cue.COUNT in cues else None,
            threshold=threshold,
            years=tuple(int(y) for y in YEAR.findall(question.text)),
            line_ref=references.lines,
            negated=negated,
            unlisted=tuple(scan.masked[start:end] for start, end in scan.unlisted),
        )

    def classifier_features(self, question: Question) -> list[str]:
        """What the classifier reads of a question, as `read` gives it to the classifier."""
        return self._scan(question, in_conversation=False).features()


@dataclass(frozen=True)
class _Scan:
    """A question's references, departments and cue words, before its topic and intent."""

    references: References
    departments: tuple[Department, ...]  # in the order the question first names them
    spans: list[tuple[int, int]]  # where the departments (with their qualifiers) stand in references.rest
    first_spans: tuple[tuple[int, int], ...]  # each department's first span, in the order of `departments`
    masked: str  # references.rest with the departments blanked out
    matches: list[Match]
    cues: frozenset[Cue]
    namesakes: dict[Department, tuple[Department, ...]]  # each department with the others its name also names
    unlisted: tuple[tuple[int, int], ...]  # where bodies no document names stand in `masked`
    prose: tuple[tuple[int, int], ...]  # those of them the documents' prose writes, though no task names them

    def asked_about_first(self) -> tuple[Department, ...]:
        """The departments, the one standing next to the role word first: "和中科院合作…，是科技厅
        牵头吗？" asks about 科技厅, not 中科院."""
        role = [m for m in self.matches if m.cue in ROLE_CUES]
        if not role:
            return self.departments

        order = sorted(range(len(self.departments)), key=lambda i: min(_gap(self.first_spans[i], m) for m in role))
        return tuple(self.departments[i] for i in order)

    def role_next_to(self, department: Department, among: frozenset[Cue] = ROLE_CUES) -> Cue | None:
        """The role word standing next to the department a yes/no question asks about: in
        "配合中电投集团建热电厂，是能源局牵头吗？" 配合 describes the project, 牵头 the department."""
        span = self.first_spans[self.departments.index(department)]
        role = [m for m in self.matches if m.cue in among]
        if not role:
            return None
        nearest = min(role, key=lambda m: _gap(span, m))
        return nearest.cue if _gap(span, nearest) <= ROLE_REACH else None

    def negated(self, department: Department) -> bool:
        """Whether a negation stands next to the department's name: 省农委不是…, 不是财政厅牵头的,
        the NDRC doesn't lead…, not the NDRC."""
        start, end = self.first_spans[self.departments.index(department)]
        return NEGATION_AFTER.match(self.masked, end) is not None or NEGATION_BEFORE_NAME.search(self.masked[:start]) is not None

    def features(self) -> list[str]:
        """The wording with departments masked, and the cues: the classifier learns phrasing, not names."""
        return features(_mask(self.references.rest, self.spans), (c.value for c in self.cues))


def _through_own_name(text: str, end: int, department: Department) -> int:
    """Where a department's mention ends once the organisation words of its own full name that
    follow it are counted in."""
    own = {word for name in department.english_forms for word in re.split(r"[\s-]+", name.lower())}
    while (word := _ENGLISH_WORD_AFTER.match(text, end)) and word.group(1).lower() in ORGANISATION_WORDS:
        if not own.issuperset(word.group(1).lower().split("-")):
            break
        end = word.end()
    return end


def _subject(pieces: list[str], known: list[bool]) -> str:
    """The topic as a short Chinese phrase made only of words the library knows, else empty."""
    phrase = TRAILING_FUNCTION_CHARS.sub("", "".join(pieces))
    if not pieces or not all(known) or len(phrase) > SUBJECT_CHARS or not CJK_PHRASE.fullmatch(phrase):
        return ""
    return phrase


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + DEPARTMENT_MASK + text[end:]
    return text


def _overlaps(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return span[0] < other[1] and other[0] < span[1]


def _gap(span: tuple[int, int], match: Match) -> int:
    """Characters between a department's span and a cue word; 0 where they touch or overlap."""
    return max(match.start - span[1], span[0] - match.end, 0)
