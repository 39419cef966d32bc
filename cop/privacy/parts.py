"""The platform's own part of a member's data export and erasure.

Site-wide records: the audit log, the member's export requests, and the editorial
records of Wagtail and Django's admin. Wagtail's log entries point at users without a
database constraint (``DO_NOTHING``), so the erasure clears those pointers itself;
everything else follows its foreign key's ``on_delete`` when the user row goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.admin.models import LogEntry
from wagtail.models import ModelLogEntry, PageLogEntry, Revision

from cop.core.models import AuditEvent
from cop.privacy.hooks import DataPart, member_data, rows
from cop.privacy.models import DataExport


def export_platform(user: Any) -> Mapping[str, Any]:
    """Return the member's site-wide records, one entry per file."""
    return {
        "audit_actions": rows(
            AuditEvent.objects.filter(actor=user).order_by("created_at"),
            ["action", "target_type__model", "target_id", "reason", "created_at"],
        ),
        "data_exports": rows(
            DataExport.objects.filter(user=user).order_by("requested_at"),
            ["state", "requested_at", "ready_at"],
        ),
        "editorial_revisions": rows(
            Revision.objects.filter(user=user).order_by("created_at"),
            ["content_type__model", "object_id", "created_at"],
        ),
    }


def erase_platform(*, user: Any, keep_posts: bool) -> None:
    """Clear the user pointers that have no database constraint."""
    ModelLogEntry.objects.filter(user_id=user.pk).update(user=None)
    PageLogEntry.objects.filter(user_id=user.pk).update(user=None)
    LogEntry.objects.filter(user_id=user.pk).delete()


def register() -> None:
    """Register the platform's part of the member data registry."""
    member_data.register(
        "platform",
        DataPart(
            export=export_platform,
            erase=erase_platform,
            exports=("core.AuditEvent", "privacy.DataExport", "wagtailcore.Revision"),
            # Editorial and admin records keep their history without the person
            # (SET_NULL), or go with the user row (CASCADE: the member's own drafts
            # of admin forms, API tokens, comments on pages, page subscriptions).
            erases=(
                "core.AuditEvent",
                "privacy.DataExport",
                "guides.GuidePage",
                "wagtailusers.UserProfile",
                "wagtaildocs.Document",
                "wagtailimages.Image",
                "wagtailadmin.EditingSession",
                "wagtailadmin.FormState",
                "wagtailcore.APIToken",
                "wagtailcore.ModelLogEntry",
                "wagtailcore.PageLogEntry",
                "wagtailcore.Revision",
                "wagtailcore.UploadedFile",
                "wagtailcore.WorkflowState",
                "wagtailcore.TaskState",
                "wagtailcore.Page",
                "wagtailcore.Comment",
                "wagtailcore.CommentReply",
                "wagtailcore.PageSubscription",
                "admin.LogEntry",
            ),
        ),
        order=300,
    )
