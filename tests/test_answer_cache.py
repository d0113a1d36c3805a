"""Answers to questions asked before come from the state store; follow-ups never do."""
from __future__ import annotations

from dataclasses import replace

import pytest

from corpus.library import Library
from qa.answer_cache import KEY_PREFIX, AnswerCache
from qa.pipeline import QAPipeline
from qa.question import Question
from qa.state_store import InMemoryStateStore

SHANTYTOWN = "棚户区改造融资谁牵头？"


class RecordingStore(InMemoryStateStore):
    """The in-process store, keeping the keys of every write."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[str] = []

    def put(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self.written.append(key)
        super().put(key, value, ttl_seconds)


@pytest.fixture
def store() -> RecordingStore:
    return RecordingStore()


@pytest.fixture
def fresh(pipeline: QAPipeline, store: RecordingStore) -> QAPipeline:
    """The session's pipeline, its state in a store of its own."""
    p = pipeline
    return QAPipeline(p.library, p.registry, p.index, p.translator, p.abstention, p.top_k, p.tokenizer, p.synonyms, store, p.cascade)


def answers_written(store: RecordingStore) -> list[str]:
    return [key for key in store.written if key.startswith(KEY_PREFIX)]


def test_a_question_asked_again_is_answered_from_the_store(fresh: QAPipeline, store: RecordingStore):
    first = fresh.ask(SHANTYTOWN)
    assert len(answers_written(store)) == 1
    assert fresh.ask(SHANTYTOWN) == first
    assert len(answers_written(store)) == 1  # read back, not answered and written again


def test_the_answer_served_is_the_one_stored_under_the_question_s_key(fresh: QAPipeline, store: RecordingStore):
    fresh.ask(SHANTYTOWN)
    other = "PPP项目是财政厅牵头吗？"
    store.put(fresh.answers.key(Question.parse(other), fresh.top_k, ()), store.get(answers_written(store)[0]), 60)
    served = fresh.ask(other)
    assert served.question == other and served.direct == fresh.ask(SHANTYTOWN).direct


def test_spellings_that_normalise_alike_share_an_answer_that_echoes_each_as_asked(fresh: QAPipeline, store: RecordingStore):
    simplified = fresh.ask("ＰＰＰ项目谁牵头？")
    folded = fresh.ask("PPP项目谁牵头？")
    assert len(answers_written(store)) == 1
    assert (simplified.question, folded.question) == ("ＰＰＰ项目谁牵头？", "PPP项目谁牵头？")
    assert simplified.direct == folded.direct


def test_top_k_and_the_documents_asked_for_are_part_of_the_key(fresh: QAPipeline, store: RecordingStore):
    document = fresh.library.documents[0].id
    fresh.ask(SHANTYTOWN)
    fresh.ask(SHANTYTOWN, top_k=2)
    fresh.ask(SHANTYTOWN, documents=[document])
    assert len(set(answers_written(store))) == 3


def test_a_follow_up_is_never_served_from_the_store_but_a_cached_first_turn_is_remembered(fresh: QAPipeline, store: RecordingStore):
    fresh.ask(SHANTYTOWN)  # cached outside any conversation
    opened = fresh.ask(SHANTYTOWN, conversation_id="c1")
    follow_up = fresh.ask("那配合部门呢？", conversation_id="c1")
    assert len(answers_written(store)) == 1
    assert follow_up.intent.value == "departments" and follow_up.citations
    assert {c.id for c in follow_up.citations} <= {c.id for c in opened.citations}
    # the same words with no previous turn are a question of their own, answered and kept apart
    alone = fresh.ask("那配合部门呢？")
    assert alone != follow_up and len(answers_written(store)) == 2


def test_another_library_version_asks_other_keys(fresh: QAPipeline, store: RecordingStore):
    library = fresh.library
    document = library.documents[0]
    changed = Library.of([replace(document, passages=document.passages[:-1])], library.catalog)
    question = Question.parse(SHANTYTOWN)
    assert AnswerCache(store, changed).key(question, 5, ()) != fresh.answers.key(question, 5, ())
    assert AnswerCache(store, library).key(question, 5, ()) == fresh.answers.key(question, 5, ())
