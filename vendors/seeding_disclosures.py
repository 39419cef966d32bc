"""Demo vendors' disclosures and roadmaps (called by :func:`vendors.seeding.seed_vendors`).

cop platform's own disclosure is in :mod:`vendors.seeding_cop_disclosure`.

- Every demo vendor product with a profile in :mod:`vendors.seeding_profiles`: one or
  two published versions with realistic, varied answers, published months apart
  (so that changelogs and stale answers exist), plus roadmap items with dated status
  history.

Idempotent: a product whose disclosure already has versions is left alone, and
roadmap items are looked up by (product, title).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django.conf import settings
from django.utils import timezone

from vendors import services
from vendors.models import Disclosure, Product, RoadmapItem
from vendors.seeding_profiles import PROFILES, CriterionInfo, version_answers
from vendors.services.snapshots import applicable_criteria

A: Final = "answered"
NA: Final = "not_applicable"
FIXED: Final = "fixed_by_vendor"

# product slug -> (title, criteria, [(status, days ago)], target quarter, limitations)
_ROADMAPS: Final[
    dict[str, list[tuple[str, list[str], list[tuple[str, int]], str, str]]]
] = {
    "larchmont-stacks": [
        (
            "Borrowing history off by default",
            ["VPD-ILS-01"],
            [("planned", 400), ("in_progress", 210), ("shipped", 45)],
            "2026-Q2",
            "New libraries get borrowing history switched off; existing settings are kept.",
        ),
        (
            "Encrypt every integration (SIP2 over TLS)",
            ["VPD-ILS-07"],
            [("planned", 330), ("in_progress", 60)],
            "2027-Q1",
            "Self-check machines without TLS support need a gateway.",
        ),
        (
            "Stop using loan data to train recommendation models",
            ["VPD-USE-04"],
            [("planned", 20)],
            "2027-Q2",
            "",
        ),
    ],
    "brightwell-search": [
        (
            "Drop third-party analytics from the search page",
            ["VPD-COL-04"],
            [("planned", 300), ("deferred", 70)],
            "2026-Q4",
            "Waiting for a replacement for usage reports.",
        ),
        (
            "Shorter search log retention",
            ["VPD-DSC-01"],
            [("planned", 380), ("in_progress", 250), ("shipped", 90)],
            "2026-Q1",
            "",
        ),
    ],
    "brightwell-catalogue": [
        (
            "Serve cover images from our own servers",
            ["VPD-DSC-02"],
            [("planned", 150), ("in_progress", 30)],
            "2027-Q1",
            "Libraries that load covers from their own supplier keep that setting.",
        ),
    ],
    "paperlantern-reader": [
        (
            "Reading position sync as an opt-in",
            ["VPD-CNT-01"],
            [("planned", 200)],
            "2027-Q3",
            "",
        ),
        (
            "Publish the list of SDKs in the app",
            ["VPD-CNT-03"],
            [("planned", 500), ("in_progress", 300), ("shipped", 130)],
            "2026-Q2",
            "",
        ),
    ],
    "paperlantern-kids": [
        (
            "Independent audit of the school edition",
            ["VPD-SEC-05"],
            [("planned", 260), ("in_progress", 40), ("cancelled", 12)],
            "2026-Q4",
            "Replaced by the company-wide audit planned for next year.",
        ),
    ],
}


def publish(
    product: Product,
    answers: list[dict[str, Any]],
    *,
    rep: Any,
    moderator: Any,
    published_at: dt.datetime,
) -> None:
    disclosure = services.disclosure_create(product=product, actor=rep)
    services.disclosure_save_draft(disclosure=disclosure, actor=rep, answers=answers)
    disclosure = Disclosure.objects.get(pk=disclosure.pk)
    services.disclosure_publish(
        disclosure=disclosure, actor=moderator, published_at=published_at
    )


def days_ago(days: int, hour: int = 10) -> dt.datetime:
    """Return a plausible working-hours moment ``days`` ago (never in the future)."""
    moment = timezone.now() - dt.timedelta(days=days)
    moment = moment.replace(hour=hour, minute=days % 60, second=0, microsecond=0)
    return min(moment, timezone.now())


def _criterion_infos(product: Product) -> list[CriterionInfo]:
    return [
        CriterionInfo(
            code=c.code,
            kind=c.scale_kind,
            options=tuple(o.key for o in c.options.all()),
            scale=c.scale or {},
            domain_title=c.domain.title,
        )
        for c in applicable_criteria(product=product)
    ]


def vendor_disclosures_ensure(*, reps: dict[int, Any], moderator: Any) -> None:
    """Publish each profiled demo product's versions and seed their roadmaps."""
    today = timezone.localdate()
    products = Product.objects.select_related("organisation").filter(slug__in=PROFILES)
    for product in products:
        rep = reps.get(product.organisation_id)
        if rep is None:
            continue
        _roadmap_ensure(product, rep)
        if Disclosure.objects.filter(product=product, versions__isnull=False).exists():
            continue
        profile = PROFILES[product.slug]
        infos = _criterion_infos(product)
        website = product.website or product.organisation.website or settings.SITE_URL
        for n, days in enumerate(profile.published_days_ago):
            answers = version_answers(
                slug=product.slug,
                profile=profile,
                version=n,
                criteria=infos,
                website=website,
                today=today,
            )
            publish(
                product,
                answers,
                rep=rep,
                moderator=moderator,
                published_at=days_ago(days, hour=9 + n * 5),
            )


def _roadmap_ensure(product: Product, rep: Any) -> None:
    for title, codes, history, quarter, limitations in _ROADMAPS.get(product.slug, []):
        if RoadmapItem.objects.filter(product=product, title=title).exists():
            continue
        (first, first_days), *later = history
        item = services.roadmap_item_create(
            product=product,
            actor=rep,
            criteria=codes,
            status=first,
            at=days_ago(first_days, hour=11),
            title=title,
            target_quarter=quarter,
            known_limitations=limitations,
            feedback_wanted=not later,
        )
        for status, days in later:
            services.roadmap_item_change_status(
                item=item, actor=rep, status=status, at=days_ago(days, hour=11)
            )
