"""What error bodies may show: a short excerpt of what came in, and the server's own files without their paths."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi.encoders import jsonable_encoder

EXCERPT_CHARS = 80
ELLIPSIS = "…"
# An absolute path anywhere in a message: its folders go, its last part stays ("…/catalog.json")
ABSOLUTE_PATH = re.compile(r"(?<![\w.~$:/-])/(?:[^\s/'\"():;,]+/)*([^\s/'\"():;,]*)")


def excerpt(value: Any) -> Any:
    """The value if it is short; else the start of its text, so that a huge input is never sent back whole."""
    text = value if isinstance(value, str) else json.dumps(jsonable_encoder(value), ensure_ascii=False)
    if len(text) <= EXCERPT_CHARS:
        return value
    return text[:EXCERPT_CHARS] + ELLIPSIS


def without_paths(message: str, named_folders: dict[str, Path]) -> str:
    """The message with each named folder replaced by its name (e.g. $QA_LIBRARY_DIR) and any other
    absolute path cut to its last part: a client learns what went wrong, not how the server is laid out."""
    folders = [(str(path.resolve()), name) for name, path in named_folders.items()]
    folders += [(str(path), name) for name, path in named_folders.items() if path.is_absolute()]
    for folder, name in sorted(folders, key=lambda pair: len(pair[0]), reverse=True):
        message = message.replace(folder, name)
    return ABSOLUTE_PATH.sub(lambda match: f"{ELLIPSIS}/{match.group(1)}", message)
