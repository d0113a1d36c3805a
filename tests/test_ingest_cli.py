"""`qa ingest` of documents written for the tests, then questions about departments only they name,
by abbreviation and English name, through the real CLI on a copy of the session's index."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.documents import DOCUMENTS, write_document
from tests.documents.model import expected_parse
from tests.live_server import REPO_ROOT

pytestmark = pytest.mark.integration  # starts the service or runs the CLI on a built index

CHANGCHUN = "changchun-old-residential-areas-2024"
TRADE = "jilin-foreign-trade-tasks-2024"


def qa(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], cwd=REPO_ROOT, env={**os.environ, **env}, capture_output=True, text=True)


@pytest.fixture(scope="module")
def library_env(qa_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The session's index copied, and two documents ingested into it: one .docx, one .pdf."""
    data_dir = tmp_path_factory.mktemp("library-data")
    shutil.copytree(qa_env["QA_DATA_DIR"], data_dir, dirs_exist_ok=True)
    env = {**qa_env, "QA_DATA_DIR": str(data_dir)}
    folder = tmp_path_factory.mktemp("incoming")
    files = [write_document(DOCUMENTS[CHANGCHUN], folder, "docx"), write_document(DOCUMENTS[TRADE], folder, "pdf")]
    ingest = qa(env, "ingest", *map(str, files))
    assert ingest.returncode == 0, ingest.stderr[-3000:]
    assert f"added {CHANGCHUN}" in ingest.stdout and f"added {TRADE}" in ingest.stdout
    return env


def ask(env: dict[str, str], question: str) -> dict:
    result = qa(env, "ask", "--json", question)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_ingest_encodes_only_the_new_documents(library_env):
    vectors = sorted(p.name for p in Path(library_env["QA_DATA_DIR"]).iterdir() if p.name.startswith("vectors-"))
    # one component per encoder for each document; the Jilin document's were reused, not re-encoded
    assert len(vectors) == 2 * 3


def test_documents_lists_numbers_and_dates(library_env):
    listed = qa(library_env, "documents").stdout
    assert "长府办发〔2024〕12号" in listed and "2024年3月15日" in listed
    assert "吉商发〔2024〕21号" in listed and "2024年4月2日" in listed


@pytest.mark.parametrize(
    "question",
    ["市住建局牵头哪些任务？", "Which tasks does the Changchun Municipal Housing and Urban-Rural Development Bureau lead?"],
)
def test_a_new_departments_tasks_by_abbreviation_and_english_name(library_env, question):
    answer = ask(library_env, question)
    assert answer["intent"] == "dept_lead"
    assert {c["document"] for c in answer["citations"]} == {CHANGCHUN}
    expected = [task for task in expected_parse(DOCUMENTS[CHANGCHUN]).tasks if task.lead == "市住房城乡建设局"]
    assert answer["count"] == len(expected)
    assert all(c["lead_department"] == "市住房城乡建设局" for c in answer["citations"])


@pytest.mark.parametrize("question", ["省税务局牵头哪些任务？", "What does the Provincial Taxation Bureau lead?"])
def test_a_task_division_tables_department(library_env, question):
    answer = ask(library_env, question)
    assert [c["number"] for c in answer["citations"]] == ["4.3"]
    assert answer["citations"][0]["doc_number"] == "吉商发〔2024〕21号"


def test_a_question_is_limited_to_a_named_document(library_env):
    result = qa(library_env, "ask", "--json", "--document", TRADE, "谁牵头？跨境电商")
    answer = json.loads(result.stdout)
    assert answer["citations"] and {c["document"] for c in answer["citations"]} == {TRADE}
    unknown = qa(library_env, "ask", "--document", "no-such-document", "谁牵头")
    assert unknown.returncode == 2 and "unknown document 'no-such-document'" in unknown.stderr


def test_a_broken_upload_changes_nothing(library_env, tmp_path):
    catalog = (Path(library_env["QA_DATA_DIR"]) / "library" / "catalog.json").read_bytes()
    fake = tmp_path / "notice.pdf"
    fake.write_text("<html><body>not a pdf</body></html>")
    result = qa(library_env, "ingest", str(fake))
    assert result.returncode == 2 and "notice.pdf: not a PDF" in result.stderr
    assert (Path(library_env["QA_DATA_DIR"]) / "library" / "catalog.json").read_bytes() == catalog
