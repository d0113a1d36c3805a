"""Persistence of index components, each with a manifest, written atomically.

Every component (the BM25 matrix, one vector index per encoder) lives in its own folder named
after what it was built from: the kind, the encoder and a fingerprint of the corpus text and
tokenizer. A changed corpus therefore never meets an old component: it asks for a folder that
does not exist yet and is built anew. A component is written into a temporary folder and renamed
into place only when complete, so a build that dies leaves the previous index usable.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

FORMAT_VERSION = 1
MANIFEST_FILE = "manifest.json"
TEMPORARY_PREFIX = ".building-"
ABANDONED_AFTER_SECONDS = 3600  # a temporary folder this old belongs to a build that died


class UnusableIndexError(RuntimeError):
    """An index on disk that cannot be used as it is; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    kind: str  # "bm25", "vectors" or "synonyms"
    name: str  # the tokenizer or encoder name
    corpus_checksum: str
    fingerprint: str
    passages: int
    format_version: int = FORMAT_VERSION
    dimension: int | None = None


def fingerprint(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


class IndexStore:
    def __init__(self, root: Path):
        self.root = root

    def component_dir(self, kind: str, name: str, component_fingerprint: str) -> Path:
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "default"
        return self.root / f"{kind}-{slug}-{component_fingerprint}"

    def read_manifest(self, directory: Path, expected: Manifest) -> Manifest:
        """The component's manifest, checked against what the caller is about to use it for."""
        try:
            data = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
            manifest = Manifest(**data)
        except FileNotFoundError:
            raise UnusableIndexError(f"{directory} has no {MANIFEST_FILE}; delete the folder and run `qa build`") from None
        except (json.JSONDecodeError, TypeError) as error:
            raise UnusableIndexError(f"{directory / MANIFEST_FILE} is unreadable ({error}); delete the folder and run `qa build`") from None
        for field in ("format_version", "kind", "name", "corpus_checksum", "fingerprint", "passages"):
            found, wanted = getattr(manifest, field), getattr(expected, field)
            if found != wanted:
                raise UnusableIndexError(
                    f"{directory} was built with {field}={found!r} but {wanted!r} is needed; run `qa build --force` to rebuild it"
                )
        return manifest

    def component(self, expected: Manifest, build: Callable[[Path], None], build_missing: bool = True, force: bool = False) -> Path:
        """The folder of the component `expected` describes, checked against it; where it is missing
        (or always, with force) `build` first writes it into a temporary folder that is published whole."""
        directory = self.component_dir(expected.kind, expected.name, expected.fingerprint)
        if force or not directory.exists():
            if not build_missing:
                raise UnusableIndexError(f"no index at {directory} for this corpus and configuration; run `qa build`")
            with self.writing(directory, expected) as temporary:
                build(temporary)
        self.read_manifest(directory, expected)
        return directory

    @contextmanager
    def writing(self, final_dir: Path, manifest: Manifest) -> Iterator[Path]:
        """Yield a temporary folder to write a component into; publish it only if the block succeeds."""
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = self.root / f"{TEMPORARY_PREFIX}{uuid.uuid4().hex}"
        temporary.mkdir()
        try:
            yield temporary
            (temporary / MANIFEST_FILE).write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=2), encoding="utf-8")
            _fsync_tree(temporary)
            retired = None
            if final_dir.exists():
                retired = self.root / f"{TEMPORARY_PREFIX}{uuid.uuid4().hex}"
                os.rename(final_dir, retired)
            os.rename(temporary, final_dir)
            if retired is not None:
                shutil.rmtree(retired, ignore_errors=True)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise

    def prune(self, corpus_checksum: str) -> list[Path]:
        """Remove components built from another version of the corpus, and leftovers of dead builds."""
        removed = []
        if not self.root.exists():
            return removed
        for entry in sorted(self.root.iterdir()):
            if entry.name.startswith(TEMPORARY_PREFIX):
                stale = time.time() - entry.stat().st_mtime > ABANDONED_AFTER_SECONDS
            else:
                stale = _built_from(entry) not in (None, corpus_checksum)
            if stale:
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        return removed


def _built_from(directory: Path) -> str | None:
    """The corpus checksum a component folder was built from; None for anything that is not one."""
    try:
        return json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8")).get("corpus_checksum", "")
    except (OSError, ValueError, AttributeError):
        return None


def _fsync_tree(directory: Path) -> None:
    for path in directory.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
