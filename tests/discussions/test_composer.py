"""The composer: server preview, mention links, mention suggestions, topic-type fields."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from discussions import markup
from discussions.models import Post
from tests.factories import PostFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

PREVIEW = reverse("discussions:preview")
MENTIONS = reverse("discussions:mention_suggestions")
BODY = "**Bold** claim, see @Riverbend Reader.\n\n<script>alert(1)</script> `@Riverbend Reader`"


@pytest.fixture
def reader(db: Any) -> Any:
    return UserFactory(display_name="Riverbend Reader")


@pytest.fixture
def member(settings: Any) -> Any:
    settings.COP_CONDUCT_EXEMPT_PATH_PREFIXES = ["/"]
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0
    return UserFactory(display_name="Composer Person")


def test_mention_of_a_member_renders_as_a_link_to_their_page(reader):
    html = markup.render_markdown("Thanks @Riverbend Reader, and @nobody-here too.")
    member_url = reverse("members:member_detail", kwargs={"user_id": reader.pk})
    assert f'Thanks <a href="{member_url}"' in html
    assert ">@Riverbend Reader</a>, and @nobody-here too." in html


def test_mention_inside_code_or_a_link_stays_text(reader):
    html = markup.render_markdown(
        "`@Riverbend Reader` and [@Riverbend Reader](https://example.org)"
    )
    assert "/members/" not in html


def test_exact_mention_form_links_without_the_quotes(reader):
    html = markup.render_markdown('Hello @"Riverbend Reader"!')
    assert ">@Riverbend Reader</a>!" in html


def test_preview_is_the_html_the_post_gets(client, member, reader, spaces):
    # given
    topic = TopicFactory(space=spaces["public"], with_posts=1)
    client.force_login(member)

    # when: the preview, then the same text posted
    preview = client.post(PREVIEW, {"body": BODY}, headers={"HX-Request": "true"})
    client.post(
        reverse("discussions:post_reply", kwargs={"topic_id": topic.pk}), {"body": BODY}
    )

    # then
    post = Post.objects.filter(topic=topic).order_by("-number").first()
    assert post is not None
    assert post.body == BODY
    assert post.body_html in preview.content.decode()
    assert "<script" not in preview.content.decode()
    assert "/members/" in post.body_html


def test_preview_without_javascript_renders_the_page_again_keeping_the_text(
    client, member, spaces
):
    topic = TopicFactory(space=spaces["public"], with_posts=1)
    client.force_login(member)
    url = reverse("discussions:post_reply", kwargs={"topic_id": topic.pk})

    response = client.post(url, {"body": "*Draft* text", "preview": "1"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<em>Draft</em> text" in html
    assert "*Draft* text</textarea>" in html
    assert Post.objects.filter(topic=topic).count() == 1  # nothing posted


def test_topic_form_preview_keeps_every_field(client, member, spaces):
    client.force_login(member)
    url = reverse("discussions:topic_new", kwargs={"slug": spaces["public"].slug})
    response = client.post(
        url,
        {
            "kind": "general",
            "title": "Keep my title",
            "body": "Some **text**",
            "preview": "1",
        },
    )
    html = response.content.decode()
    assert "<strong>text</strong>" in html
    assert 'value="Keep my title"' in html
    # The document fields are marked for the script to show for red flags only.
    assert 'data-kinds="question red_flag"' in html


def test_preview_needs_sign_in_and_post(client, member):
    assert client.post(PREVIEW, {"body": "x"}).status_code == 302
    client.force_login(member)
    assert client.get(PREVIEW).status_code == 405


def test_mention_suggestions_only_offer_readers_of_the_topic(
    client, member, spaces, library_worker, moderator
):
    # given: a topic in the library workers' space; two members named alike
    library_worker.display_name = "Riverside Worker"
    library_worker.save(update_fields=["display_name"])
    UserFactory(display_name="Riverside Outsider")  # not a library worker
    topic = TopicFactory(space=spaces["library_workers"], with_posts=1)
    client.force_login(moderator)

    # when
    names = client.get(MENTIONS, {"topic": topic.pk, "q": "river"}).json()["names"]

    # then
    assert names == ["Riverside Worker"]


def test_mention_suggestions_for_a_new_topic_follow_the_space(client, member, spaces):
    UserFactory(display_name="Anna Public")
    client.force_login(member)
    names = client.get(MENTIONS, {"space": spaces["public"].slug, "q": "an"}).json()
    assert names == {"names": ["Anna Public"]}


def test_mention_suggestions_hide_a_topic_the_viewer_cannot_read(
    client, member, spaces
):
    topic = TopicFactory(space=spaces["working_group"], with_posts=1)
    client.force_login(member)
    assert client.get(MENTIONS, {"topic": topic.pk, "q": "an"}).status_code == 404


def test_mention_suggestions_never_offer_oneself_or_inactive_members(
    client, member, spaces
):
    UserFactory(display_name="Compost Gone", is_active=False)
    client.force_login(member)
    names = client.get(MENTIONS, {"space": spaces["public"].slug, "q": "comp"}).json()
    assert names == {"names": []}


def test_mention_suggestions_need_two_letters(client, member, spaces):
    client.force_login(member)
    assert client.get(MENTIONS, {"space": spaces["public"].slug, "q": "a"}).json() == {
        "names": []
    }


def test_reply_page_has_the_composer(client, member, spaces):
    topic = TopicFactory(space=spaces["public"], with_posts=1)
    PostFactory(topic=topic)
    client.force_login(member)
    html = client.get(
        reverse("discussions:post_reply", kwargs={"topic_id": topic.pk})
    ).content.decode()
    assert f'data-mentions-url="{MENTIONS}?topic={topic.pk}"' in html
    assert 'name="preview" value="1"' in html
    assert "js/composer.js" in html
