"""Every channel asks through here: each answer's intent goes on the request's log line, and the
questions the library could not answer are kept for operators."""
from __future__ import annotations

from collections.abc import Sequence

from qa.answer import Answer
from service.request_log import note
from service.unanswered import UnansweredQuestions
from service.wechat import Asker


class TrackedAsker:
    def __init__(self, asker: Asker, unanswered: UnansweredQuestions) -> None:
        self._asker = asker
        self._unanswered = unanswered

    def ask(self, question: str, top_k: int | None = None, conversation_id: str | None = None, documents: Sequence[str] = ()) -> Answer:
        answer = self._asker.ask(question, top_k, conversation_id, documents)
        note(intent=answer.intent.value, abstained=answer.abstained)
        if answer.abstained:
            self._unanswered.record(answer.question, answer.language)
        return answer
