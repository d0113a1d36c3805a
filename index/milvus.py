"""The hybrid index on Milvus, for a library that outgrows one machine.

One collection holds every passage, keyed by its row number: the passage's BM25 terms (a sparse
vector made by a BM25 function) and one dense vector per encoder, next to its document, measure
number and kind. Milvus searches each field and fuses them with reciprocal-rank fusion; a field
that matches nothing returns an empty list and so casts no vote.

BM25 reads the project's own jieba terms (index.tokenizer: department names and glossary terms
kept whole, stopwords dropped, widths normalised), joined by spaces, through Milvus's standard
analyzer, which keeps a run of Chinese letters whole and so gives back exactly those terms, on
milvus-lite and on a server alike. Milvus's jieba analyzer would not: milvus-lite's ignores `hmm`
and `removepunct` and adds custom words to the process-wide jieba, so lite and server would split
text differently, and both differently from the embedded index. With the same terms, k1 and b,
BM25 ranks as the embedded index's does; its scores are k1 + 1 times those of bm25s, whose Lucene
formula drops that constant.

A build fills a new collection and then points an alias, the name the service searches, at it:
readers never see a half-written collection, and a failed build leaves the previous one served.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from corpus.models import Passage
from index.backend import Backend
from index.bm25 import K1, B
from index.encoders import Encoder, load_encoder
from index.fusion import RRF_K, FusionMode
from index.hybrid import LEXICAL, Hit, IndexConfig, Query, QueryVocabulary, Ranking, encode_passages, query_vocabulary, search_text
from index.store import UnusableIndexError, fingerprint
from index.tokenizer import Tokenizer

try:
    from pymilvus import AnnSearchRequest, CollectionSchema, DataType, Function, FunctionType, MilvusClient, RRFRanker
    from pymilvus.milvus_client import IndexParams
except ImportError as error:
    raise ImportError("the Milvus backend needs the `milvus` extra: pip install -e '.[milvus]'") from error

FORMAT_VERSION = 1
ROW = "id"
TERMS = "terms"
TERMS_BM25 = "terms_bm25"
NO_MEASURE = -1
BUILD_MARK = "__build_"  # collections named <alias>__build_<hex> are this index's builds
# Each field's candidates for the fusion. A passage ranked this deep adds 1/(60+200) to its fused
# score, too little to lift it into a top k of at most 50, and a longer list only costs time.
CANDIDATES_PER_FIELD = 200
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

    def add_to(self, schema: CollectionSchema, index_params: IndexParams) -> None: ...

    def passage_values(self, texts: list[str], progress: Progress | None) -> list[FieldValue]: ...

    def query_value(self, query: Query) -> FieldValue | None: ...

    def search_params(self, candidates: int) -> dict: ...

    def raw_score(self, distance: float) -> float: ...


class LexicalField:
    name = LEXICAL
    field = TERMS_BM25
    stored_field = TERMS  # Milvus's BM25 function turns it into the sparse vector searched

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

    def search_params(self, candidates: int) -> dict:
        return {"metric_type": "BM25"}

    def raw_score(self, distance: float) -> float:
        # milvus-lite reports BM25 negated, as a distance; a Milvus server reports the score itself.
        # BM25 is never negative, so the magnitude is the score from both.
        return abs(distance)


class DenseField:
    def __init__(self, encoder: Encoder):
        self.name = encoder.name
        self.field = self.stored_field = dense_field(encoder.name)
        self.encoder = encoder

    def add_to(self, schema: CollectionSchema, index_params: IndexParams) -> None:
        schema.add_field(self.field, DataType.FLOAT_VECTOR, dim=self.encoder.dimension)
        # inner product: the encoders return unit vectors, so it is the cosine
        index_params.add_index(field_name=self.field, index_type="HNSW", metric_type="IP", params=HNSW_BUILD)

    def passage_values(self, texts: list[str], progress: Progress | None) -> list[FieldValue]:
        return encode_passages(self.encoder, texts, progress).tolist()

    def query_value(self, query: Query) -> FieldValue | None:
        return self.encoder.encode_queries([query.text])[0].tolist()

    def search_params(self, candidates: int) -> dict:
        # HNSW finds at most ef neighbours, and Milvus refuses an ef below the limit
        return {"metric_type": "IP", "params": {"ef": candidates}}

    def raw_score(self, distance: float) -> float:
        return distance


def dense_field(encoder_name: str) -> str:
    """A field name Milvus accepts (letters, digits, underscores) for an encoder such as st:org/model."""
    return "dense_" + "".join(char if char.isascii() and char.isalnum() else "_" for char in encoder_name)


@dataclass
class MilvusIndex:
    passages: list[Passage]
    retrievers: list[MilvusRetriever]
    client: MilvusClient
    collection: str  # the alias of the collection being served
    fusion = FusionMode.RRF  # by Milvus's RRFRanker: z-score fusion is not among Milvus's rankers

    @classmethod
    def open(
        cls,
        passages: list[Passage],
        corpus_checksum: str,
        config: IndexConfig,
        uri: str,
        collection: str,
        tokenizer: Tokenizer,
        build_missing: bool = True,
        force: bool = False,
        progress: Progress | None = None,
        token: str = "",
    ) -> MilvusIndex:
        """The index in `collection` at `uri` (a server address, or a milvus-lite file path ending in
        .db), built first if it is missing or was built from another corpus or configuration."""
        if config.backend is not Backend.MILVUS or config.fusion is not FusionMode.RRF:
            raise ValueError(f"a Milvus index is configured with backend=milvus and fusion=rrf, not {config}")
        retrievers: list[MilvusRetriever] = [LexicalField(tokenizer)] if config.bm25 else []
        retrievers += [DenseField(load_encoder(spec)) for spec in config.encoders]
        expected = build_properties(corpus_checksum, len(passages), tokenizer, retrievers)
        client = connect(uri, token)
        served = served_collection(client, collection)
        found = client.describe_collection(served)["properties"] if served else None
        if force or found is None or any(found.get(key) != value for key, value in expected.items()):
            if not build_missing:
                raise UnusableIndexError(refusal(uri, collection, found, expected))
            served = build(client, collection, passages, retrievers, expected, progress)
        client.load_collection(served)
        return cls(passages, retrievers, client, collection)

    def search(self, query: Query, k: int, rows: Sequence[int] | None = None) -> Ranking:
        """The k best passages, optionally only among `rows` (e.g. the measures a department leads)."""
        restriction = f"{ROW} in [{', '.join(str(int(row)) for row in rows)}]" if rows is not None else ""
        candidates = min(len(self.passages), CANDIDATES_PER_FIELD)
        requests = []
        raw_scores: dict[str, dict[int, float]] = {}
        for retriever in self.retrievers:
            value = retriever.query_value(query)
            if value is None:
                raw_scores[retriever.name] = {}
                continue
            raw_scores[retriever.name] = self._field_scores(retriever, value, candidates, restriction)
            params = retriever.search_params(candidates)
            requests.append(AnnSearchRequest(data=[value], anns_field=retriever.field, param=params, limit=candidates, expr=restriction or None))
        fused = self.client.hybrid_search(self.collection, requests, RRFRanker(RRF_K), limit=k, output_fields=[ROW])[0] if requests else []
        hits = []
        for hit in fused:
            row = hit[ROW]
            hits.append(Hit(row, self.passages[row], float(hit["distance"]), {name: scores.get(row, 0.0) for name, scores in raw_scores.items()}))
        return Ranking(hits, {name: max(scores.values(), default=0.0) for name, scores in raw_scores.items()})

    def _field_scores(self, retriever: MilvusRetriever, value: FieldValue, candidates: int, restriction: str) -> dict[int, float]:
        """One retriever's raw scores of its candidates. Milvus's fused results carry only the fused
        score, and abstention weighs each retriever's own."""
        found = self.client.search(
            self.collection,
            data=[value],
            anns_field=retriever.field,
            search_params=retriever.search_params(candidates),
            limit=candidates,
            filter=restriction,
            output_fields=[ROW],
        )[0]
        return {hit[ROW]: retriever.raw_score(hit["distance"]) for hit in found}

    def vocabulary(self, query: Query) -> QueryVocabulary | None:
        """The query's BM25 terms and which of them the corpus never uses; None without BM25."""
        lexical = next((r for r in self.retrievers if isinstance(r, LexicalField)), None)
        return query_vocabulary(lexical.tokenizer, query, self._corpus_uses) if lexical else None

    def _corpus_uses(self, term: str) -> bool:
        return bool(self.client.query(self.collection, filter=f"text_match({TERMS}, {quoted(term)})", output_fields=[ROW], limit=1))


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
    passages: list[Passage],
    retrievers: list[MilvusRetriever],
    properties: dict[str, str],
    progress: Progress | None,
) -> str:
    """Fill a new collection, then serve it under `alias` in place of the previous one; its name.
    One build at a time: a build drops the unserved collections that earlier builds left behind."""
    texts = [search_text(passage) for passage in passages]
    rows = [
        {
            ROW: row,
            "document": passage.document,
            "measure": NO_MEASURE if passage.measure is None else passage.measure,
            "kind": passage.kind.value,
        }
        for row, passage in enumerate(passages)
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
