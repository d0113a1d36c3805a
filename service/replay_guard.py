"""Refuses signed WeChat callbacks that reuse a (timestamp, nonce) for another body.

A plaintext-mode signature covers only the token, the timestamp and the nonce, not the body: without
this guard, one captured URL signs any message for as long as its timestamp is fresh. WeChat's own
retries resend the same request unchanged, so a repeat with the same body is let through (the reply
coordinator answers it once).
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from qa.state_store import InMemoryStateStore, StateStore
from service.wechat_crypto import MAX_CLOCK_SKEW_SECONDS


class ReplayedCallback(Exception):
    pass


class ReplayGuard:
    """Remembers each (timestamp, nonce) in the store until its timestamp is too old to pass the
    freshness check: with a store the replicas share, a replay sent to another replica is refused too.
    The embedded store keeps at most max_entries, so a flood of signed callbacks cannot exhaust memory.

    Called after the signature and the timestamp have been checked."""

    def __init__(
        self,
        window_seconds: float = MAX_CLOCK_SKEW_SECONDS,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.time,
        store: StateStore | None = None,
        namespace: str = "replay",
    ) -> None:
        self._window = window_seconds
        self._clock = clock
        self._store = store or InMemoryStateStore(max_entries)
        self._namespace = namespace

    def check(self, timestamp: str, nonce: str, body: bytes) -> None:
        digest = hashlib.sha256(body).digest()
        key = f"{self._namespace}:{timestamp}:{nonce}"
        # At least a second: a timestamp at the window's very edge has just passed the check.
        remember_seconds = max(int(timestamp) + self._window - self._clock(), 1.0)
        if self._store.put_if_absent(key, digest, remember_seconds):
            return
        # None: forgotten since, as the window closed; the check it passed a moment ago stands.
        if self._store.get(key) not in (digest, None):
            raise ReplayedCallback("this timestamp and nonce were already used for another message")
