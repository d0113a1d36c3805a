"""Refuses signed WeChat callbacks that reuse a (timestamp, nonce) for another body.

A plaintext-mode signature covers only the token, the timestamp and the nonce, not the body: without
this guard, one captured URL signs any message for as long as its timestamp is fresh. WeChat's own
retries resend the same request unchanged, so a repeat with the same body is let through (the reply
coordinator answers it once).
"""
from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable

from service.wechat_crypto import MAX_CLOCK_SKEW_SECONDS


class ReplayedCallback(Exception):
    pass


class ReplayGuard:
    """Remembers each (timestamp, nonce) until its timestamp is too old to pass the freshness check,
    and at most max_entries of them, so a flood of signed callbacks cannot exhaust memory.

    Called on the event loop only, after the signature and the timestamp have been checked."""

    def __init__(
        self,
        window_seconds: float = MAX_CLOCK_SKEW_SECONDS,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._window = window_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._seen: OrderedDict[tuple[str, str], tuple[bytes, float]] = OrderedDict()

    def check(self, timestamp: str, nonce: str, body: bytes) -> None:
        self._forget_expired()
        digest = hashlib.sha256(body).digest()
        key = (timestamp, nonce)
        seen = self._seen.get(key)
        if seen is None:
            self._seen[key] = (digest, int(timestamp) + self._window)
            while len(self._seen) > self._max_entries:
                self._seen.popitem(last=False)
        elif seen[0] != digest:
            raise ReplayedCallback("this timestamp and nonce were already used for another message")

    def _forget_expired(self) -> None:
        now = self._clock()
        while self._seen and next(iter(self._seen.values()))[1] < now:
            self._seen.popitem(last=False)
