"""Demo content of ``vendors``: vendor organisations, products and representatives.

Registered in :class:`vendors.apps.VendorsConfig`; runs after ``cop.members``. All
vendor and product names are fictional.

Demo accounts made here (password ``settings.COP_DEMO_PASSWORD``), each a verified
representative of a *different* vendor, so that "rights never carry over to another
vendor" can be tried out:

- ``vendor-a@example.org``: Larchmont Library Systems, TOTP :data:`VENDOR_A_TOTP_SECRET`.
- ``vendor-b@example.org``: Brightwell Discovery, TOTP :data:`VENDOR_B_TOTP_SECRET`.
- ``vendor-c@example.org``: Paperlantern Media, TOTP :data:`VENDOR_C_TOTP_SECRET`.

The community organisation gets the product "cop platform", so that cop discloses its
own practices like any vendor. ``--scale large`` adds vendors up to
:data:`LARGE_VENDOR_COUNT` (the size of the real working group), 1-3 products each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from django.conf import settings
from django.contrib.auth import get_user_model

from cop.core.seeding import (
    DEMO_EMAIL_DOMAIN,
    SCALE_LARGE,
    demo_account_ensure,
    row_ensure,
)
from cop.members.models import Membership, Organisation
from cop.members.permissions import clear_cached_roles
from cop.members.seeding import (
    code_of_conduct_demo_ensure,
    community_organisation_ensure,
    demo_profile_ensure,
    membership_verified_ensure,
)
from cop.privacy.models import Criterion
from cop.privacy.services import reference_data_load
from vendors.models import DisclosureVersion, Priority, Product, RoadmapItem
from vendors.seeding_cop_disclosure import cop_disclosure_ensure
from vendors.seeding_disclosures import vendor_disclosures_ensure
from vendors.seeding_priorities import priorities_demo_ensure

# Fixed, public TOTP secrets (base32) of the vendor demo accounts. Demo only:
# seed_demo refuses to run in production.
VENDOR_A_TOTP_SECRET: Final = "COPDEMOVENDORATOTPSECRETAA234567"  # noqa: S105
VENDOR_B_TOTP_SECRET: Final = "COPDEMOVENDORBTOTPSECRETAA234567"  # noqa: S105
VENDOR_C_TOTP_SECRET: Final = "COPDEMOVENDORCTOTPSECRETAA234567"  # noqa: S105

LARGE_VENDOR_COUNT: Final = 18

PT = Product.ProductType

# (organisation slug, organisation fields, [(product slug, name, type, description)])
_VENDORS: Final = (
    (
        "larchmont-library-systems",
        {
            "name": "Larchmont Library Systems",
            "website": "https://www.larchmont.example/",
            "description": "Makes library management software for public and academic libraries.",
            "email_domains": ["larchmont.example"],
        },
        [
            ("larchmont-stacks", "Larchmont Stacks", PT.LMS,
             "Cloud library management system: cataloguing, circulation, acquisitions and patron accounts."),
            ("larchmont-stacks-schools", "Larchmont Stacks for Schools", PT.K12,
             "The Larchmont library system for school libraries, with class rosters and reading records."),
        ],
    ),
    (
        "brightwell-discovery",
        {
            "name": "Brightwell Discovery",
            "website": "https://www.brightwell.example/",
            "description": "Builds discovery layers and online catalogues for libraries.",
            "email_domains": ["brightwell.example"],
        },
        [
            ("brightwell-search", "Brightwell Search", PT.DISCOVERY,
             "Discovery service that searches the catalogue and licensed articles in one place."),
            ("brightwell-catalogue", "Brightwell Catalogue", PT.DISCOVERY,
             "A public online catalogue (OPAC) with saved lists, holds and reading history."),
        ],
    ),
    (
        "paperlantern-media",
        {
            "name": "Paperlantern Media",
            "website": "https://www.paperlantern.example/",
            "description": "Lends e-books and audiobooks to library patrons.",
            "email_domains": ["paperlantern.example"],
        },
        [
            ("paperlantern-reader", "Paperlantern Reader", PT.CONTENT,
             "E-book and audiobook lending platform with apps for phones, tablets and e-readers."),
            ("paperlantern-magazines", "Paperlantern Magazines", PT.CONTENT,
             "Digital magazines and newspapers for library patrons."),
            ("paperlantern-kids", "Paperlantern Kids", PT.K12,
             "Children's e-books for schools, with teacher-assigned reading."),
        ],
    ),
)  # fmt: skip

_COP_PLATFORM: Final = {
    "name": "cop platform",
    "product_type": PT.OTHER,
    "description": (
        "This website: discussions, privacy guides and vendor disclosures of the "
        "community of practice. cop discloses its own privacy practices like a vendor."
    ),
}

# Large scale: fictional vendor names, and product names per type.
_LARGE_VENDOR_NAMES: Final = (
    "Alderbrook", "Birchgate", "Copperleaf", "Driftwood", "Elmstead", "Foxglove",
    "Granite Peak", "Heronsgate", "Ironbridge", "Juniper Row", "Kestrel", "Lindenhall",
    "Moorfield", "Nettlebed", "Oakhurst",
)  # fmt: skip
_LARGE_PRODUCTS: Final = {
    PT.LMS: ("Library System", "Circulation", "Acquisitions"),
    PT.DISCOVERY: ("Search", "Catalogue", "Link Resolver"),
    PT.CONTENT: ("Reader", "Audiobooks", "Journals"),
    PT.K12: ("School Library", "Classroom Reader", "Reading Log"),
    PT.OTHER: ("Analytics", "Room Booking", "Print Management"),
}
_LARGE_COMPANY_SUFFIX: Final = {
    PT.LMS: "Library Systems",
    PT.DISCOVERY: "Discovery",
    PT.CONTENT: "Digital Media",
    PT.K12: "Learning",
    PT.OTHER: "Library Services",
}


def seed_vendors(*, scale: str, stdout: Any) -> dict[str, int]:
    """Create the demo vendors, their products and representatives; idempotent."""
    counted = {
        "vendors": Organisation.objects.filter(kind=Organisation.Kind.VENDOR),
        "products": Product.objects.all(),
        "representatives": Membership.objects.filter(
            role=Membership.Role.REPRESENTATIVE
        ),
        "disclosure versions": DisclosureVersion.objects.all(),
        "roadmap items": RoadmapItem.objects.all(),
        "library priorities": Priority.objects.all(),
    }
    before = {name: rows.count() for name, rows in counted.items()}
    _renamed_products_apply()
    vendors = [
        _vendor_ensure(slug=slug, fields=fields, products=products)
        for slug, fields, products in _VENDORS
    ]
    community = community_organisation_ensure()
    row_ensure(
        Product,
        lookup={"organisation": community, "slug": "cop-platform"},
        values={**_COP_PLATFORM, "website": f"{settings.SITE_URL}/"},
    )
    reps: dict[int, Any] = {}
    for letter, vendor, secret in (
        ("a", vendors[0], VENDOR_A_TOTP_SECRET),
        ("b", vendors[1], VENDOR_B_TOTP_SECRET),
        ("c", vendors[2], VENDOR_C_TOTP_SECRET),
    ):
        rep = demo_account_ensure(
            email=f"vendor-{letter}@{DEMO_EMAIL_DOMAIN}",
            role=f"vendor representative ({vendor.name})",
            totp_secret=secret,
        )
        membership_verified_ensure(
            user=rep, organisation=vendor, role=Membership.Role.REPRESENTATIVE
        )
        demo_profile_ensure(
            user=rep,
            display_name=f"{vendor.name.split()[0]} Rep",
            conduct=code_of_conduct_demo_ensure(),
        )
        clear_cached_roles(rep)
        reps[vendor.pk] = rep

    _disclosures_ensure(community=community, reps=reps)
    priorities_demo_ensure()

    if scale == SCALE_LARGE:
        for slug, fields, products in _large_vendors(
            LARGE_VENDOR_COUNT - len(_VENDORS)
        ):
            _vendor_ensure(slug=slug, fields=fields, products=products)
    return {name: rows.count() - before[name] for name, rows in counted.items()}


#: Demo products whose slug changed: ``(vendor slug, old slug, new slug)``. A database
#: seeded before keeps its row (renamed), and the old address redirects.
_RENAMED_PRODUCTS = (
    ("brightwell-discovery", "brightwell-opac", "brightwell-catalogue"),
)


def _renamed_products_apply() -> None:
    """Rename the products of :data:`_RENAMED_PRODUCTS` and redirect their old pages."""
    from django.urls import reverse
    from wagtail.contrib.redirects.models import Redirect

    for vendor_slug, old, new in _RENAMED_PRODUCTS:
        Product.objects.filter(organisation__slug=vendor_slug, slug=old).exclude(
            organisation__products__slug=new
        ).update(slug=new)

        def url(slug: str, vendor_slug: str = vendor_slug) -> str:
            return reverse(
                "vendors:product_detail",
                kwargs={"vendor_slug": vendor_slug, "product_slug": slug},
            )

        old_path = Redirect.normalise_path(url(old))
        if not Redirect.objects.filter(old_path=old_path).exists():
            Redirect.add_redirect(old_path, redirect_to=url(new), is_permanent=True)


def _disclosures_ensure(*, community: Organisation, reps: dict[int, Any]) -> None:
    """Publish cop's and the demo vendors' disclosures (needs the privacy criteria)."""
    if not Criterion.objects.exists():
        reference_data_load()
    moderator = (
        get_user_model().objects.filter(email=f"moderator@{DEMO_EMAIL_DOMAIN}").first()
    )
    if moderator is None:
        return  # the members seeder did not run; nothing can be reviewed
    clear_cached_roles(moderator)
    cop_product = Product.objects.get(organisation=community, slug="cop-platform")
    cop_disclosure_ensure(product=cop_product, moderator=moderator)
    vendor_disclosures_ensure(reps=reps, moderator=moderator)


def _vendor_ensure(
    *, slug: str, fields: dict[str, Any], products: Sequence[tuple[str, str, str, str]]
) -> Organisation:
    """Create or update one vendor organisation and its products."""
    vendor, _ = row_ensure(
        Organisation,
        lookup={"slug": slug},
        values={"kind": Organisation.Kind.VENDOR, **fields},
    )
    for product_slug, name, product_type, description in products:
        row_ensure(
            Product,
            lookup={"organisation": vendor, "slug": product_slug},
            values={
                "name": name,
                "product_type": product_type,
                "description": description,
                "website": f"{fields['website']}{product_slug}/",
            },
        )
    return vendor


def _large_vendors(count: int) -> list[tuple[str, dict[str, Any], list[Any]]]:
    """Return ``count`` generated vendors with 1-3 products each (benchmark data)."""
    types = list(_LARGE_PRODUCTS)
    vendors = []
    for n, prefix in enumerate(_LARGE_VENDOR_NAMES[:count]):
        product_type = types[n % len(types)]
        slug = prefix.lower().replace(" ", "-")
        domain = f"{slug.replace('-', '')}.example"
        products = [
            (f"{slug}-{stem.lower().replace(' ', '-')}", f"{prefix} {stem}", product_type,
             f"{prefix} {stem}: a {product_type.label.lower()} product (benchmark data).")
            for stem in _LARGE_PRODUCTS[product_type][: 1 + n % 3]
        ]  # fmt: skip
        vendors.append(
            (
                slug,
                {
                    "name": f"{prefix} {_LARGE_COMPANY_SUFFIX[product_type]}",
                    "website": f"https://www.{domain}/",
                    "description": f"A vendor of {product_type.label.lower()} products.",
                    "email_domains": [domain],
                },
                products,
            )
        )
    return vendors
