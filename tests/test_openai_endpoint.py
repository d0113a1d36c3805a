"""The OpenAI-compatible endpoint, called by the official openai client against a real uvicorn process."""
from __future__ import annotations

import json

import httpx
import openai
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from openai import OpenAI

from qa.answer import Answer
from service.openai_compat import ChatCompletionRequest, build_openai_router, conversation_id_for
from tests.test_service_http import direct_for

QUESTION = "Who leads the shantytown renovation financing?"


@pytest.fixture(scope="module")
def server(live_url) -> str:
    return live_url


@pytest.fixture(scope="module")
def client(server) -> OpenAI:
    return OpenAI(base_url=f"{server}/v1", api_key="x", max_retries=0, timeout=60)


def assert_direct_then_sources(text: str, direct: str, heading: str, prefixes: list[str]) -> None:
    """The direct answer, a blank line, the sources heading, then one bullet per citation in order."""
    lines = text.splitlines()
    assert lines[:3] == [direct, "", heading]
    bullets = lines[3:]
    assert all(line.startswith("- ") for line in bullets)
    for prefix in prefixes:
        assert any(line.startswith(prefix) for line in bullets), f"no source starts with {prefix!r}"


def test_the_model_list_has_the_one_model(client):
    assert [model.id for model in client.models.list()] == ["zhengce-qa"]


def test_a_completion_names_measures_91_to_94_in_text_and_citations(client, server):
    completion = client.chat.completions.create(model="zhengce-qa", messages=[{"role": "user", "content": QUESTION}])

    assert completion.object == "chat.completion"
    assert completion.model == "zhengce-qa"
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.role == "assistant"
    text = choice.message.content
    assert_direct_then_sources(
        text, direct_for(server, QUESTION), "**Sources**", [f"- No. {measure} | Lead:" for measure in (91, 92, 93, 94)]
    )
    assert "- No. 91 | Lead: China Development Bank Jilin Branch (省国开行) |" in text
    citations = {c["measure"]: c for c in completion.model_extra["citations"]}
    assert {91, 92, 93, 94} <= set(citations)
    assert citations[91]["lead_department"] == "省国开行"
    assert citations[91]["departments"] == ["省国开行", "省住房城乡建设厅", "省财政厅"]
    assert citations[91]["text"].startswith("积极争取国家开发银行棚户区专项贷款")


def test_a_streamed_completion_sends_role_then_content_then_stop_with_citations(client, server):
    chunks = list(
        client.chat.completions.create(
            model="zhengce-qa", messages=[{"role": "user", "content": QUESTION}], stream=True
        )
    )

    assert all(chunk.object == "chat.completion.chunk" for chunk in chunks)
    assert len({chunk.id for chunk in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(chunk.choices[0].finish_reason is None for chunk in chunks[:-1])
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks)
    assert len(chunks) > 3, "the content arrives in several deltas"
    assert_direct_then_sources(
        text, direct_for(server, QUESTION), "**Sources**", [f"- No. {measure} | Lead:" for measure in (91, 92, 93, 94)]
    )
    assert {91, 92, 93, 94} <= {c["measure"] for c in chunks[-1].model_extra["citations"]}


def test_the_stream_is_server_sent_events_ending_in_done(server):
    question = "棚户区改造融资由哪个部门牵头？"
    body = {"model": "zhengce-qa", "messages": [{"role": "user", "content": question}], "stream": True}
    with httpx.stream("POST", f"{server}/v1/chat/completions", json=body, timeout=60) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        raw = response.read().decode()

    events = [event for event in raw.split("\n\n") if event]
    assert all(event.startswith("data: ") for event in events)
    assert events[-1] == "data: [DONE]"
    payloads = [json.loads(event.removeprefix("data: ")) for event in events[:-1]]
    assert payloads[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    text = "".join(p["choices"][0]["delta"].get("content", "") for p in payloads)
    assert_direct_then_sources(text, direct_for(server, question), "**依据**", [f"- 第{n}条｜牵头：" for n in (91, 92, 93, 94)])
    assert "- 第91条｜牵头：省国开行｜" in text


def test_a_follow_up_with_the_history_refers_to_the_earlier_question(client, server):
    first = [{"role": "user", "content": QUESTION}]
    answer = client.chat.completions.create(model="zhengce-qa", messages=first).choices[0].message.content
    follow_up = [*first, {"role": "assistant", "content": answer}, {"role": "user", "content": "And the supporting departments?"}]
    fresh = [{"role": "user", "content": "And the supporting departments?"}]

    with_history = client.chat.completions.create(model="zhengce-qa", messages=follow_up)
    without_history = client.chat.completions.create(model="zhengce-qa", messages=fresh)

    assert_direct_then_sources(
        with_history.choices[0].message.content,
        direct_for(server, QUESTION, "And the supporting departments?"),
        "**Sources**",
        [f"- No. {measure} | Lead:" for measure in (91, 92, 93, 94)],
    )
    assert {91, 92, 93, 94} <= {c["measure"] for c in with_history.model_extra["citations"]}
    # Without the history there is nothing to follow up: no answer about the shantytown measures.
    assert not {91, 92, 93, 94} <= {c["measure"] for c in without_history.model_extra["citations"]}


def test_content_parts_are_read_as_text(client):
    completion = client.chat.completions.create(
        model="zhengce-qa", messages=[{"role": "user", "content": [{"type": "text", "text": QUESTION}]}]
    )

    assert "- No. 91 | Lead:" in completion.choices[0].message.content


@pytest.mark.parametrize(
    "body, code",
    [
        ({"model": "zhengce-qa", "messages": []}, "invalid_messages"),
        ({"model": "zhengce-qa", "messages": [{"role": "system", "content": "Be brief."}]}, "missing_user_message"),
        ({"model": "zhengce-qa", "messages": [{"role": "user", "content": "  "}]}, "invalid_question"),
        ({"model": "zhengce-qa", "messages": [{"role": "user", "content": "问" * 501}]}, "invalid_question"),
        ({"model": "zhengce-qa"}, "invalid_request"),
        ({"model": "zhengce-qa", "messages": [{"role": "wizard", "content": "hi"}]}, "invalid_request"),
        ({"model": "zhengce-qa", "messages": "hello"}, "invalid_request"),
    ],
)
def test_bad_requests_get_an_openai_style_400(server, body, code):
    response = httpx.post(f"{server}/v1/chat/completions", json=body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["type"] == "invalid_request_error"
    assert error["message"]


def test_a_body_that_is_not_json_gets_an_openai_style_400(server):
    response = httpx.post(
        f"{server}/v1/chat/completions", content=b"{not json", headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_the_openai_client_raises_bad_request_for_no_user_message(client):
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="zhengce-qa", messages=[{"role": "system", "content": "Be brief."}])

    assert raised.value.status_code == 400
    assert "no user message" in raised.value.message


def request(messages: list[dict[str, str]], user: str | None = None) -> ChatCompletionRequest:
    return ChatCompletionRequest.model_validate({"messages": messages, **({"user": user} if user else {})})


def test_every_turn_of_a_conversation_shares_one_conversation_id():
    first = [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": QUESTION}]
    second = [*first, {"role": "assistant", "content": "Measures 91–94 …"}, {"role": "user", "content": "And measure 93?"}]
    third = [*second, {"role": "assistant", "content": "Measure 93 …"}, {"role": "user", "content": "Who else is on it?"}]
    other = [{"role": "user", "content": "Which measures does the finance department lead?"}]

    ids = {conversation_id_for(request(turns)) for turns in (first, second, third)}

    assert len(ids) == 1
    assert conversation_id_for(request(other)) not in ids


def test_the_user_field_keeps_apart_conversations_that_open_alike():
    opening = [{"role": "user", "content": QUESTION}]
    follow_up = [*opening, {"role": "assistant", "content": "…"}, {"role": "user", "content": "And measure 93?"}]

    alice, bob = (conversation_id_for(request(opening, user=name)) for name in ("alice", "bob"))

    assert alice != bob != conversation_id_for(request(opening))
    assert conversation_id_for(request(follow_up, user="alice")) == alice


class FailingAsker:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def ask(self, question: str, top_k: int | None = None, conversation_id: str | None = None) -> Answer:
        raise self.error


class IndexLoading(RuntimeError):
    pass


def test_a_pipeline_failure_is_an_openai_style_500():
    app = FastAPI()
    app.include_router(build_openai_router(FailingAsker(RuntimeError("index corrupt"))))

    with TestClient(app, raise_server_exceptions=False) as local:
        response = local.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": QUESTION}]})

    assert response.status_code == 500
    assert response.json()["error"]["type"] == "server_error"
    assert "index corrupt" not in response.text


def test_errors_the_app_knows_are_left_to_its_handlers():
    app = FastAPI()

    @app.exception_handler(IndexLoading)
    async def loading(_: Request, error: IndexLoading) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "5"})

    app.include_router(build_openai_router(FailingAsker(IndexLoading("still loading"))))

    with TestClient(app) as local:
        for stream in (False, True):
            body = {"messages": [{"role": "user", "content": QUESTION}], "stream": stream}
            response = local.post("/v1/chat/completions", json=body)
            assert response.status_code == 503
            assert response.headers["retry-after"] == "5"
