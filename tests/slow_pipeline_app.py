"""The real app on a pipeline that is slowed down and counts its runs, for the five-second-rule tests.

Env: as for service.app:create_app_from_env, plus QA_TEST_ASK_DELAY (seconds added to every ask) and
QA_TEST_ASK_LOG (a file that gets one line per ask, so a test can count runs inside the server process).
"""
from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI

from qa.answer import Answer
from qa.pipeline import QAPipeline
from qa.redis_store import open_state_store
from qa.settings import Settings
from service.app import create_app as create_service_app
from service.readiness import PipelineHolder


class SlowCountingPipeline(QAPipeline):
    delay_seconds = 0.0
    log: Path | None = None

    def ask(self, question: str, top_k: int | None = None, conversation_id: str | None = None, documents: Sequence[str] = ()) -> Answer:
        if self.log is not None:
            with self.log.open("a", encoding="utf-8") as log:
                log.write(f"{conversation_id}\t{question}\n")
        time.sleep(self.delay_seconds)
        return super().ask(question, top_k, conversation_id, documents)


def create_app() -> FastAPI:
    settings = Settings()
    pipeline = SlowCountingPipeline.from_settings(settings)
    pipeline.delay_seconds = float(os.environ.get("QA_TEST_ASK_DELAY", "0"))
    log = os.environ.get("QA_TEST_ASK_LOG")
    pipeline.log = Path(log) if log else None
    return create_service_app(settings, PipelineHolder(pipeline, state_store=open_state_store(settings)))
