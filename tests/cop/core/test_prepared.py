"""``cop.core.prepared.PreparedQuery``: compiled once, same objects as the queryset."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from cop.core.prepared import PreparedQuery
from cop.members.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _memberships(user_id: int) -> Any:
    return (
        Membership.objects.filter(user_id=user_id)
        .select_related("organisation", "user")
        .annotate(
            colleagues=Count("organisation__memberships"),
            verified=Exists(
                Membership.objects.filter(pk=OuterRef("pk"), status="verified")
            ),
        )
        .order_by("pk")
    )


MEMBERSHIPS = PreparedQuery(_memberships, user_id=2_100_000_001)


def _fields(obj: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


def test_objects_equal_the_querysets_including_joins_and_annotations():
    people = [UserFactory() for _ in range(3)]
    for org in (OrganisationFactory(), OrganisationFactory()):
        for person in people[:2]:
            MembershipFactory(user=person, organisation=org)
    for person in people:
        expected = list(_memberships(person.pk))
        got = list(MEMBERSHIPS.all(user_id=person.pk))
        assert [_fields(m) for m in got] == [_fields(m) for m in expected]
        assert [_fields(m.organisation) for m in got] == [
            _fields(m.organisation) for m in expected
        ]
        assert [m.user.email for m in got] == [m.user.email for m in expected]
        assert all(m.colleagues == 2 for m in got)


def test_second_run_compiles_nothing_and_runs_one_query():
    person = UserFactory()
    MembershipFactory(user=person)
    MEMBERSHIPS.first(user_id=person.pk)
    with CaptureQueriesContext(connection) as queries:
        first = MEMBERSHIPS.first(user_id=person.pk)
    assert first is not None
    assert first.user_id == person.pk
    assert len(queries) == 1


def test_first_answers_none_without_rows():
    assert MEMBERSHIPS.first(user_id=10**9) is None


def test_values_must_match_the_slots():
    with pytest.raises(TypeError):
        list(MEMBERSHIPS.all(user=1))


def test_a_placeholder_missing_from_the_sql_is_refused():
    bad = PreparedQuery(lambda user_id: Membership.objects.all(), user_id=2_100_000_002)
    with pytest.raises(ValueError, match="not in the SQL"):
        bad.first(user_id=1)


def test_two_slots_with_one_placeholder_value_are_refused():
    bad = PreparedQuery(
        lambda a, b: Membership.objects.filter(user_id=a, organisation_id=b),
        a=2_100_000_003,
        b=2_100_000_003,
    )
    with pytest.raises(ValueError, match="share a value"):
        bad.first(a=1, b=2)


@pytest.mark.parametrize("value", [2**40, -5, 2**31])
def test_integers_outside_every_column_range_answer_no_rows_instead_of_failing(value):
    assert MEMBERSHIPS.first(user_id=value) is None
