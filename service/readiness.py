"""The pipeline behind the HTTP routes, which may still be loading: a cold start builds the index first."""
from __future__ import annotations

import logging

from qa.answer import Answer
from qa.pipeline import QAPipeline
from qa.settings import Settings

logger = logging.getLogger(__name__)


class PipelineNotReady(RuntimeError):
    def __init__(self, message: str, loading: bool):
        super().__init__(message)
        self.loading = loading  # False once loading has failed: retrying will not help


class PipelineHolder:
    """The pipeline once it is loaded. Until then `ask` and `pipeline` raise PipelineNotReady, so the
    server can answer /healthz and say "loading" while a cold start builds the index."""

    def __init__(self, pipeline: QAPipeline | None = None):
        self._pipeline = pipeline
        self._failure: str | None = None

    def load(self, settings: Settings) -> None:
        try:
            pipeline = QAPipeline.from_settings(settings)
            pipeline.warm_up()  # ready means ready: the first users do not pay for lazy loading
            self._pipeline = pipeline
        except Exception as error:  # any failure must surface on /readyz rather than die with the thread
            logger.exception("loading the question-answering pipeline failed")
            self._failure = f"loading the index failed: {error}"

    @property
    def loaded(self) -> bool:
        return self._pipeline is not None

    @property
    def pipeline(self) -> QAPipeline:
        if self._pipeline is not None:
            return self._pipeline
        if self._failure is not None:
            raise PipelineNotReady(self._failure, loading=False)
        raise PipelineNotReady("the index is still loading; try again shortly", loading=True)

    def ask(self, question: str, top_k: int | None = None, conversation_id: str | None = None) -> Answer:
        return self.pipeline.ask(question, top_k=top_k, conversation_id=conversation_id)
