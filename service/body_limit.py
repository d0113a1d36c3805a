"""Request bodies capped per route while they stream in, so that no request makes the server hold more than its cap.

A Content-Length over the cap is refused before anything is read. A body without one (chunked) is
counted as it arrives and refused as soon as it passes the cap: the server never holds more than
the cap plus one chunk, however much the client goes on sending.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

KIB = 1024
MIB = 1024 * KIB


class BodyTooLarge(Exception):
    """Raised into the app by `receive` once the body passes its cap."""


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, caps: Mapping[str, int], default_cap: int) -> None:
        self.app = app
        self.caps = caps  # path -> most bytes a request body may have
        self.default_cap = default_cap

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.caps.get(scope["path"], self.default_cap)
        if declared_length(scope) > cap:
            await send_too_large(send, cap)
            return

        received = 0
        overflowed = False
        response_started = False

        async def capped_receive() -> Message:
            nonlocal received, overflowed
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    overflowed = True
                    raise BodyTooLarge
            return message

        async def send_unless_overflowed(message: Message) -> None:
            nonlocal response_started
            # The app's own reply to the failed read (FastAPI turns it into a 400) gives way to the 413.
            if overflowed and not response_started:
                return
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, capped_receive, send_unless_overflowed)
        except Exception:
            if not overflowed:
                raise
        if overflowed and not response_started:
            await send_too_large(send, cap)


def declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0  # the HTTP server has refused a malformed one already
    return 0


def describe_size(size: int) -> str:
    return f"{size // MIB} MiB" if size % MIB == 0 else f"{size // KIB} KiB"


async def send_too_large(send: Send, cap: int) -> None:
    body = json.dumps({"detail": f"the request body is larger than this route accepts ({describe_size(cap)})"}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        # The rest of the body is never read: the connection cannot carry another request.
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
