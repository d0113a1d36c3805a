"""Two reply coordinators and two replay guards on one store behave as one: what WeChat sends to either
replica is answered once, fetched once, and refused when replayed with another body."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest

from qa.answer import Answer
from qa.state_store import InMemoryStateStore, StateStore
from service.replay_guard import ReplayedCallback, ReplayGuard
from service.wechat import CLAIM_LEASE_SECONDS, AskFailed, FetchStatus, ReplyCoordinator
from tests.test_wechat_service import QUESTION, CountingAsker


def replicas(store: StateStore, asker: CountingAsker, deadline_seconds: float) -> tuple[ReplyCoordinator, ReplyCoordinator]:
    return ReplyCoordinator(asker, deadline_seconds, store=store), ReplyCoordinator(asker, deadline_seconds, store=store)


def test_retries_reaching_either_replica_run_the_question_once(state_store: StateStore) -> None:
    asker = CountingAsker(delay=0.3)

    async def scenario() -> list[Answer | None]:
        first, second = replicas(state_store, asker, deadline_seconds=2.0)
        return await asyncio.gather(*(replica.answer("m1", "u1", QUESTION) for replica in (first, second, second)))

    replies = asyncio.run(scenario())

    assert asker.calls == [(QUESTION, "u1")]
    assert all(reply is not None for reply in replies)
    assert replies[0] == replies[1] == replies[2]


def test_a_late_answer_is_fetched_once_from_either_replica(state_store: StateStore) -> None:
    asker = CountingAsker(delay=0.4)

    async def scenario() -> list[object]:
        first, second = replicas(state_store, asker, deadline_seconds=0.05)
        outcomes: list[object] = [await first.answer("m1", "u1", QUESTION), await second.fetch("u1"), await second.fetch("u2")]
        await asyncio.sleep(0.6)
        outcomes += [await second.fetch("u1"), await first.fetch("u1")]
        return outcomes

    timed_out, running, other_user, fetched, again = asyncio.run(scenario())

    assert timed_out is None
    assert running is FetchStatus.STILL_RUNNING
    assert other_user is FetchStatus.NOTHING_PENDING
    assert isinstance(fetched, Answer) and fetched.citations[0].measure == 91
    assert again is FetchStatus.NOTHING_PENDING
    assert len(asker.calls) == 1


def test_a_failure_on_one_replica_is_reported_on_the_other_without_running_again(state_store: StateStore) -> None:
    asker = CountingAsker(fail=True)

    async def scenario() -> None:
        first, second = replicas(state_store, asker, deadline_seconds=1.0)
        with pytest.raises(AskFailed) as failed:
            await first.answer("m1", "u1", QUESTION)
        with pytest.raises(AskFailed, match="on the replica that ran it"):
            await second.answer("m1", "u1", QUESTION)
        assert str(failed.value.__cause__) == "index missing"

    asyncio.run(scenario())

    assert len(asker.calls) == 1


def test_a_nonce_replayed_to_the_other_replica_with_another_body_is_refused(state_store: StateStore) -> None:
    first, second = (ReplayGuard(store=state_store) for _ in range(2))
    timestamp = str(int(time.time()))

    first.check(timestamp, "nonce-1", b"<xml>original</xml>")
    second.check(timestamp, "nonce-1", b"<xml>original</xml>")  # WeChat's retry, unchanged
    second.check(timestamp, "nonce-2", b"<xml>another</xml>")
    with pytest.raises(ReplayedCallback):
        second.check(timestamp, "nonce-1", b"<xml>forged</xml>")


def test_a_message_claimed_by_a_replica_that_died_is_run_elsewhere_once_the_claim_lapses() -> None:
    now = [0.0]
    store = InMemoryStateStore(clock=lambda: now[0])
    stuck = threading.Event()

    class DyingAsker:  # the replica's process stops while its pipeline run is under way
        def ask(self, question: str, top_k: int | None = None, conversation_id: str | None = None) -> Answer:
            stuck.wait()
            raise RuntimeError("the replica is gone")

    healthy = CountingAsker()
    try:
        assert asyncio.run(ReplyCoordinator(DyingAsker(), 0.05, store=store).answer("m1", "u1", QUESTION)) is None
        survivor = ReplyCoordinator(healthy, 1.0, store=store)
        assert asyncio.run(survivor.answer("m1", "u1", QUESTION)) is None, "the claim still holds"
        now[0] += CLAIM_LEASE_SECONDS
        assert isinstance(asyncio.run(survivor.answer("m1", "u1", QUESTION)), Answer)
    finally:
        stuck.set()

    assert healthy.calls == [(QUESTION, "u1")]
