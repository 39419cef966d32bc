"""The topic page, post links and edit history through the HTTP client, per role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from discussions.models import HelpfulMark, ModerationEvent, PostRevision
from tests.factories import (
    MembershipFactory,
    PostFactory,
    TopicFactory,
    UserFactory,
)
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Start each test without anonymous pages cached by an earlier one."""
    cache.clear()


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def get(user: Any, url: str, **params: Any) -> Any:
    return client_for(user).get(url, params)


# ----------------------------------------------------------------- topic page


def test_topic_page_shows_display_names_never_emails(public_space):
    # given
    author = UserFactory(
        email="secret.person@example.org",
        display_name="Quiet Owl",
        first_name="Realfirst",
        last_name="Reallast",
    )
    topic = TopicFactory(space=public_space, author=author)
    PostFactory(topic=topic, author=author, body_html="<p>Hello there</p>")
    # when
    html = get(None, topic.get_absolute_url()).content.decode()
    # then
    assert "Quiet Owl" in html
    assert "Hello there" in html
    assert "secret.person" not in html
    assert "Realfirst" not in html
    assert "Reallast" not in html


def test_topic_page_of_200_posts_paginates_by_25(public_space):
    # given
    topic = TopicFactory(space=public_space, with_posts=200)
    # when
    page8 = get(None, topic.get_absolute_url(), page=8).content.decode()
    page1 = get(None, topic.get_absolute_url()).content.decode()
    # then
    for number in (176, 188, 200):
        assert f'id="post-{number}"' in page8
    assert 'id="post-175"' not in page8
    assert 'id="post-1"' in page1
    assert 'id="post-25"' in page1
    assert 'id="post-26"' not in page1
    assert "Page 8 of 8" in page8


def test_topic_page_out_of_range_page_shows_last_page(public_space):
    topic = TopicFactory(space=public_space, with_posts=30)
    html = get(None, topic.get_absolute_url(), page=99).content.decode()
    assert 'id="post-30"' in html


def test_post_link_redirects_to_page_and_anchor(public_space):
    # given
    topic = TopicFactory(space=public_space, with_posts=200)
    post = topic.posts.get(number=180)
    # when
    response = get(None, reverse("discussions:post_link", kwargs={"post_id": post.pk}))
    # then
    assert response.status_code == 302
    assert response["Location"] == f"{topic.get_absolute_url()}?page=8#post-180"


def test_post_link_of_post_in_unreadable_space_is_404(spaces, people):
    topic = TopicFactory(space=spaces["library_workers"], with_posts=1)
    post = topic.posts.get()
    url = reverse("discussions:post_link", kwargs={"post_id": post.pk})
    assert get(people["vendor_rep_a"], url).status_code == 404
    assert get(people["library_worker"], url).status_code == 302


def test_topic_page_wrong_slug_redirects_to_canonical(public_space):
    topic = TopicFactory(space=public_space, with_posts=1)
    url = reverse("discussions:topic", kwargs={"topic_id": topic.pk, "slug": "old"})
    response = get(None, url)
    assert response.status_code == 301
    assert response["Location"] == topic.get_absolute_url()


def test_pending_post_shown_only_to_its_author_marked_waiting(public_space, people):
    # given
    author = people["library_worker"]
    topic = TopicFactory(space=public_space, with_posts=1)
    PostFactory(
        topic=topic, author=author, review_state="pending", body_html="<p>Not yet</p>"
    )
    # when
    as_author = get(author, topic.get_absolute_url()).content.decode()
    as_other = get(people["vendor_rep_a"], topic.get_absolute_url()).content.decode()
    as_anonymous = get(None, topic.get_absolute_url()).content.decode()
    # then
    assert "Not yet" in as_author
    assert "Waiting for a moderator" in as_author
    assert "Not yet" not in as_other
    assert "Not yet" not in as_anonymous


def test_hidden_post_is_a_placeholder_except_for_author_and_moderator(
    public_space, people
):
    # given
    author = people["library_worker"]
    topic = TopicFactory(space=public_space, with_posts=1)
    PostFactory(
        topic=topic,
        author=author,
        hidden_at=timezone.now(),
        hidden_reason="flags",
        body_html="<p>Flagged words</p>",
    )
    # when
    pages = {
        role: get(people[role], topic.get_absolute_url()).content.decode()
        for role in ("anonymous", "vendor_rep_a", "library_worker", "moderator")
    }
    # then
    for role in ("anonymous", "vendor_rep_a"):
        assert "Flagged words" not in pages[role]
        assert "Hidden after flags, waiting for review." in pages[role]
    for role in ("library_worker", "moderator"):
        assert "Flagged words" in pages[role]


def test_topic_page_shows_vendor_organisation_and_official_mark(
    public_space, vendor_rep_a, vendor_a
):
    # given
    vendor_rep_a.display_name = "Rep Alpha"
    vendor_rep_a.save(update_fields=["display_name"])
    topic = TopicFactory(space=public_space, with_posts=1)
    PostFactory(topic=topic, author=vendor_rep_a, organisation=vendor_a)
    # when
    html = get(None, topic.get_absolute_url()).content.decode()
    # then
    assert "Rep Alpha" in html
    assert "Vendor A" in html
    assert "Official" in html


def test_topic_page_shows_product_criterion_red_flag_and_document(
    public_space, product_a
):
    # given
    from cop.privacy.models import Criterion, RedFlag

    criterion = Criterion.objects.current().first()
    red_flag = RedFlag.objects.current().first()
    topic = TopicFactory(
        space=public_space,
        kind="red_flag",
        title="Clause lets vendor sell data",
        product=product_a,
        criterion=criterion,
        red_flag=red_flag,
        document_version="v3.2",
        document_date=dt.date(2026, 3, 1),
        clause_reference="section 7.2",
        with_posts=1,
    )
    # when
    html = get(None, topic.get_absolute_url()).content.decode()
    # then
    assert "Stacks" in html
    assert "Vendor A" in html
    assert criterion.code in html
    assert red_flag.code in html
    assert "v3.2" in html
    assert "2026-03-01" in html
    assert "section 7.2" in html


def test_accepted_answer_shown_under_question_and_marked_in_thread(public_space):
    # given
    topic = TopicFactory(space=public_space, kind="question", with_posts=40)
    answer = topic.posts.get(number=33)
    answer.body_html = "<p>The real answer</p>"
    answer.save(update_fields=["body_html"])
    topic.accepted_answer = answer
    topic.save(update_fields=["accepted_answer"])
    # when
    page1 = get(None, topic.get_absolute_url()).content.decode()
    page2 = get(None, topic.get_absolute_url(), page=2).content.decode()
    # then
    assert page1.index('id="post-1"') < page1.index("The real answer")
    assert page1.index("The real answer") < page1.index('id="post-2"')
    assert "Accepted answer" in page2
    assert 'id="post-33"' in page2
    assert page1.count("The real answer") == 1


def test_locked_and_duplicate_topics_say_why(public_space):
    # given
    original = TopicFactory(space=public_space, title="Original topic", with_posts=1)
    duplicate = TopicFactory(space=public_space, duplicate_of=original, with_posts=1)
    locked = TopicFactory(space=public_space, locked_at=timezone.now(), with_posts=1)
    ModerationEvent.objects.create(
        action="lock", topic=locked, reason="Heated; cooling off."
    )
    # when
    dup_html = get(None, duplicate.get_absolute_url()).content.decode()
    locked_html = get(None, locked.get_absolute_url()).content.decode()
    # then
    assert "closed as a duplicate" in dup_html
    assert f'href="{original.get_absolute_url()}"' in dup_html
    assert "locked" in locked_html
    assert "Heated; cooling off." in locked_html


def test_embargoed_red_flag_is_404_for_other_members(public_space, people, vendor_a):
    # given
    topic = TopicFactory(
        space=public_space,
        kind="red_flag",
        author=people["library_worker"],
        embargo_state="embargoed",
        embargo_vendor=vendor_a,
        embargo_ends_at=timezone.now() + dt.timedelta(days=14),
        with_posts=1,
    )
    # when / then
    assert get(None, topic.get_absolute_url()).status_code == 404
    assert get(people["vendor_rep_b"], topic.get_absolute_url()).status_code == 404
    assert get(people["vendor_rep_a"], topic.get_absolute_url()).status_code == 200
    assert get(people["library_worker"], topic.get_absolute_url()).status_code == 200


def test_topic_page_helpful_button_reflects_viewer_mark(public_space, library_worker):
    # given
    topic = TopicFactory(space=public_space, with_posts=2)
    post = topic.posts.get(number=2)
    HelpfulMark.objects.create(post=post, user=library_worker)
    # when
    html = get(library_worker, topic.get_absolute_url()).content.decode()
    # then
    toggle = reverse("discussions:helpful_toggle", kwargs={"post_id": post.pk})
    assert 'aria-pressed="true"' in html
    assert toggle in html
    assert toggle not in get(None, topic.get_absolute_url()).content.decode()


def test_post_history_lists_revisions_with_editor_and_note(public_space, moderator):
    # given
    editor = UserFactory(display_name="Careful Editor")
    topic = TopicFactory(space=public_space, with_posts=1)
    post = topic.posts.get()
    post.edited_at = timezone.now()
    post.edit_count = 1
    post.save(update_fields=["edited_at", "edit_count"])
    PostRevision.objects.create(
        post=post, number=1, body="First **draft**", edited_by=editor, note="typo"
    )
    # when
    html = get(
        None, reverse("discussions:post_history", kwargs={"post_id": post.pk})
    ).content.decode()
    topic_html = get(None, topic.get_absolute_url()).content.decode()
    # then
    assert "Careful Editor" in html
    assert "typo" in html
    assert "<strong>draft</strong>" in html
    assert (
        reverse("discussions:post_history", kwargs={"post_id": post.pk}) in topic_html
    )


def test_topic_page_for_member_of_library_org(public_space, library):
    member = UserFactory()
    MembershipFactory(user=member, organisation=library)
    topic = TopicFactory(space=public_space, with_posts=1)
    html = get(member, topic.get_absolute_url()).content.decode()
    assert 'action="/discussions/t/' in html  # the reply form


# ----------------------------------------------------------------- rendering helpers


@pytest.mark.parametrize(
    "delta",
    [
        dt.timedelta(0),
        dt.timedelta(seconds=59),
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=59, seconds=59),
        dt.timedelta(hours=1),
        dt.timedelta(hours=23),
        dt.timedelta(days=1),
        dt.timedelta(days=13),
        dt.timedelta(days=27, hours=23),
        dt.timedelta(days=40),
        dt.timedelta(days=800),
        dt.timedelta(seconds=-30),
    ],
)
def test_time_labels_match_reltime_of_timesince(delta):
    from django.utils.timesince import timesince

    from discussions.templatetags.discussions_tags import TimeLabels

    now = timezone.now()
    value = now - delta
    html = TimeLabels(now)(value)
    expected = (
        "just now"
        if value > now
        else f"{timesince(value, now, depth=1)} ago".replace("\xa0", "&nbsp;")
    )
    assert f">{expected}</time>" in html.replace("\xa0", "&nbsp;")
    assert f'datetime="{value.isoformat()}"' in html


def test_topic_page_actions_per_role(public_space, people, moderator):
    # given: a reply by another member and one by the library worker
    topic = TopicFactory(space=public_space, kind="question", with_posts=1)
    other = PostFactory(topic=topic, body_html="<p>Other reply</p>")
    own = PostFactory(
        topic=topic, author=people["library_worker"], body_html="<p>Own reply</p>"
    )
    edit_other = reverse("discussions:post_edit", kwargs={"post_id": other.pk})
    edit_own = reverse("discussions:post_edit", kwargs={"post_id": own.pk})
    flag_other = reverse("discussions:post_flag", kwargs={"post_id": other.pk})
    flag_own = reverse("discussions:post_flag", kwargs={"post_id": own.pk})
    helpful_other = reverse("discussions:helpful_toggle", kwargs={"post_id": other.pk})
    moderate_other = reverse("discussions:moderate_post", kwargs={"post_id": other.pk})
    quote_other = f"/discussions/t/{topic.pk}/reply/?quote={other.pk}"
    # when
    anonymous = get(None, topic.get_absolute_url()).content.decode()
    member = get(people["library_worker"], topic.get_absolute_url()).content.decode()
    mod = get(moderator, topic.get_absolute_url()).content.decode()
    # then: anonymous readers get no action at all
    for link in (edit_other, flag_other, helpful_other, moderate_other, quote_other):
        assert link not in anonymous
    assert "csrfmiddlewaretoken" not in anonymous
    # a member edits their own post, flags and marks others' posts, quotes
    assert edit_own in member
    assert edit_other not in member
    assert flag_other in member
    assert flag_own not in member
    assert helpful_other in member
    assert quote_other in member
    assert moderate_other not in member
    # a moderator edits and moderates every post
    assert edit_other in mod
    assert moderate_other in mod
    assert 'name="action" value="hide"' in mod
