"""Profiles: display-name rules (length, control characters, confusables), the public
member page (pseudonymity, badges) and the member's own editor."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cop.members.models import Membership, Organisation
from cop.members.services.profiles import profile_update
from cop.members.validators import clean_display_name, display_name_key
from tests.cop.members.accounts_support import signup
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Anna", "\u0391nna"),  # Greek capital alpha
        ("Anna", "ANNA"),
        ("anna", "\u0430nna"),  # Cyrillic small a
        ("Bill", "BiII"),  # capital I for small l
        ("Anna  Lee", " Anna Lee "),
    ],
)
def test_display_name_key_of_lookalikes_is_equal(first, second):
    assert display_name_key(first) == display_name_key(second)


def test_display_name_key_of_different_names_differs():
    assert display_name_key("Anna") != display_name_key("Anne")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("ab", "min_length"),
        ("x" * 41, "max_length"),
        ("Anna\u202eevil", "control_characters"),  # right-to-left override
        ("An\u200bna", "control_characters"),  # zero-width space
        ("Anna\x00", "control_characters"),
        ("---", "no_letters"),
        ("M\u043ederator", "reserved"),  # Cyrillic o
    ],
)
def test_clean_display_name_rejects_bad_names(value, code):
    with pytest.raises(ValidationError) as exc:
        clean_display_name(value)
    assert exc.value.code == code


def test_clean_display_name_normalises_spaces():
    assert clean_display_name("  Anna   Lee ") == "Anna Lee"


@pytest.mark.django_db
def test_signup_with_confusable_name_is_refused_and_keeps_input(client):
    UserFactory(display_name="Anna", display_name_key=display_name_key("Anna"))
    response = signup(client, email="a2@example.org", display_name="\u0391nna")
    assert response.status_code == 200
    body = response.content.decode()
    assert "looks too much like one that is" in body
    assert 'value="a2@example.org"' in body
    assert 'value="\u0391nna"' in body


@pytest.mark.django_db
def test_profile_edit_saves_name_and_bio(client):
    member = UserFactory()
    client.force_login(member)
    response = client.post(
        reverse("members:profile_edit"), {"display_name": "Kim Lee", "bio": "Hello"}
    )
    assert response["Location"] == member.get_absolute_url()
    member.refresh_from_db()
    assert (member.display_name, member.bio) == ("Kim Lee", "Hello")
    assert member.display_name_key == display_name_key("kim lee")


@pytest.mark.django_db
def test_profile_edit_with_taken_name_keeps_typed_text(client):
    UserFactory(display_name="Anna", display_name_key=display_name_key("Anna"))
    member = UserFactory(display_name="Kim", display_name_key=display_name_key("Kim"))
    client.force_login(member)
    response = client.post(
        reverse("members:profile_edit"),
        {"display_name": "ANNA", "bio": "my <b>new</b> bio"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "looks too much like one that is" in body
    assert 'value="ANNA"' in body
    assert "my &lt;b&gt;new&lt;/b&gt; bio" in body
    member.refresh_from_db()
    assert member.display_name == "Kim"


@pytest.mark.django_db
def test_profile_edit_with_control_character_in_bio_is_refused(client):
    member = UserFactory()
    client.force_login(member)
    response = client.post(
        reverse("members:profile_edit"),
        {"display_name": member.display_name, "bio": "hi\x07there"},
    )
    # Refused before the view (cop.core.control_characters), the text shown back.
    assert response.status_code == 400
    assert "hithere" in response.content.decode()


@pytest.mark.django_db
def test_profile_update_own_name_in_other_case_is_allowed():
    member = UserFactory(display_name="kim", display_name_key=display_name_key("kim"))
    profile_update(user=member, display_name="Kim", bio="")
    member.refresh_from_db()
    assert member.display_name == "Kim"


@pytest.mark.django_db
def test_member_page_shows_bio_xss_as_text(client):
    member = UserFactory(bio='<script>alert("x")</script><img src=x onerror=alert(1)>')
    body = client.get(member.get_absolute_url()).content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


@pytest.mark.django_db
def test_member_page_never_shows_email_or_real_name(client):
    member = UserFactory(
        email="secret.person@example.org", first_name="Secreta", last_name="Realname"
    )
    viewer = UserFactory()
    client.force_login(viewer)
    body = client.get(member.get_absolute_url()).content.decode()
    assert member.display_name in body
    for private in ("secret.person", "Secreta", "Realname"):
        assert private not in body


@pytest.mark.django_db
def test_member_page_shows_only_verified_badges_and_marks_official_reps(client):
    member = UserFactory()
    vendor = OrganisationFactory(kind=Organisation.Kind.VENDOR, name="Vendor Co")
    library = OrganisationFactory(kind=Organisation.Kind.LIBRARY, name="City Library")
    pending = OrganisationFactory(name="Pending Org")
    MembershipFactory(
        user=member, organisation=vendor, role=Membership.Role.REPRESENTATIVE
    )
    MembershipFactory(user=member, organisation=library)
    MembershipFactory(
        user=member, organisation=pending, status=Membership.Status.REQUESTED
    )
    body = client.get(member.get_absolute_url()).content.decode()
    assert "Vendor Co" in body
    assert "City Library" in body
    assert "official representative" in body
    assert "Pending Org" not in body


@pytest.mark.django_db
def test_member_page_of_inactive_or_missing_member_is_404(client):
    gone = UserFactory(is_active=False)
    assert client.get(gone.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("members:member_detail", args=[999999])).status_code == 404
    )


@pytest.mark.django_db
def test_member_page_query_count_is_constant(client, django_assert_max_num_queries):
    member = UserFactory()
    for _ in range(5):
        MembershipFactory(user=member)
    with django_assert_max_num_queries(4):
        client.get(member.get_absolute_url())


@pytest.mark.django_db
def test_profile_edit_requires_login(client):
    response = client.get(reverse("members:profile_edit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
