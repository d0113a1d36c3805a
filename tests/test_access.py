"""Who may call what: the admin routes only with QA_ADMIN_TOKEN and only for its bearer, CORS only for
the origins in QA_CORS_ORIGINS, and `qa serve` on this machine only unless told otherwise."""
from __future__ import annotations

import uuid

import httpx
import pytest

from qa.settings import Settings
from service.child_process import RunningService
from service.unanswered import InMemoryUnanswered
from tests.conftest import ADMIN_TOKEN, CORS_ORIGIN

OUT_OF_SCOPE = "{place}明年的房价会涨吗？"


@pytest.fixture(scope="module")
def url(observed_service: RunningService) -> str:
    return observed_service.url


def admin_get(url: str, token: str | None, **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.get(f"{url}/admin/unanswered", headers=headers, params=params)


def test_unanswered_questions_are_listed_newest_first_with_counts(url: str) -> None:
    first, second = (OUT_OF_SCOPE.format(place=f"火星{uuid.uuid4().hex[:6]}") for _ in range(2))
    for question in (first, first, second):
        answer = httpx.post(f"{url}/ask", json={"question": question}, timeout=60).json()
        assert answer["abstained"], answer
    httpx.post(f"{url}/ask", json={"question": "棚户区改造融资由哪个部门牵头？"}, timeout=60).raise_for_status()

    listed = admin_get(url, ADMIN_TOKEN, limit="2")

    assert listed.status_code == 200
    assert [(entry["question"], entry["count"], entry["language"]) for entry in listed.json()] == [(second, 1, "zh"), (first, 2, "zh")]


@pytest.mark.parametrize("token", [None, "wrong", ADMIN_TOKEN + "x", ADMIN_TOKEN[:-1], f"{ADMIN_TOKEN} {ADMIN_TOKEN}"])
def test_the_admin_routes_refuse_anyone_without_the_token(url: str, token: str | None) -> None:
    response = admin_get(url, token)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert ADMIN_TOKEN not in response.text


def test_a_basic_scheme_with_the_token_is_refused(url: str) -> None:
    response = httpx.get(f"{url}/admin/unanswered", headers={"Authorization": f"Basic {ADMIN_TOKEN}"})

    assert response.status_code == 401


def test_without_a_token_the_admin_routes_do_not_exist(live_url: str) -> None:
    assert admin_get(live_url, ADMIN_TOKEN).status_code == 404
    assert "/admin/unanswered" not in httpx.get(f"{live_url}/openapi.json").json()["paths"]


def test_cors_is_off_unless_origins_are_set(live_url: str) -> None:
    preflight = httpx.options(
        f"{live_url}/ask", headers={"Origin": CORS_ORIGIN, "Access-Control-Request-Method": "POST"}
    )
    simple = httpx.get(f"{live_url}/documents", headers={"Origin": CORS_ORIGIN})

    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers


def test_cors_allows_the_listed_origins_only(url: str) -> None:
    def preflight(origin: str) -> httpx.Response:
        headers = {"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
        return httpx.options(f"{url}/ask", headers=headers)

    allowed = preflight(CORS_ORIGIN)
    other_listed = preflight("https://other.example.org")
    stranger = preflight("https://evil.example.com")
    answered = httpx.get(f"{url}/documents", headers={"Origin": CORS_ORIGIN})

    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == CORS_ORIGIN
    assert other_listed.headers["access-control-allow-origin"] == "https://other.example.org"
    assert stranger.status_code == 400 and "access-control-allow-origin" not in stranger.headers
    assert answered.headers["access-control-allow-origin"] == CORS_ORIGIN
    assert "x-request-id" in answered.headers["access-control-expose-headers"].lower()


def test_qa_serve_listens_on_this_machine_only_by_default() -> None:
    assert Settings(_env_file=None).host == "127.0.0.1"


def test_the_unanswered_store_keeps_only_the_most_recent_questions() -> None:
    store = InMemoryUnanswered(max_questions=3, clock=iter(range(100)).__next__)
    for question in ("a", "b", "a", "c", "d"):
        store.record(question, "en")

    recent = store.recent(10)

    assert [(entry.question, entry.count) for entry in recent] == [("d", 1), ("c", 1), ("a", 2)]
    assert store.recent(1) == recent[:1]
