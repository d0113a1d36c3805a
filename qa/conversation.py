"""What a conversation said last, so that follow-ups ("那配合部门呢？") can refer to it."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from corpus.models import Passage
from qa.answer import Answer
from qa.understanding import Understanding


@dataclass(frozen=True)
class Turn:
    understanding: Understanding
    answer: Answer
    passages: tuple[Passage, ...]  # what the answer cited, for "第二条呢" and "那配合部门呢"


class ConversationMemory:
    """The last turn of each conversation, bounded in size and age so memory cannot grow without limit."""

    def __init__(self, max_conversations: int = 10_000, ttl_seconds: float = 3600.0):
        self.max_conversations = max_conversations
        self.ttl_seconds = ttl_seconds
        self._turns: OrderedDict[str, tuple[float, Turn]] = OrderedDict()
        self._lock = threading.Lock()

    def last(self, conversation_id: str | None) -> Turn | None:
        if not conversation_id:
            return None
        with self._lock:
            entry = self._turns.get(conversation_id)
            if entry is None or time.monotonic() - entry[0] > self.ttl_seconds:
                self._turns.pop(conversation_id, None)
                return None
            return entry[1]

    def remember(self, conversation_id: str | None, turn: Turn) -> None:
        if not conversation_id:
            return
        with self._lock:
            self._turns[conversation_id] = (time.monotonic(), turn)
            self._turns.move_to_end(conversation_id)
            while len(self._turns) > self.max_conversations:
                self._turns.popitem(last=False)
