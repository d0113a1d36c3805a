"""The HTTP API end to end: a real uvicorn process on the real index, driven with httpx."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import CHAT_SETTINGS, SERVICE_APP
from tests.live_server import REPO_ROOT, readiness_once_loading_ends, start_server

pytestmark = pytest.mark.integration  # starts the service or runs the CLI on a built index

CORPUS = REPO_ROOT / "corpus" / "documents" / "jilin-northeast-revitalization-2014.txt"
DOCUMENT_ID = "jilin-northeast-revitalization-2014"

# "　　91.积极争取...。（省国开行、省住房城乡建设厅、省财政厅负责）"; measure 1 ends "等负责，列第一位的为牵头部门，下同）".
MEASURE_LINE = re.compile(r"^\s*(\d+)\..*（([^（）]+?)等?负责[^（）]*）\s*$", re.MULTILINE)

SHANTYTOWN_ZH = "棚户区改造的融资工作由哪个部门牵头？"
SHANTYTOWN_EN = "Who leads the shantytown renovation financing?"
SHANTYTOWN_LEADS = {91: "省国开行", 92: "省发展改革委", 93: "省国开行", 94: "省金融办"}


@pytest.fixture(scope="module")
def api(live_url: str) -> httpx.Client:
    with httpx.Client(base_url=live_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def corpus_departments() -> dict[int, list[str]]:
    """Each measure's departments in written order, read straight from the document."""
    text = CORPUS.read_text(encoding="utf-8")
    return {int(number): listed.split("、") for number, listed in MEASURE_LINE.findall(text)}


def ask(api: httpx.Client, question: str, **fields: object) -> dict:
    response = api.post("/ask", json={"question": question, **fields})
    assert response.status_code == 200, response.text
    return response.json()


def cited_leads(answer: dict) -> dict[int, str | None]:
    return {c["measure"]: c["lead_department"] for c in answer["citations"] if c["measure"] is not None}


def direct_for(url: str, *questions: str) -> str:
    """The direct answer /ask gives to the last of `questions`, asked in turn in one fresh conversation."""
    conversation = f"direct-{uuid.uuid4()}"
    for question in questions:
        response = httpx.post(f"{url}/ask", json={"question": question, "conversation_id": conversation}, timeout=60)
        response.raise_for_status()
    return response.json()["direct"]


def assert_direct_then_one_line_per_citation(answer: dict) -> None:
    """`answer` is kept for API compatibility: the direct answer, then one line per citation."""
    assert answer["direct"].strip()
    lines = answer["answer"].splitlines()
    assert lines[0] == answer["direct"]
    assert len(lines) == 1 + len(answer["citations"])


def test_english_question_cites_the_shantytown_financing_measures_with_their_leads(api: httpx.Client) -> None:
    answer = ask(api, SHANTYTOWN_EN)

    assert answer["language"] == "en"
    assert not answer["abstained"]
    assert SHANTYTOWN_LEADS.items() <= cited_leads(answer).items()
    # English text: the department names appear in English, with the Chinese as written.
    assert "China Development Bank" in answer["answer"]
    assert_direct_then_one_line_per_citation(answer)


def test_chinese_question_cites_the_same_measures_in_chinese(api: httpx.Client) -> None:
    answer = ask(api, SHANTYTOWN_ZH)

    assert answer["language"] == "zh"
    assert answer["intent"] == "lead"
    assert SHANTYTOWN_LEADS.items() <= cited_leads(answer).items()
    assert "省国开行" in answer["answer"]
    assert_direct_then_one_line_per_citation(answer)
    for citation in answer["citations"]:
        assert citation["document"] == DOCUMENT_ID
        assert citation["text"] and citation["part"] and citation["subsection"]


def test_ask_returns_exactly_what_the_cli_prints(api: httpx.Client, qa_env: dict[str, str]) -> None:
    cli = subprocess.run(
        [sys.executable, "-m", "qa.cli", "ask", "--json", SHANTYTOWN_EN],
        cwd=REPO_ROOT,
        env={**os.environ, **qa_env},
        capture_output=True,
        text=True,
        check=True,
    )
    from_cli = json.loads(cli.stdout)
    from_api = ask(api, SHANTYTOWN_EN)

    assert from_api["citations"] == from_cli["citations"]
    assert from_api == from_cli


def test_qa_ask_prints_the_direct_answer_then_one_line_per_citation(api: httpx.Client, qa_env: dict[str, str]) -> None:
    cli = subprocess.run(
        [sys.executable, "-m", "qa.cli", "ask", SHANTYTOWN_ZH],
        cwd=REPO_ROOT,
        env={**os.environ, **qa_env},
        capture_output=True,
        text=True,
        check=True,
    )
    from_api = ask(api, SHANTYTOWN_ZH)

    lines = cli.stdout.splitlines()
    assert lines[0] == from_api["direct"]
    assert lines[1] == ""
    assert len(lines) == 2 + len(from_api["citations"])
    for number, lead in SHANTYTOWN_LEADS.items():
        assert any(line.startswith(f"第{number}条｜牵头：{lead}｜") for line in lines[2:])


def test_follow_up_in_the_same_conversation_refers_to_the_previous_answer(api: httpx.Client) -> None:
    conversation = f"test-{uuid.uuid4()}"
    first = ask(api, SHANTYTOWN_ZH, conversation_id=conversation)
    follow_up = ask(api, "那配合部门呢？", conversation_id=conversation)

    assert [c["measure"] for c in follow_up["citations"]] == [c["measure"] for c in first["citations"]]
    assert "配合" in follow_up["answer"]


def test_top_k_limits_the_citations(api: httpx.Client) -> None:
    answer = ask(api, SHANTYTOWN_ZH, top_k=2)

    assert len(answer["citations"]) == 2


def test_measure_91_has_its_text_and_departments(api: httpx.Client, corpus_departments: dict[int, list[str]]) -> None:
    response = api.get("/measures/91")

    assert response.status_code == 200
    measure = response.json()
    assert measure["measure"] == 91
    assert measure["document"] == DOCUMENT_ID
    assert measure["departments"] == corpus_departments[91]
    assert measure["lead_department"] == "省国开行"
    assert measure["co_departments"] == corpus_departments[91][1:]
    assert measure["text"].endswith("负责）")
    assert measure["body"] and measure["body"] in measure["text"] and "负责）" not in measure["body"]
    assert "棚户区" in measure["body"]
    assert measure["part"] and measure["subsection"]
    assert measure["ends_with_deng"] is False
    assert api.get("/measures/1").json()["ends_with_deng"] is True


def test_measure_lookup_accepts_the_document_id(api: httpx.Client) -> None:
    response = api.get("/measures/91", params={"document": DOCUMENT_ID})

    assert response.status_code == 200
    assert response.json()["lead_department"] == "省国开行"


def test_measures_led_by_an_alias_match_the_document(api: httpx.Client, corpus_departments: dict[int, list[str]]) -> None:
    expected = {n for n, departments in corpus_departments.items() if departments[0] == "省发展改革委"}

    by_alias = api.get("/measures", params={"department": "发改委", "role": "lead"}).json()
    by_english = api.get("/measures", params={"department": "NDRC", "role": "lead"}).json()

    assert {m["measure"] for m in by_alias["measures"]} == expected
    assert by_alias["count"] == len(expected)
    assert by_alias["department"]["name"] == "省发展改革委"
    assert by_alias["role"] == "lead"
    assert by_english == by_alias


def test_measures_a_department_takes_part_in_include_those_it_supports(
    api: httpx.Client, corpus_departments: dict[int, list[str]]
) -> None:
    expected = {n for n, departments in corpus_departments.items() if "省发展改革委" in departments}

    listed = api.get("/measures", params={"department": "省发改委"}).json()

    assert listed["role"] == "any"
    assert {m["measure"] for m in listed["measures"]} == expected


def test_measures_a_department_supports_are_those_it_does_not_lead(
    api: httpx.Client, corpus_departments: dict[int, list[str]]
) -> None:
    expected = {n for n, departments in corpus_departments.items() if "省发展改革委" in departments[1:]}

    listed = api.get("/measures", params={"department": "NDRC", "role": "co"}).json()

    assert listed["role"] == "co" and listed["count"] == len(expected)
    assert {m["measure"] for m in listed["measures"]} == expected


def test_measures_without_a_department_lists_all_of_them(api: httpx.Client, corpus_departments: dict[int, list[str]]) -> None:
    listed = api.get("/measures").json()

    assert listed["department"] is None
    assert listed["count"] == 139
    assert [m["measure"] for m in listed["measures"]] == list(range(1, 140))
    assert {m["measure"]: m["departments"] for m in listed["measures"]} == corpus_departments


def test_department_by_alias_lists_what_it_leads_and_supports(
    api: httpx.Client, corpus_departments: dict[int, list[str]]
) -> None:
    response = api.get("/departments/国开行")

    assert response.status_code == 200
    detail = response.json()
    summary = detail["department"]
    assert summary["name"] == "省国开行"
    assert summary["english"] and "国开行" in summary["aliases"]
    leads = {m["measure"] for m in detail["leads"]}
    joins = {m["measure"] for m in detail["joins"]}
    assert leads == {n for n, d in corpus_departments.items() if d[0] == "省国开行"}
    assert joins == {n for n, d in corpus_departments.items() if "省国开行" in d[1:]}
    assert {91, 93} <= leads
    assert (summary["lead_count"], summary["join_count"]) == (len(leads), len(joins))


def test_department_by_english_name(api: httpx.Client) -> None:
    english = api.get("/departments/国开行").json()["department"]["english"]

    response = api.get(f"/departments/{english}")

    assert response.status_code == 200
    assert response.json()["department"]["name"] == "省国开行"


def test_departments_lists_the_registry_with_counts(api: httpx.Client, corpus_departments: dict[int, list[str]]) -> None:
    departments = api.get("/departments").json()

    by_name = {d["name"]: d for d in departments}
    assert by_name["省发展改革委"]["lead_count"] == sum(1 for d in corpus_departments.values() if d[0] == "省发展改革委")
    assert "发改委" in by_name["省发展改革委"]["aliases"]
    assert by_name["省发展改革委"]["english"]
    measures_with_a_lead = sum(1 for d in corpus_departments.values() if d)
    assert sum(d["lead_count"] for d in departments) == measures_with_a_lead


def test_documents_is_the_catalog(api: httpx.Client) -> None:
    documents = api.get("/documents").json()

    assert [d["id"] for d in documents] == [DOCUMENT_ID]
    assert documents[0]["measure_count"] == 139
    assert documents[0]["title"].startswith("吉林省人民政府")
    assert documents[0]["passage_count"] > 139


def test_search_shows_each_retrievers_score(api: httpx.Client) -> None:
    response = api.get("/search", params={"q": SHANTYTOWN_EN, "k": 8})

    assert response.status_code == 200
    result = response.json()
    assert result["language"] == "en"
    assert result["lexical_text"] != result["dense_text"]  # BM25 reads the Chinese translation
    assert re.search(r"[\u4e00-\u9fff]", result["lexical_text"])
    assert len(result["retrievers"]) == 3 and "bm25" in result["retrievers"]
    hits = result["hits"]
    assert [h["rank"] for h in hits] == list(range(1, 9))
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    for hit in hits:
        assert set(hit["retriever_scores"]) == set(result["retrievers"])
    assert {91, 92, 93, 94} & {h["measure"] for h in hits}


def test_health_and_readiness(api: httpx.Client) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert ready.json()["passages"] > 139


def test_the_service_answers_health_checks_while_the_index_builds(tmp_path: Path) -> None:
    with start_server(SERVICE_APP, {**CHAT_SETTINGS, "QA_DATA_DIR": str(tmp_path / "empty")}) as url:
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
        ready = httpx.get(f"{url}/readyz")
        asked = httpx.post(f"{url}/ask", json={"question": SHANTYTOWN_ZH})

    assert ready.status_code == 503
    assert ready.json()["status"] == "loading"
    assert ready.json()["detail"] == "the index is still loading; try again shortly"
    assert ready.headers["retry-after"] == "5"
    assert asked.status_code == 503
    assert asked.json()["detail"] == ready.json()["detail"]


def test_a_library_that_cannot_be_loaded_is_reported_by_readyz(tmp_path: Path) -> None:
    env = {**CHAT_SETTINGS, "QA_DATA_DIR": str(tmp_path / "data"), "QA_LIBRARY_DIR": str(tmp_path)}
    with start_server(SERVICE_APP, env) as url:
        ready = readiness_once_loading_ends(url)
        asked = httpx.post(f"{url}/ask", json={"question": SHANTYTOWN_ZH})

    assert ready.status_code == 503
    assert ready.json()["detail"].startswith("loading the library failed: no catalog.json in ")
    assert str(tmp_path) not in ready.text, "no absolute paths in HTTP bodies"
    assert asked.status_code == 503
    assert asked.json()["detail"] == ready.json()["detail"]


def test_openapi_docs_describe_every_endpoint(api: httpx.Client) -> None:
    docs = api.get("/docs")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.text
    # served from this machine: the docs work offline
    assert "http://" not in docs.text.replace(str(api.base_url).rstrip("/"), "") and "https://" not in docs.text
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css", "/static/favicon.svg"):
        assert api.get(asset).status_code == 200, asset

    schema = api.get("/openapi.json").json()
    paths = ["/ask", "/measures", "/measures/{number}", "/departments", "/departments/{name}", "/documents", "/search"]
    assert {*paths, "/healthz", "/readyz"} <= set(schema["paths"])
    models = ["Answer", "Citation", "AskRequest", "Measure", "MeasureList", "DepartmentDetail", "DepartmentSummary"]
    assert {*models, "DocumentSummary", "SearchResult", "ErrorBody", "ValidationErrorBody"} <= set(schema["components"]["schemas"])
    # Every endpoint of this API documents the one validation error shape it really sends.
    for path in paths:
        for operation in schema["paths"][path].values():
            refused = operation["responses"].get("422")
            if refused:
                assert refused["content"]["application/json"]["schema"]["$ref"].endswith("/ValidationErrorBody"), path
    # /measures?role= and an answer's items speak of the same roles: lead, co (listed after the lead), any
    assert schema["components"]["schemas"]["Role"]["enum"] == ["lead", "co", "any"]


def test_web_page_and_its_assets_are_served(api: httpx.Client) -> None:
    page = api.get("/")
    assert page.status_code == 200
    assert "<title>政策问答</title>" in page.text
    for asset in ("/static/app.js", "/static/style.css"):
        assert api.get(asset).status_code == 200, asset
