"""Demo libraries' priorities: enough votes that the demo shows shown and hidden cells.

Twelve fictional libraries (``Demo Voices Library ...``), one worker each
(``voice-01@example.org`` ..., the demo password), set priorities on Larchmont Stacks
and Brightwell's two discovery products and say "we need this" on a roadmap item.
With k = 5: on Larchmont Stacks two criteria are shown (9 and 6 libraries) and a
third reads "fewer than 5" (3); on Brightwell Search one is shown (6) and one hidden
(2); on the community page the discovery type shows 9 libraries for the first
criterion (6 + 2 on Brightwell Catalogue + 1 asking it of every discovery product),
which hides no cell. Votes are spread over the last four quarters, so that the vendor
dashboard draws a trend.
"""

from __future__ import annotations

from typing import Final

from django.contrib.auth import get_user_model
from django.utils import timezone

from cop.core.seeding import DEMO_EMAIL_DOMAIN, row_ensure
from cop.members.models import Membership, Organisation
from cop.members.seeding import demo_readers_ensure, membership_verified_ensure
from cop.privacy.aggregates import last_quarters
from vendors.models import Priority, Product, RoadmapItem, RoadmapSupport
from vendors.services.priorities import criteria_for_scope

VOICES: Final = 12

# product slug or product type -> [(criterion position, first library, libraries)]
_VOTES: Final = {
    "larchmont-stacks": [(0, 0, 9), (1, 0, 6), (2, 0, 3)],
    "brightwell-search": [(0, 0, 6), (1, 6, 2)],
    "brightwell-catalogue": [(0, 6, 2)],
    Product.ProductType.DISCOVERY.value: [(0, 8, 1)],
}
#: Libraries (of the first ones) that need the first roadmap item of Larchmont Stacks.
_ROADMAP_SUPPORT: Final = 6


def priorities_demo_ensure() -> None:
    """Create the demo voices and their priorities; idempotent."""
    emails = [f"voice-{n:02d}@{DEMO_EMAIL_DOMAIN}" for n in range(1, VOICES + 1)]
    users = demo_readers_ensure(
        emails=emails, display_name=lambda n: f"Demo Voice {n:02d}"
    )
    pairs = []
    for n, email in enumerate(emails, start=1):
        org, _ = row_ensure(
            Organisation,
            lookup={"slug": f"demo-voices-{n:02d}"},
            values={
                "kind": Organisation.Kind.LIBRARY,
                "name": f"Demo Voices Library {n:02d}",
                "description": "A fictional library whose priorities fill the demo.",
            },
        )
        user = get_user_model().objects.get(pk=users[email])
        membership_verified_ensure(
            user=user, organisation=org, role=Membership.Role.MEMBER
        )
        pairs.append((org, user.pk))
    quarters = [str(q) for q in last_quarters(4, today=timezone.localdate())]
    for scope, votes in _VOTES.items():
        product = None
        product_type = ""
        if scope in Product.ProductType.values:
            product_type = scope
        else:
            product = Product.objects.filter(slug=scope).first()
            if product is None:
                continue
        criteria = criteria_for_scope(product=product, product_type=product_type)
        for position, first, count in votes:
            for n, (org, user_id) in enumerate(pairs[first : first + count]):
                Priority.objects.get_or_create(
                    organisation=org,
                    product=product,
                    product_type=product_type,
                    criterion=criteria[position],
                    defaults={"set_by_id": user_id, "quarter": quarters[n % 4]},
                )
    item = (
        RoadmapItem.objects.filter(product__slug="larchmont-stacks")
        .order_by("pk")
        .first()
    )
    if item is not None:
        for n, (org, user_id) in enumerate(pairs[:_ROADMAP_SUPPORT]):
            RoadmapSupport.objects.get_or_create(
                organisation=org,
                item=item,
                defaults={"set_by_id": user_id, "quarter": quarters[n % 4]},
            )
