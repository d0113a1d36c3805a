"""BM25 scores for a tokenized query, backed by bm25s, and the best-scoring documents among them."""
from __future__ import annotations

from enum import Enum
from pathlib import Path

import bm25s
import numpy as np

from index.choices import parse_choice

LEXICAL = "bm25"  # the lexical retriever's name, in rankings and in the index store

# Okapi's term-frequency saturation and length normalisation, shared with the Milvus backend so that
# its BM25 scores match these.
K1 = 1.5
B = 0.75


class BM25Method(str, Enum):
    """The bm25s scoring variant (Kamphuis et al., 2020)."""

    # idf = ln(1 + (N - df + 0.5) / (df + 0.5)): stays positive for terms in most documents.
    LUCENE = "lucene"
    # idf = ln((N - df + 0.5) / (df + 0.5)), floored at 0: the textbook Okapi BM25.
    ROBERTSON = "robertson"

    @classmethod
    def parse(cls, value: str) -> BM25Method:
        return parse_choice(cls, value, "BM25 method")


class BM25Retriever:
    """Sparse lexical scores over a fixed corpus of token lists."""

    def __init__(self, model: bm25s.BM25) -> None:
        self._model = model

    @classmethod
    def build(
        cls,
        corpus_tokens: list[list[str]],
        k1: float = K1,
        b: float = B,
        method: BM25Method | str = BM25Method.LUCENE,
    ) -> BM25Retriever:
        if isinstance(method, str):
            method = BM25Method.parse(method)
        # Ids in first-seen order rather than bm25s's set order, so that the same corpus
        # always saves the same index files.
        vocabulary: dict[str, int] = {}
        corpus_ids = [[vocabulary.setdefault(token, len(vocabulary)) for token in document]
                      for document in corpus_tokens]
        if not vocabulary:
            raise ValueError("cannot build a BM25 index over a corpus without tokens")
        model = bm25s.BM25(k1=k1, b=b, method=method.value)
        # No empty-token entry: bm25s gives it an id beyond its score matrix.
        model.index((corpus_ids, vocabulary), create_empty_token=False, show_progress=False)
        return cls(model)

    def __len__(self) -> int:
        return int(self._model.scores["num_docs"])

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """One score per document, in corpus order; a repeated query token counts again."""
        vocabulary = self._model.vocab_dict
        token_ids = [vocabulary[token] for token in query_tokens if token in vocabulary]
        if not token_ids:
            return np.zeros(len(self), dtype=np.float32)
        return np.asarray(self._model.get_scores_from_ids(token_ids), dtype=np.float32)

    def knows(self, token: str) -> bool:
        return token in self._model.vocab_dict

    def save(self, directory: Path) -> None:
        self._model.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> BM25Retriever:
        return cls(bm25s.BM25.load(str(directory)))


def best_rows(scores: np.ndarray, depth: int, rows: np.ndarray | None = None) -> np.ndarray:
    """The documents of the `depth` highest positive BM25 `scores` (one query's, over the corpus),
    optionally among `rows` only; in no particular order."""
    candidates = np.flatnonzero(scores > 0) if rows is None else rows[scores[rows] > 0]
    if len(candidates) <= depth:
        return candidates
    return candidates[np.argpartition(-scores[candidates], depth - 1)[:depth]]
