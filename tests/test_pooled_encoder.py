"""Query embeddings are cached per encoder, bounded, and every encoding waits for one of the slots."""
from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from index.encoders import PooledEncoder, load_encoder, preload_encoders


class RecordingEngine:
    """The real USE engine, recording which texts reach it and how many encodings run at once."""

    def __init__(self) -> None:
        self.engine = load_encoder("use")
        self.name, self.dimension = self.engine.name, self.engine.dimension
        self.encoded: list[str] = []
        self.running = self.most_running = 0
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            self.encoded += texts
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        time.sleep(0.02)  # long enough for the other threads to arrive while it runs
        try:
            return self.engine.encode_queries(texts)
        finally:
            with self._lock:
                self.running -= 1

    def encode_passages(self, texts, progress=None) -> np.ndarray:
        return self.encode_queries(texts)


@pytest.fixture(scope="module")
def engine() -> RecordingEngine:
    return RecordingEngine()


def test_a_query_asked_again_is_not_encoded_again(engine: RecordingEngine):
    encoder = PooledEncoder(engine, slots=threading.BoundedSemaphore(2))
    engine.encoded.clear()
    first = encoder.encode_queries(["棚户区改造贷款", "PPP"])
    again = encoder.encode_queries(["PPP", "棚户区改造贷款", "新问题"])
    assert engine.encoded == ["棚户区改造贷款", "PPP", "新问题"]
    assert np.array_equal(again[:2], first[::-1])
    assert np.array_equal(again, engine.engine.encode_queries(["PPP", "棚户区改造贷款", "新问题"]))
    assert encoder.encode_queries([]).shape == (0, encoder.dimension)
    with pytest.raises(TypeError, match="single string"):
        encoder.encode_queries("PPP")


def test_the_cache_keeps_only_the_most_recent_queries(engine: RecordingEngine):
    encoder = PooledEncoder(engine, max_queries=2, slots=threading.BoundedSemaphore(2))
    for text in ("一", "二", "三", "一"):
        encoder.encode_queries([text])
    assert engine.encoded[-4:] == ["一", "二", "三", "一"]  # 一 was the oldest when 三 came


def test_rows_handed_out_cannot_change_what_is_cached(engine: RecordingEngine):
    encoder = PooledEncoder(engine, slots=threading.BoundedSemaphore(2))
    rows = encoder.encode_queries(["棚改"])
    rows[0] = 0.0
    assert np.linalg.norm(encoder.encode_queries(["棚改"])[0]) == pytest.approx(1.0, abs=1e-5)


def test_no_more_encodings_run_at_once_than_there_are_slots(engine: RecordingEngine):
    encoder = PooledEncoder(engine, slots=threading.BoundedSemaphore(1))
    engine.most_running = 0
    threads = [threading.Thread(target=encoder.encode_queries, args=([f"问题{n}"],)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert engine.most_running == 1


def test_an_encoder_is_loaded_once_per_process_and_can_be_loaded_ahead():
    preload_encoders(["use"])
    assert load_encoder("use") is load_encoder("use")
    with pytest.raises(ValueError, match="unknown encoder 'bert'"):
        load_encoder("bert")
