"""Nearest-neighbour search over unit-length embeddings: exact (brute force) or approximate (HNSW)."""
from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

# A restriction this narrow is scored row by row: HNSW's selector would walk the graph past almost
# every node it visits, and brute force over the few rows allowed is exact and faster.
EXACT_RESTRICTION_ROWS = 20_000
# Rows of a memory-mapped file larger than this are read with pread, not through the map: a row touched
# through the map makes the kernel map the 64 KiB around it as well (fault-around, which madvise(MADV_RANDOM)
# does not stop), so at a million rows a few dozen searches had mapped, and counted as resident, the
# whole file. Smaller files cost little either way, and the map is faster.
READ_ROWS_FROM_BYTES = 64 * 2**20
QUANTISER_TRAINING_ROWS = 100_000  # the scalar quantiser learns each dimension's range; a sample settles it


@dataclass(frozen=True)
class HNSWParameters:
    """The HNSW graph's shape, chosen on the scale curve (bench/scale.py, 384 dimensions). At 100,000
    rows M=16 kept recall@10 under 0.96 whatever efSearch; M=32 reached 0.98 at efSearch 400 in about
    a millisecond. At 1,000,000 rows efConstruction 40 left recall@10 at 0.938 (384 dimensions): it is
    the graph, not the 8-bit codes, that loses neighbours there (16-bit float codes gave 0.922).
    efConstruction 80 reaches 0.962 (384) and 0.996 (512) with searches no slower; both graphs took
    871 s to build on two cores."""

    m: int = 32
    ef_construction: int = 80
    ef_search: int = 400  # at least the depth a search asks for (POOL_DEPTH)

    @property
    def key(self) -> str:
        return f"hnsw-sq8-m{self.m}-efc{self.ef_construction}"


class RowVectors:
    """The unit vectors of every row, left where they lie (memory-mapped, one array per document) and
    read only for the rows asked: a pool's exact scores, without a second copy of the library in memory."""

    def __init__(self, parts: Sequence[np.ndarray]) -> None:
        if not parts or any(part.ndim != 2 for part in parts):
            raise ValueError(f"vectors must be 2-D arrays, got shapes {[part.shape for part in parts]}")
        if len({part.shape[1] for part in parts}) != 1:
            raise ValueError(f"vectors of several dimensions: {sorted({part.shape[1] for part in parts})}")
        self.parts = list(parts)
        self.starts = np.cumsum([0, *(len(part) for part in parts)])
        self._files = [_RowFile.of(part) for part in self.parts]

    @property
    def dimension(self) -> int:
        return self.parts[0].shape[1]

    def __len__(self) -> int:
        return int(self.starts[-1])

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The vectors of `rows`, in that order, as one contiguous float32 array."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(self.parts) == 1 and self._files[0] is None:
            return np.ascontiguousarray(self.parts[0][rows], dtype=np.float32)
        taken = np.empty((len(rows), self.dimension), dtype=np.float32)
        owners = np.searchsorted(self.starts, rows, side="right") - 1
        for owner in np.unique(owners):
            chosen = np.flatnonzero(owners == owner)
            local, file = rows[chosen] - self.starts[owner], self._files[owner]
            if file is None:
                taken[chosen] = self.parts[owner][local]
            else:
                taken[chosen] = file.read(local, self.dimension)
        return taken


@dataclass(frozen=True)
class _RowFile:
    """Where the rows of a large memory-mapped float32 array lie in its file (READ_ROWS_FROM_BYTES)."""

    path: str
    offset: int
    row_bytes: int

    @classmethod
    def of(cls, part: np.ndarray) -> _RowFile | None:
        """The file of an array that maps a whole large file (as np.load's memory map does); None for
        anything else, a view of part of one included, which is read through the map."""
        if not isinstance(part, np.memmap) or part.dtype != np.float32 or not part.flags.c_contiguous or part.nbytes < READ_ROWS_FROM_BYTES:
            return None
        path = os.fspath(part.filename) if part.filename is not None else None
        if path is None or part.offset + part.nbytes != os.path.getsize(path):
            return None
        return cls(path, part.offset, part.itemsize * part.shape[1])

    def read(self, rows: np.ndarray, dimension: int) -> np.ndarray:
        """These rows, in this order; a run of consecutive rows in one read."""
        out = np.empty((len(rows), dimension), dtype=np.float32)
        buffer = memoryview(out).cast("B")
        # runs of consecutive rows: where the next row is not this one plus one, a run ends
        ends = [*(np.flatnonzero(np.diff(rows) != 1) + 1).tolist(), len(rows)]
        descriptor = os.open(self.path, os.O_RDONLY)
        try:
            start = 0
            for end, first in zip(ends, rows[[0, *ends[:-1]]].tolist() if len(rows) else []):
                wanted = (end - start) * self.row_bytes
                read = os.preadv(descriptor, [buffer[start * self.row_bytes : end * self.row_bytes]], self.offset + first * self.row_bytes)
                if read != wanted:
                    raise OSError(f"{self.path}: {read} bytes where {wanted} were expected (the file was cut short)")
                start = end
        finally:
            os.close(descriptor)
        return out


def norms(rows: RowVectors, chunk: int = 65_536) -> np.ndarray:
    """Every row's length, read a chunk at a time as the rows are read for a search."""
    lengths = [np.linalg.norm(rows.take(np.arange(start, min(start + chunk, len(rows)))), axis=1) for start in range(0, len(rows), chunk)]
    return np.concatenate(lengths) if lengths else np.empty(0, dtype=np.float32)


class VectorIndex:
    """Cosine similarity search: inner product over L2-normalised rows. Exact with IndexFlatIP; with
    HNSW over 8-bit codes, whose candidates are then scored exactly from the stored vectors."""

    def __init__(self, index: faiss.Index, rows: RowVectors | None = None, ef_search: int | None = None) -> None:
        self._index = index
        self._ef_search = ef_search
        self._rows = rows if rows is not None else _flat_storage(index)

    @classmethod
    def build(cls, embeddings: np.ndarray | RowVectors, hnsw: HNSWParameters | None = None) -> VectorIndex:
        rows = embeddings if isinstance(embeddings, RowVectors) else RowVectors([_two_dimensional(embeddings)])
        if hnsw is None:
            index = faiss.IndexFlatIP(rows.dimension)
        else:
            index = faiss.IndexHNSWSQ(rows.dimension, faiss.ScalarQuantizer.QT_8bit, hnsw.m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = hnsw.ef_construction
            sample = np.random.default_rng(0).choice(len(rows), min(len(rows), QUANTISER_TRAINING_ROWS), replace=False)
            index.train(rows.take(np.sort(sample)))
        for part in rows.parts:
            index.add(np.ascontiguousarray(part, dtype=np.float32))
        if hnsw is None:
            return cls(index)
        return cls(index, rows, hnsw.ef_search)

    @property
    def dimension(self) -> int:
        return self._index.d

    @property
    def approximate(self) -> bool:
        return self._ef_search is not None

    def __len__(self) -> int:
        return self._index.ntotal

    def search(self, query: np.ndarray, k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Row ids (int64) and scores (float32) of the k rows nearest to one query, best first;
        with `rows` (sorted, unique row ids), among those rows only."""
        vector = self._query_vector(query)
        if rows is not None and len(rows) <= EXACT_RESTRICTION_ROWS:
            return _best(rows, self.similarities(vector, rows), k)
        k = min(k, len(self) if rows is None else len(rows))
        if k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        # HNSW visits efSearch candidates whatever k is; its 8-bit codes only approximate the
        # similarity, so all of them are scored exactly and the best k kept
        asked = max(k, self._ef_search) if self.approximate else k
        with _one_thread():
            scores, ids = self._index.search(vector.reshape(1, -1), asked, params=self._parameters(rows))
        found = ids[0] >= 0  # HNSW may return fewer than asked
        ids, scores = ids[0][found].astype(np.int64), scores[0][found]
        if self.approximate:
            candidates = np.sort(ids)
            return _best(candidates, self.similarities(vector, candidates), k)
        return ids, scores.astype(np.float32)

    def similarities(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact inner products of the query with `rows`, by the kernel IndexFlatIP searches with, so
        that a row scores the same whichever way it was reached."""
        vector = self._query_vector(query)
        taken = self._rows.take(np.asarray(rows, dtype=np.int64))
        similarities = np.empty(len(taken), dtype=np.float32)
        if len(taken):
            faiss.fvec_inner_products_ny(faiss.swig_ptr(similarities), faiss.swig_ptr(vector), faiss.swig_ptr(taken), self.dimension, len(taken))
        return similarities

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, rows: RowVectors | None = None, ef_search: int | None = None) -> VectorIndex:
        """A saved index; an approximate one needs the exact vectors of its rows and its efSearch."""
        index = faiss.read_index(str(path))
        if isinstance(index, faiss.IndexFlat):
            return cls(index)
        if rows is None or ef_search is None or len(rows) != index.ntotal:
            raise ValueError(f"an approximate index of {index.ntotal} rows needs the exact vectors of as many rows and its efSearch")
        return cls(index, rows, ef_search)

    def _query_vector(self, query: np.ndarray) -> np.ndarray:
        vector = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if vector.shape[0] != self.dimension:
            raise ValueError(f"query has dimension {vector.shape[0]}, index has {self.dimension}")
        return vector

    def _parameters(self, rows: np.ndarray | None) -> faiss.SearchParameters | None:
        selector = None if rows is None else faiss.IDSelectorBatch(np.ascontiguousarray(rows, dtype=np.int64))
        if self.approximate:
            return faiss.SearchParametersHNSW(sel=selector, efSearch=self._ef_search)
        return None if selector is None else faiss.SearchParameters(sel=selector)


@contextmanager
def _one_thread() -> Iterator[None]:
    """One question searched on one thread. OpenMP's threads barely speed up a single query, and on a
    busy machine they wait for each other: 10,000 rows took 50 ms on two threads, 0.6 ms on one."""
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(threads)


def _two_dimensional(embeddings: np.ndarray) -> np.ndarray:
    if embeddings.ndim != 2:
        raise ValueError(f"embeddings must be a 2-D array, got shape {embeddings.shape}")
    return embeddings


def _flat_storage(index: faiss.IndexFlat) -> RowVectors:
    """The flat index's own rows, viewed rather than copied."""
    stored = faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d) if index.ntotal else np.empty(0, dtype=np.float32)
    return RowVectors([stored.reshape(index.ntotal, index.d)])


def _best(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best of `rows` by score, best first; ties by row, as a full sort of every row would order them."""
    order = np.lexsort((rows, -scores))[: max(k, 0)]
    return rows[order].astype(np.int64), scores[order].astype(np.float32)
