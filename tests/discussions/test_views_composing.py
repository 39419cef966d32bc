"""The composing pages through the HTTP client: new topics, replies, edits, actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from discussions import services
from discussions.models import Topic
from tests.discussions.composing_support import (  # the fixture is autouse
    XSS_BODY,
    XSS_TITLE,
    _no_premoderation_no_cache,  # noqa: F401
    client_for,
    new_topic_url,
    topic_data,
)
from tests.factories import TopicFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

# ----------------------------------------------------------------- new topic


def test_topic_new_as_anonymous_redirects_to_sign_in(public_space):
    response = Client().get(new_topic_url(public_space))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_topic_new_in_unreadable_space_is_404(spaces, vendor_rep_a):
    response = client_for(vendor_rep_a).get(new_topic_url(spaces["library_workers"]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "offers_red_flag"),
    [("library_worker", True), ("vendor_rep_a", False), ("moderator", True)],
)
def test_topic_new_form_offers_red_flag_only_to_those_allowed(
    public_space, people, role, offers_red_flag
):
    # when
    response = client_for(people[role]).get(new_topic_url(public_space))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert ('value="red_flag"' in html) is offers_red_flag
    assert 'hx-get="/discussions/similar/"' in html
    assert 'hx-trigger="keyup changed delay:500ms"' in html
    assert '<label for="id_title">' in html
    assert '<label for="id_body">' in html


def test_topic_new_creates_topic_and_redirects_to_it(public_space, library_worker):
    # when
    response = client_for(library_worker).post(
        new_topic_url(public_space), topic_data()
    )
    # then
    topic = Topic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()
    assert sorted(t.slug for t in topic.tags.all()) == ["loans", "retention"]
    page = client_for(library_worker).get(topic.get_absolute_url()).content.decode()
    assert "How long do vendors keep loan history?" in page
    assert "<strong>loan history</strong>" in page


def test_topic_new_red_flag_with_product_records_document(
    public_space, library_worker, product_a
):
    # given
    from cop.privacy.models import RedFlag

    red_flag = RedFlag.objects.current().first()
    data = topic_data(
        kind="red_flag",
        product=str(product_a.pk),
        red_flag=str(red_flag.pk),
        document_version="v2",
        document_date="2026-02-01",
        clause_reference="7.2",
    )
    # when
    response = client_for(library_worker).post(new_topic_url(public_space), data)
    # then
    topic = Topic.objects.get()
    assert response.status_code == 302
    assert (topic.product, topic.red_flag, topic.clause_reference) == (
        product_a,
        red_flag,
        "7.2",
    )
    assert topic.is_embargoed


def test_topic_new_missing_body_keeps_title_and_tags(public_space, library_worker):
    # when
    response = client_for(library_worker).post(
        new_topic_url(public_space), topic_data(body="")
    )
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert not Topic.objects.exists()
    assert 'value="How long do vendors keep loan history?"' in html
    assert 'value="retention, loans"' in html
    assert 'id="id_body_errors"' in html
    assert 'aria-describedby="id_body_errors id_body_helptext"' in html


def test_topic_new_service_error_becomes_field_error_keeping_text(
    public_space, library_worker
):
    # given: a title the service refuses (too short)
    data = topic_data(title="Short", body="My long *body* stays.")
    # when
    response = client_for(library_worker).post(new_topic_url(public_space), data)
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert not Topic.objects.exists()
    assert 'id="id_title_errors"' in html
    assert 'value="Short"' in html
    assert "My long *body* stays." in html


def test_topic_new_non_field_service_error_is_shown(
    public_space, library_worker, monkeypatch
):
    def refuse(**kwargs: Any) -> None:
        raise ValidationError("Slow down: wait 30 seconds.")

    monkeypatch.setattr(services, "topic_create", refuse)
    response = client_for(library_worker).post(
        new_topic_url(public_space), topic_data()
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Slow down: wait 30 seconds." in html
    assert "We found a clause about **loan history**." in html


def test_topic_new_permission_denied_by_service_is_403(
    public_space, library_worker, monkeypatch
):
    def deny(**kwargs: Any) -> None:
        raise PermissionDenied

    monkeypatch.setattr(services, "topic_create", deny)
    response = client_for(library_worker).post(
        new_topic_url(public_space), topic_data()
    )
    assert response.status_code == 403


def test_topic_new_red_flag_by_vendor_rep_is_refused(
    public_space, vendor_rep_a, product_a
):
    response = client_for(vendor_rep_a).post(
        new_topic_url(public_space), topic_data(kind="red_flag", clause_reference="1")
    )
    assert response.status_code == 200  # the type is not a valid choice for them
    assert not Topic.objects.exists()


def test_topic_with_xss_payload_renders_inert(public_space, library_worker):
    # given
    client = client_for(library_worker)
    client.post(new_topic_url(public_space), topic_data(title=XSS_TITLE, body=XSS_BODY))
    topic = Topic.objects.get()
    # when
    pages = [
        client.get(topic.get_absolute_url()).content.decode(),
        Client().get(public_space.get_absolute_url()).content.decode(),
    ]
    # then
    for html in pages:
        assert "<script>alert" not in html
        assert "<img src=x onerror" not in html
        assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)" in pages[0]  # shown as text


def test_check_similar_without_js_rerenders_with_suggestions(
    public_space, library_worker
):
    # given
    TopicFactory(space=public_space, title="Vendor keeps loan history forever")
    data = topic_data(similar="1")
    # when
    response = client_for(library_worker).post(new_topic_url(public_space), data)
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert not Topic.objects.filter(title=data["title"]).exists()
    assert "Vendor keeps loan history forever" in html
    assert 'value="How long do vendors keep loan history?"' in html
    assert "We found a clause about **loan history**." in html
    assert 'id="id_title_errors"' not in html


def test_topic_similar_endpoint_lists_only_visible_topics(spaces, people):
    # given
    TopicFactory(space=spaces["public"], title="Loan history retention in Stacks")
    TopicFactory(space=spaces["library_workers"], title="Loan history secret talk")
    url = reverse("discussions:topic_similar")
    # when
    as_rep = client_for(people["vendor_rep_a"]).get(url, {"title": "loan history"})
    as_worker = client_for(people["library_worker"]).get(url, {"title": "loan history"})
    # then
    assert "Loan history retention in Stacks" in as_rep.content.decode()
    assert "secret talk" not in as_rep.content.decode()
    assert "secret talk" in as_worker.content.decode()
    assert "<html" not in as_rep.content.decode()  # a partial


def test_topic_similar_endpoint_as_anonymous_redirects_to_sign_in(db):
    response = Client().get(reverse("discussions:topic_similar"), {"title": "x"})
    assert response.status_code == 302
