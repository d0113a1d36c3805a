"""jieba's general dictionary, kept with the index in a form that loads in a third of the time.

jieba reads its word counts from a marshal cache in the temporary folder (rebuilt from its dict.txt
wherever that is missing, as on a new machine) and takes 1.3-1.5 s doing so on these machines: most
of a service's start. The same table, as one text file of words and one array of counts, loads in
0.4 s. It depends on jieba alone, so every library uses the same one.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import jieba
import numpy as np

from index.store import ANY_LIBRARY, IndexStore, Manifest, UnusableComponentError, fingerprint

WORDS_FILE = "words.txt"  # one per line; jieba's words never hold a line break
COUNTS_FILE = "counts.npz"
FORMAT = 1


@dataclass(frozen=True)
class WordCounts:
    """Every word of jieba's dictionary and every prefix of one (counted 0), and the total jieba divides by."""

    counts: dict[str, int]
    total: int

    def install(self, segmenter: jieba.Tokenizer) -> None:
        """Give a segmenter this dictionary, as its own initialisation would."""
        with segmenter.lock:
            segmenter.FREQ, segmenter.total = dict(self.counts), self.total
            segmenter.initialized = True


def jieba_word_counts() -> WordCounts:
    segmenter = jieba.Tokenizer()
    # jieba logs its dictionary loading at DEBUG to stderr; silence only that step.
    previous_level = jieba.default_logger.level
    jieba.default_logger.setLevel(logging.WARNING)
    try:
        segmenter.initialize()
    finally:
        jieba.default_logger.setLevel(previous_level)
    return WordCounts(segmenter.FREQ, segmenter.total)


def open_word_counts(store: IndexStore, build_missing: bool = True, force: bool = False) -> WordCounts:
    expected = Manifest("segmenter", "jieba", ANY_LIBRARY, fingerprint(jieba.__version__, str(FORMAT)), 0)

    def build(folder: Path) -> None:
        table = jieba_word_counts()
        (folder / WORDS_FILE).write_text("\n".join(table.counts), encoding="utf-8")
        np.savez(folder / COUNTS_FILE, counts=np.fromiter(table.counts.values(), dtype=np.int64, count=len(table.counts)), total=table.total)

    return store.read(expected, build, _read, build_missing, force)[1]


def _read(directory: Path) -> WordCounts:
    words = (directory / WORDS_FILE).read_text(encoding="utf-8").split("\n")
    with np.load(directory / COUNTS_FILE) as arrays:
        counts, total = arrays["counts"], int(arrays["total"])
    if len(words) != len(counts):
        raise UnusableComponentError(directory, f"{WORDS_FILE} holds {len(words)} words but {COUNTS_FILE} {len(counts)} counts")
    return WordCounts(dict(zip(words, counts.tolist())), total)
