"""Bad input gets a clear 4xx with a message a person can act on, never a 500: against the real server."""
from __future__ import annotations

import httpx
import pytest


@pytest.fixture(scope="module")
def api(live_url: str) -> httpx.Client:
    with httpx.Client(base_url=live_url, timeout=60) as client:
        yield client


def validation_message(response: httpx.Response) -> str:
    """The 422 body: a readable message plus FastAPI's list of problems."""
    assert response.status_code == 422, response.text
    body = response.json()
    assert isinstance(body["detail"], list) and body["detail"]
    assert isinstance(body["message"], str) and body["message"]
    return body["message"]


def error_detail(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"detail"}
    assert isinstance(body["detail"], str) and body["detail"]
    return body["detail"]


@pytest.mark.parametrize("question", ["", "   ", "\n\t　"])
def test_an_empty_question_is_refused(api: httpx.Client, question: str) -> None:
    message = validation_message(api.post("/ask", json={"question": question}))

    assert message == "question: the question is empty"


def test_a_question_over_500_characters_is_refused(api: httpx.Client) -> None:
    message = validation_message(api.post("/ask", json={"question": "棚" * 501}))

    assert message == "question: the question is 501 characters long; the limit is 500"


def test_a_question_of_exactly_500_characters_is_answered(api: httpx.Client) -> None:
    assert api.post("/ask", json={"question": "棚户区改造" * 100}).status_code == 200


def test_malformed_json_is_refused(api: httpx.Client) -> None:
    response = api.post("/ask", content='{"question": "棚户区改造'.encode(), headers={"Content-Type": "application/json"})

    assert validation_message(response).startswith("the request body is not valid JSON")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"question": 123}, "question: Input should be a valid string"),
        ({"question": ["谁牵头"]}, "question: Input should be a valid string"),
        ({}, "question: Field required"),
        ({"question": "谁牵头", "top_k": 0}, "top_k: Input should be greater than or equal to 1"),
        ({"question": "谁牵头", "top_k": 51}, "top_k: Input should be less than or equal to 50"),
        ({"question": "谁牵头", "top_k": "many"}, "top_k: Input should be a valid integer"),
        ({"question": "谁牵头", "conversation_id": "x" * 129}, "conversation_id: String should have at most 128 characters"),
    ],
)
def test_wrong_types_and_ranges_are_refused(api: httpx.Client, body: dict, expected: str) -> None:
    assert validation_message(api.post("/ask", json=body)).startswith(expected)


@pytest.mark.parametrize("body", [[], "谁牵头", None, 42])
def test_a_body_that_is_not_an_object_is_refused(api: httpx.Client, body: object) -> None:
    validation_message(api.post("/ask", json=body))


@pytest.mark.parametrize("number", [0, 999, -1])
def test_an_unknown_measure_is_not_found(api: httpx.Client, number: int) -> None:
    detail = error_detail(api.get(f"/measures/{number}"), 404)

    assert detail == f"jilin-northeast-revitalization-2014 has no measure {number}; its measures are numbered 1 to 139"


def test_a_task_number_no_document_prints_is_not_found(api: httpx.Client) -> None:
    detail = error_detail(api.get("/measures/ninety-one"), 404)

    assert detail.startswith("jilin-northeast-revitalization-2014 has no measure ninety-one")


def test_a_task_number_is_bounded(api: httpx.Client) -> None:
    validation_message(api.get("/measures/" + "1" * 25))


def test_an_unknown_document_is_not_found(api: httpx.Client) -> None:
    detail = error_detail(api.get("/measures/91", params={"document": "no-such-document"}), 404)

    assert "unknown document 'no-such-document'" in detail


def test_an_unknown_department_is_not_found_with_suggestions(api: httpx.Client) -> None:
    detail = error_detail(api.get("/departments/发展改革"), 404)

    assert detail.startswith("no department is called '发展改革'; did you mean")
    assert "省发展改革委" in detail


def test_a_department_nothing_resembles_is_not_found(api: httpx.Client) -> None:
    assert error_detail(api.get("/departments/火星探测局"), 404) == "no department is called '火星探测局'"


def test_measures_of_an_unknown_department_are_not_found(api: httpx.Client) -> None:
    error_detail(api.get("/measures", params={"department": "火星探测局"}), 404)


def test_an_unknown_role_lists_the_valid_ones(api: httpx.Client) -> None:
    message = validation_message(api.get("/measures", params={"department": "发改委", "role": "boss"}))

    assert message == "role: Input should be 'lead', 'co' or 'any'"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": ""}, "q: the question is empty"),
        ({"q": "x" * 501}, "q: the question is 501 characters long; the limit is 500"),
        ({}, "q: Field required"),
        ({"q": "棚户区", "k": 0}, "k: Input should be greater than or equal to 1"),
        ({"q": "棚户区", "k": 51}, "k: Input should be less than or equal to 50"),
    ],
)
def test_bad_search_parameters_are_refused(api: httpx.Client, params: dict, expected: str) -> None:
    assert validation_message(api.get("/search", params=params)) == expected


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/ask", {"content": b"\xff\xfe not utf-8", "headers": {"Content-Type": "application/json"}}),
        ("POST", "/ask", {"content": "question=谁牵头".encode(), "headers": {"Content-Type": "application/x-www-form-urlencoded"}}),
        ("POST", "/ask", {"content": b"", "headers": {"Content-Type": "application/json"}}),
        ("POST", "/ask", {"json": {"question": "\x00\x01\x02"}}),
        ("POST", "/ask", {"json": {"question": "?" * 500}}),
        ("GET", "/ask", {}),
        ("GET", "/measures/99999999999999999999999", {}),
        ("GET", "/departments/%20", {}),
        ("GET", "/departments/..%2F..%2Fetc%2Fpasswd", {}),
        ("GET", "/search", {"params": {"q": "?", "k": "NaN"}}),
        ("GET", "/static/../service/app.py", {}),
        ("GET", "/no-such-page", {}),
    ],
)
def test_odd_requests_never_cause_a_server_error(api: httpx.Client, method: str, path: str, kwargs: dict) -> None:
    response = api.request(method, path, **kwargs)

    assert response.status_code < 500, response.text
