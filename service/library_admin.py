"""Changing the library while the service runs: adding and removing documents, and reloading.

Each change is made on disk first (all or nothing, see corpus.ingest), then the library and its
index are rebuilt beside the one serving and swapped in: questions asked meanwhile are answered
by the previous library, none fails. Served only with QA_ADMIN_TOKEN set, to its bearer.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile
from fastapi import Path as PathParameter
from starlette.concurrency import run_in_threadpool

from corpus.ingest import Upload, add_documents, remove_document
from corpus.library import LibraryError
from qa.settings import Settings
from service.admin import UNAUTHORIZED, admin_guard
from service.api_models import MAX_DOCUMENT_ID_CHARS, NOT_FOUND, TOO_LARGE, DocumentSummary, ErrorBody, Readiness, ValidationErrorBody
from service.readiness import PipelineHolder

MAX_UPLOAD_FILES = 20
# These routes refuse with a message of their own (ErrorBody) as well as with FastAPI's validation errors.
UNREADABLE = {
    422: {
        "model": ErrorBody | ValidationErrorBody,
        "description": f"A file that cannot be read or parsed, or not 1 to {MAX_UPLOAD_FILES} files; the library is unchanged",
    }
}
NOT_REMOVABLE = {
    422: {"model": ErrorBody | ValidationErrorBody, "description": f"The library's only document, or an id over {MAX_DOCUMENT_ID_CHARS} characters"}
}


def build_library_admin_router(settings: Settings, holder: PipelineHolder) -> APIRouter:
    router = APIRouter(dependencies=[Depends(admin_guard(settings.admin_token))], tags=["admin"], responses=UNAUTHORIZED)

    @router.post("/documents", status_code=201, response_model=list[DocumentSummary], responses={**UNREADABLE, **TOO_LARGE})
    async def add(files: Annotated[list[UploadFile], File(description="Policy documents: .txt, .docx, .pdf or .html")]) -> list[DocumentSummary]:
        """Add documents to the library; answered once the new library serves."""
        if not 1 <= len(files) <= MAX_UPLOAD_FILES:
            raise HTTPException(422, f"send 1 to {MAX_UPLOAD_FILES} files")
        uploads = [Upload(file.filename or "upload", await file.read()) for file in files]
        try:
            added = await run_in_threadpool(add_documents, _library_dir(settings), uploads)
        except LibraryError as error:
            raise HTTPException(422, str(error)) from None
        await run_in_threadpool(holder.reload, settings)
        return [DocumentSummary.of(item.entry, item.document) for item in added]

    @router.delete("/documents/{document_id}", response_model=Readiness, responses={**NOT_FOUND, **NOT_REMOVABLE})
    async def remove(document_id: Annotated[str, PathParameter(max_length=MAX_DOCUMENT_ID_CHARS)]) -> Readiness:
        """Remove a document from the library; answered once the library without it serves."""
        try:
            await run_in_threadpool(remove_document, _library_dir(settings), document_id)
        except LibraryError as error:
            raise HTTPException(404 if "unknown document" in str(error) else 422, str(error)) from None
        await run_in_threadpool(holder.reload, settings)
        return holder.readiness()

    @router.post("/admin/reload", response_model=Readiness)
    async def reload() -> Readiness:
        """Read the library folder again and swap in its index, rebuilt where it changed."""
        await run_in_threadpool(holder.reload, settings)
        return holder.readiness()

    return router


def _library_dir(settings: Settings):
    try:
        return settings.writable_library
    except ValueError as error:  # the bundled library is read-only
        raise HTTPException(409, str(error)) from None
