"""Persistence of index components, each with a manifest, written atomically and verified when opened.

Every component (the BM25 matrix, one vector index per encoder) lives in its own folder named
after what it was built from: the kind, the encoder and a fingerprint of the corpus text and
tokenizer. A changed corpus therefore never meets an old component: it asks for a folder that
does not exist yet and is built anew. A component is written into a temporary folder and renamed
into place only when complete, so a build that dies leaves the previous index usable. The manifest
lists a sha256 of every file, so a file truncated, overwritten or deleted later is found on opening
and the component rebuilt (or refused, where building is not allowed) rather than loaded.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

FORMAT_VERSION = 2  # 2: the manifest lists a checksum of every file
MANIFEST_FILE = "manifest.json"
TEMPORARY_PREFIX = ".building-"
# Held while a temporary folder is made and locked, and while abandoned ones are looked for, so that
# a folder is never found between being made and being locked.
STORE_LOCK_FILE = ".lock"

_log = logging.getLogger(__name__)
T = TypeVar("T")


class UnusableIndexError(RuntimeError):
    """An index on disk that cannot be used as it is; the message says why and what to do."""


class UnusableComponentError(UnusableIndexError):
    """A component folder that is missing, damaged or built for something else."""

    def __init__(self, directory: Path, reason: str):
        # The folder by its name in the data folder: what an operator sees there, wherever it is mounted.
        super().__init__(f"index component {directory.name}: {reason}; run `qa build`")
        self.component = directory.name
        self.reason = reason


@dataclass(frozen=True)
class Manifest:
    kind: str  # "bm25", "vectors", "synonyms" or "vocabulary"
    name: str  # the tokenizer or encoder name
    corpus_checksum: str
    fingerprint: str
    passages: int
    format_version: int = FORMAT_VERSION
    dimension: int | None = None
    files: dict[str, str] = field(default_factory=dict)  # path in the folder -> sha256, filled in when published


# The corpus checksum of a component made from no library's text (the CC-CEDICT fallback): every
# library uses the same one, so a library change neither rebuilds it nor prunes it.
ANY_LIBRARY = "*"


def fingerprint(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def file_checksum(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass(frozen=True)
class IndexStore:
    root: Path  # equal roots are the same store, so what is cached per store is shared by them

    def component_dir(self, kind: str, name: str, component_fingerprint: str) -> Path:
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "default"
        return self.root / f"{kind}-{slug}-{component_fingerprint}"

    def read_manifest(self, directory: Path, expected: Manifest) -> Manifest:
        """The component's manifest, checked against what the caller is about to use it for and
        against the files it lists."""
        try:
            manifest = Manifest(**json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise UnusableComponentError(directory, f"{MANIFEST_FILE} is missing") from None
        except (OSError, ValueError, TypeError) as error:
            raise UnusableComponentError(directory, f"{MANIFEST_FILE} is unreadable ({error})") from None
        for attribute in ("format_version", "kind", "name", "corpus_checksum", "fingerprint", "passages"):
            found, wanted = getattr(manifest, attribute), getattr(expected, attribute)
            if found != wanted:
                raise UnusableComponentError(directory, f"it was built with {attribute}={found!r} but {wanted!r} is needed")
        if not isinstance(manifest.files, dict):
            raise UnusableComponentError(directory, f"{MANIFEST_FILE} is unreadable (its files are not a table of checksums)")
        for name, checksum in manifest.files.items():
            _verify_file(directory, name, checksum)
        return manifest

    def component(
        self,
        expected: Manifest,
        build: Callable[[Path], None],
        build_missing: bool = True,
        force: bool = False,
        check: Callable[[Path], Any] | None = None,
    ) -> Path:
        """The folder of the component `expected` describes, verified against its manifest and by
        `check` (which raises UnusableComponentError for content that is intact but unfit). Where it is
        missing or unusable (or always, with force) `build` writes it anew, if building is allowed."""
        directory = self.component_dir(expected.kind, expected.name, expected.fingerprint)
        if not force:
            try:
                return self._verified(directory, expected, check)
            except UnusableComponentError as error:
                if not build_missing:
                    raise
                if directory.exists():
                    _log.warning("index component %s: %s; rebuilding it from the corpus", error.component, error.reason)
        with self.writing(directory, expected) as temporary:
            build(temporary)
        return self._verified(directory, expected, check)

    def read(
        self, expected: Manifest, build: Callable[[Path], None], read: Callable[[Path], T], build_missing: bool = True, force: bool = False
    ) -> tuple[Path, T]:
        """The component's folder and what `read` makes of it, read once: `read` is the component's
        check as well (raising UnusableComponentError for content that is intact but unfit)."""
        found: list[T] = []
        directory = self.component(expected, build, build_missing, force, check=lambda folder: found.append(read(folder)))
        return directory, found[-1]  # the last read: the one of the folder as built, where the first was unfit

    def _verified(self, directory: Path, expected: Manifest, check: Callable[[Path], Any] | None) -> Path:
        if not directory.is_dir():
            raise UnusableComponentError(directory, "it has not been built for this corpus and configuration")
        self.read_manifest(directory, expected)
        if check is not None:
            check(directory)
        return directory

    @contextmanager
    def writing(self, final_dir: Path, manifest: Manifest) -> Iterator[Path]:
        """Yield a temporary folder to write a component into; publish it only if the block succeeds."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._remove_abandoned_builds()
        with self._locked_temporary() as temporary:
            try:
                yield temporary
                published = replace(manifest, files=_checksums(temporary))
                (temporary / MANIFEST_FILE).write_text(json.dumps(asdict(published), ensure_ascii=False, indent=2), encoding="utf-8")
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

    def prune(self, keep: Collection[str]) -> list[Path]:
        """Remove components built from texts not in `keep` (checksums of the library and of each of its
        documents), and leftovers of dead builds; components built from no library's text stay."""
        if not self.root.exists():
            return []
        removed = self._remove_abandoned_builds()
        for entry in sorted(self.root.iterdir()):
            if entry.name.startswith(TEMPORARY_PREFIX):
                continue
            if (built_from := _built_from(entry)) is not None and built_from != ANY_LIBRARY and built_from not in keep:
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        return removed

    @contextmanager
    def _locked_temporary(self) -> Iterator[Path]:
        """A new temporary folder, locked while this build uses it. The kernel drops the lock when the
        process ends, however it ends, so an unlocked temporary folder is one nobody will finish; an age
        rule could not tell a dead build from one still encoding a large library."""
        with self._store_lock():
            temporary = self.root / f"{TEMPORARY_PREFIX}{uuid.uuid4().hex}"
            temporary.mkdir()
            handle = os.open(temporary, os.O_RDONLY)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield temporary
        finally:
            os.close(handle)

    def _remove_abandoned_builds(self) -> list[Path]:
        """Remove the temporary folders no living build holds."""
        removed = []
        with self._store_lock():
            for entry in sorted(self.root.glob(f"{TEMPORARY_PREFIX}*")):
                if not _held(entry):
                    shutil.rmtree(entry, ignore_errors=True)
                    removed.append(entry)
        return removed

    @contextmanager
    def _store_lock(self) -> Iterator[None]:
        with open(self.root / STORE_LOCK_FILE, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield


def _held(entry: Path) -> bool:
    try:
        handle = os.open(entry, os.O_RDONLY)
    except OSError:
        return True  # gone already, or not ours to open: left alone
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(handle)


def _verify_file(directory: Path, name: str, checksum: str) -> None:
    try:
        found = file_checksum(directory / name)
    except FileNotFoundError:
        raise UnusableComponentError(directory, f"{name} is missing") from None
    except OSError as error:
        raise UnusableComponentError(directory, f"{name} cannot be read ({error.strerror})") from None
    if found != checksum:
        raise UnusableComponentError(directory, f"{name} is damaged (truncated or overwritten: its checksum is not the one in {MANIFEST_FILE})")


def _checksums(directory: Path) -> dict[str, str]:
    return {path.relative_to(directory).as_posix(): file_checksum(path) for path in sorted(directory.rglob("*")) if path.is_file()}


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


JSON_FILE = "data.json"


def json_component(
    store: IndexStore, expected: Manifest, build: Callable[[], Any], build_missing: bool = True, force: bool = False
) -> Any:
    """A component that is one JSON document (synonyms, vocabulary): built once per manifest, then read back."""

    def write(temporary: Path) -> None:
        (temporary / JSON_FILE).write_text(json.dumps(build(), ensure_ascii=False, indent=0), encoding="utf-8")

    directory = store.component(expected, write, build_missing, force)
    return json.loads((directory / JSON_FILE).read_text(encoding="utf-8"))
