"""HTTP requests that httpx will not send: a body that keeps streaming after the server has answered,
or a Content-Length with no body behind it. The response is read while the body is still going out."""
from __future__ import annotations

import contextlib
import http.client
import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

CHUNK_BYTES = 64 * 1024
TIMEOUT_SECONDS = 30
SENDER_GRACE_SECONDS = 1.0


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes


def post_chunked(base_url: str, target: str, total_bytes: int, content_type: str = "text/xml") -> RawResponse:
    """POST total_bytes of filler with Transfer-Encoding: chunked (no Content-Length)."""
    head = {"Content-Type": content_type, "Transfer-Encoding": "chunked"}
    chunk = b"x" * CHUNK_BYTES

    def send_body(sock: socket.socket) -> None:
        for start in range(0, total_bytes, CHUNK_BYTES):
            piece = chunk[: min(CHUNK_BYTES, total_bytes - start)]
            sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        sock.sendall(b"0\r\n\r\n")

    return _exchange(base_url, target, head, send_body)


def post_whole(base_url: str, target: str, body: bytes) -> RawResponse:
    """POST a JSON body declared by its Content-Length, answered perhaps before all of it is sent."""
    return _exchange(base_url, target, {"Content-Type": "application/json", "Content-Length": str(len(body))}, lambda sock: sock.sendall(body))


def post_declaring(base_url: str, target: str, content_length: int) -> RawResponse:
    """POST headers that announce content_length bytes, and send none of them."""
    return _exchange(base_url, target, {"Content-Type": "application/json", "Content-Length": str(content_length)}, lambda _: None)


def _exchange(base_url: str, target: str, headers: dict[str, str], send_body) -> RawResponse:
    address = urlsplit(base_url)
    sock = socket.create_connection((address.hostname, address.port), timeout=TIMEOUT_SECONDS)
    request_head = f"POST {target} HTTP/1.1\r\nHost: {address.netloc}\r\n"
    request_head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    sock.sendall(request_head.encode())

    def send_quietly() -> None:
        try:
            send_body(sock)
        except OSError:
            pass  # the server answered and closed: the rest of the body was never wanted

    sender = threading.Thread(target=send_quietly, daemon=True)
    sender.start()
    try:
        response = http.client.HTTPResponse(sock)
        response.begin()
        return RawResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        with contextlib.suppress(OSError):  # the server may have closed the connection already
            sock.shutdown(socket.SHUT_RDWR)  # wakes a sender blocked on a full buffer
        sock.close()
        # The answer is in: a sender still blocked on the closed socket ends at its own timeout, a
        # daemon that must not hold the test (a shutdown does not always wake it once the peer has reset).
        sender.join(SENDER_GRACE_SECONDS)
