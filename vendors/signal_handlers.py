"""Reactions to Wagtail's publishing and workflow signals; each calls one service."""

from __future__ import annotations

from typing import Any

from wagtail.signals import published, task_rejected

from vendors.models import Disclosure


def record_published_disclosure_version(
    sender: Any, instance: Any, revision: Any = None, **kwargs: Any
) -> None:
    """Write the immutable DisclosureVersion (and audit entry) of a publish."""
    from vendors.services import disclosure_version_record

    disclosure_version_record(disclosure=instance, revision=revision)


def audit_rejected_disclosure(
    sender: Any, instance: Any, user: Any = None, **kwargs: Any
) -> None:
    """Audit a moderator's rejection of a disclosure in review."""
    from vendors.services import disclosure_rejection_record

    disclosure_rejection_record(task_state=instance, actor=user)


def connect() -> None:
    """Connect the handlers (from ``VendorsConfig.ready``)."""
    published.connect(
        record_published_disclosure_version,
        sender=Disclosure,
        dispatch_uid="vendors_record_published_disclosure_version",
    )
    # TaskState subclasses send with their own class as sender: listen to all.
    task_rejected.connect(
        audit_rejected_disclosure, dispatch_uid="vendors_audit_rejected_disclosure"
    )
