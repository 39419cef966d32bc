"""The home page's "Latest disclosure changes": what each recent publish changed.

Registered into :mod:`cop.guides.hooks` in ``VendorsConfig.ready()``. Only public
data is used (published versions of live disclosures), so the section is the same for
every reader and the home page may cache it; its version is that of
:data:`vendors.cache.ANY_PRODUCT_SCOPE`, which every publish replaces.
"""

from __future__ import annotations

from typing import Any, Final

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

#: Publishes listed on the home page.
HOME_CHANGES: Final = 5


def latest_disclosure_changes() -> Any:
    """Return the latest published disclosure versions with improved/regressed counts.

    Two queries whatever the number shown: the latest versions, then the versions
    each one is compared with.
    """
    from cop.guides.hooks import HomeLink, HomeSection
    from vendors.models import DisclosureVersion
    from vendors.selectors_public.pages import PRODUCT_OWNER_KINDS, changes_between
    from vendors.services.changelog import changelog_summary

    versions = list(
        DisclosureVersion.objects.filter(
            disclosure__live=True,
            product__organisation__kind__in=PRODUCT_OWNER_KINDS,
        )
        .select_related("product__organisation")
        .order_by("-published_at", "-pk")[:HOME_CHANGES]
    )
    if not versions:
        return None
    wanted = Q()
    for version in versions:
        if version.number > 1:
            wanted |= Q(product_id=version.product_id, number=version.number - 1)
    previous = (
        {(v.product_id, v.number): v for v in DisclosureVersion.objects.filter(wanted)}
        if wanted
        else {}
    )
    links = []
    for version in versions:
        product = version.product
        before = previous.get((version.product_id, version.number - 1))
        if before is None:
            meta = _("first published disclosure")
        else:
            counts = changelog_summary(changes_between(before, version))
            meta = _("%(improved)s improved · %(regressed)s regressed") % {
                "improved": counts["improved"],
                "regressed": counts["regressed"],
            }
        when = date_format(version.published_at, "j F Y")
        links.append(
            HomeLink(
                title=_("%(vendor)s %(product)s, version %(number)s")
                % {
                    "vendor": product.organisation.name,
                    "product": product.name,
                    "number": version.number,
                },
                url=reverse(
                    "vendors:product_changelog",
                    kwargs={
                        "vendor_slug": product.organisation.slug,
                        "product_slug": product.slug,
                    },
                ),
                meta=f"{meta} · {when}",
            )
        )
    return HomeSection(
        heading=_("Latest disclosure changes"),
        links=links,
        more_url=reverse("vendors:directory"),
        more_label=_("All vendors and products"),
    )


def disclosures_version_key() -> str:
    """Return the cache key of the version every disclosure publish replaces."""
    from cop.core.pagecache import scope_version_key
    from vendors.cache import ANY_PRODUCT_SCOPE

    return scope_version_key(ANY_PRODUCT_SCOPE)


def register() -> None:
    """Add the section to the home page (called from ``VendorsConfig.ready``)."""
    from cop.guides.hooks import home_content_versions, home_sections

    home_sections.register("vendors", latest_disclosure_changes)
    home_content_versions.register("vendors", disclosures_version_key)
