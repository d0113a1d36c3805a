"""/openapi.json, as the real server serves it, declares what each route really takes and sends."""
from __future__ import annotations

import httpx
import pytest

from qa.question import MAX_QUESTION_CHARS


@pytest.fixture(scope="module")
def schema(live_url: str) -> dict:
    return httpx.get(f"{live_url}/openapi.json").json()


def responses(schema: dict, method: str, path: str) -> dict:
    return schema["paths"][path][method]["responses"]


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("post", "/ask", {"200", "404", "413", "422", "503"}),  # 404: a `documents` id the library does not hold
        ("get", "/search", {"200", "422", "503"}),
        ("get", "/measures/{number}", {"200", "404", "422", "503"}),
        ("get", "/measures", {"200", "404", "422", "503"}),
        ("get", "/departments/{name}", {"200", "404", "422", "503"}),
        ("get", "/documents", {"200", "503"}),
        ("get", "/healthz", {"200"}),
        ("get", "/readyz", {"200", "503"}),
        ("get", "/wechat/mp", {"200", "403", "503"}),
        ("post", "/wechat/mp", {"200", "400", "403", "413", "503"}),
        ("get", "/wechat/work", {"200", "403", "503"}),
        ("post", "/wechat/work", {"200", "400", "403", "413", "503"}),
        ("post", "/v1/chat/completions", {"200", "400", "413", "500", "503"}),
    ],
)
def test_every_status_a_route_sends_is_declared_and_no_other(schema: dict, method: str, path: str, statuses: set[str]) -> None:
    assert set(responses(schema, method, path)) == statuses


def test_every_503_says_when_to_come_back(schema: dict) -> None:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "503" in operation["responses"]:
                assert "Retry-After" in operation["responses"]["503"]["headers"], f"{method} {path}"


def test_the_question_declares_its_length_limits(schema: dict) -> None:
    question = schema["components"]["schemas"]["AskRequest"]["properties"]["question"]
    search_q = next(p for p in schema["paths"]["/search"]["get"]["parameters"] if p["name"] == "q")["schema"]

    for declared in (question, search_q):
        assert declared["minLength"] == 1
        assert declared["maxLength"] == MAX_QUESTION_CHARS


def test_the_wechat_callbacks_take_and_answer_xml(schema: dict) -> None:
    for path in ("/wechat/mp", "/wechat/work"):
        body = schema["paths"][path]["post"]["requestBody"]
        assert body["required"] is True
        assert {"application/xml", "text/xml"} == set(body["content"])
        assert body["content"]["text/xml"]["schema"]["xml"]["name"] == "xml"
        assert "Encrypt" in body["content"]["application/xml"]["schema"]["properties"]
        assert {"application/xml", "text/plain"} == set(responses(schema, "post", path)["200"]["content"])
        assert "text/plain" in responses(schema, "post", path)["403"]["content"]


def test_the_chat_endpoint_declares_json_and_event_stream_answers(schema: dict) -> None:
    answered = responses(schema, "post", "/v1/chat/completions")

    assert answered["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ChatCompletion")
    assert "text/event-stream" in answered["200"]["content"]
    assert answered["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/OpenAIErrorBody")
    assert answered["503"]["content"]["application/json"]["schema"]["$ref"].endswith("/NotReady")


def test_the_not_ready_body_names_its_phase(schema: dict) -> None:
    not_ready = schema["components"]["schemas"]["NotReady"]

    assert {"status", "detail", "phase", "elapsed_seconds"} <= set(not_ready["required"])
    assert not_ready["properties"]["status"]["enum"] == ["loading", "failed"]
