"""The questions the library could not answer, for operators to see what people ask that it lacks.

UnansweredQuestions is the whole interface, so that a store shared by several processes (Redis, say)
can replace the in-process one.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Literal, Protocol

from pydantic import BaseModel, Field


class UnansweredQuestion(BaseModel):
    question: str = Field(description="As asked, stripped")
    language: Literal["zh", "en"]
    count: int = Field(description="How often it was asked and not answered")
    last_asked: float = Field(description="When it was last asked, in seconds since the epoch")


class UnansweredQuestions(Protocol):
    def record(self, question: str, language: str) -> None: ...

    def recent(self, limit: int) -> list[UnansweredQuestion]: ...


class InMemoryUnanswered:
    """The max_questions most recently unanswered questions, newest first; counts survive while a
    question stays among them. Thread-safe: answers are composed on worker threads."""

    def __init__(self, max_questions: int = 500, clock: Callable[[], float] = time.time) -> None:
        self._max_questions = max_questions
        self._clock = clock
        self._questions: OrderedDict[tuple[str, str], UnansweredQuestion] = OrderedDict()
        self._lock = threading.Lock()

    def record(self, question: str, language: str) -> None:
        key = (question.strip(), language)
        with self._lock:
            previous = self._questions.pop(key, None)
            count = previous.count + 1 if previous else 1
            self._questions[key] = UnansweredQuestion(question=key[0], language=language, count=count, last_asked=self._clock())
            while len(self._questions) > self._max_questions:
                self._questions.popitem(last=False)

    def recent(self, limit: int) -> list[UnansweredQuestion]:
        with self._lock:
            newest_first = reversed(self._questions.values())
            return [entry for entry, _ in zip(newest_first, range(limit))]
