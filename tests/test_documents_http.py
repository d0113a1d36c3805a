"""Documents added and removed over HTTP while the service answers, on a copy of the session's index."""
from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import SERVICE_APP, wait_until_ready
from tests.documents import DOCUMENTS, write_document
from tests.live_server import start_server

pytestmark = pytest.mark.integration  # starts the service or runs the CLI on a built index

TOKEN = "library-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
CHANGCHUN = "changchun-old-residential-areas-2024"
JILIN = "jilin-northeast-revitalization-2014"


@pytest.fixture(scope="module")
def service(qa_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("documents-data")
    shutil.copytree(qa_env["QA_DATA_DIR"], data_dir, dirs_exist_ok=True)
    with start_server(SERVICE_APP, {**qa_env, "QA_DATA_DIR": str(data_dir), "QA_ADMIN_TOKEN": TOKEN}) as url:
        wait_until_ready(url)
        yield url


@pytest.fixture(scope="module")
def changchun_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_document(DOCUMENTS[CHANGCHUN], tmp_path_factory.mktemp("upload"), "docx")


def upload(url: str, path: Path, headers: dict[str, str] = ADMIN) -> httpx.Response:
    with path.open("rb") as handle:
        return httpx.post(f"{url}/documents", files={"files": (path.name, handle)}, headers=headers, timeout=300)


def test_changing_the_library_needs_the_admin_token(service, changchun_docx, live_url):
    assert upload(service, changchun_docx, headers={}).status_code == 401
    assert upload(service, changchun_docx, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert httpx.delete(f"{service}/documents/{JILIN}").status_code == 401
    # without QA_ADMIN_TOKEN the routes are not served at all
    assert upload(live_url, changchun_docx, headers=ADMIN).status_code == 405
    assert httpx.post(f"{live_url}/admin/reload", headers=ADMIN).status_code == 404


def test_a_broken_upload_is_refused_and_changes_nothing(service, tmp_path):
    before = httpx.get(f"{service}/documents").json()
    fake = tmp_path / "notice.pdf"
    fake.write_text("<html><body>not a pdf</body></html>")
    refused = upload(service, fake)
    assert refused.status_code == 422 and "notice.pdf: not a PDF" in refused.json()["detail"]
    assert httpx.get(f"{service}/documents").json() == before


def test_a_document_added_while_questions_are_answered(service, changchun_docx):
    answered: list[int] = []
    stop = threading.Event()

    def keep_asking() -> None:
        with httpx.Client(base_url=service, timeout=60) as client:
            while not stop.is_set():
                answered.append(client.post("/ask", json={"question": "棚改融资谁牵头？"}).status_code)

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        added = upload(service, changchun_docx)
    finally:
        stop.set()
        asker.join()
    assert added.status_code == 201, added.text
    [summary] = added.json()
    assert (summary["id"], summary["doc_number"], summary["date"]) == (CHANGCHUN, "长府办发〔2024〕12号", "2024年3月15日")
    assert answered and set(answered) == {200}, "no question failed while the new library was swapped in"

    listed = {d["id"]: d for d in httpx.get(f"{service}/documents").json()}
    assert listed[CHANGCHUN]["issuer"] == "长春市人民政府办公厅"
    detail = httpx.get(f"{service}/documents/{CHANGCHUN}").json()
    assert "市住房城乡建设局" in detail["departments"]

    answer = httpx.post(f"{service}/ask", json={"question": "市住建局牵头哪些任务？"}).json()
    assert answer["intent"] == "dept_lead" and {c["document"] for c in answer["citations"]} == {CHANGCHUN}
    scoped = httpx.post(f"{service}/ask", json={"question": "谁牵头改造老旧管网？", "documents": [CHANGCHUN]}).json()
    assert {c["document"] for c in scoped["citations"]} == {CHANGCHUN}
    assert httpx.post(f"{service}/ask", json={"question": "谁牵头？", "documents": ["no-such"]}).status_code == 404
    # a task numbered afresh under its headings is looked up by its id within the document, as printed
    task = httpx.get(f"{service}/measures/二.二.1", params={"document": CHANGCHUN}).json()
    assert task["lead_department"] == "市住房城乡建设局" and task["body"].startswith("改造老旧管网")

    removed = httpx.delete(f"{service}/documents/{CHANGCHUN}", headers=ADMIN, timeout=300)
    assert removed.status_code == 200 and removed.json()["documents"] == 1
    assert httpx.get(f"{service}/documents/{CHANGCHUN}").status_code == 404
    assert httpx.delete(f"{service}/documents/{CHANGCHUN}", headers=ADMIN).status_code == 404
