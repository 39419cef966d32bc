"""Demo content of ``cop.members``: the community, libraries and people (``seed_demo``).

Registered in :class:`cop.members.apps.MembersConfig` and run first, because every
other app's demo content refers to these organisations and accounts.

Demo accounts made here (password ``settings.COP_DEMO_PASSWORD``):

- ``library@example.org``: library worker, verified member of Riverbend Public Library.
- ``moderator@example.org``: moderator (the ``Moderators`` group), TOTP secret
  :data:`MODERATOR_TOTP_SECRET`.
- ``admin@example.org``: site admin (superuser), TOTP secret :data:`ADMIN_TOTP_SECRET`.

The vendor representatives are made by ``vendors.seeding``. ``--scale large`` adds
:data:`LARGE_LIBRARY_COUNT` libraries and ``LARGE_SCALE_TARGETS["users"]`` verified
library members (``bench-user-0001@example.org`` ...), in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cop.core.seeding import (
    DEMO_EMAIL_DOMAIN,
    LARGE_SCALE_TARGETS,
    SCALE_LARGE,
    demo_account_ensure,
    demo_password_hash,
    row_ensure,
)
from cop.members.models import (
    CodeOfConductAcceptance,
    CodeOfConductVersion,
    Membership,
    Organisation,
)

# Fixed, public TOTP secrets (base32) of the elevated demo accounts. Demo only:
# seed_demo refuses to run in production.
MODERATOR_TOTP_SECRET: Final = "COPDEMOMODERATORTOTPSECRET234567"  # noqa: S105
ADMIN_TOTP_SECRET: Final = "COPDEMOADMINTOTPSECRETAAAA234567"  # noqa: S105

COMMUNITY_SLUG: Final = "cop-community"
PUBLIC_LIBRARY_SLUG: Final = "riverbend-public-library"
UNIVERSITY_LIBRARY_SLUG: Final = "northfield-university-library"

LARGE_LIBRARY_COUNT: Final = 12
BENCH_EMAIL_PREFIX: Final = "bench-user-"
# Rows per INSERT: well under SQLite's 32,766 bound variables for these tables.
BULK_BATCH_SIZE: Final = 500

_COMMUNITY: Final = {
    "kind": Organisation.Kind.COMMUNITY,
    "name": "cop community",
    "website": "",
    "description": (
        "The vendor privacy community of practice: library workers and library "
        "vendors improving library user privacy together, moderated by a working "
        "group of library privacy practitioners."
    ),
    "email_domains": [],
}

_LIBRARIES: Final = (
    {
        "slug": PUBLIC_LIBRARY_SLUG,
        "kind": Organisation.Kind.LIBRARY,
        "name": "Riverbend Public Library",
        "website": "https://www.riverbendlibrary.example/",
        "description": (
            "A public library system with nine branches, a bookmobile and a "
            "makerspace, serving a mid-sized river town and its county."
        ),
        "email_domains": ["riverbendlibrary.example"],
    },
    {
        "slug": UNIVERSITY_LIBRARY_SLUG,
        "kind": Organisation.Kind.LIBRARY,
        "name": "Northfield University Library",
        "website": "https://library.northfield.example/",
        "description": (
            "The library of a research university: three campus libraries, "
            "special collections and a large licensed e-resource collection."
        ),
        "email_domains": ["library.northfield.example", "northfield.example"],
    },
)

_LARGE_LIBRARY_TOWNS: Final = (
    "Ashcombe", "Brackenford", "Cinderwell", "Dunmere", "Eastholme", "Fallowmere",
    "Glenhaven", "Hollins Cross", "Ivybridge Vale", "Kettleby", "Lowmarsh", "Millbeck",
)  # fmt: skip


def community_organisation_ensure() -> Organisation:
    """Create or update the community organisation ("cop community") and return it."""
    org, _ = row_ensure(
        Organisation, lookup={"slug": COMMUNITY_SLUG}, values=_COMMUNITY
    )
    return org


def seed_members(*, scale: str, stdout: Any) -> dict[str, int]:
    """Create the community, the libraries and the demo accounts; idempotent."""
    from cop.members.permissions import MODERATORS_GROUP

    counted = {
        "organisations": Organisation.objects,
        "users": get_user_model().objects,
        "memberships": Membership.objects,
    }
    before = {name: manager.count() for name, manager in counted.items()}
    community_organisation_ensure()
    libraries = [
        row_ensure(
            Organisation,
            lookup={"slug": values["slug"]},
            values={k: v for k, v in values.items() if k != "slug"},
        )[0]
        for values in _LIBRARIES
    ]

    conduct = code_of_conduct_demo_ensure()
    library_worker = demo_account_ensure(
        email=f"library@{DEMO_EMAIL_DOMAIN}", role="library worker"
    )
    demo_profile_ensure(
        user=library_worker, display_name="Riverbend Reader", conduct=conduct
    )
    membership_verified_ensure(
        user=library_worker, organisation=libraries[0], role=Membership.Role.MEMBER
    )
    moderator = demo_account_ensure(
        email=f"moderator@{DEMO_EMAIL_DOMAIN}",
        role="moderator",
        totp_secret=MODERATOR_TOTP_SECRET,
    )
    # Wagtail's initial data creates the group; get_or_create covers a fresh schema.
    moderators, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    moderator.groups.add(moderators)
    demo_profile_ensure(
        user=moderator, display_name="Working Group Mod", conduct=conduct
    )
    admin = demo_account_ensure(
        email=f"admin@{DEMO_EMAIL_DOMAIN}",
        role="admin",
        totp_secret=ADMIN_TOTP_SECRET,
        is_superuser=True,
    )
    demo_profile_ensure(user=admin, display_name="Site Admin", conduct=conduct)

    if scale == SCALE_LARGE:
        _large_libraries_ensure()
        _bench_users_ensure(count=LARGE_SCALE_TARGETS["users"])
    return {name: manager.count() - before[name] for name, manager in counted.items()}


CODE_OF_CONDUCT_DEMO_VERSION: Final = "1.0"
CODE_OF_CONDUCT_DEMO_BODY: Final = """\
cop exists so that library workers and library vendors can improve library user
privacy together. These rules keep that conversation useful and safe.

## Be constructive
- Criticise practices, contracts and products, not people.
- When you raise a concern, say what would be better.
- Vendors: answer the question that was asked; link evidence where you can.

## Protect people's privacy
- Never post personal data about library users, colleagues or vendor staff.
- Respect pseudonyms. Do not try to find out who is behind a display name.
- Quote only short excerpts of contracts; never post confidential terms in full.

## Speak for yourself
- Vendor representatives speak for their own organisation only.
- Say when you are speculating.

## Moderation
Moderators may hide, edit or move posts that break these rules, always with a
reason recorded in the public moderation log (which never names the member).
Repeated or serious breaches lead to suspension.
"""


def code_of_conduct_demo_ensure() -> CodeOfConductVersion:
    """Publish the demo code of conduct (version 1.0) once and return it."""
    version = CodeOfConductVersion.objects.filter(
        version=CODE_OF_CONDUCT_DEMO_VERSION
    ).first()
    if version is None:
        version = CodeOfConductVersion.objects.create(
            version=CODE_OF_CONDUCT_DEMO_VERSION,
            body=CODE_OF_CONDUCT_DEMO_BODY,
            summary_of_changes="First version.",
            live=False,
        )
        version.save_revision().publish()
        version.refresh_from_db()
    return version


def demo_profile_ensure(
    *, user: Any, display_name: str, conduct: CodeOfConductVersion | None = None
) -> None:
    """Give a demo account its display name and its acceptance of ``conduct``; idempotent."""
    from cop.members.services.conduct import code_of_conduct_accept
    from cop.members.services.profiles import (
        PROFILE_NAME_FIELDS,
        profile_display_name_prepare,
    )

    if user.display_name != display_name:
        profile_display_name_prepare(user=user, display_name=display_name)
        user.save(update_fields=list(PROFILE_NAME_FIELDS))
    if conduct is not None:
        code_of_conduct_accept(user=user, version=conduct)


def membership_verified_ensure(
    *, user: Any, organisation: Organisation, role: str
) -> Membership:
    """Make ``user`` a verified ``role`` member of ``organisation``; idempotent."""
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=organisation,
        defaults={
            "role": role,
            "status": Membership.Status.VERIFIED,
            "decided_at": timezone.now(),
        },
    )
    if not created and (membership.role, membership.status) != (
        role,
        Membership.Status.VERIFIED,
    ):
        membership.role = role
        membership.status = Membership.Status.VERIFIED
        membership.decided_at = timezone.now()
        membership.save(update_fields=["role", "status", "decided_at", "updated_at"])
    return membership


def _large_libraries_ensure() -> None:
    """Create the extra libraries of the large scale that are missing."""
    wanted = {
        f"{town.lower().replace(' ', '-')}-public-library": town
        for town in _LARGE_LIBRARY_TOWNS[:LARGE_LIBRARY_COUNT]
    }
    existing = set(
        Organisation.objects.filter(slug__in=wanted).values_list("slug", flat=True)
    )
    missing = [
        Organisation(
            slug=slug,
            kind=Organisation.Kind.LIBRARY,
            name=f"{town} Public Library",
            description=f"The public library of {town} (benchmark data).",
            email_domains=[f"{slug.removesuffix('-public-library')}library.example"],
        )
        for slug, town in wanted.items()
        if slug not in existing
    ]
    Organisation.objects.bulk_create(missing, batch_size=BULK_BATCH_SIZE)


def demo_readers_ensure(
    *,
    emails: list[str],
    display_name: Callable[[int], str],
    batch_size: int = BULK_BATCH_SIZE,
) -> dict[str, int]:
    """Bulk-create members for ``emails`` with verified primary addresses; idempotent.

    ``display_name(n)`` names the n-th (from 1). Only missing users and addresses
    are inserted; the demo password is hashed once for all. Returns email -> pk.
    """
    from allauth.account.models import EmailAddress

    from cop.members.validators import display_name_keys

    user_model = get_user_model()
    existing = set(
        user_model.objects.filter(email__in=emails).values_list("email", flat=True)
    )
    password = demo_password_hash()
    missing = [
        (email, display_name(n))
        for n, email in enumerate(emails, start=1)
        if email not in existing
    ]
    user_model.objects.bulk_create(
        [
            user_model(
                email=email,
                password=password,
                is_active=True,
                display_name=name,
                display_name_key=shape_key,
                display_name_folded_key=folded_key,
            )
            for email, name in missing
            for shape_key, folded_key in [display_name_keys(name)]
        ],
        batch_size=batch_size,
    )
    ids = dict(user_model.objects.filter(email__in=emails).values_list("email", "pk"))
    with_address = set(
        EmailAddress.objects.filter(user_id__in=ids.values()).values_list(
            "user_id", flat=True
        )
    )
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=ids[email], email=email, verified=True, primary=True)
            for email in emails
            if ids[email] not in with_address
        ],
        batch_size=batch_size,
    )
    return ids


def _bench_users_ensure(*, count: int) -> None:
    """Bulk-create ``count`` verified members spread over the libraries; idempotent.

    Only missing users, addresses and memberships are inserted, so a second run adds
    nothing. The demo password is hashed once for all of them.
    """
    emails = [
        f"{BENCH_EMAIL_PREFIX}{n:04d}@{DEMO_EMAIL_DOMAIN}" for n in range(1, count + 1)
    ]
    ids = demo_readers_ensure(
        emails=emails, display_name=lambda n: f"Bench Reader {n:04d}"
    )
    library_ids = list(
        Organisation.objects.filter(kind=Organisation.Kind.LIBRARY)
        .order_by("slug")
        .values_list("pk", flat=True)
    )
    with_membership = set(
        Membership.objects.filter(user_id__in=ids.values()).values_list(
            "user_id", flat=True
        )
    )
    now = timezone.now()
    memberships = [
        Membership(
            user_id=ids[email],
            organisation_id=library_ids[n % len(library_ids)],
            role=Membership.Role.MEMBER,
            status=Membership.Status.VERIFIED,
            # Spread over two years, as real members joined over time.
            decided_at=now - dt.timedelta(days=14 + (n * 37) % 720),
        )
        for n, email in enumerate(emails)
        if ids[email] not in with_membership
    ]
    Membership.objects.bulk_create(memberships, batch_size=BULK_BATCH_SIZE)
    conduct = CodeOfConductVersion.objects.filter(
        version=CODE_OF_CONDUCT_DEMO_VERSION
    ).first()
    if conduct is not None:
        accepted = set(
            CodeOfConductAcceptance.objects.filter(
                version=conduct, user_id__in=ids.values()
            ).values_list("user_id", flat=True)
        )
        CodeOfConductAcceptance.objects.bulk_create(
            [
                CodeOfConductAcceptance(user_id=uid, version=conduct)
                for uid in ids.values()
                if uid not in accepted
            ],
            batch_size=BULK_BATCH_SIZE,
        )
