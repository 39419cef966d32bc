"""Authorization matrix: every URL pattern of the project, for every role.

``test_every_url_pattern_has_an_expectation`` walks the whole URL configuration
(cop's apps, allauth, the Wagtail admin, and whatever is added later) and fails for
any pattern without an entry, listing the missing ones. Add an entry with one line:

    "members:thing_detail": MEMBERS,            # a route name (namespaced)
    "admin/some/unnamed/route/": MODERATORS,    # or the full route of an unnamed one

``test_url_access_matches_expectations`` then GETs every pattern that can be built
(without arguments, or with arguments from ``URL_KWARGS``) as each role and checks the
class of outcome. Third-party groups (Wagtail's own admin, allauth) are covered by the
documented name rules in ``THIRD_PARTY_RULES``; cop's own URLs, including cop's Wagtail
admin viewsets and snippets, always need an exact entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    reverse,
)

from cop.members.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.roles import *  # noqa: F403 - role fixtures
from tests.roles import ROLES

# ----------------------------------------------------------------- outcome classes
OK = "ok"  # 200
LOGIN = "login"  # redirect to a sign-in page
REDIRECT = "redirect"  # redirect elsewhere (e.g. "already signed in", admin home)
FORBIDDEN = "forbidden"  # 403
NOT_FOUND = "not_found"  # 404
METHOD = "method"  # 405: POST-only action requested with GET
SKIP = "skip"  # not requested (side effects or error pages); still listed here

LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
NO_ACCESS = {LOGIN, FORBIDDEN, NOT_FOUND}  # refused, existence not shown


def row(**outcomes: Any) -> dict[str, frozenset[str]]:
    """Return one role → allowed-outcomes mapping; ``others=`` fills unnamed roles."""
    others = outcomes.pop("others", None)
    result = {}
    for role in ROLES:
        value = outcomes.get(role, others)
        assert value is not None, f"row() needs {role} or others="
        result[role] = frozenset({value} if isinstance(value, str) else value)
    return result


# ----------------------------------------------------------------- common rows
PUBLIC = row(others=OK)
MEMBERS = row(anonymous=LOGIN, others=OK)
POST_ONLY = row(others=METHOD)
MODERATORS = row(anonymous=LOGIN, moderator=OK, admin=OK, others=NO_ACCESS)
# Moderators may look but only an admin may act (e.g. delete an organisation).
ADMIN_ONLY_IN_ADMIN = row(
    anonymous=LOGIN, admin=OK, moderator={REDIRECT, FORBIDDEN}, others=NO_ACCESS
)
# Past Wagtail's admin gate: a page may still refuse (redirect to the admin home)
# or not exist, but never send a moderator or admin to sign in.
WAGTAIL_ADMIN = row(
    anonymous=LOGIN,
    library_worker=NO_ACCESS,
    vendor_rep_a=NO_ACCESS,
    vendor_rep_b=NO_ACCESS,
    moderator={OK, REDIRECT, FORBIDDEN, NOT_FOUND, METHOD},
    admin={OK, REDIRECT, NOT_FOUND, METHOD},
)
# The vendor part of the admin: representatives edit their own vendor's items (views
# check ownership: another vendor's objects answer 404); moderators review.
ADMIN_ANSWERS = {OK, REDIRECT, FORBIDDEN, NOT_FOUND, METHOD}
VENDOR_ADMIN = row(
    anonymous=LOGIN,
    library_worker=NO_ACCESS,
    vendor_rep_a=ADMIN_ANSWERS,
    vendor_rep_b=ADMIN_ANSWERS,
    moderator=ADMIN_ANSWERS,
    admin=ADMIN_ANSWERS,
)
# allauth's flows: a step out of order sends the visitor back (to sign-in or on).
ACCOUNT_PUBLIC = row(others={OK, REDIRECT, LOGIN})
# allauth answers 404 for a factor the member does not have (e.g. no recovery codes).
ACCOUNT_PRIVATE = row(anonymous=LOGIN, others={OK, REDIRECT, NOT_FOUND})
ERROR_PAGES = row(others=SKIP)

# ----------------------------------------------------------------- cop's own URLs
EXPECTED: dict[str, Any] = {
    # Uploaded images of the embedded default; off (404) unless COP_SERVE_MEDIA.
    "media": row(others=NOT_FOUND),
    "healthz": PUBLIC,
    "readyz": row(others=SKIP),  # needs the broker; covered in tests/cop/core
    "favicon": row(others=REDIRECT),  # to the static icon
    # members: organisations and affiliations
    "members:organisation_list": PUBLIC,
    "members:organisation_detail": PUBLIC,
    "members:organisation_join": MEMBERS,
    "members:organisation_edit": {
        "a": row(
            anonymous=LOGIN,
            vendor_rep_a=OK,
            moderator=OK,
            admin=OK,
            others=NOT_FOUND,
        ),
        "b": row(
            anonymous=LOGIN,
            vendor_rep_b=OK,
            moderator=OK,
            admin=OK,
            others=NOT_FOUND,
        ),
    },
    "members:affiliation_list": MEMBERS,
    "members:affiliation_withdraw": POST_ONLY,
    "members:affiliation_leave": POST_ONLY,
    # members: accounts and profiles (accounts area)
    "members:member_detail": PUBLIC,  # public profile: display name and bio only
    "members:profile_edit": MEMBERS,
    "members:account": MEMBERS,  # the account page: the member's own settings only
    # the member's data rights: both pages first ask for the password again
    "account_delete": row(anonymous=LOGIN, others=REDIRECT),
    "data_export": row(anonymous=LOGIN, others=REDIRECT),
    # a tampered (here: made-up) link is a 404 for every member
    "data_export_download": row(anonymous=LOGIN, others=NOT_FOUND),
    # moderators erase on request (after re-authentication); the member's own page
    # is account_delete, so their own ID and everyone else's answer 404
    "member_erase": row(
        anonymous=LOGIN, moderator=REDIRECT, admin=REDIRECT, others=NOT_FOUND
    ),
    "members:conduct_detail": row(others={OK, NOT_FOUND}),  # 404 until published
    "members:conduct_accept": row(anonymous=LOGIN, others={OK, REDIRECT}),
    # the moderators' Community area of the admin
    "community:affiliation_queue": MODERATORS,
    "community:invitations": MODERATORS,
    "community:affiliation_decide": MODERATORS,
    "community:membership_revoke": MODERATORS,
    "community:member_suspension": MODERATORS,
    # working-group members: moderators manage them; a missing row is a 404
    "working_group_members:index": MODERATORS,
    "working_group_members:index_results": MODERATORS,
    "working_group_members:add": MODERATORS,
    # (a membership is added or removed, never edited: edit sends to the list)
    "working_group_members:edit": row(
        anonymous=LOGIN, moderator=REDIRECT, admin=REDIRECT, others=NO_ACCESS
    ),
    **{
        f"working_group_members:{view}": row(
            anonymous=LOGIN, moderator=NOT_FOUND, admin=NOT_FOUND, others=NO_ACCESS
        )
        for view in ("delete", "history", "history_results", "usage")
    },
    "organisations:index": MODERATORS,
    "organisations:index_results": MODERATORS,
    "organisations:add": MODERATORS,
    "organisations:edit": MODERATORS,
    "organisations:delete": ADMIN_ONLY_IN_ADMIN,
    "organisations:history": MODERATORS,
    "organisations:history_results": MODERATORS,
    "organisations:usage": MODERATORS,
    "members_admin:index": MODERATORS,
    "members_admin:index_results": MODERATORS,
    # The member list is read-only: no one adds, edits or deletes people there.
    "members_admin:add": row(anonymous=LOGIN, others=NO_ACCESS | {REDIRECT}),
    "members_admin:edit": row(anonymous=LOGIN, others=NO_ACCESS | {REDIRECT}),
    "members_admin:delete": row(anonymous=LOGIN, others=NO_ACCESS | {REDIRECT}),
    "members_admin:history": row(anonymous=LOGIN, others=NO_ACCESS | {REDIRECT}),
    "members_admin:history_results": row(
        anonymous=LOGIN, others=NO_ACCESS | {REDIRECT}
    ),
    "members_admin:usage": row(anonymous=LOGIN, others=NO_ACCESS | {REDIRECT}),
    # discussions: moderation (flagging, the queue and actions, the public log)
    "discussions:post_flag": row(anonymous=LOGIN, others={OK, FORBIDDEN, NOT_FOUND}),
    "discussions:moderation_queue": MODERATORS,
    "discussions:moderation_log": PUBLIC,  # no names; events of readable spaces only
    "discussions:moderate_post": MODERATORS,
    "discussions:moderate_topic": MODERATORS,
    # discussions: the spaces' admin (moderators edit and order; only admins delete)
    "discussion_spaces:index": MODERATORS,
    "discussion_spaces:index_results": MODERATORS,
    "discussion_spaces:add": MODERATORS,
    "discussion_spaces:edit": MODERATORS,
    "discussion_spaces:delete": ADMIN_ONLY_IN_ADMIN,
    "discussion_spaces:history": MODERATORS,
    "discussion_spaces:history_results": MODERATORS,
    "discussion_spaces:usage": MODERATORS,
    "discussion_spaces:reorder": row(
        anonymous=LOGIN, moderator=METHOD, admin=METHOD, others=NO_ACCESS
    ),
    # guides: a moderator marks a guide reviewed from the dashboard (POST only)
    "guides_mark_reviewed": row(
        anonymous=LOGIN, moderator=METHOD, admin=METHOD, others=NO_ACCESS
    ),
    # a member's own things on the guides: digest follows (POST only) and the
    # checklist answers they chose to save (a missing or hidden checklist is a 404)
    "guides:section_follow": row(anonymous=LOGIN, others=METHOD),
    "guides:checklist_answers": row(anonymous=LOGIN, others=NOT_FOUND),
    "guides:checklist_answers_delete": row(anonymous=LOGIN, others=METHOD),
    # public criteria pages (reference data; details not requested: no data loaded)
    "transparency_report": PUBLIC,  # counts per half-year only
    "own_disclosure_proofs": PUBLIC,
    "privacy:criterion_list": PUBLIC,
    "privacy:criterion_detail": PUBLIC,
    "privacy:framework_list": PUBLIC,
    "privacy:framework_detail": PUBLIC,
    "privacy:red_flag_list": PUBLIC,
    "privacy:red_flag_detail": PUBLIC,
    # public vendor pages: published data only, the same for every role
    "vendors:directory": PUBLIC,
    "vendors:vendor_detail": PUBLIC,
    "vendors:product_detail": PUBLIC,
    "vendors:product_changelog": PUBLIC,
    "vendors:compare": PUBLIC,
    # Vendor tools: representatives and moderators; a missing product or disclosure
    # is a 404 for every member, after sign-in.
    "vendors:workspace": row(anonymous=LOGIN, library_worker=NOT_FOUND, others=OK),
    "vendors:disclosure_edit": row(anonymous=LOGIN, others=NOT_FOUND),
    "vendors:disclosure_submit": row(anonymous=LOGIN, others=NOT_FOUND),
    "vendors:disclosure_review": row(anonymous=LOGIN, others=NOT_FOUND),
    "vendors:disclosure_preview": row(anonymous=LOGIN, others=NOT_FOUND),
    # an unknown invitation token is a 404 for everyone
    "members:invitation": row(others=NOT_FOUND),
    "vendors:disclosure_download": row(anonymous=LOGIN, others=NOT_FOUND),
    "vendors:disclosure_upload": row(anonymous=LOGIN, others=METHOD),
    # blank spreadsheets: whoever may use the vendor tools
    "vendors:template_download": row(
        anonymous=LOGIN, library_worker=NOT_FOUND, others=OK
    ),
    # libraries' priorities: set by library workers, a vendor's dashboard for its
    # representatives and moderators, aggregates for everyone
    "vendors:product_priorities": row(anonymous=LOGIN, others=NOT_FOUND),
    "vendors:signals_dashboard": row(
        anonymous=LOGIN,
        vendor_rep_a=OK,
        moderator=OK,
        admin=OK,
        others=NOT_FOUND,
    ),
    "priorities:community": PUBLIC,
    "priorities:type_edit": row(anonymous=LOGIN, library_worker=OK, others=FORBIDDEN),
    "api:product_priorities": PUBLIC,
    "api:priority_types": PUBLIC,
    "vendors:compare_csv": row(others="status 400"),  # no products chosen
    "vendors:compare_json": row(others="status 400"),  # no products chosen
    # the read-only public API
    "api:root": PUBLIC,
    "api:schema": PUBLIC,
    "api:vendor_list": PUBLIC,
    "api:vendor_detail": PUBLIC,
    "api:product_list": PUBLIC,
    "api:product_detail": PUBLIC,
    "api:version_list": PUBLIC,
    "api:version_detail": PUBLIC,
    "api:roadmap_list": PUBLIC,
    "api:changelog": PUBLIC,
    "api:criterion_list": PUBLIC,
    "api:criterion_detail": PUBLIC,
    # discussions: reading and composing. Per-space visibility, roles and
    # 404-for-invisible are tested in tests/discussions/test_views_*.py.
    "discussions:index": PUBLIC,
    "discussions:top": PUBLIC,
    "discussions:preview": POST_ONLY,  # renders the posted text only, for members
    "discussions:mention_suggestions": MEMBERS,  # readers of a topic the viewer reads
    "discussions:space": row(others={OK, NOT_FOUND}),
    "discussions:tag": row(others={OK, NOT_FOUND}),
    "discussions:topic": row(others={OK, NOT_FOUND, REDIRECT}),
    "discussions:post_link": row(others={REDIRECT, NOT_FOUND}),
    "discussions:post_history": row(others={OK, NOT_FOUND}),
    "discussions:topic_new": row(anonymous=LOGIN, others={OK, FORBIDDEN, NOT_FOUND}),
    "discussions:topic_similar": MEMBERS,
    "discussions:post_reply": row(anonymous=LOGIN, others={OK, FORBIDDEN, NOT_FOUND}),
    "discussions:post_edit": row(anonymous=LOGIN, others={OK, FORBIDDEN, NOT_FOUND}),
    "discussions:answer_accept": POST_ONLY,
    "discussions:helpful_toggle": POST_ONLY,
    # discussions: notifications and follows
    "discussions:notifications": MEMBERS,
    "discussions:notification_open": row(anonymous=LOGIN, others=NOT_FOUND),
    "discussions:notification_read": POST_ONLY,
    "discussions:notifications_read_all": POST_ONLY,
    "discussions:follow": MEMBERS,
    "discussions:notification_settings": MEMBERS,
    # discussions: e-mail unsubscribe by signed link, no sign-in: a bad token is 400
    "discussions:unsubscribe": row(others={OK, "status 400"}),
    # discussions: search, feeds (public content only), reading history, red flags
    "discussions:search": PUBLIC,
    "discussions:feed_site_atom": PUBLIC,
    "discussions:feed_site_rss": PUBLIC,
    "discussions:feed_space_atom": row(others={OK, NOT_FOUND}),  # 404 unless public
    "discussions:feed_space_rss": row(others={OK, NOT_FOUND}),  # 404 unless public
    "discussions:reading_settings": MEMBERS,
    # only the flagged vendor's reps (others who can see the flag: 403; the rest: 404)
    "discussions:red_flag_respond": row(anonymous=LOGIN, others=NO_ACCESS | {OK}),
    "discussions:red_flag_release": row(
        anonymous=LOGIN,
        moderator=NO_ACCESS | {OK},
        admin=NO_ACCESS | {OK},
        others=NO_ACCESS,
    ),
}

# cop's snippet and admin viewset namespaces with their rows (most are moderator-only).
MODERATOR_NAMESPACES = {
    "wagtailsnippets_vendors_disclosure": VENDOR_ADMIN,
    "wagtailsnippetchoosers_vendors_disclosure": VENDOR_ADMIN,
    "wagtailsnippets_vendors_roadmapitem": VENDOR_ADMIN,
    "wagtailsnippets_vendors_product": VENDOR_ADMIN,
    "wagtailsnippetchoosers_vendors_product": VENDOR_ADMIN,
    "wagtailsnippetchoosers_vendors_roadmapitem": VENDOR_ADMIN,
    "wagtailsnippets_members_codeofconductversion": WAGTAIL_ADMIN,
    "wagtailsnippetchoosers_members_codeofconductversion": WAGTAIL_ADMIN,
    "privacy_criteria": WAGTAIL_ADMIN,
    "privacy_red_flags": WAGTAIL_ADMIN,
    "privacy_frameworks": WAGTAIL_ADMIN,
    # the register of law-enforcement requests: moderators record, admins delete
    "legal_requests": WAGTAIL_ADMIN,
}

# ----------------------------------------------------------------- third-party rules
# (name prefix, row, why). Matched only for names that are not cop's own: a snippet
# namespace that ends in a cop app label needs an entry above.
THIRD_PARTY_RULES: list[tuple[str, Any, str]] = [
    ("wagtailadmin_login", row(others=LOGIN), "sent to allauth's sign-in"),
    (
        "wagtailadmin_home",
        row(anonymous=LOGIN, library_worker=NO_ACCESS, others=OK),
        "the dashboard: representatives see their vendor's panel; nothing else of the admin",
    ),
    ("wagtailadmin_sprite", PUBLIC, "the admin's icon sprite (static)"),
    ("wagtailadmin_javascript_catalog", PUBLIC, "the admin's translations (static)"),
    ("wagtailadmin_logout", ERROR_PAGES, "signs out"),
    ("wagtailadmin_error_test", ERROR_PAGES, "raises on purpose"),
    ("wagtailadmin_password_reset", row(others=NO_ACCESS | {REDIRECT}), "disabled"),
    ("wagtail_serve", PUBLIC, "the Wagtail page tree"),
    ("wagtaildocs_serve", PUBLIC, "documents (privacy set per collection)"),
    ("wagtaildocs_authenticate_with_password", PUBLIC, "document passwords"),
    ("wagtailcore_authenticate_with_password", PUBLIC, "page passwords"),
    ("wagtailcore_login", PUBLIC, "page view restrictions"),
    ("wagtail", WAGTAIL_ADMIN, "all of Wagtail's own admin"),
    ("account_logout", ERROR_PAGES, "signs out"),
    ("account_email_verification_sent", ACCOUNT_PUBLIC, "allauth: after sign-up"),
    ("account_email", ACCOUNT_PRIVATE, "allauth: e-mail management"),
    ("account_change_password", ACCOUNT_PRIVATE, "allauth: signed-in only"),
    ("account_set_password", ACCOUNT_PRIVATE, "allauth: signed-in only"),
    ("account_reauthenticate", ACCOUNT_PRIVATE, "allauth: signed-in only"),
    ("account_", ACCOUNT_PUBLIC, "allauth: sign-in, sign-up, resets"),
    ("mfa_", ACCOUNT_PRIVATE, "allauth: two-factor set-up"),
    ("usersessions_", ACCOUNT_PRIVATE, "allauth: the member's sessions"),
]
UNNAMED_RULES: dict[str, Any] = {
    "admin/test404/": row(anonymous=LOGIN, others=NO_ACCESS | {NOT_FOUND}),
    "admin/^.*/$": row(anonymous=LOGIN, others=NO_ACCESS | {NOT_FOUND}),
}


def _cop_app_labels() -> set[str]:
    return {
        config.label
        for config in apps.get_app_configs()
        if config.name.startswith(("cop.", "vendors", "discussions"))
    }


def _walk(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            ns = namespace
            if item.namespace:
                ns = f"{namespace}:{item.namespace}" if namespace else item.namespace
            yield from _walk(item, prefix + str(item.pattern), ns)
        else:
            name = item.name or ""
            if name and namespace:
                name = f"{namespace}:{name}"
            yield prefix + str(item.pattern), name, item


def all_patterns() -> list[tuple[str, str]]:
    """Return (route, name) for every URL pattern of the project."""
    return [(route, name) for route, name, _ in _walk(get_resolver())]


def expectation_for(route: str, name: str) -> Any:
    """Return the expected row(s) for a pattern, or None when it has no entry."""
    if name in EXPECTED:
        return EXPECTED[name]
    if not name:
        return EXPECTED.get(route) or UNNAMED_RULES.get(route)
    namespace = name.rsplit(":", 1)[0] if ":" in name else ""
    if namespace in MODERATOR_NAMESPACES:
        return MODERATOR_NAMESPACES[namespace]
    first = name.split(":", 1)[0]
    if (
        first.startswith("wagtailsnippet")
        and [*first.split("_"), ""][1] in _cop_app_labels()
    ):
        return None  # a cop model's snippet views (wagtailsnippets_<app>_<model>)
    if namespace and not first.startswith("wagtail"):
        return None  # a cop namespace (app or admin viewset)
    for prefix, expected, _why in THIRD_PARTY_RULES:
        if name.startswith(prefix):
            return expected
    return None


def test_every_url_pattern_has_an_expectation():
    missing = [
        f"  {name or '(unnamed)'}  ->  /{route}"
        for route, name in all_patterns()
        if expectation_for(route, name) is None
    ]
    assert not missing, (
        "These URL patterns have no entry in tests/test_authorization_matrix.py. "
        "Add one line per pattern to EXPECTED, e.g. "
        '"app:view_name": MEMBERS,  (rows: PUBLIC, MEMBERS, MODERATORS, POST_ONLY, '
        "or row(anonymous=LOGIN, moderator=OK, others=NO_ACCESS)):\n"
        + "\n".join(missing)
    )


def test_expectations_have_no_stale_entries():
    names = {name for _, name in all_patterns()} | {
        route for route, _ in all_patterns()
    }
    stale = sorted(set(EXPECTED) - names)
    assert not stale, f"EXPECTED lists patterns that no longer exist: {stale}"


# ----------------------------------------------------------------- requesting
@pytest.fixture
def world(people, vendor_a, vendor_b, library) -> dict[str, Any]:
    """Objects whose IDs fill URL arguments."""
    pending = MembershipFactory(
        user=UserFactory(email="asker@elsewhere.example"),
        organisation=vendor_a,
        role=Membership.Role.REPRESENTATIVE,
        status=Membership.Status.REQUESTED,
    )
    return {
        "vendor_a": vendor_a,
        "vendor_b": vendor_b,
        "library": library,
        "pending": pending,
        "rep_b_membership": Membership.objects.get(user=people["vendor_rep_b"]),
        "worker": people["library_worker"],
        "worker_membership": Membership.objects.get(user=people["library_worker"]),
    }


def url_kwargs(world: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Arguments for patterns that need them: name → variant → kwargs."""
    a, b = world["vendor_a"], world["vendor_b"]
    return {
        "members:organisation_detail": {"a": {"slug": a.slug}, "b": {"slug": b.slug}},
        "members:organisation_join": {"a": {"slug": a.slug}},
        "members:organisation_edit": {"a": {"slug": a.slug}, "b": {"slug": b.slug}},
        "members:affiliation_withdraw": {"": {"membership_id": world["pending"].pk}},
        "members:affiliation_leave": {
            "": {"membership_id": world["worker_membership"].pk}
        },
        "members:member_detail": {"": {"user_id": world["worker"].pk}},
        "community:affiliation_decide": {"": {"membership_id": world["pending"].pk}},
        "community:membership_revoke": {
            "": {"membership_id": world["rep_b_membership"].pk}
        },
        "community:member_suspension": {"": {"user_id": world["worker"].pk}},
        "data_export_download": {"": {"signed": "eyJlIjoxLCJ1IjoxfQ:made-up"}},
        "member_erase": {"": {"user_id": world["worker"].pk}},
        "organisations:edit": {"": {"pk": a.pk}},
        "organisations:delete": {"": {"pk": b.pk}},
        "organisations:history": {"": {"pk": a.pk}},
        "organisations:history_results": {"": {"pk": a.pk}},
        "organisations:usage": {"": {"pk": a.pk}},
        "members_admin:edit": {"": {"pk": world["worker"].pk}},
        "members_admin:delete": {"": {"pk": world["worker"].pk}},
        "wagtail_serve": {"": {}},
        "media": {"": {"path": "original_images/missing.png"}},
        "vendors:vendor_detail": {"": {"vendor_slug": a.slug}},
        "vendors:disclosure_edit": {"": {"product_id": 987654}},
        "vendors:product_priorities": {
            "": {"vendor_slug": a.slug, "product_slug": "no-such-product"}
        },
        "vendors:signals_dashboard": {"": {"vendor_slug": a.slug}},
        "priorities:type_edit": {"": {"product_type": "lms"}},
        "vendors:disclosure_submit": {"": {"product_id": 987654}},
        "vendors:disclosure_review": {"": {"disclosure_id": 987654}},
        "vendors:disclosure_preview": {"": {"product_id": 987654}},
        "members:invitation": {"": {"token": "no-such-invitation"}},
        "guides:section_follow": {"": {"section": "guides"}},
        "guides:checklist_answers": {"": {"page_id": 987654}},
        "guides:checklist_answers_delete": {"": {"page_id": 987654}},
        **{
            f"working_group_members:{view}": {"": {"pk": 987654}}
            for view in ("edit", "delete", "history", "history_results", "usage")
        },
        "vendors:disclosure_download": {"": {"product_id": 987654, "fmt": "xlsx"}},
        "vendors:disclosure_upload": {"": {"product_id": 987654}},
        "vendors:template_download": {"": {"product_type": "lms", "fmt": "csv"}},
        "api:vendor_detail": {"": {"vendor_slug": a.slug}},
        # A missing space has no feed; a missing red flag is a 404 (after sign-in).
        "discussions:feed_space_atom": {"": {"slug": "no-such-space"}},
        "discussions:feed_space_rss": {"": {"slug": "no-such-space"}},
        "discussions:red_flag_respond": {"": {"topic_id": 987654}},
        "discussions:red_flag_release": {"": {"topic_id": 987654}},
        # Someone else's (here: no one's) notification is a 404 for every member.
        "discussions:notification_open": {"": {"notification_id": 987654}},
        "discussions:notification_read": {"": {"notification_id": 987654}},
        "discussions:follow": {"": {"target_type": "vendor", "target_id": a.pk}},
        # Missing spaces, topics and posts answer 404 (sign-in first where needed).
        "discussions:space": {"": {"slug": "no-such-space"}},
        "discussions:tag": {"": {"slug": "no-such-tag"}},
        "discussions:topic": {"": {"topic_id": 987654, "slug": "missing"}},
        "discussions:topic_new": {"": {"slug": "no-such-space"}},
        "discussions:post_reply": {"": {"topic_id": 987654}},
        "discussions:answer_accept": {"": {"topic_id": 987654}},
        "discussions:post_link": {"": {"post_id": 987654}},
        "discussions:post_history": {"": {"post_id": 987654}},
        "discussions:post_edit": {"": {"post_id": 987654}},
        "discussions:helpful_toggle": {"": {"post_id": 987654}},
    }


def classify(response: Any) -> str:
    """Return the outcome class of a response."""
    code = response.status_code
    if code == 200:
        return OK
    if code in {301, 302, 303, 307, 308}:
        path = urlsplit(response["Location"]).path
        return LOGIN if path.startswith(LOGIN_PATHS) else REDIRECT
    return {403: FORBIDDEN, 404: NOT_FOUND, 405: METHOD}.get(code, f"status {code}")


def _requests(world: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """Yield (name, variant, url, row) for every pattern that can be built."""
    kwargs_by_name = url_kwargs(world)
    seen: set[str] = set()
    for route, name in all_patterns():
        expected = expectation_for(route, name)
        if not name or name in seen or expected is None:
            continue
        seen.add(name)
        variants = kwargs_by_name.get(name, {"": {}})
        for variant, kwargs in variants.items():
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue  # needs arguments no fixture provides: listed, not requested
            rows = (
                expected.get(variant, expected.get("a"))
                if "a" in expected
                else expected
            )
            yield name, variant, url, rows


def test_url_access_matches_expectations(people, world):
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if people[role] is not None:
            clients[role].force_login(people[role])
    failures = []
    requested = 0
    for name, variant, url, rows in _requests(world):
        for role in ROLES:
            allowed = rows[role]
            if SKIP in allowed:
                continue
            outcome = classify(clients[role].get(url))
            requested += 1
            if outcome not in allowed:
                failures.append(
                    f"  {name}{f' [{variant}]' if variant else ''} {url} as {role}: "
                    f"got {outcome}, expected {'/'.join(sorted(allowed))}"
                )
    assert requested > 100  # the walk really requested the project's pages
    assert not failures, "Access differs from the matrix:\n" + "\n".join(failures)
