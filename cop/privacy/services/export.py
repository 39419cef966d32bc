"""A member's data export: request, build the ZIP, sign its link, serve it, expire it."""

from __future__ import annotations

import json
import logging
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cop.privacy import permissions
from cop.privacy.hooks import member_data
from cop.privacy.models import DataExport

logger = logging.getLogger(__name__)

_SALT = "cop.privacy.data_export"
# Longer than the build task's time limit (9 minutes), with room for a queue.
STALE_AFTER = timedelta(hours=1)


def export_days() -> int:
    """Return how many days a built export stays downloadable."""
    return int(settings.COP_RETENTION_DAYS["data_exports"])


def export_dir() -> Path:
    """Return the private directory of the export files (never served as media)."""
    return Path(settings.VAR_DIR) / "exports"


def export_path(*, token: str) -> Path:
    """Return the file of the export ``token``."""
    return export_dir() / f"{token}.zip"


def export_file_delete(*, token: str) -> None:
    """Delete the file of export ``token`` if it exists (idempotent)."""
    export_path(token=token).unlink(missing_ok=True)


@transaction.atomic
def data_export_request(*, actor: Any) -> DataExport:
    """Ask for a new export of ``actor``'s data; the ZIP is built by a task after commit.

    A request while one is still being prepared returns that one (no second task).
    """
    if not permissions.can_exercise_data_rights(actor):
        raise PermissionDenied
    pending = DataExport.objects.filter(user=actor, state=DataExport.State.PENDING)
    # A build that has not finished in an hour died with its worker: ask afresh.
    pending.filter(requested_at__lt=timezone.now() - STALE_AFTER).update(
        state=DataExport.State.FAILED
    )
    current = pending.first()
    if current is not None:
        return current
    export = DataExport.objects.create(user=actor)

    def enqueue() -> None:
        from cop.privacy.tasks import data_export_build_task

        data_export_build_task.delay(export_id=export.pk)

    transaction.on_commit(enqueue)
    return export


def _contents(user: Any) -> dict[str, Any]:
    """Return ``{path in the ZIP: data}`` from every registered part."""
    files: dict[str, Any] = {}
    for key, part in member_data:
        for name, data in part.export(user).items():
            files[f"{key}/{name}.json"] = data
    return files


def data_export_build(*, export_id: int) -> DataExport | None:
    """Build the ZIP of export ``export_id`` and e-mail its member that it is ready.

    Called by :func:`cop.privacy.tasks.data_export_build_task`. Idempotent: an
    export already ready (or gone with its member) is left alone. The file is
    written under a temporary name and renamed, so a half-written ZIP is never served.
    """
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.state != DataExport.State.PENDING:
        return export
    files = _contents(export.user)
    files["index.json"] = {
        "generated_at": timezone.now(),
        "files": sorted(files),
        "about": "Your data on cop, one JSON file per kind of record.",
    }
    target = export_path(token=str(export.token))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in sorted(files.items()):
                zf.writestr(
                    name,
                    json.dumps(
                        data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False
                    ),
                )
        partial.replace(target)
    except OSError:
        # A full or read-only disk: the member sees "failed" and may ask again.
        logger.exception("data export %s could not be written", export.pk)
        partial.unlink(missing_ok=True)
        export.state = DataExport.State.FAILED
        export.save(update_fields=["state"])
        return export
    export.state = DataExport.State.READY
    export.ready_at = timezone.now()
    export.size_bytes = target.stat().st_size
    export.save(update_fields=["state", "ready_at", "size_bytes"])
    _ready_mail(export)
    return export


def _ready_mail(export: DataExport) -> None:
    """Tell the member their export is ready: a link to the page, nothing else."""
    context = {
        "export_url": settings.SITE_URL + reverse("data_export"),
        "days": export_days(),
    }
    body = render_to_string("emails/data_export_ready.txt", context)
    subject = render_to_string("emails/data_export_ready_subject.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [export.user.email])
    except OSError:
        logger.warning("data export e-mail for export %s failed", export.pk)


def data_export_expires_at(export: DataExport) -> Any:
    """Return when ``export``'s link stops working (``None`` before it is ready)."""
    if export.ready_at is None:
        return None
    return export.ready_at + timedelta(days=export_days())


def data_export_signed_token(*, export: DataExport) -> str:
    """Return the signed token of ``export``'s download link (bound to its member)."""
    return signing.dumps(
        {"e": export.pk, "u": export.user_id}, salt=_SALT, compress=True
    )


def access_data_export(*, user: Any, signed: str) -> tuple[DataExport, Path]:
    """Return the ready export and its file that ``signed`` names, for ``user``.

    Raises ``Http404`` alike for a tampered, expired or someone else's link, an
    export not ready and a file gone, so the answer reveals nothing.
    """
    try:
        payload = signing.loads(
            signed, salt=_SALT, max_age=timedelta(days=export_days())
        )
    except signing.BadSignature:
        raise Http404 from None
    if not isinstance(payload, dict) or payload.get("u") != getattr(user, "pk", None):
        raise Http404
    export_id = payload.get("e")
    if not isinstance(export_id, int):
        raise Http404
    export = DataExport.objects.filter(
        pk=export_id, user_id=user.pk, state=DataExport.State.READY
    ).first()
    if export is None:
        raise Http404
    expires = data_export_expires_at(export)
    path = export_path(token=str(export.token))
    if expires is None or expires <= timezone.now() or not path.is_file():
        raise Http404
    return export, path
