"""Uploads over a size limit are refused before any of them reaches the disk.

Django writes an upload larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary
file as it arrives and only then lets the form look at its size. A view decorated
with :func:`limit_uploads` (e.g. the disclosure editor's PDF evidence, the spreadsheet
import) gets :class:`SizeLimitedUploadHandler` first instead, put in by
:class:`UploadLimitMiddleware` before anything reads the body (the CSRF check and the
control-character check do): a file whose declared length is over the limit is
skipped at once, and while a request is large enough to hold one, each file is kept
in memory (at most the limit) until it is known to fit. A refused file is skipped
alone: the other fields arrive as typed, and the form reports the refusal
(:func:`refused_uploads`).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import (
    InMemoryUploadedFile,
    TemporaryUploadedFile,
    UploadedFile,
)
from django.core.files.uploadhandler import (
    FileUploadHandler,
    SkipFile,
    StopFutureHandlers,
)
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


class SizeLimitedUploadHandler(FileUploadHandler):
    """Skip every file over ``max_bytes`` before it is written anywhere.

    Inactive for a request no larger than the limit (no file in it can be over it):
    the default handlers then work as usual.
    """

    def __init__(self, request: HttpRequest, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.active = False
        self.buffer: io.BytesIO | None = None
        #: ``{field name: file name}`` of the files refused.
        self.refused: dict[str, str] = {}

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,  # noqa: N803 - Django's parameter name
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.active = content_length > self.max_bytes

    def new_file(
        self, field_name: str, file_name: str, *args: Any, **kwargs: Any
    ) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if not self.active:
            return
        if self.content_length is not None and self.content_length > self.max_bytes:
            self._refuse()
        self.buffer = io.BytesIO()
        raise StopFutureHandlers  # this handler keeps the file until it fits

    def _refuse(self) -> None:
        self.refused[str(self.field_name)] = str(self.file_name)
        self.buffer = None
        raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if not self.active:
            return raw_data
        if self.buffer is None:
            return None
        if start + len(raw_data) > self.max_bytes:
            self._refuse()
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile[Any] | None:
        if not self.active or self.buffer is None:
            return None
        buffer, self.buffer = self.buffer, None
        buffer.seek(0)
        if file_size <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
            return InMemoryUploadedFile(
                file=buffer,
                field_name=self.field_name,
                name=self.file_name,
                content_type=self.content_type,
                size=file_size,
                charset=self.charset,
                content_type_extra=self.content_type_extra,
            )
        # Known to fit: now it may go to a temporary file like any large upload.
        upload = TemporaryUploadedFile(
            str(self.file_name),
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )
        upload.write(buffer.getbuffer())
        upload.flush()
        upload.seek(0)
        return upload


def refused_uploads(request: HttpRequest) -> dict[str, str]:
    """Return ``{field name: file name}`` of the files refused for their size."""
    for handler in request.upload_handlers:
        if isinstance(handler, SizeLimitedUploadHandler):
            return handler.refused
    return {}


def limit_uploads(max_bytes: Callable[[], int]) -> Callable[[View], View]:
    """Mark a view whose uploads over ``max_bytes()`` are refused as they arrive."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return view(request, *args, **kwargs)

        wrapped.upload_max_bytes = max_bytes  # type: ignore[attr-defined]
        return wrapped

    return decorator


class UploadLimitMiddleware:
    """Put :class:`SizeLimitedUploadHandler` first for the views that ask for it.

    In ``process_view``, so it must come before any middleware that reads the body
    there (CSRF, control characters).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> None:
        max_bytes = getattr(view_func, "upload_max_bytes", None)
        if max_bytes is not None and request.method == "POST":
            request.upload_handlers.insert(
                0, SizeLimitedUploadHandler(request, max_bytes=max_bytes())
            )
