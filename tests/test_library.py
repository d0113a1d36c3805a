"""A library of several documents in several formats: loading, deriving its departments, adding and
removing documents all or nothing. No index is built."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corpus.ingest import Upload, add_documents, remove_document, seed_library, uploads_from_paths
from corpus.library import BUNDLED_LIBRARY, CATALOG_FILE, Library, LibraryError
from qa.coverage import LibraryCoverage
from tests.documents import DOCUMENTS, write_document

CHANGCHUN = "changchun-old-residential-areas-2024"
TRADE = "jilin-foreign-trade-tasks-2024"
LIAONING = "liaoning-small-enterprises-2023"


@pytest.fixture()
def library_dir(tmp_path: Path) -> Path:
    return seed_library(tmp_path / "library", BUNDLED_LIBRARY)


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One of the test documents in each of three formats, as a user would bring them."""
    folder = tmp_path_factory.mktemp("documents")
    return {
        CHANGCHUN: write_document(DOCUMENTS[CHANGCHUN], folder, "docx"),
        TRADE: write_document(DOCUMENTS[TRADE], folder, "pdf"),
        LIAONING: write_document(DOCUMENTS[LIAONING], folder, "html"),
    }


def snapshot(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file() and path.name != ".lock"}


def test_seeding_copies_the_bundled_documents_once(tmp_path):
    seeded = seed_library(tmp_path / "library", BUNDLED_LIBRARY)
    assert json.loads((seeded / CATALOG_FILE).read_text())["documents"][0]["id"] == "jilin-northeast-revitalization-2014"
    (seeded / "marker").write_text("kept")
    assert (seed_library(seeded, BUNDLED_LIBRARY) / "marker").exists()


def test_documents_in_three_formats_join_the_library(library_dir, documents):
    added = add_documents(library_dir, uploads_from_paths(list(documents.values())))
    assert [item.entry.id for item in added] == list(documents)
    library = Library.load(library_dir)
    assert [d.id for d in library.documents] == ["jilin-northeast-revitalization-2014", *documents]
    ids = [passage.id for passage in library.passages]
    assert len(ids) == len(set(ids)), "passage ids are unique across the library"
    changchun = library.document(CHANGCHUN)
    assert changchun.doc_number == "长府办发〔2024〕12号" and changchun.date == "2024年3月15日"
    assert library.document(TRADE).issuer == "吉林省商务厅"


def test_departments_are_derived_per_jurisdiction(library_dir, documents):
    add_documents(library_dir, uploads_from_paths(list(documents.values())))
    registry = Library.load(library_dir).registry
    housing = registry.resolve("长春市住建局")
    assert housing.jurisdiction == "长春市"
    assert registry.resolve(housing.english) is housing
    # the same written form in another province's document is another department, named with its place
    jilin_finance = registry.department_for("jilin-northeast-revitalization-2014", "省财政厅")
    liaoning_finance = registry.department_for(LIAONING, "省財政廳")
    assert (jilin_finance.jurisdiction, liaoning_finance.jurisdiction) == ("吉林省", "辽宁省")
    assert (jilin_finance.name, liaoning_finance.name) == ("吉林省财政厅", "辽宁省财政厅")
    assert jilin_finance.english.startswith("Jilin") and liaoning_finance.english.startswith("Liaoning")
    assert registry.resolve("辽宁省财政厅") is liaoning_finance


def test_passages_name_the_registry_departments(library_dir, documents):
    add_documents(library_dir, uploads_from_paths([documents[LIAONING]]))
    library = Library.load(library_dir)
    names = {department.name for department in library.registry.departments}
    for passage in library.measures():
        assert set(passage.departments) <= names


@pytest.mark.parametrize(
    ("filename", "data", "problem"),
    [
        ("empty.pdf", b"", "empty"),
        ("page.pdf", b"<html><body><p>not a pdf</p></body></html>", "not a PDF"),
        ("notes.txt", bytes([0xFF, 0xFE, 0x00, 0xD8]) * 50, "notes.txt"),
        ("table.xlsx", b"PK\x03\x04", "not a supported document"),
        ("plain.txt", "只是一段没有编号的文字。".encode(), "no numbered tasks"),
    ],
)
def test_a_broken_file_is_refused_by_name_and_changes_nothing(library_dir, documents, filename, data, problem):
    before = snapshot(library_dir)
    good = Upload(documents[CHANGCHUN].name, documents[CHANGCHUN].read_bytes())
    with pytest.raises(LibraryError, match=problem):
        add_documents(library_dir, [good, Upload(filename, data)])
    assert snapshot(library_dir) == before


def test_the_same_file_twice_is_refused(library_dir, documents):
    add_documents(library_dir, uploads_from_paths([documents[TRADE]]))
    with pytest.raises(LibraryError, match=f"already in the library as '{TRADE}'"):
        add_documents(library_dir, uploads_from_paths([documents[TRADE]]))


def test_a_folder_adds_every_document_in_it(library_dir, documents, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    for path in documents.values():
        shutil.copy(path, folder)
    (folder / "readme.md").write_text("not a document")
    added = add_documents(library_dir, uploads_from_paths([folder]))
    assert sorted(item.entry.id for item in added) == sorted(documents)


def test_a_document_without_latin_letters_in_its_name_gets_an_id_from_its_content(library_dir, documents):
    [added] = add_documents(library_dir, [Upload("长春市老旧小区改造方案.docx", documents[CHANGCHUN].read_bytes())])
    assert added.entry.id.startswith("document-") and added.entry.file == f"{added.entry.id}.docx"


def test_removing_a_document(library_dir, documents):
    add_documents(library_dir, uploads_from_paths([documents[CHANGCHUN]]))
    removed = remove_document(library_dir, CHANGCHUN)
    assert not (library_dir / removed.file).exists()
    assert [d.id for d in Library.load(library_dir).documents] == ["jilin-northeast-revitalization-2014"]
    with pytest.raises(LibraryError, match="unknown document"):
        remove_document(library_dir, CHANGCHUN)
    with pytest.raises(LibraryError, match="only document"):
        remove_document(library_dir, "jilin-northeast-revitalization-2014")


def test_a_malformed_catalog_names_the_file(tmp_path):
    (tmp_path / CATALOG_FILE).write_bytes(b"\xff{not json")
    with pytest.raises(LibraryError, match=CATALOG_FILE):
        Library.load(tmp_path)


def test_a_department_name_as_passages_record_it_is_never_ambiguous(library_dir, documents):
    """Liaoning's 省工業和信息化廳 answers to 省工业信息化厅, the name of Jilin's: a person typing it
    names both, the name on a passage names Jilin's alone, so an English answer can name it."""
    add_documents(library_dir, uploads_from_paths([documents[LIAONING]]))
    registry = Library.load(library_dir).registry
    assert registry.get("省工业信息化厅") is None
    jilin = registry.named("省工业信息化厅")
    assert jilin is not None and jilin.jurisdiction == "吉林省"
    for passage in Library.load(library_dir).measures():
        assert all(registry.named(name) is not None for name in passage.departments)


def test_coverage_is_judged_within_the_documents_asked_of(library_dir, documents):
    add_documents(library_dir, uploads_from_paths(list(documents.values())))
    coverage = LibraryCoverage(Library.load(library_dir))

    def places_outside(documents_asked: set[str]) -> list[str]:
        return [place.surface for place in coverage.of(documents_asked).other_jurisdictions.find("辽宁省的实施方案说了什么")]

    assert places_outside(set()) == [], "the library holds Liaoning's own document"
    assert places_outside({"jilin-northeast-revitalization-2014"}) == ["辽宁"]
    assert 2024 in coverage.of(()).years and 2024 not in coverage.of({"jilin-northeast-revitalization-2014"}).years
