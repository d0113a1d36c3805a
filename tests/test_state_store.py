"""The store of the state replicas share, in the process and on Debian's redis-server, and the JSON a
conversation's turn is kept as."""
from __future__ import annotations

import dataclasses
import json
import time
import uuid

import pytest

from corpus.library import BUNDLED_LIBRARY, Library
from qa.answer import Answer, Intent, Role, Verdict
from qa.conversation import ConversationMemory, Turn, turn_from_json, turn_to_json
from qa.json_fields import UnreadableJson, from_json_value, to_json_value
from qa.lexicon import Cue
from qa.question import Question
from qa.redis_store import RedisStateStore, StateStoreUnavailable, open_state_store
from qa.settings import Settings
from qa.state_store import InMemoryStateStore, StateStore
from qa.thresholds import Comparison, CountThreshold
from qa.understanding import Understanding
from service.child_process import HOST, free_port
from tests.test_chat_format import shantytown_answer


# --- The contract, on both stores -------------------------------------------------------------------------------


def test_a_key_holds_what_was_put_until_it_is_deleted(state_store: StateStore) -> None:
    state_store.put("conversation:a", b"\x00\xff turn", 60)

    assert state_store.get("conversation:a") == b"\x00\xff turn"
    assert state_store.get("conversation:b") is None
    state_store.delete("conversation:a")
    state_store.delete("conversation:never-written")
    assert state_store.get("conversation:a") is None


def test_put_replaces_while_put_if_absent_claims_a_key_once(state_store: StateStore) -> None:
    state_store.put("k", b"one", 60)
    state_store.put("k", b"two", 60)

    assert state_store.put_if_absent("claim", b"first", 60) is True
    assert state_store.put_if_absent("claim", b"second", 60) is False
    assert (state_store.get("k"), state_store.get("claim")) == (b"two", b"first")


def test_a_value_expires_after_its_time_to_live(state_store: StateStore) -> None:
    state_store.put("short", b"x", 0.05)
    state_store.put("long", b"y", 60)
    assert state_store.put_if_absent("claim", b"first", 0.05)

    time.sleep(0.2)

    assert state_store.get("short") is None
    assert state_store.get("long") == b"y"
    assert state_store.put_if_absent("claim", b"again", 60), "an expired claim can be made anew"
    assert state_store.get("claim") == b"again"


# --- The embedded state_store ------------------------------------------------------------------------------------------


def test_the_embedded_store_expires_by_its_clock() -> None:
    now = [1000.0]
    store = InMemoryStateStore(clock=lambda: now[0])
    store.put("k", b"v", 10)
    assert store.put_if_absent("claim", b"1", 10)

    now[0] += 9.9
    assert store.get("k") == b"v"
    assert not store.put_if_absent("claim", b"2", 10)
    now[0] += 0.1
    assert store.get("k") is None
    assert store.put_if_absent("claim", b"3", 10)


def test_the_embedded_store_drops_the_least_recently_written_beyond_its_bound() -> None:
    store = InMemoryStateStore(max_entries=2)
    store.put("a", b"1", 60)
    store.put("b", b"2", 60)
    store.put("a", b"1 again", 60)  # written last: now "b" is the oldest
    store.put("c", b"3", 60)

    assert (store.get("a"), store.get("b"), store.get("c")) == (b"1 again", None, b"3")


# --- Redis -----------------------------------------------------------------------------------------------------


@pytest.mark.redis
def test_prefixes_keep_deployments_apart_on_one_redis(redis_url: str) -> None:
    prefix = f"test-{uuid.uuid4().hex}"
    first, second = (RedisStateStore.connect(redis_url, f"{prefix}-{name}:") for name in ("first", "second"))
    first.put("conversation:x", b"first's", 60)

    assert second.get("conversation:x") is None
    assert second.put_if_absent("conversation:x", b"second's", 60)
    assert first.client.get(f"{prefix}-first:conversation:x") == b"first's"
    assert first.client.pttl(f"{prefix}-first:conversation:x") > 59_000


@pytest.mark.redis
def test_settings_pick_redis_when_its_url_is_set(redis_url: str) -> None:
    assert isinstance(open_state_store(Settings(redis_url="")), InMemoryStateStore)
    assert isinstance(open_state_store(Settings(redis_url=redis_url)), RedisStateStore)


def test_an_unreachable_redis_is_named_without_its_credentials() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(StateStoreUnavailable) as refused:
        open_state_store(Settings(redis_url=f"redis://operator:s3cret-pw@{HOST}:{port}/2"))

    assert f"cannot reach Redis at redis://{HOST}:{port}/2" in str(refused.value)
    assert "s3cret-pw" not in str(refused.value) and "operator" not in str(refused.value)


def test_a_url_that_is_not_redis_is_refused_by_name() -> None:
    with pytest.raises(StateStoreUnavailable, match=r"QA_REDIS_URL \(http://cache:6379\) is not a Redis URL"):
        open_state_store(Settings(redis_url="http://user:pw@cache:6379"))


# --- A turn as JSON --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load(BUNDLED_LIBRARY)


def every_field_set(library: Library) -> Understanding:
    """An Understanding whose every field differs from its default, so the round trip covers them all."""
    finance, ndrc, bank = (library.registry.resolve(name) for name in ("财政厅", "省发展改革委", "省国开行"))
    return Understanding(
        question=Question.parse("省财政厅是否牵头第91条和第92条？"),
        language="en",
        intent=Intent.YES_NO,
        departments=(finance, ndrc),
        measures=(91, 92),
        tasks=("2.3",),
        parts=(3,),
        subsections=(2, 5),
        topic="棚户区 改造",
        has_topic=True,
        subject="棚户区改造",
        counted="游客",
        departments_counted=Role.CO,
        threshold=CountThreshold(Comparison.AT_LEAST, 50),
        ordinal=2,
        step=-1,
        cues=frozenset({Cue.LEAD, Cue.RESPONSIBLE, Cue.PARTICIPATE}),
        years=(2014, 2017),
        line_ref=True,
        documents=frozenset({"jilin-northeast-revitalization-2014", "changchun"}),
        setting=frozenset({"长春市", "长春"}),
        namesakes=((finance, bank), (ndrc,)),
        department_roles=(Role.LEAD, None),
        negated=True,
        unlisted=("外交部",),
    )


def every_answer_field_set() -> Answer:
    return shantytown_answer("zh").model_copy(update={"verdict": Verdict.YES, "choice": "省国开行", "count": 4})


def test_the_samples_set_every_field(library: Library) -> None:
    understanding, answer = every_field_set(library), every_answer_field_set()

    assert [f.name for f in dataclasses.fields(Understanding) if getattr(understanding, f.name) == f.default] == []
    assert [name for name, field in Answer.model_fields.items() if getattr(answer, name) == field.default] == []
    assert answer.items and answer.citations


def test_an_understanding_and_an_answer_round_trip_through_json(library: Library) -> None:
    understanding, answer = every_field_set(library), every_answer_field_set()

    written = json.loads(json.dumps(to_json_value(understanding)))

    assert from_json_value(Understanding, written) == understanding
    assert from_json_value(Answer, json.loads(json.dumps(to_json_value(answer)))) == answer
    assert written["intent"] == "yes_no" and written["cues"] == ["lead", "participate", "responsible"]
    assert written["namesakes"][0][1]["name"] == "省国开行"


def test_a_turn_keeps_its_passages_as_library_ids(library: Library) -> None:
    cited = tuple(library.document().measure(n) for n in (91, 93))
    listed = tuple(library.document().measure(n) for n in (89, 91, 93))
    turn = Turn(every_field_set(library), every_answer_field_set(), cited, listed)

    data = turn_to_json(turn)

    assert json.loads(data)["passages"] == [passage.id for passage in cited]
    assert json.loads(data)["listed"] == [passage.id for passage in listed]
    assert turn_from_json(data, {passage.id: passage for passage in library.passages}) == turn


def test_json_of_another_shape_is_refused_naming_the_problem() -> None:
    with pytest.raises(UnreadableJson, match="unknown Intent 'guess'; valid: lead, departments"):
        from_json_value(Intent, "guess")
    with pytest.raises(UnreadableJson, match="Question lacks its field 'text'"):
        from_json_value(Question, {"asked": "谁牵头？"})
    with pytest.raises(UnreadableJson, match="expected int, got bool"):
        from_json_value(tuple[int, ...], [91, True])


def test_replicas_on_one_store_share_a_conversation_for_an_hour(library: Library) -> None:
    now = [0.0]
    store = InMemoryStateStore(clock=lambda: now[0])
    replica_a, replica_b = ConversationMemory(store, library), ConversationMemory(store, library)
    turn = Turn(every_field_set(library), every_answer_field_set(), (library.document().measure(91),), ())

    replica_a.remember("api:u1", turn)

    assert replica_b.last("api:u1") == turn
    assert replica_b.last("api:u2") is None and replica_b.last(None) is None
    now[0] += 3601
    assert replica_b.last("api:u1") is None


def test_a_turn_citing_a_passage_the_library_no_longer_holds_is_forgotten(library: Library) -> None:
    memory = ConversationMemory(InMemoryStateStore(), library)
    removed = dataclasses.replace(library.document().measure(91), document="removed-document")
    memory.remember("api:u1", Turn(every_field_set(library), every_answer_field_set(), (removed,), (removed,)))
    memory.store.put("conversation:api:u2", b'{"format": 0}', 60)

    assert memory.last("api:u1") is None
    assert memory.last("api:u2") is None


@pytest.mark.redis
def test_a_turn_round_trips_through_redis(redis_url: str, library: Library) -> None:
    shared = RedisStateStore.connect(redis_url, prefix=f"test-{uuid.uuid4().hex}:")
    turn = Turn(every_field_set(library), every_answer_field_set(), (library.document().measure(92),), ())

    ConversationMemory(shared, library).remember("wechat-mp:oUser", turn)

    assert ConversationMemory(shared, library).last("wechat-mp:oUser") == turn
    assert 3590_000 < shared.client.pttl(shared.prefix + "conversation:wechat-mp:oUser") <= 3600_000
