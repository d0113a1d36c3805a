"""What error messages may show of the server's own files: their names without the folders they are in.

Apart from the excerpts of requests (service.error_text) so that the pipeline's loader can use it
before the web framework is imported.
"""
from __future__ import annotations

import re
from pathlib import Path

from qa.render_text import ELLIPSIS

# An absolute path anywhere in a message: its folders go, its last part stays ("…/catalog.json")
ABSOLUTE_PATH = re.compile(r"(?<![\w.~$:/-])/(?:[^\s/'\"():;,]+/)*([^\s/'\"():;,]*)")


def without_paths(message: str, named_folders: dict[str, Path]) -> str:
    """The message with each named folder replaced by its name (e.g. $QA_LIBRARY_DIR) and any other
    absolute path cut to its last part: a client learns what went wrong, not how the server is laid out."""
    folders = [(str(path.resolve()), name) for name, path in named_folders.items()]
    folders += [(str(path), name) for name, path in named_folders.items() if path.is_absolute()]
    for folder, name in sorted(folders, key=lambda pair: len(pair[0]), reverse=True):
        message = message.replace(folder, name)
    return ABSOLUTE_PATH.sub(lambda match: f"{ELLIPSIS}/{match.group(1)}", message)
