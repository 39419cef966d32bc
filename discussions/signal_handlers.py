"""Reactions to other apps' events: vendors' disclosure and roadmap changes notify the
products' followers; a newly confirmed or changed e-mail address clears the bouncing mark;
a member's new display name drops the cached pages that show names.

Each receiver only calls one service; connected from ``DiscussionsConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save


def notify_on_disclosure_version(
    sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    """Tell a product's watchers that a new disclosure version was published."""
    if created and not raw:
        from discussions.services import notify_disclosure_published

        notify_disclosure_published(version=instance)


def notify_on_roadmap_status_change(
    sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    """Tell a product's watchers that one of its roadmap items changed status."""
    if created and not raw:
        from discussions.services import notify_roadmap_status_changed

        notify_roadmap_status_changed(change=instance)


def red_flag_pages_on_roadmap_change(
    sender: Any, instance: Any, raw: bool = False, **kwargs: Any
) -> None:
    """A roadmap item changed: red flag panels that show it are stale."""
    if not raw:
        from discussions.services import red_flag_pages_refresh_for_roadmap_item

        red_flag_pages_refresh_for_roadmap_item(item_id=instance.pk)


def bounce_reset_on_email_change(
    sender: Any, request: Any = None, **kwargs: Any
) -> None:
    """Let digests reach a member again once they confirm or change their address."""
    user = kwargs.get("user") or getattr(kwargs.get("email_address"), "user", None)
    if user is None:
        return
    from discussions.services import digest_bounce_reset

    digest_bounce_reset(user=user)


def notify_guides_due_for_review(**kwargs: Any) -> int:
    """Tell the moderators on the site which guides are due for review."""
    from discussions.services import notify_guides_due_for_review as notify

    return notify(**kwargs)


def pages_on_member_name_change(sender: Any, user_id: int, **kwargs: Any) -> None:
    """A member's display name changed: cached pages showing it are dropped."""
    from discussions import cache

    cache.names_changed()


def pages_on_organisation_change(sender: Any, **kwargs: Any) -> None:
    """An organisation was saved (its name shows on official posts): pages are dropped.

    Organisations change rarely (a moderator's edit in the admin), so every page that
    may name one is renewed rather than tracked per organisation.
    """
    from discussions import cache

    cache.names_changed()


def register() -> None:
    """Register this module's part with the rest of cop (called from AppConfig.ready)."""
    from allauth.account.signals import email_changed, email_confirmed

    from cop.guides.hooks import review_due_notifiers
    from cop.members.models import Organisation
    from cop.members.signals import member_name_changed
    from vendors.models import DisclosureVersion, RoadmapItem, RoadmapStatusChange

    review_due_notifiers.register("discussions", notify_guides_due_for_review)
    member_name_changed.connect(
        pages_on_member_name_change, dispatch_uid="discussions_pages_on_name_change"
    )
    email_confirmed.connect(
        bounce_reset_on_email_change, dispatch_uid="discussions_bounce_reset_on_confirm"
    )
    email_changed.connect(
        bounce_reset_on_email_change, dispatch_uid="discussions_bounce_reset_on_change"
    )

    post_save.connect(
        pages_on_organisation_change,
        sender=Organisation,
        dispatch_uid="discussions_pages_on_organisation_change",
    )
    post_save.connect(
        notify_on_disclosure_version,
        sender=DisclosureVersion,
        dispatch_uid="discussions_notify_on_disclosure_version",
    )
    post_save.connect(
        red_flag_pages_on_roadmap_change,
        sender=RoadmapItem,
        dispatch_uid="discussions_red_flag_pages_on_roadmap_change",
    )
    post_save.connect(
        notify_on_roadmap_status_change,
        sender=RoadmapStatusChange,
        dispatch_uid="discussions_notify_on_roadmap_status_change",
    )
