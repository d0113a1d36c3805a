"""What a conversation said last, so that follow-ups ("那配合部门呢？") can refer to it.

Turns live in a StateStore as JSON, so that any replica can answer a conversation's next question.
The cited passages are stored by id and looked up in the library when the turn is read."""
from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from corpus.library import Library
from corpus.models import Passage
from qa.answer import Answer
from qa.json_fields import UnreadableJson, from_json_value, to_json_value
from qa.state_store import StateStore
from qa.understanding import Understanding

logger = logging.getLogger(__name__)

TURN_FORMAT = 2  # raised when a Turn's JSON changes shape, so that replicas of another version skip it
KEY_PREFIX = "conversation:"


@dataclass(frozen=True)
class Turn:
    understanding: Understanding
    answer: Answer
    passages: tuple[Passage, ...]  # what the answer cited, for "那配合部门呢" and "下一条呢"
    # the list "其中第二项呢" picks from: what the answer cited, or the list the answer picked its one from,
    # so that "第一项…", "第二个呢？" walk down one list
    listed: tuple[Passage, ...]


def turn_to_json(turn: Turn) -> bytes:
    document = {
        "format": TURN_FORMAT,
        "understanding": to_json_value(turn.understanding),
        "answer": to_json_value(turn.answer),
        "passages": [passage.id for passage in turn.passages],
        "listed": [passage.id for passage in turn.listed],
    }
    return json.dumps(document, ensure_ascii=False).encode()


def turn_from_json(data: bytes, passages: Mapping[str, Passage]) -> Turn:
    """The turn `turn_to_json` wrote; UnreadableJson if it is of another format, malformed, or cites a
    passage the library no longer holds."""
    try:
        document = json.loads(data)
    except ValueError as error:
        raise UnreadableJson(f"a turn is not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("format") != TURN_FORMAT:
        raise UnreadableJson(f"a turn is not of format {TURN_FORMAT}")
    cited = from_json_value(tuple[str, ...], document.get("passages"))
    listed = from_json_value(tuple[str, ...], document.get("listed"))
    missing = [passage_id for passage_id in dict.fromkeys([*cited, *listed]) if passage_id not in passages]
    if missing:
        raise UnreadableJson(f"a turn cites passages the library does not hold: {', '.join(missing)}")
    return Turn(
        from_json_value(Understanding, document.get("understanding")),
        from_json_value(Answer, document.get("answer")),
        tuple(passages[passage_id] for passage_id in cited),
        tuple(passages[passage_id] for passage_id in listed),
    )


class ConversationMemory:
    """The last turn of each conversation, forgotten ttl_seconds after it was said; the store bounds
    how many are kept."""

    def __init__(self, store: StateStore, library: Library, ttl_seconds: float = 3600.0):
        self.store = store
        self.ttl_seconds = ttl_seconds
        self._passages = {passage.id: passage for passage in library.passages}

    def last(self, conversation_id: str | None) -> Turn | None:
        if not conversation_id:
            return None
        data = self.store.get(KEY_PREFIX + conversation_id)
        if data is None:
            return None
        try:
            return turn_from_json(data, self._passages)
        except ValueError as error:  # the pydantic and JSON errors are ValueErrors too
            # Another version's turn, or one about a removed document: the conversation starts afresh.
            logger.warning("forgot the last turn of a conversation: %s", error)
            return None

    def remember(self, conversation_id: str | None, turn: Turn) -> None:
        if conversation_id:
            self.store.put(KEY_PREFIX + conversation_id, turn_to_json(turn), self.ttl_seconds)
