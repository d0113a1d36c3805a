"""One log line per request: its id, route, status and latency, and what the answer was, if any.

The id is the client's X-Request-ID when it sends a usable one, else a new one; either way it comes
back in the response's X-Request-ID header, so a client's report can be found in the log. The line
never holds the query string (WeChat signs its callbacks there) nor any header.
"""
from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.error_text import excerpt

REQUEST_ID_HEADER = "x-request-id"
USABLE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")

logger = logging.getLogger(__name__)
# Shared by reference with worker threads and tasks started for the request, which copy the context.
_request_fields: ContextVar[dict[str, Any] | None] = ContextVar("request_fields", default=None)


def note(**fields: Any) -> None:
    """Add fields to the current request's log line; outside a request, nothing happens."""
    current = _request_fields.get()
    if current is not None:
        current.update(fields)


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = chosen_request_id(scope)
        fields: dict[str, Any] = {}
        token = _request_fields.set(fields)
        started = time.perf_counter()
        status = 500  # what the server sends when the app fails before answering

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            _request_fields.reset(token)
            route = scope.get("route")  # set by the router once it has matched one
            path = excerpt(scope["path"])
            logger.info(
                "%s %s %d",
                scope["method"],
                path,
                status,
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "route": getattr(route, "path", None),
                    "path": path,
                    "status": status,
                    "latency_ms": round((time.perf_counter() - started) * 1000, 1),
                    **fields,
                },
            )


def chosen_request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER.encode() and USABLE_REQUEST_ID.fullmatch(value):
            return value.decode()
    return uuid.uuid4().hex
