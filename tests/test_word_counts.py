"""jieba's dictionary kept in the index store segments exactly as jieba's own loading does."""
from __future__ import annotations

from pathlib import Path

import pytest

import jieba

from corpus.library import BUNDLED_LIBRARY, Library
from index.store import IndexStore
from index.tokenizer import Tokenizer
from index.word_counts import WORDS_FILE, jieba_word_counts, open_word_counts

pytestmark = pytest.mark.slow  # seconds of parsing each, no index


def test_the_kept_dictionary_is_jiebas_and_segments_alike(tmp_path: Path):
    store = IndexStore(tmp_path)
    own = jieba_word_counts()
    open_word_counts(store)
    kept = open_word_counts(store)
    assert kept == own
    texts = [p.text for p in Library.load(BUNDLED_LIBRARY).passages][:40]
    words = ["省发展改革委", "棚户区改造"]
    with_store, with_jieba = Tokenizer(words, word_counts=lambda: kept), Tokenizer(words)
    assert [with_store.tokenize(t) for t in texts] == [with_jieba.tokenize(t) for t in texts]


def test_installing_the_dictionary_leaves_it_unchanged_for_the_next_segmenter(tmp_path: Path):
    counts = open_word_counts(IndexStore(tmp_path))
    first = jieba.Tokenizer()
    counts.install(first)
    first.add_word("一个新词", freq=20_000)
    assert "一个新词" not in counts.counts


def test_a_damaged_word_list_is_rebuilt(tmp_path: Path):
    store = IndexStore(tmp_path)
    open_word_counts(store)
    [words] = tmp_path.glob(f"segmenter-jieba-*/{WORDS_FILE}")
    words.write_text("只有一行", encoding="utf-8")
    assert open_word_counts(store) == jieba_word_counts()
