"""Posting services, part 1: starting topics (roles, validation, links, embargo, tags)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cop.privacy.models import Criterion, RedFlag
from discussions import services
from discussions.models import EmbargoState, ReviewState, Tag
from tests.discussions.posting_fixtures import *  # noqa: F403
from tests.discussions.posting_fixtures import new_topic

pytestmark = pytest.mark.django_db

XSS = '<script>alert(1)</script><img src=x onerror=alert(1)>"><iframe>'


# ----------------------------------------------------------------- roles


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("library_worker", True),
        ("vendor_rep_a", True),
        ("moderator", True),
        ("suspended", False),
    ],
)
def test_topic_create_per_role(
    role: str, allowed: bool, people: dict[str, Any], suspended: Any, public_space: Any
) -> None:
    actor = {**people, "suspended": suspended, "anonymous": AnonymousUser()}[role]
    if not allowed:
        with pytest.raises(PermissionDenied):
            new_topic(actor, public_space)
        return
    topic = new_topic(actor, public_space)
    assert topic.posts.get().number == 1
    assert topic.author == actor


def test_topic_create_unreadable_space_refused(
    vendor_rep_a: Any, spaces: dict[str, Any]
) -> None:
    with pytest.raises(PermissionDenied):
        new_topic(vendor_rep_a, spaces["library_workers"])


def test_topic_create_archived_space_refused(
    library_worker: Any, public_space: Any
) -> None:
    public_space.archived_at = timezone.now()
    public_space.save()
    with pytest.raises(PermissionDenied):
        new_topic(library_worker, public_space)


def test_topic_create_vendor_rep_red_flag_refused(
    vendor_rep_a: Any, public_space: Any
) -> None:
    with pytest.raises(PermissionDenied):
        new_topic(vendor_rep_a, public_space, kind="red_flag", clause_reference="4.2")


# ----------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "short"}, "title"),
        ({"title": "        x       "}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"title": "Title with \x00 null"}, "title"),
        ({"title": "Title with\nnewline"}, "title"),
        ({"title": "Bidi \u202e override title"}, "title"),
        ({"title": "\u200b" * 20}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 50_001}, "body"),
        ({"body": "bad \x1b escape"}, "body"),
        ({"kind": "poll"}, "kind"),
        ({"tags": ["a", "b", "c", "d", "e", "f"]}, "tags"),
        ({"tags": ["<script>"]}, "tags"),
        ({"tags": ['"><img src=x>']}, "tags"),
        ({"tags": ["x"]}, "tags"),
        ({"tags": ["t" * 41]}, "tags"),
        ({"kind": "red_flag"}, "red_flag"),
        ({"kind": "red_flag", "clause_reference": "4.2\n<b>"}, "clause_reference"),
        ({"kind": "red_flag", "clause_reference": "c" * 121}, "clause_reference"),
        ({"kind": "general", "clause_reference": "4.2"}, "clause_reference"),
        (
            {
                "kind": "red_flag",
                "clause_reference": "4.2",
                "document_date": timezone.localdate() + dt.timedelta(days=1),
            },
            "document_date",
        ),
        (
            {"kind": "red_flag", "clause_reference": "4.2", "document_date": "soon"},
            "document_date",
        ),
        ({"kind": "red_flag", "red_flag": "RF-NOPE"}, "red_flag"),
    ],
)
def test_topic_create_bad_input_names_field(
    kwargs: dict[str, Any], field: str, library_worker: Any, public_space: Any
) -> None:
    with pytest.raises(ValidationError) as info:
        new_topic(library_worker, public_space, **kwargs)
    assert field in info.value.message_dict
    assert not public_space.topics.exists()


def test_topic_create_xss_in_text_fields_stored_as_text(
    library_worker: Any, public_space: Any
) -> None:
    topic = new_topic(
        library_worker,
        public_space,
        kind="red_flag",
        title=f"Red flag {XSS}",
        body=f"Body {XSS} [x](javascript:alert(1))",
        clause_reference=XSS[:120],
        document_version="v2 <svg onload=alert(1)>",
    )
    post = topic.posts.get()
    assert topic.title == f"Red flag {XSS}"  # escaped by the templates
    assert re.fullmatch(r"[a-z0-9-]+", topic.slug)
    for bad in ("<script", "<iframe", "<img", 'href="javascript'):
        assert bad not in post.body_html
    assert topic.clause_reference == XSS[:120]


def test_topic_create_trims_title_and_slug_fallback(
    library_worker: Any, public_space: Any
) -> None:
    topic = new_topic(library_worker, public_space, title="   Где мои данные?   ")
    assert topic.title == "Где мои данные?"
    assert topic.slug == "topic"
    long = new_topic(library_worker, public_space, title="Privacy " * 24)
    assert len(long.slug) <= 80
    assert not long.slug.endswith("-")


# ----------------------------------------------------------------- links and embargo


def test_topic_create_question_links_current_reference(
    library_worker: Any, public_space: Any, product_a: Any
) -> None:
    criterion = Criterion.objects.current().first()
    flag = RedFlag.objects.current().first()
    topic = new_topic(
        library_worker,
        public_space,
        kind="question",
        product=product_a,
        criterion=criterion.code,
        red_flag=flag,
    )
    assert (topic.product, topic.criterion, topic.red_flag) == (
        product_a,
        criterion,
        flag,
    )
    assert topic.embargo_state == EmbargoState.NONE


def test_topic_create_retired_criterion_refused(
    library_worker: Any, public_space: Any, criteria: None
) -> None:
    criterion = Criterion.objects.current().first()
    Criterion.objects.filter(pk=criterion.pk).update(retired_at=timezone.now())
    with pytest.raises(ValidationError) as info:
        new_topic(library_worker, public_space, kind="question", criterion=criterion)
    assert "criterion" in info.value.message_dict


def test_topic_create_general_topic_cannot_link_criterion(
    library_worker: Any, public_space: Any, criteria: None
) -> None:
    with pytest.raises(ValidationError) as info:
        new_topic(library_worker, public_space, criterion=Criterion.objects.first())
    assert "criterion" in info.value.message_dict


def test_topic_create_red_flag_with_product_starts_embargo(
    library_worker: Any, public_space: Any, product_a: Any, vendor_a: Any
) -> None:
    public_space.red_flag_window_days = 10
    public_space.save()
    before = timezone.now()
    topic = new_topic(
        library_worker,
        public_space,
        kind="red_flag",
        product=product_a,
        red_flag=RedFlag.objects.current().first(),
        document_version="Master agreement v3",
        document_date=dt.date(2026, 1, 5),
        clause_reference="§ 7.3",
    )
    assert topic.embargo_state == EmbargoState.EMBARGOED
    assert topic.embargo_vendor == vendor_a
    assert (
        before + dt.timedelta(days=10)
        <= topic.embargo_ends_at
        <= timezone.now() + dt.timedelta(days=10)
    )
    assert (topic.document_version, topic.document_date, topic.clause_reference) == (
        "Master agreement v3",
        dt.date(2026, 1, 5),
        "§ 7.3",
    )
    public_space.refresh_from_db()
    assert public_space.topic_count == 0  # embargoed: not counted for everyone


def test_topic_create_red_flag_without_product_no_embargo(
    library_worker: Any, public_space: Any
) -> None:
    topic = new_topic(
        library_worker, public_space, kind="red_flag", clause_reference="Clause 9"
    )
    assert topic.embargo_state == EmbargoState.NONE
    public_space.refresh_from_db()
    assert public_space.topic_count == 1


# ----------------------------------------------------------------- counters, review, hooks


def test_topic_create_counters_and_hooks(
    library_worker: Any, public_space: Any, hooks: dict[str, list[Any]]
) -> None:
    topic = new_topic(library_worker, public_space)
    topic.refresh_from_db()
    public_space.refresh_from_db()
    post = topic.posts.get()
    assert (topic.post_count, topic.last_post_number) == (1, 1)
    assert topic.last_poster == library_worker
    assert topic.last_activity_at == post.created_at
    assert public_space.topic_count == 1
    assert public_space.last_activity_at == topic.last_activity_at
    assert hooks["published"] == [post.pk]
    assert (public_space.pk, topic.pk) in hooks["changed"]


def test_topic_create_space_requires_approval_holds_topic(
    library_worker: Any,
    moderator: Any,
    public_space: Any,
    hooks: dict[str, list[Any]],
) -> None:
    public_space.requires_topic_approval = True
    public_space.save()
    topic = new_topic(library_worker, public_space)
    topic.refresh_from_db()
    public_space.refresh_from_db()
    assert topic.review_state == ReviewState.PENDING
    assert topic.posts.get().review_state == ReviewState.PENDING
    assert (topic.post_count, topic.last_post_number) == (0, 1)
    assert public_space.topic_count == 0
    assert hooks["published"] == []
    assert hooks["changed"]
    # Moderators' topics need no approval.
    assert new_topic(moderator, public_space).review_state == ReviewState.APPROVED


def test_topic_create_vendor_rep_opening_post_official(
    vendor_rep_a: Any, vendor_a: Any, public_space: Any
) -> None:
    topic = new_topic(vendor_rep_a, public_space, kind="question")
    assert topic.posts.get().organisation == vendor_a


# ----------------------------------------------------------------- tags


def test_topic_create_tags_normalised_and_created_once(
    library_worker: Any, public_space: Any
) -> None:
    topic = new_topic(
        library_worker,
        public_space,
        tags=["Data Retention", "data-retention", " SAML ", "e_books", ""],
    )
    assert sorted(topic.tags.values_list("slug", flat=True)) == [
        "data-retention",
        "e_books",
        "saml",
    ]
    again = new_topic(library_worker, public_space, tags="saml, Patron Privacy")
    assert Tag.objects.filter(slug="saml").count() == 1
    assert set(again.tags.values_list("name", flat=True)) == {"saml", "patron-privacy"}


def test_topic_tags_set_author_and_moderator_only(
    library_worker: Any, vendor_rep_a: Any, moderator: Any, public_space: Any
) -> None:
    topic = new_topic(library_worker, public_space, tags=["one"])
    services.topic_tags_set(actor=library_worker, topic=topic, tags=["two", "three"])
    assert set(topic.tags.values_list("slug", flat=True)) == {"two", "three"}
    services.topic_tags_set(actor=moderator, topic=topic, tags=[])
    assert not topic.tags.exists()
    with pytest.raises(PermissionDenied):
        services.topic_tags_set(actor=vendor_rep_a, topic=topic, tags=["mine"])
    with pytest.raises(ValidationError) as info:
        services.topic_tags_set(actor=library_worker, topic=topic, tags=["a&b"])
    assert "tags" in info.value.message_dict
