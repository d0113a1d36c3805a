"""Logs as one JSON object per line on stderr, for log collectors to index by field."""
from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

# What every LogRecord carries (and uvicorn's coloured copy of the message); anything else on a
# record came from `extra=` and becomes a field.
STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((key, value) for key, value in record.__dict__.items() if key not in STANDARD_ATTRIBUTES)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_json_logging() -> None:
    """JSON on stderr for every logger, uvicorn's included; the service's own at the level uvicorn
    was given (--log-level), INFO without uvicorn.

    uvicorn's access log is switched off: the service's request log replaces it, and leaves out the
    query strings, which on the WeChat routes carry signatures. Safe to call more than once."""
    root = logging.getLogger()
    if not any(isinstance(handler.formatter, JsonFormatter) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    uvicorn = logging.getLogger("uvicorn")
    served_by_uvicorn = bool(uvicorn.handlers)
    level = logging.getLogger("uvicorn.error").getEffectiveLevel() if served_by_uvicorn else logging.INFO
    logging.getLogger("service").setLevel(level)
    for handler in uvicorn.handlers:
        handler.setFormatter(JsonFormatter())
    logging.getLogger("uvicorn.access").disabled = True
