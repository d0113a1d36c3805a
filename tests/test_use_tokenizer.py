"""USE's tokenizer restored from the tables kept in the index store tokenises exactly as a fresh parse."""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus.library import BUNDLED_LIBRARY, Library
from eval.gold import GOLD_PATH, TEST_PATH, load_gold
from index.store import IndexStore
from index.use_tokenizer import TABLES_FILE, open_use_tokenizer, parsed_tokenizer

pytestmark = pytest.mark.slow  # seconds of parsing each, no index


def test_the_kept_tables_tokenise_every_question_and_passage_as_the_parse_does(tmp_path: Path):
    store = IndexStore(tmp_path)
    written = open_use_tokenizer(store)  # parses sp.model and writes the tables
    restored = open_use_tokenizer(store)  # reads them back
    parsed = parsed_tokenizer()
    texts = [q.q for path in (GOLD_PATH, TEST_PATH) for q in load_gold(path)]
    texts += [p.text for p in Library.load(BUNDLED_LIBRARY).passages]
    texts += ["", "   ", "珲春 -俄罗斯扎鲁比诺港", "ＰＰＰ　模式", "İstanbul ǅ ﬁ"]
    expected = parsed.encode(texts)
    assert written.encode(texts) == expected
    assert restored.encode(texts) == expected
    assert restored.vocab_size == parsed.vocab_size


def test_damaged_tables_are_rebuilt_rather_than_read(tmp_path: Path):
    store = IndexStore(tmp_path)
    open_use_tokenizer(store)
    [tables] = tmp_path.glob(f"tokenizer-use-*/{TABLES_FILE}")
    tables.write_bytes(tables.read_bytes()[:100])
    assert open_use_tokenizer(store).encode("棚户区改造") == parsed_tokenizer().encode("棚户区改造")
