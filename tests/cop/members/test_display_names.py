"""Display names that differ only in case or by look-alike letters count as the same name.

Two skeletons decide: one taken before case folding (capitals that look alike across
scripts) and one after it (names that differ only in case). Each direction is tested,
so the name that exists first never matters.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from cop.members.models import User
from cop.members.selectors_accounts import display_name_is_taken
from cop.members.services.profiles import profile_update
from cop.members.validators import clean_display_name, display_name_keys
from tests.cop.members.accounts_support import signup
from tests.factories import UserFactory

SAME_NAMES = [
    ("Riverbend Reader", "RIVERBEND READER"),  # a capital I is an "l" by shape
    ("Riverbend Reader", "rIVERBEND rEADER"),
    ("Anna", "ANNA"),
    ("Anna", "\u0391nna"),  # Greek capital alpha
    ("KOT", "\u041a\u041e\u0422"),  # Cyrillic capitals
    ("Hello", "\u0397\u0395LL\u039f"),  # Greek capitals eta, epsilon, omicron
    ("Bill", "BiII"),  # capital I for small l
    ("Ingrid Ilse", "ingrid ilse"),
    ("anna", "\u0430nna"),  # Cyrillic small a
]
DIFFERENT_NAMES = [
    ("Anna", "Anne"),
    ("ill", "lll"),  # neither folding nor shape makes a small i an l
    ("Riverbend Reader", "Riverbend Readers"),
]


def _shares_a_key(first: str, second: str) -> bool:
    return any(
        a == b
        for a, b in zip(
            display_name_keys(first), display_name_keys(second), strict=True
        )
    )


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_display_name_keys_of_same_names_share_a_key(first, second):
    assert _shares_a_key(first, second)
    assert _shares_a_key(second, first)


@pytest.mark.parametrize(("first", "second"), DIFFERENT_NAMES)
def test_display_name_keys_of_different_names_share_none(first, second):
    assert not _shares_a_key(first, second)


@pytest.mark.parametrize("name", ["Riverbend Reader", "RIVERBEND READER", "\u0397ello"])
def test_display_name_keys_are_idempotent(name):
    shape_key, folded_key = display_name_keys(name)
    assert display_name_keys(shape_key)[0] == shape_key
    assert display_name_keys(folded_key)[1] == folded_key


@pytest.mark.parametrize("name", ["ADMIN", "MODERATOR", "Moderat\u043er", "SUPPORT"])
def test_clean_display_name_refuses_reserved_names_in_any_case(name):
    with pytest.raises(Exception, match="reserved"):
        clean_display_name(name)


@pytest.mark.django_db
@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_display_name_is_taken_both_ways(first, second):
    # given: the first name exists
    existing = UserFactory(display_name=first)
    # then: the second is taken, and the other way round
    assert display_name_is_taken(name=second)
    assert not display_name_is_taken(name=second, exclude_user_id=existing.pk)
    existing.delete()
    UserFactory(display_name=second)
    assert display_name_is_taken(name=first)


@pytest.mark.django_db
@pytest.mark.parametrize(("first", "second"), DIFFERENT_NAMES)
def test_display_name_is_taken_is_false_for_different_names(first, second):
    UserFactory(display_name=first)
    assert not display_name_is_taken(name=second)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("existing", "typed"),
    [
        ("Riverbend Reader", "RIVERBEND READER"),
        ("RIVERBEND READER", "Riverbend Reader"),
    ],
)
def test_signup_with_name_differing_only_in_case_is_refused(client, existing, typed):
    UserFactory(display_name=existing)
    response = signup(client, email="second@example.org", display_name=typed)
    assert response.status_code == 200
    body = response.content.decode()
    assert "looks too much like one that is" in body
    assert f'value="{typed}"' in body
    assert not User.objects.filter(email="second@example.org").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("existing", "typed"),
    [
        ("Riverbend Reader", "RIVERBEND READER"),
        ("RIVERBEND READER", "Riverbend Reader"),
    ],
)
def test_profile_edit_with_name_differing_only_in_case_is_refused(
    client, existing, typed
):
    UserFactory(display_name=existing)
    member = UserFactory(display_name="Kim Lee")
    client.force_login(member)
    response = client.post(
        reverse("members:profile_edit"), {"display_name": typed, "bio": "kept"}
    )
    assert response.status_code == 200
    assert "looks too much like one that is" in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Kim Lee"


@pytest.mark.django_db
def test_profile_update_stores_both_keys():
    member = UserFactory(display_name="Kim")
    profile_update(user=member, display_name="RIVERBEND READER", bio="")
    member.refresh_from_db()
    assert (member.display_name_key, member.display_name_folded_key) == (
        display_name_keys("RIVERBEND READER")
    )


@pytest.mark.django_db
def test_folded_key_constraint_settles_a_race():
    UserFactory(display_name="Riverbend Reader")
    with pytest.raises(IntegrityError), transaction.atomic():
        # A second insert that skipped the check (a concurrent sign-up).
        UserFactory(
            display_name="RIVERBEND READER",
            display_name_key="a different shape key",
        )


@pytest.mark.django_db
def test_backfill_migration_keys_older_account_and_leaves_clash_empty():
    # given: accounts from before the folded key existed, two of them clashing
    older = UserFactory(display_name="Riverbend Reader", display_name_folded_key=None)
    newer = UserFactory(display_name="RIVERBEND READER", display_name_folded_key=None)
    other = UserFactory(display_name="Kim", display_name_folded_key=None)
    nameless = UserFactory(
        display_name="", display_name_key=None, display_name_folded_key=None
    )
    migration = importlib.import_module(
        "cop.members.migrations.0006_backfill_display_name_folded_key"
    )
    # when: it runs twice (re-runnable)
    migration.backfill(apps, None)
    migration.backfill(apps, None)
    # then
    keys = dict(User.objects.values_list("pk", "display_name_folded_key"))
    assert keys[older.pk] == display_name_keys("Riverbend Reader")[1]
    assert keys[newer.pk] is None
    assert keys[other.pk] == display_name_keys("Kim")[1]
    assert keys[nameless.pk] is None
