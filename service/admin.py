"""Operator routes under /admin, served only when QA_ADMIN_TOKEN is set and answered only to its bearer."""
from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query

from service.api_models import INVALID, ErrorBody
from service.unanswered import UnansweredQuestion, UnansweredQuestions

UNAUTHORIZED = {401: {"model": ErrorBody, "description": "No or a wrong `Authorization: Bearer` token"}}


def admin_guard(token: str) -> Callable[..., Awaitable[None]]:
    """A dependency that lets through only requests bearing `token`."""
    expected = token.encode()

    async def require_admin(authorization: Annotated[str, Header()] = "") -> None:
        scheme, _, given = authorization.partition(" ")
        # compare_digest: the time taken must not tell how much of a guess was right
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
            raise HTTPException(401, "send Authorization: Bearer <QA_ADMIN_TOKEN>", headers={"WWW-Authenticate": "Bearer"})

    return require_admin


def build_admin_router(token: str, unanswered: UnansweredQuestions) -> APIRouter:
    router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(admin_guard(token))], responses={**UNAUTHORIZED, **INVALID})

    @router.get("/unanswered", response_model=list[UnansweredQuestion])
    async def unanswered_questions(
        limit: Annotated[int, Query(ge=1, le=500, description="How many questions, newest first")] = 50,
    ) -> list[UnansweredQuestion]:
        """The questions the service recently abstained on, with how often each was asked."""
        return unanswered.recent(limit)

    return router
