"""What the HTTP routes stand on, loaded in a background thread: the parsed library with its
department registry first (the lookups need nothing more), then the search index.

Until a part is loaded, the properties that hand it out raise PipelineNotReady, which carries the
loading phase and the time spent so far for /readyz and every 503.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
import time
from collections.abc import Callable, Sequence

from corpus.library import Library
from index.encoders import preload_encoders
from index.store import IndexStore
from qa.answer import Answer
from qa.pipeline import QAPipeline
from qa.settings import Settings
from qa.state_store import InMemoryStateStore, StateStore
from service.server_paths import without_paths
from service.api_models import Readiness
from service.pipeline_loading import build_pipeline

logger = logging.getLogger(__name__)
_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or None)


def release_freed_memory() -> None:
    """Hand memory freed by a replaced pipeline back to the system: glibc keeps freed heap pages in
    its arenas, so a reload would otherwise leave the process as large as two pipelines."""
    gc.collect()
    if trim := getattr(_LIBC, "malloc_trim", None):  # glibc only
        trim(0)

LOADING_RETRY_SECONDS = 5
# A failed load waits for an operator to fix it and restart the service: clients need not come back soon.
FAILED_RETRY_SECONDS = 300


class PipelineNotReady(RuntimeError):
    def __init__(self, message: str, loading: bool, phase: str, elapsed_seconds: float):
        super().__init__(message)
        self.loading = loading  # False once loading has failed: waiting will not help
        self.phase = phase
        self.elapsed_seconds = elapsed_seconds

    @property
    def retry_after_seconds(self) -> int:
        return LOADING_RETRY_SECONDS if self.loading else FAILED_RETRY_SECONDS


class PipelineHolder:
    def __init__(
        self, pipeline: QAPipeline | None = None, clock: Callable[[], float] = time.monotonic, state_store: StateStore | None = None
    ):
        self._clock = clock
        # Where the pipelines it builds keep conversations: they carry over when a reload swaps the pipeline.
        self._state_store = state_store or InMemoryStateStore()
        self._started = clock()
        self._ended: float | None = None  # when loading succeeded or failed: the elapsed time stops there
        self._pipeline = pipeline
        self._library = pipeline.library if pipeline else None
        self._phase = "ready" if pipeline else "starting"
        self._failure: str | None = None
        self._reload_lock = threading.Lock()
        self._loader: threading.Thread | None = None

    @property
    def state_store(self) -> StateStore:
        return self._state_store

    def start_loading(self, settings: Settings) -> None:
        """Load the pipeline in a background thread, unless one is loaded or loading already."""
        if self._pipeline is None and self._loader is None:
            # Daemon: a server stopped mid-build exits at once; the index store writes atomically.
            self._loader = threading.Thread(target=self.load, args=(settings,), name="load-pipeline", daemon=True)
            self._loader.start()

    def load(self, settings: Settings) -> None:
        self._started = self._clock()
        part = "library"
        try:
            self._phase = "loading library"
            logger.info("loading library")
            preload_encoders(settings.encoder_specs, IndexStore(settings.data_dir))
            self._library = Library.load(settings.library_path)
            part = "index"
            self._pipeline = build_pipeline(settings, self._library, self._set_phase, self._state_store)
            self._ended = self._clock()
            self._phase = "ready"
            logger.info("ready in %.1f s", self.elapsed_seconds)
        except Exception as error:  # any failure must surface on /readyz rather than die with the thread
            self._ended = self._clock()
            logger.exception("loading the %s failed", part)
            folders = {"$QA_LIBRARY_DIR": settings.library_path, "$QA_DATA_DIR": settings.data_dir}
            self._failure = f"loading the {part} failed: {without_paths(str(error), folders)}"
            self._phase = "failed"

    def _set_phase(self, phase: str) -> None:
        self._phase = phase

    @property
    def elapsed_seconds(self) -> float:
        until = self._clock() if self._ended is None else self._ended
        return round(until - self._started, 1)

    @property
    def pipeline(self) -> QAPipeline:
        if self._pipeline is None:
            raise self._not_ready("index")
        return self._pipeline

    @property
    def library(self) -> Library:
        if self._library is None:
            raise self._not_ready("library")
        return self._library

    def _not_ready(self, part: str) -> PipelineNotReady:
        if self._failure is not None:
            return PipelineNotReady(self._failure, False, self._phase, self.elapsed_seconds)
        return PipelineNotReady(f"the {part} is still loading; try again shortly", True, self._phase, self.elapsed_seconds)

    def reload(self, settings: Settings) -> None:
        """Load the library and its index again beside the ones serving, then swap them in at once.
        One reload at a time; a reload that fails leaves the previous pipeline serving and raises."""
        with self._reload_lock:
            logger.info("reloading the library")
            started = self._clock()
            library = Library.load(settings.library_path)
            pipeline = build_pipeline(settings, library, lambda phase: None, self._state_store)
            self._library, self._pipeline = library, pipeline
            self._failure, self._phase = None, "ready"
            release_freed_memory()
            logger.info("reloaded in %.1f s: %d documents", self._clock() - started, len(library.documents))

    def readiness(self) -> Readiness:
        pipeline = self.pipeline
        return Readiness(
            documents=len(pipeline.library.documents),
            passages=len(pipeline.index.passages),
            retrievers=[retriever.name for retriever in pipeline.index.retrievers],
        )

    def ask(self, question: str, top_k: int | None = None, conversation_id: str | None = None, documents: Sequence[str] = ()) -> Answer:
        return self.pipeline.ask(question, top_k=top_k, conversation_id=conversation_id, documents=documents)
