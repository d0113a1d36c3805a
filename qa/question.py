"""A question, validated once at the edge: its text as asked and the normalised text understanding reads."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import opencc

MAX_QUESTION_CHARS = 500


class InvalidQuestionError(ValueError):
    pass


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _fold_width(char: str) -> str:
    """Full-width letters, digits and spaces to ASCII (ＰＰＰ → PPP, ９１ → 91); full-width
    punctuation such as （） stays, since the document and its numbering use it."""
    if "\uff10" <= char <= "\uff19" or "\uff21" <= char <= "\uff3a" or "\uff41" <= char <= "\uff5a" or char == "\u3000":
        return unicodedata.normalize("NFKC", char)
    return char


def normalise(text: str) -> str:
    """Simplified characters and ASCII letters and digits, one character for one, so offsets agree."""
    simplified = _to_simplified().convert(text)
    if len(simplified) != len(text):  # OpenCC's t2s maps character for character; keep offsets if it ever did not
        simplified = text
    return "".join(_fold_width(char) for char in simplified)


@dataclass(frozen=True)
class Question:
    asked: str  # as the user wrote it, stripped: what answers echo
    text: str  # normalised: traditional characters simplified, full-width ASCII folded

    @classmethod
    def parse(cls, raw: str) -> Question:
        stripped = raw.strip()
        if not stripped:
            raise InvalidQuestionError("the question is empty")
        if len(stripped) > MAX_QUESTION_CHARS:
            raise InvalidQuestionError(f"the question is {len(stripped)} characters long; the limit is {MAX_QUESTION_CHARS}")
        return cls(stripped, normalise(stripped))


def validate_question(raw: str) -> str:
    """The question stripped, or InvalidQuestionError saying why it cannot be asked."""
    return Question.parse(raw).asked
