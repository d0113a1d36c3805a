"""Answers to questions asked before, kept in the state store so that a repeated question costs a
look-up rather than a search.

Only answers computed without a previous turn are kept: a follow-up's answer depends on the turn
before it. The key is the normalised question, top_k, the document scope and the library's checksum,
so a library with a document added or removed asks new keys and the old entries expire unread. What
is kept is the whole turn, so that a conversation that starts with a cached answer can be followed up.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection
from dataclasses import replace

from corpus.library import Library
from qa.conversation import Turn, turn_from_json, turn_to_json
from qa.question import Question
from qa.state_store import StateStore

logger = logging.getLogger(__name__)

KEY_PREFIX = "answer:"
ANSWER_TTL_SECONDS = 3600.0


class AnswerCache:
    def __init__(self, store: StateStore, library: Library, ttl_seconds: float = ANSWER_TTL_SECONDS) -> None:
        self.store = store
        self.ttl_seconds = ttl_seconds
        self.version = library.checksum
        self._passages = {passage.id: passage for passage in library.passages}

    def key(self, question: Question, top_k: int, documents: Collection[str]) -> str:
        scope = "\0".join(sorted(set(documents)))
        digest = hashlib.sha256("\x1f".join((self.version, str(top_k), scope, question.text)).encode()).hexdigest()
        return KEY_PREFIX + digest

    def get(self, key: str, question: Question) -> Turn | None:
        """The turn kept under `key`, its answer echoing `question` as this asker wrote it."""
        data = self.store.get(key)
        if data is None:
            return None
        try:
            turn = turn_from_json(data, self._passages)
        except ValueError as error:  # another version's entry: answered afresh and written anew
            logger.warning("ignored a cached answer: %s", error)
            return None
        return replace(turn, answer=turn.answer.model_copy(update={"question": question.asked}))

    def put(self, key: str, turn: Turn) -> None:
        self.store.put(key, turn_to_json(turn), self.ttl_seconds)
