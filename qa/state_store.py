"""Where state lives that every replica of the service must see alike: conversations, chat replies,
cached answers. One small key-value interface; in the process by default, Redis when configured
(see qa.redis_store), so that two replicas behind one load balancer answer a follow-up or a retried
WeChat message the same way."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol


class StateStore(Protocol):
    """Bytes under string keys, each with a time to live. Callers namespace their keys
    ("conversation:…", "reply:…"); values are their own serialisation."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, value: bytes, ttl_seconds: float) -> None: ...

    def put_if_absent(self, key: str, value: bytes, ttl_seconds: float) -> bool:
        """Store only if the key holds nothing: True for the one caller that claimed it."""
        ...

    def delete(self, key: str) -> None: ...


class InMemoryStateStore:
    """The embedded default: bounded in entries and age, so a flood of keys cannot exhaust memory;
    the least recently written entry goes first."""

    def __init__(self, max_entries: int = 20_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()  # key -> (expires at, value)
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= self._clock():
                del self._entries[key]
                return None
            return entry[1]

    def put(self, key: str, value: bytes, ttl_seconds: float) -> None:
        with self._lock:
            self._write(key, value, ttl_seconds)

    def put_if_absent(self, key: str, value: bytes, ttl_seconds: float) -> bool:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > self._clock():
                return False
            self._write(key, value, ttl_seconds)
            return True

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def _write(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self._entries[key] = (self._clock() + ttl_seconds, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
