"""Question understanding: the question's language, its cues (lexicons matched on tokens), its slots
(departments, measure and part references, topic), and its intent (the intent table, then the
classifier for what the table leaves open)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from corpus.departments import Department, DepartmentRegistry
from index.tokenizer import Tokenizer
from qa.answer import Intent, Role
from qa.intent_classifier import DEPARTMENT_MASK, IntentClassifier, features
from qa.lexicon import Cue, Lexicon, Match
from qa.question import Question
from qa.references import find_references
from qa.routing import IntentTable, Signals

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]+")
YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
# "Jilin Banking Regulatory Bureau", "吉林省财政厅": the qualifier belongs to the name it precedes
DEPARTMENT_QUALIFIER = re.compile(r"(?:\bjilin\s+(?:provincial\s+)?|\bprovincial\s+|\bthe\s+|吉林省|吉林|省)$", re.IGNORECASE)
SUBJECT_CHARS = 12  # a longer leftover is a description, not a name for the subject
_TOPIC_PIECE = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z0-9][A-Za-z0-9'’\-]*")
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
    parts: tuple[int, ...] = ()
    subsections: tuple[int, ...] = ()
    topic: str = ""  # the question without department names, references and cue words
    has_topic: bool = False  # the topic names something the library's vocabulary knows
    subject: str = ""  # the topic as a short phrase of known words, fit to open a direct answer; else empty
    ordinal: int | None = None  # "第二条呢" in a follow-up: the n-th citation of the previous answer
    cues: frozenset[Cue] = frozenset()
    years: tuple[int, ...] = ()  # years the question names
    line_ref: bool = False  # asks about a line or page number

    @property
    def text(self) -> str:
        return self.question.text

    @property
    def role(self) -> Role:
        """The role a department question asks about: leading only, or any."""
        leads = self.cues & {Cue.LEAD, Cue.LEAD_QUESTION} and not self.cues & {Cue.PARTICIPATE, Cue.ALL_ROLES}
        return Role.LEAD if leads else Role.ANY


def script_language(text: str) -> str:
    cjk = len(CJK.findall(text))
    latin_words = len(LATIN_WORD.findall(text))
    return "zh" if cjk >= max(1, latin_words) else "en"


def frame_language(text: str, matches: list[Match], tokens: set[str]) -> str:
    """The language of the words that make the question a question; the script decides a tie."""
    zh = sum(1 for m in matches if m.language == "zh" and m.cue in FRAMING_CUES) + len(tokens & CHINESE_FRAME_WORDS)
    en = sum(1 for m in matches if m.language == "en" and m.cue in FRAMING_CUES) + len(tokens & ENGLISH_FRAME_WORDS)
    if zh and en and CJK.search(text) and LATIN_WORD.search(text):
        return "zh" if zh > en else "en" if en > zh else script_language(text)
    if zh and not en:
        return "zh"
    if en and not zh:
        return "en"
    return script_language(text)


def _outermost(matches: list[Match]) -> list[Match]:
    """Drop a match inside a longer one of another cue: 哪些部门 asks which departments, not for a list."""
    kept: list[Match] = []
    for match in sorted(matches, key=lambda m: m.start - m.end):
        inside = any(
            k.cue is not match.cue and k.cue is not Cue.FRAME and k.start <= match.start and match.end <= k.end
            and (k.end - k.start) > (match.end - match.start)
            for k in kept
        )
        if not inside:
            kept.append(match)
    return kept


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
    ):
        self.registry = registry
        self.lexicon = lexicon or Lexicon.load(tokenizer)
        self.table = table or IntentTable.load()
        self.classifier = classifier if classifier is not None else IntentClassifier.load()
        # whether a piece of topic text names something the library's vocabulary knows
        self.knows = knows or (lambda piece: len(piece) >= 2)

    def read(self, question: Question, in_conversation: bool = False) -> Understanding:
        references = find_references(question.text, in_conversation)
        rest = references.rest
        mentions = self.registry.find_mentions(rest)
        departments = tuple(dict.fromkeys(m.department for m in mentions))
        spans = []
        for mention in mentions:
            qualifier = DEPARTMENT_QUALIFIER.search(rest[: mention.start])
            spans.append((qualifier.start() if qualifier else mention.start, mention.end))
        masked = _blank(rest, spans)
        matches = _outermost(self.lexicon.matches(masked))
        cues = frozenset(m.cue for m in matches if m.cue is not Cue.FRAME)
        pieces = _TOPIC_PIECE.findall(_blank(masked, [(m.start, m.end) for m in matches]))
        topic = " ".join(pieces)
        known = [self.knows(piece) for piece in pieces]
        has_topic = any(known)
        subject = "".join(pieces) if known and all(known) and len("".join(pieces)) <= SUBJECT_CHARS and CJK.search(topic) and topic.replace(" ", "").isalnum() else ""
        words = {w.lower() for w in re.findall(r"[\u4e00-\u9fff]|[A-Za-z]+", question.text)} | {
            question.text[m.start : m.end] for m in matches
        }
        language = frame_language(question.text, matches, words)
        signals = Signals(
            cues=cues,
            departments=len(departments),
            measures=len(references.measures),
            scope_refs=len(references.parts) + len(references.subsections),
            line_ref=references.lines,
            ordinal=references.ordinal is not None,
            in_conversation=in_conversation,
            topic=topic,
            has_topic=has_topic,
        )
        intent = self.table.route(signals)
        if intent is None:
            intent = self._classify(rest, spans, cues)
        return Understanding(
            question=question,
            language=language,
            intent=intent,
            departments=departments,
            measures=references.measures,
            parts=references.parts,
            subsections=references.subsections,
            topic=topic,
            has_topic=has_topic,
            subject=subject,
            ordinal=references.ordinal,
            cues=cues,
            years=tuple(int(y) for y in YEAR.findall(question.text)),
            line_ref=references.lines,
        )

    def classifier_features(self, question: Question) -> list[str]:
        """What the classifier reads of a question: its wording with departments masked, and its cues."""
        rest = find_references(question.text, False).rest
        mentions = self.registry.find_mentions(rest)
        spans = [(m.start, m.end) for m in mentions]
        cues = frozenset(m.cue for m in self.lexicon.matches(_blank(rest, spans)) if m.cue is not Cue.FRAME)
        return features(_mask(rest, spans), (c.value for c in cues))

    def _classify(self, rest: str, spans: list[tuple[int, int]], cues: frozenset[Cue]) -> Intent:
        if self.classifier is None:
            return Intent.TOPIC
        return self.classifier.predict(features(_mask(rest, spans), (c.value for c in cues)))


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + DEPARTMENT_MASK + text[end:]
    return text
