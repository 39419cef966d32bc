"""What the demo and large seeders share: rendering, timestamps, counters, look-ups."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final

from django.contrib.auth import get_user_model
from django.db import models

from cop.core.seeding import DEMO_EMAIL_DOMAIN, demo_account_ensure
from cop.members.models import Membership, Organisation
from cop.members.seeding import (
    code_of_conduct_demo_ensure,
    demo_profile_ensure,
    membership_verified_ensure,
)
from discussions.models import EmbargoState, Post, ReviewState, Space, Topic

from .data import _EXTRA_PEOPLE

WORKING_GROUP_NAME: Final = "Vendor privacy working group"


#: Rows per INSERT; well under SQLite's 32,766 bound variables for these tables.
BATCH: Final = 500


def _render(body: str) -> str:
    """Return the sanitised HTML of ``body`` the way the posting services store it."""
    from discussions.markup import render_markdown

    return render_markdown(body)


@contextmanager
def _explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let ``bulk_create`` store the ``created_at``/``updated_at`` we set ourselves."""
    saved = []
    for model in model_classes:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField) and (
                field.auto_now or field.auto_now_add
            ):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _counters(topic: Topic, posts: Sequence[Post]) -> None:
    """Set ``topic``'s denormalised counters from ``posts`` (as topic_counters_refresh)."""
    visible = [
        p for p in posts if p.review_state == ReviewState.APPROVED and not p.hidden_at
    ]
    topic.post_count = len(visible)
    topic.last_post_number = max((p.number for p in posts), default=0)
    last = max(visible, key=lambda p: p.number, default=None)
    topic.last_activity_at = last.created_at if last else topic.created_at
    topic.last_poster_id = last.author_id if last else topic.author_id


def _space_counters_refresh(*, spaces: Sequence[Space]) -> None:
    """Recompute ``topic_count`` and ``last_activity_at`` of ``spaces`` from their topics.

    Counts the topics every reader of the space may see: approved, not hidden, not
    merged away and not in a red flag's embargo.
    """
    for space in spaces:
        listed = Topic.objects.filter(
            space=space,
            review_state=ReviewState.APPROVED,
            hidden_at__isnull=True,
            merged_into__isnull=True,
        ).exclude(embargo_state=EmbargoState.EMBARGOED)
        stats = listed.aggregate(
            n=models.Count("id"), last=models.Max("last_activity_at")
        )
        if (space.topic_count, space.last_activity_at) != (stats["n"], stats["last"]):
            space.topic_count = stats["n"]
            space.last_activity_at = stats["last"]
            space.save(update_fields=["topic_count", "last_activity_at", "updated_at"])


def _people() -> dict[str, Any]:
    """Return the demo accounts that post, by key (missing ones are left out)."""
    user_model = get_user_model()
    people = {
        key: user_model.objects.filter(email=f"{email}@{DEMO_EMAIL_DOMAIN}").first()
        for key, email in (
            ("library", "library"),
            ("moderator", "moderator"),
            ("vendor_a", "vendor-a"),
            ("vendor_b", "vendor-b"),
        )
    }
    conduct = code_of_conduct_demo_ensure()
    for key, display_name, library_slug in _EXTRA_PEOPLE:
        user = demo_account_ensure(
            email=f"{key}@{DEMO_EMAIL_DOMAIN}", role=f"library worker ({display_name})"
        )
        demo_profile_ensure(user=user, display_name=display_name, conduct=conduct)
        library = Organisation.objects.filter(slug=library_slug).first()
        if library is not None:
            membership_verified_ensure(
                user=user, organisation=library, role=Membership.Role.MEMBER
            )
        people[key] = user
    return {key: user for key, user in people.items() if user is not None}


def _vendor_of(user: Any) -> Organisation | None:
    membership = (
        Membership.objects.filter(
            user=user,
            role=Membership.Role.REPRESENTATIVE,
            status=Membership.Status.VERIFIED,
        )
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


def _reference(model_path: str, code: str | None) -> Any:
    if not code:
        return None
    from django.apps import apps

    return apps.get_model(model_path).objects.filter(code=code).first()


def _product(slug: str | None) -> Any:
    from vendors.models import Product

    if not slug:
        return None
    return Product.objects.select_related("organisation").filter(slug=slug).first()


def _roadmap_item(product: Any, title: str | None) -> Any:
    from vendors.models import RoadmapItem

    if not title or product is None:
        return None
    return RoadmapItem.objects.filter(
        product__organisation=product.organisation, title=title
    ).first()
