"""The hybrid index on Milvus, for a library that outgrows one machine.

One collection holds every passage, keyed by its row number: the passage's BM25 terms (a sparse
vector made by a BM25 function) and one dense vector per encoder, next to its document, measure
number and kind. Milvus searches each field for its best POOL_DEPTH rows, scope filters applied in
the search; the pool is their union, every field's exact score of every pool row is completed, and
index.fusion fuses the pool as the embedded index does (Milvus's own rankers offer RRF and weighted
sums of scores, not z-scores). A field that matches nothing returns an empty list and casts no vote.

BM25 reads the project's own jieba terms (index.tokenizer: department names and glossary terms
kept whole, stopwords dropped, widths normalised), joined by spaces, through Milvus's standard
analyzer, which keeps a run of Chinese letters whole and so gives back exactly those terms, on
milvus-lite and on a server alike. Milvus's jieba analyzer would not: milvus-lite's ignores `hmm`
and `removepunct` and adds custom words to the process-wide jieba, so lite and server would split
text differently, and both differently from the embedded index. With the same terms, k1 and b,
BM25 ranks as the embedded index's does; Milvus's scores are k1 + 1 times those of bm25s, whose
Lucene formula drops that constant, and are divided by it so that raw scores mean the same on both.

A build fills a new collection and then points an alias, the name the service searches, at it:
readers never see a half-written collection, and a failed build leaves the previous one served.
"""
from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from corpus.models import Passage
from index.backend import Backend
from index.bm25 import LEXICAL, K1, B, best_rows
from index.encoders import Encoder, load_encoder
from index.document_rows import LibraryTexts, document_spans
from index.document_terms import DocumentTerms, ScopedBM25
from index.fusion import POOL_DEPTH, FusionMode, RetrieverResult
from index.hybrid import (
    IndexConfig,
    Query,
    QueryVocabulary,
    Ranking,
    Scope,
    chosen,
    document_vectors,
    filled,
    library_scope,
    pooled_hits,
    query_vocabulary,
    row_restriction,
)
from index.store import IndexStore, UnusableIndexError, fingerprint
from index.tokenizer import Tokenizer

try:
    from pymilvus import CollectionSchema, DataType, Function, FunctionType, MilvusClient
    from pymilvus.milvus_client import IndexParams
except ImportError as error:
    raise ImportError("the Milvus backend needs the `milvus` extra: pip install -e '.[milvus]'") from error

FORMAT_VERSION = 1
ROW = "id"
TERMS = "terms"
TERMS_BM25 = "terms_bm25"
NO_MEASURE = -1
BUILD_MARK = "__build_"  # collections named <alias>__build_<hex> are this index's builds
INSERT_BATCH = 256  # rows per insert, far below the server's 64 MB message limit
VARCHAR_LIMIT = 65_535
# HNSW as in Milvus's examples; milvus-lite supports it as well (through FAISS).
HNSW_BUILD = {"M": 16, "efConstruction": 200}

Progress = Callable[[str, int], None]
FieldValue = str | list[float]


class MilvusRetriever(Protocol):
    """One retriever as one field of the collection."""

    name: str
    field: str  # the vector field searched
    stored_field: str  # the field a passage's values are inserted into
    matches_every_row: bool  # dense fields score every row; BM25 only rows sharing a term with the query

    def add_to(self, schema: CollectionSchema, index_params: IndexParams) -> None: ...

    def passage_values(self, texts: list[str], progress: Progress | None) -> list[FieldValue]: ...

    def query_value(self, query: Query) -> FieldValue | None: ...

    def search_params(self) -> dict: ...

    def raw_score(self, distance: float) -> float: ...

    def scores_of(self, client: MilvusClient, collection: str, value: FieldValue, rows: list[int]) -> dict[int, float]:
        """The raw scores of `rows` (those it matches) for a query value."""
        ...


class LexicalField:
    name = LEXICAL
    field = TERMS_BM25
    stored_field = TERMS  # Milvus's BM25 function turns it into the sparse vector searched
    matches_every_row = False

    def __init__(self, tokenizer: Tokenizer):
        self.tokenizer = tokenizer

    def add_to(self, schema: CollectionSchema, index_params: IndexParams) -> None:
        # enable_match indexes each term, so that `text_match` can tell whether the corpus uses it
        schema.add_field(
            TERMS, DataType.VARCHAR, max_length=VARCHAR_LIMIT, enable_analyzer=True, enable_match=True, analyzer_params={"tokenizer": "standard"}
        )
        schema.add_field(TERMS_BM25, DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=[TERMS], output_field_names=[TERMS_BM25]))
        index_params.add_index(
            field_name=TERMS_BM25, index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params={"bm25_k1": K1, "bm25_b": B}
        )

    def passage_values(self, texts: list[str], progress: Progress | None) -> list[FieldValue]:
        values: list[FieldValue] = [" ".join(self.tokenizer.tokenize(text)) for text in texts]
        if progress:
            progress(self.name, len(texts))
        return values

    def query_value(self, query: Query) -> FieldValue | None:
        return " ".join(self.tokenizer.tokenize(query.lexical_text)) or None

    def search_params(self) -> dict:
        return {"metric_type": "BM25"}

    def raw_score(self, distance: float) -> float:
        # milvus-lite reports BM25 negated, as a distance; a Milvus server reports the score itself.
        # BM25 is never negative, so the magnitude is the score from both; bm25s leaves out k1 + 1.
        return abs(distance) / (K1 + 1)

    def scores_of(self, client: MilvusClient, collection: str, value: FieldValue, rows: list[int]) -> dict[int, float]:
        found = client.search(
            collection,
            data=[value],
            anns_field=self.field,
            search_params=self.search_params(),
            limit=len(rows),
            filter=row_filter(rows),
            output_fields=[ROW],
        )[0]
        return {hit[ROW]: self.raw_score(hit["distance"]) for hit in found}


class DenseField:
    matches_every_row = True

    def __init__(self, encoder: Encoder, stored_vectors: Callable[[], np.ndarray]):
        """`stored_vectors` gives the library's embeddings, in row order, as the embedded index keeps
        them per document: a build encodes only the documents never encoded before."""
        self.name = encoder.name
        self.field = self.stored_field = dense_field(encoder.name)
        self.encoder = encoder
        self._stored_vectors = stored_vectors

    def add_to(self, schema: CollectionSchema, index_params: IndexParams) -> None:
        schema.add_field(self.field, DataType.FLOAT_VECTOR, dim=self.encoder.dimension)
        # inner product: the encoders return unit vectors, so it is the cosine
        index_params.add_index(field_name=self.field, index_type="HNSW", metric_type="IP", params=HNSW_BUILD)

    def passage_values(self, texts: list[str], progress: Progress | None) -> list[FieldValue]:
        return self._stored_vectors().tolist()

    def query_value(self, query: Query) -> FieldValue | None:
        return self.encoder.encode_queries([query.text])[0].tolist()

    def search_params(self) -> dict:
        # HNSW finds at most ef neighbours, and Milvus refuses an ef below the limit
        return {"metric_type": "IP", "params": {"ef": POOL_DEPTH}}

    def raw_score(self, distance: float) -> float:
        return distance

    def scores_of(self, client: MilvusClient, collection: str, value: FieldValue, rows: list[int]) -> dict[int, float]:
        # the inner products of the stored vectors, exact where HNSW's neighbours are approximate
        stored = client.query(collection, filter=row_filter(rows), output_fields=[ROW, self.field])
        vectors = np.asarray([found[self.field] for found in stored], dtype=np.float32).reshape(len(stored), -1)
        similarities = vectors @ np.asarray(value, dtype=np.float32)
        return {found[ROW]: float(similarity) for found, similarity in zip(stored, similarities, strict=True)}


def stacked_vectors(store: IndexStore, encoder: Encoder, library: LibraryTexts, build_missing: bool, force: bool, progress: Progress | None) -> np.ndarray:
    """The library's embeddings in row order, from each document's component of the index store."""
    parts = [vectors for _, vectors in document_vectors(store, encoder, library, build_missing, force, progress)]
    return np.vstack(parts) if parts else np.empty((0, encoder.dimension), dtype=np.float32)


def dense_field(encoder_name: str) -> str:
    """A field name Milvus accepts (letters, digits, underscores) for an encoder such as st:org/model."""
    return "dense_" + "".join(char if char.isascii() and char.isalnum() else "_" for char in encoder_name)


@dataclass
class MilvusIndex:
    passages: list[Passage]
    retrievers: list[MilvusRetriever]
    client: MilvusClient
    collection: str  # the alias of the collection being served
    fusion: FusionMode = FusionMode.ZSCORE
    # BM25 with the statistics of the documents a search is limited to, scored here: Milvus keeps them
    # per collection only
    scoped: ScopedBM25 | None = None
    # each document's rows, so that a scope holding whole documents filters on the document field
    spans: dict[str, range] = field(init=False)
    document_rows: dict[str, frozenset[int]] = field(init=False)

    def __post_init__(self) -> None:
        self.spans = document_spans(self.passages)
        self.document_rows = {document: frozenset(rows) for document, rows in self.spans.items()}

    @classmethod
    def open(
        cls,
        library: LibraryTexts,
        config: IndexConfig,
        uri: str,
        collection: str,
        tokenizer: Tokenizer,
        store: IndexStore,
        build_missing: bool = True,
        force: bool = False,
        progress: Progress | None = None,
        token: str = "",
    ) -> MilvusIndex:
        """The index in `collection` at `uri` (a server address, or a milvus-lite file path ending in
        .db), built first if it is missing or was built from another corpus or configuration. The
        passages' embeddings come from `store`, where each document's are kept once encoded."""
        if config.backend is not Backend.MILVUS:
            raise ValueError(f"a Milvus index is configured with backend=milvus, not {config}")
        retrievers: list[MilvusRetriever] = [LexicalField(tokenizer)] if config.bm25 else []
        for spec in config.encoders:
            encoder = load_encoder(spec, store)
            retrievers.append(DenseField(encoder, functools.partial(stacked_vectors, store, encoder, library, build_missing, force, progress)))
        passages = list(library.passages)
        expected = build_properties(library.checksum, len(passages), tokenizer, retrievers)
        client = connect(uri, token)
        served = served_collection(client, collection)
        found = client.describe_collection(served)["properties"] if served else None
        if force or found is None or any(found.get(key) != value for key, value in expected.items()):
            if not build_missing:
                raise UnusableIndexError(refusal(uri, collection, found, expected))
            served = build(client, collection, library, retrievers, expected, progress)
        client.load_collection(served)
        scoped = None
        if config.bm25:
            terms = DocumentTerms(store, library, tokenizer, build_missing, progress)
            terms.ensure_all(force)
            scoped = ScopedBM25(terms)
        return cls(passages, retrievers, client, collection, config.fusion, scoped)

    def search(
        self, query: Query, k: int, rows: Sequence[int] | None = None, only: Collection[str] | None = None, documents: Collection[str] | None = None
    ) -> Ranking:
        """The k best passages, optionally only among `rows` (e.g. the measures a department leads),
        by the retrievers named in `only` (None: all of them) and among the rows of `documents`. Each
        field proposes its best POOL_DEPTH rows; their union, the pool, is scored by every field and
        fused. Under a restriction each field proposes its best allowed rows, found by a filtered
        search, and its best rows over the whole library (or `documents`), which join the pool but not
        the ranking, so that z-scores are those of the unrestricted search, as in the embedded index.
        Limited to documents, BM25 scores with their statistics here, as the embedded index does:
        Milvus keeps them per collection, not per document."""
        retrievers = chosen(self.retrievers, only)
        scope = library_scope(self.spans, documents)
        allowed = None if rows is None else set(row_restriction(rows, len(self.passages)).tolist())
        if scope is not None:
            allowed = set(scope.rows.tolist()) if allowed is None else allowed & set(scope.rows.tolist())
        if allowed is not None and not allowed:
            return Ranking([], {retriever.name: 0.0 for retriever in retrievers})
        context = "" if scope is None else scope_filter(set(scope.rows.tolist()), self.document_rows)
        filters = [""] if allowed is None else list(dict.fromkeys([scope_filter(allowed, self.document_rows), context]))
        values = {retriever.name: retriever.query_value(query) for retriever in retrievers}
        scored_here = self._scoped_lexical_scores(retrievers, query, scope)
        listings = {
            retriever.name: (
                [listed(scores, np.asarray(sorted(allowed or ()), dtype=np.int64)), listed(scores, scope.rows)]
                if scope is not None and (scores := scored_here.get(retriever.name)) is not None
                else [self._best_rows(retriever, values[retriever.name], expression) for expression in filters]
            )
            for retriever in retrievers
        }
        listed_rows = np.asarray(sorted(set().union(*(listing for field_listings in listings.values() for listing in field_listings))), dtype=np.int64)
        rows_of_pool = filled(listed_rows, np.arange(len(self.passages)) if scope is None else scope.rows)
        pool = rows_of_pool.tolist()
        results = {
            retriever.name: (
                RetrieverResult(scores[rows_of_pool], scores[rows_of_pool] > 0)
                if (scores := scored_here.get(retriever.name)) is not None
                else self._pool_result(retriever, values[retriever.name], listings[retriever.name], pool)
            )
            for retriever in retrievers
        }
        if allowed is not None:
            in_scope = np.isin(pool, sorted(allowed))
            results = {name: RetrieverResult(result.scores, result.found & in_scope) for name, result in results.items()}
        hits = pooled_hits(self.passages, rows_of_pool, results, self.fusion, k)
        best_scores = {name: float(result.scores[result.found].max()) if result.found.any() else 0.0 for name, result in results.items()}
        return Ranking(hits, best_scores)

    def _scoped_lexical_scores(self, retrievers: Sequence[MilvusRetriever], query: Query, scope: Scope | None) -> dict[str, np.ndarray]:
        """BM25's score of every row with the statistics of the scope's documents, where the search is
        limited to some; none otherwise (Milvus's own scores serve)."""
        if scope is None or self.scoped is None:
            return {}
        return {
            retriever.name: self.scoped.scores(scope.documents, retriever.tokenizer.tokenize(query.lexical_text))
            for retriever in retrievers
            if isinstance(retriever, LexicalField)
        }

    def _best_rows(self, retriever: MilvusRetriever, value: FieldValue | None, expression: str) -> dict[int, float]:
        """The field's best POOL_DEPTH rows among those `expression` filters, with their raw scores;
        none for a query the field cannot read."""
        if value is None:
            return {}
        found = self.client.search(
            self.collection,
            data=[value],
            anns_field=retriever.field,
            search_params=retriever.search_params(),
            limit=POOL_DEPTH,
            filter=expression,
            output_fields=[ROW],
        )[0]
        return {hit[ROW]: retriever.raw_score(hit["distance"]) for hit in found}

    def _pool_result(
        self, retriever: MilvusRetriever, value: FieldValue | None, listings: list[dict[int, float]], pool: list[int]
    ) -> RetrieverResult:
        """The field's raw score of every pool row. A BM25 search that listed fewer than POOL_DEPTH rows
        listed every row it matches; a dense field matches every row, but HNSW lists approximately."""
        scores = {row: score for listing in listings for row, score in listing.items()}
        unlisted = [row for row in pool if row not in scores]
        cut = any(len(listing) == POOL_DEPTH for listing in listings)
        if value is not None and unlisted and (retriever.matches_every_row or cut):
            scores.update(retriever.scores_of(self.client, self.collection, value, unlisted))
        values = np.array([scores.get(row, 0.0) for row in pool], dtype=np.float32)
        found = np.full(len(pool), value is not None) if retriever.matches_every_row else values > 0
        return RetrieverResult(values, found)

    def vocabulary(self, query: Query) -> QueryVocabulary | None:
        """The query's BM25 terms and which of them the corpus never uses; None without BM25."""
        lexical = next((r for r in self.retrievers if isinstance(r, LexicalField)), None)
        return query_vocabulary(lexical.tokenizer, query, self._corpus_uses) if lexical else None

    def _corpus_uses(self, term: str) -> bool:
        return bool(self.client.query(self.collection, filter=f"text_match({TERMS}, {quoted(term)})", output_fields=[ROW], limit=1))


def listed(scores: np.ndarray, rows: np.ndarray) -> dict[int, float]:
    """The best POOL_DEPTH of `rows` by `scores` with their scores, as a field's search lists them."""
    return {int(row): float(scores[row]) for row in best_rows(scores, POOL_DEPTH, rows)}


def scope_filter(rows: Collection[int], document_rows: Mapping[str, frozenset[int]]) -> str:
    """A filter expression for `rows`: the documents they hold whole by the document field, the rest by row."""
    wanted = set(rows)
    whole = [document for document, document_rows in document_rows.items() if document_rows <= wanted]
    rest = wanted.difference(*(document_rows[document] for document in whole))
    clauses = [f"document in [{', '.join(quoted(document) for document in whole)}]"] if whole else []
    return " or ".join(clauses + ([row_filter(rest)] if rest else []))


def row_filter(rows: Collection[int]) -> str:
    return f"{ROW} in [{', '.join(str(row) for row in sorted(rows))}]"


def connect(uri: str, token: str = "") -> MilvusClient:
    if "://" not in uri:
        # milvus-lite keeps its database in a folder at this path, and cannot create the parents
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    return MilvusClient(uri, token=token)


def build_properties(corpus_checksum: str, passages: int, tokenizer: Tokenizer, retrievers: list[MilvusRetriever]) -> dict[str, str]:
    """What a collection records about how it was built; any difference calls for a rebuild."""
    names = [retriever.name for retriever in retrievers]
    terms_from = tokenizer.fingerprint if LEXICAL in names else ""
    return {
        "corpus_checksum": corpus_checksum,
        "retrievers": "+".join(names),
        "fingerprint": fingerprint(str(FORMAT_VERSION), corpus_checksum, str(passages), terms_from, *names),
    }


def refusal(uri: str, collection: str, found: dict[str, str] | None, expected: dict[str, str]) -> str:
    if found is None:
        return f"no Milvus collection {collection!r} at {uri}; run `qa build`"
    return (
        f"the Milvus collection {collection!r} at {uri} was built with retrievers {found.get('retrievers')} from corpus "
        f"{found.get('corpus_checksum')}, but {expected['retrievers']} from corpus {expected['corpus_checksum']} is needed; run `qa build`"
    )


def served_collection(client: MilvusClient, alias: str) -> str | None:
    if alias not in client.list_aliases()["aliases"]:
        return None
    return client.describe_alias(alias)["collection_name"]


def build(
    client: MilvusClient,
    alias: str,
    library: LibraryTexts,
    retrievers: list[MilvusRetriever],
    properties: dict[str, str],
    progress: Progress | None,
) -> str:
    """Fill a new collection, then serve it under `alias` in place of the previous one; its name.
    One build at a time: a build drops the unserved collections that earlier builds left behind."""
    texts = list(library.texts)
    rows = [
        {
            ROW: row,
            "document": passage.document,
            "measure": NO_MEASURE if passage.measure is None else passage.measure,
            "kind": passage.kind.value,
        }
        for row, passage in enumerate(library.passages)
    ]
    for retriever in retrievers:
        for fields, value in zip(rows, retriever.passage_values(texts, progress), strict=True):
            fields[retriever.stored_field] = value
    previous = served_collection(client, alias)
    for name in client.list_collections():
        if name.startswith(alias + BUILD_MARK) and name != previous:
            client.drop_collection(name)  # left by a build that died
    staging = f"{alias}{BUILD_MARK}{uuid.uuid4().hex}"
    create_collection(client, staging, retrievers, properties)
    try:
        for start in range(0, len(rows), INSERT_BATCH):
            client.insert(staging, rows[start : start + INSERT_BATCH])
        client.flush(staging)
        # loaded before it is served, so that searches through the alias never meet it unloaded
        client.load_collection(staging)
        if previous is None:
            client.create_alias(staging, alias)
        else:
            client.alter_alias(staging, alias)
    except BaseException:
        client.drop_collection(staging)
        raise
    if previous is not None:
        client.drop_collection(previous)
    return staging


def create_collection(client: MilvusClient, name: str, retrievers: list[MilvusRetriever], properties: dict[str, str]) -> None:
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field(ROW, DataType.INT64, is_primary=True)
    schema.add_field("document", DataType.VARCHAR, max_length=VARCHAR_LIMIT)
    schema.add_field("measure", DataType.INT64)
    schema.add_field("kind", DataType.VARCHAR, max_length=VARCHAR_LIMIT)
    index_params = client.prepare_index_params()
    for retriever in retrievers:
        retriever.add_to(schema, index_params)
    client.create_collection(name, schema=schema, index_params=index_params, properties=properties)


def quoted(term: str) -> str:
    """A string literal for a Milvus filter expression."""
    return '"' + term.replace("\\", "\\\\").replace('"', '\\"') + '"'
