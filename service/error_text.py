"""What error bodies may show of what came in: a short excerpt of it."""
from __future__ import annotations

import json
from typing import Any

from fastapi.encoders import jsonable_encoder

from qa.render_text import ELLIPSIS

EXCERPT_CHARS = 80


def excerpt(value: Any) -> Any:
    """The value if it is short; else the start of its text, so that a huge input is never sent back whole."""
    text = value if isinstance(value, str) else json.dumps(jsonable_encoder(value), ensure_ascii=False)
    if len(text) <= EXCERPT_CHARS:
        return value
    return text[:EXCERPT_CHARS] + ELLIPSIS
