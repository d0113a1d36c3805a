"""The Milvus backend on milvus-lite: the same rankings as the embedded index fused with RRF, and builds
that are idempotent, refused when asked not to build, and never leave half a collection served."""
from __future__ import annotations

from dataclasses import replace

import pytest
from pydantic import ValidationError
from pymilvus import MilvusException

from corpus.departments import DepartmentRegistry
from corpus.library import BUNDLED_LIBRARY, Library
from index.backend import Backend
from index.bm25 import K1
from index.fusion import FusionMode
from index.hybrid import LEXICAL, HybridIndex, IndexConfig, Query, Ranking, open_index
from index.milvus import MilvusIndex, served_collection
from index.store import IndexStore, UnusableIndexError
from index.tokenizer import Tokenizer
from index.translate import QueryTranslator
from qa.abstention import config_key
from qa.pipeline import QAPipeline, build_tokenizer
from qa.settings import Settings

pytestmark = pytest.mark.milvus

CHINESE = "棚户区改造的融资工作由哪个部门牵头？"
ENGLISH = "Who leads the shantytown renovation financing?"
SHANTYTOWN_FINANCING = {91, 92, 93, 94}
BM25_AND_USE = IndexConfig(("use",), True, FusionMode.RRF, Backend.MILVUS)
BM25_ONLY = IndexConfig((), True, FusionMode.RRF, Backend.MILVUS)  # builds in a moment: nothing to encode
COLLECTION = "passages"


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load(BUNDLED_LIBRARY)


@pytest.fixture(scope="module")
def translator() -> QueryTranslator:
    return QueryTranslator()


@pytest.fixture(scope="module")
def tokenizer(translator: QueryTranslator) -> Tokenizer:
    return build_tokenizer(DepartmentRegistry.load(), translator)


@pytest.fixture(scope="module")
def milvus_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("milvus"), backend="milvus", encoder="use")


@pytest.fixture(scope="module")
def index(library: Library, tokenizer: Tokenizer, milvus_settings: Settings) -> MilvusIndex:
    """Built where, and as, the pipeline with `milvus_settings` looks for it."""
    return MilvusIndex.open(
        library.passages, library.checksum, BM25_AND_USE, milvus_settings.milvus_address, milvus_settings.milvus_collection, tokenizer
    )


@pytest.fixture(scope="module")
def embedded(library: Library, tokenizer: Tokenizer, tmp_path_factory: pytest.TempPathFactory) -> HybridIndex:
    """The embedded index over the same retrievers, fused the way Milvus fuses."""
    config = IndexConfig(("use",), True, FusionMode.RRF)
    return open_index(library.passages, library.checksum, config, IndexStore(tmp_path_factory.mktemp("embedded")), tokenizer)


def measures(ranking: Ranking) -> list[int | None]:
    return [hit.passage.measure for hit in ranking.hits]


def open_bm25_only(library: Library, tokenizer: Tokenizer, uri: str, checksum: str | None = None, **options) -> MilvusIndex:
    return MilvusIndex.open(library.passages, checksum or library.checksum, BM25_ONLY, uri, COLLECTION, tokenizer, **options)


def english(translator: QueryTranslator) -> Query:
    """As the pipeline asks it: the encoders read the question, BM25 its Chinese translation."""
    return Query(ENGLISH, " ".join(translator.translate(ENGLISH)))


def test_chinese_shantytown_question_finds_the_financing_measures(index):
    assert len(set(measures(index.search(Query(CHINESE, CHINESE), 5))) & SHANTYTOWN_FINANCING) >= 3


def test_english_shantytown_question_gets_bm25_the_translation_and_the_encoder_the_question(index, embedded, translator):
    ranking = index.search(english(translator), 5)
    # only the translation lets BM25 find these two first; USE alone ranks other housing measures higher
    assert set(measures(ranking)[:2]) == {91, 92}
    assert [hit.row for hit in ranking.hits] == [hit.row for hit in embedded.search(english(translator), 5).hits]


@pytest.mark.parametrize("question", [CHINESE, ENGLISH])
def test_raw_scores_match_the_embedded_retrievers(index, embedded, translator, question):
    query = Query(CHINESE, CHINESE) if question == CHINESE else english(translator)
    ranking = index.search(query, 10)
    own = {retriever.name: retriever.score(query).scores for retriever in embedded.retrievers}
    for hit in ranking.hits:
        assert hit.retriever_scores[LEXICAL] == pytest.approx((K1 + 1) * own[LEXICAL][hit.row], rel=1e-4)
        assert hit.retriever_scores["use"] == pytest.approx(own["use"][hit.row], abs=1e-5)
    assert ranking.best_scores[LEXICAL] == pytest.approx((K1 + 1) * own[LEXICAL].max(), rel=1e-4)
    assert ranking.best_scores["use"] == pytest.approx(own["use"].max(), abs=1e-5)


def test_a_question_bm25_cannot_match_is_ranked_by_the_dense_field_alone(index):
    ranking = index.search(Query(ENGLISH, lexical_text=ENGLISH), 10)  # untranslated: no Chinese term to match
    assert ranking.best_scores[LEXICAL] == 0.0
    assert all(hit.retriever_scores[LEXICAL] == 0.0 for hit in ranking.hits)
    dense = [hit.retriever_scores["use"] for hit in ranking.hits]
    assert dense == sorted(dense, reverse=True) and dense[0] == ranking.best_scores["use"]
    # ranking BM25's empty list would have put the first passages (the preamble, measure 1) on top
    assert ranking.hits[0].row != 0 and measures(ranking)[0] != 1


def test_rows_restrict_the_search(index, library):
    allowed = [row for row, passage in enumerate(library.passages) if passage.measure in (1, 2, 3, 120)]
    ranking = index.search(Query(CHINESE, CHINESE), 5, rows=allowed)
    assert ranking.hits and {hit.row for hit in ranking.hits} <= set(allowed)
    assert index.search(Query(CHINESE, CHINESE), 5, rows=[]).hits == []


def test_vocabulary_names_the_terms_the_corpus_never_uses(index, embedded):
    query = Query("棚户区改造的火星融资", "棚户区改造的火星融资")
    vocabulary = index.vocabulary(query)
    assert vocabulary.unknown == ["火星"]
    assert vocabulary == embedded.vocabulary(query)


def test_the_pipeline_on_milvus_answers_from_the_collection_already_built(index, milvus_settings):
    built = []
    pipeline = QAPipeline.from_settings(milvus_settings, progress=lambda name, _: built.append(name))
    answer = pipeline.ask(CHINESE)
    assert built == []
    assert pipeline.index.fusion is FusionMode.RRF and [r.name for r in pipeline.index.retrievers] == [LEXICAL, "use"]
    assert not answer.abstained
    assert len({citation.measure for citation in answer.citations[:5]} & SHANTYTOWN_FINANCING) >= 3


def test_reopening_the_same_corpus_does_not_rebuild(library, tokenizer, tmp_path):
    uri = str(tmp_path / "milvus.db")
    built = []
    first = open_bm25_only(library, tokenizer, uri, progress=lambda name, _: built.append(name))
    assert built == [LEXICAL]
    again = open_bm25_only(library, tokenizer, uri, progress=lambda name, _: built.append(name))
    assert built == [LEXICAL]
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
        MilvusIndex.open(oversized, "changed", BM25_ONLY, uri, COLLECTION, tokenizer)
    assert index.client.list_collections() == [served]
    assert measures(index.search(Query(CHINESE, CHINESE), 5))


def test_a_milvus_index_needs_a_milvus_rrf_configuration(library, tokenizer, tmp_path):
    with pytest.raises(ValueError, match="backend=milvus and fusion=rrf"):
        MilvusIndex.open(library.passages, library.checksum, IndexConfig(("use",)), str(tmp_path / "milvus.db"), COLLECTION, tokenizer)


def test_milvus_has_its_own_abstention_calibration_key():
    assert config_key(BM25_AND_USE) == "milvus:bm25+use/rrf"
    assert config_key(replace(BM25_AND_USE, backend=Backend.EMBEDDED)) == "bm25+use/rrf"


def test_settings_name_the_valid_backends_and_default_to_a_milvus_lite_file(tmp_path):
    with pytest.raises(ValidationError, match="'embedded' or 'milvus'"):
        Settings(backend="mongo")
    assert Settings(data_dir=tmp_path).milvus_address == str(tmp_path / "milvus.db")
    assert Settings(milvus_uri="http://milvus:19530").milvus_address == "http://milvus:19530"
