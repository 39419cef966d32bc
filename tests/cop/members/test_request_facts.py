"""The member loaded with their roles in one query agrees with the role predicates.

``cop.members.backends`` memoises the roles it reads with the user row; these tests
load each role both ways (the login query, and a plain user object that asks the
predicates' own queries) and compare every predicate, then count the queries of a
signed-in page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cop.members import permissions
from cop.members.backends import AccountBackend, MemberBackend, load_user_with_facts
from cop.members.models import User
from cop.members.services.conduct import code_of_conduct_accept
from tests.cop.members.accounts_support import publish_conduct
from tests.factories import TotpAuthenticatorFactory, UserFactory
from tests.roles import *  # noqa: F403

pytestmark = pytest.mark.django_db

PREDICATES = (
    permissions.mfa_enabled,
    permissions.is_site_admin,
    permissions.is_moderator,
    permissions.is_verified_vendor_rep,
    permissions.represented_vendor_ids,
    permissions.is_library_worker,
    permissions.has_elevated_role,
    permissions.elevated_role_pending_mfa,
    permissions.admin_scope_limited,
    permissions.group_ids,
    permissions.conduct_acceptance_due,
)


def _answers(user: Any) -> dict[str, Any]:
    return {predicate.__name__: predicate(user) for predicate in PREDICATES}


def _loaded(user: Any) -> Any:
    return load_user_with_facts(MemberBackend(), user.pk)


@pytest.fixture
def working_group_member(db: Any) -> Any:
    user = UserFactory(email="wg@example.org")
    user.groups.add(Group.objects.create(name="Licensing working group"))
    return user


@pytest.fixture
def moderator_without_mfa(db: Any) -> Any:
    user = UserFactory(email="new-moderator@example.org")
    group, _ = Group.objects.get_or_create(name=permissions.MODERATORS_GROUP)
    user.groups.add(group)
    return user


@pytest.mark.parametrize(
    "role",
    [
        "library_worker",
        "vendor_rep_a",
        "moderator",
        "admin",
        "working_group_member",
        "moderator_without_mfa",
    ],
)
def test_loaded_roles_answer_like_the_predicates(role, request):
    user = request.getfixturevalue(role)
    publish_conduct("1.0")
    expected = _answers(User.objects.get(pk=user.pk))
    assert _answers(_loaded(user)) == expected


@pytest.mark.parametrize("accepted", [True, False])
def test_conduct_due_follows_the_version_in_force(library_worker, accepted):
    first = publish_conduct("1.0")
    code_of_conduct_accept(user=library_worker, version=first)
    assert permissions.conduct_acceptance_due(_loaded(library_worker)) is False
    second = publish_conduct("2.0")
    if accepted:
        code_of_conduct_accept(user=library_worker, version=second)
    assert permissions.conduct_acceptance_due(_loaded(library_worker)) is not accepted


def test_no_conduct_published_is_never_due(library_worker):
    assert permissions.conduct_acceptance_due(_loaded(library_worker)) is False


def test_accepting_clears_the_loaded_answer(library_worker):
    version = publish_conduct("1.0")
    user = _loaded(library_worker)
    assert permissions.conduct_acceptance_due(user) is True
    code_of_conduct_accept(user=user, version=version)
    assert permissions.conduct_acceptance_due(user) is False


def test_second_factor_added_later_is_seen_after_clearing(moderator_without_mfa):
    user = _loaded(moderator_without_mfa)
    assert permissions.is_moderator(user) is False
    TotpAuthenticatorFactory(user=user)
    permissions.clear_cached_roles(user)
    assert permissions.is_moderator(user) is True


@pytest.mark.parametrize(
    "role", ["library_worker", "vendor_rep_a", "moderator", "working_group_member"]
)
def test_roles_run_no_query_once_loaded(role, request):
    # Sets too (a representative's vendors, a member's groups) came with the row.
    user = _loaded(request.getfixturevalue(role))
    with CaptureQueriesContext(connection) as queries:
        _answers(user)
    assert len(queries) == 0


@pytest.mark.parametrize("backend", [MemberBackend, AccountBackend])
def test_backends_refuse_missing_inactive_and_malformed_ids(backend, library_worker):
    assert backend().get_user(library_worker.pk).pk == library_worker.pk
    assert backend().get_user(library_worker.pk + 1000) is None
    assert backend().get_user("not-a-number") is None
    library_worker.is_active = False
    library_worker.save(update_fields=["is_active"])
    assert backend().get_user(library_worker.pk) is None


def test_signed_in_request_costs_one_query_for_session_member_and_facts(
    client, library_worker
):
    publish_conduct("1.0")
    client.force_login(library_worker)
    client.get(reverse("members:conduct_accept"))  # any page: warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    # The main table follows the last FROM (the member's facts are sub-queries).
    tables = [q["sql"].rsplit(" FROM ", 1)[1].split()[0] for q in queries]
    assert len(queries) == 1
    assert tables == ['"members_user"']
    assert 'JOIN "members_session"' in queries[0]["sql"]


def test_pending_conduct_still_redirects_through_the_loaded_facts(
    client, library_worker
):
    publish_conduct("1.0")
    client.force_login(library_worker)
    response = client.get(reverse("discussions:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:conduct_accept"))
