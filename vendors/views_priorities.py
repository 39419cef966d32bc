"""Libraries' priorities: a library's own page, the community page, a vendor's dashboard.

Only a library's verified workers see and change its own choices; every other page
shows aggregates from :mod:`vendors.selectors_priorities`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cop.members.models import Organisation
from cop.privacy.aggregates import privacy_k
from vendors import cache, hooks, permissions, services
from vendors import selectors_priorities as signals
from vendors import selectors_public as public
from vendors import selectors_trends as trends
from vendors.forms_priorities import LibraryChoiceForm, PrioritiesForm
from vendors.models import Product


def _chosen_library(
    request: HttpRequest, organisations: list[Organisation]
) -> Organisation:
    form = LibraryChoiceForm(request.GET)
    wanted = form.cleaned_data.get("library") if form.is_valid() else None
    by_pk = {o.pk: o for o in organisations}
    return by_pk.get(wanted or 0, organisations[0])


def _priorities_page(
    request: HttpRequest, *, product: Product | None, product_type: str, url: str
) -> HttpResponse:
    organisations = permissions.priority_organisations(request.user)
    if not organisations:
        raise PermissionDenied
    library = _chosen_library(request, organisations)
    criteria = services.criteria_for_scope(product=product, product_type=product_type)
    items = list(product.roadmap_items.order_by("title")) if product else []
    initial = {
        "organisation": library.pk,
        "criteria": sorted(
            signals.library_priorities(
                organisation=library, product=product, product_type=product_type
            )
        ),
        "roadmap": sorted(
            signals.library_roadmap_support(organisation=library, product=product)
            if product
            else []
        ),
    }
    data = request.POST if request.method == "POST" else None
    form = PrioritiesForm(
        data,
        initial=initial,
        organisations=organisations,
        criteria=criteria,
        items=items,
    )
    if form.is_valid():
        library = permissions.access_priority_organisation(
            request.user, form.cleaned_data["organisation"]
        )
        withdraw = "withdraw" in request.POST
        chosen = [] if withdraw else form.cleaned_data["criteria"]
        by_pk = {c.pk: c for c in criteria}
        try:
            services.priorities_set(
                actor=request.user,
                organisation=library,
                criteria=[by_pk[pk] for pk in chosen],
                product=product,
                product_type=product_type,
            )
            if product is not None:
                services.roadmap_support_replace(
                    actor=request.user,
                    organisation=library,
                    product=product,
                    item_ids=[] if withdraw else form.cleaned_data.get("roadmap", []),
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your library's priorities were withdrawn.")
                if withdraw
                else _("Your library's priorities were saved."),
            )
            return redirect(f"{url}?library={library.pk}")
    status = 400 if form.is_bound else 200
    return render(
        request,
        "vendors/priorities_edit.html",
        {
            "form": form,
            "product": product,
            "type_label": dict(Product.ProductType.choices).get(product_type, ""),
            "library": library,
            "k": privacy_k(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def product_priorities(
    request: HttpRequest, vendor_slug: str, product_slug: str
) -> HttpResponse:
    """Show and change the worker's library's priorities for one product."""
    product = public.product_get(vendor_slug=vendor_slug, product_slug=product_slug)
    if product is None:
        raise Http404
    url = reverse(
        "vendors:product_priorities",
        kwargs={"vendor_slug": vendor_slug, "product_slug": product_slug},
    )
    return _priorities_page(request, product=product, product_type="", url=url)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def type_priorities_edit(request: HttpRequest, product_type: str) -> HttpResponse:
    """Show and change the worker's library's priorities for every product of a type."""
    if product_type not in Product.ProductType.values:
        raise Http404
    url = reverse("priorities:type_edit", kwargs={"product_type": product_type})
    return _priorities_page(request, product=None, product_type=product_type, url=url)


def community_body_html(*, can_set: bool) -> SafeString:
    """Return the priorities page's body for readers who may (or may not) set priorities.

    Cached until a priority, a product or a published version changes.
    """

    def render_body() -> str:
        return render_to_string(
            "vendors/_priorities_community.html",
            {
                "types": signals.type_priorities(),
                "trends": trends.type_trends(),
                "k": privacy_k(),
                "can_set": can_set,
            },
        )

    return cache.published_html(
        # Any product's versions too: the page charts each type's disclosure trend.
        scopes=[
            services.PRIORITIES_SCOPE,
            cache.CATALOGUE_SCOPE,
            cache.ANY_PRODUCT_SCOPE,
        ],
        parts=["priorities-community", str(privacy_k()), "can-set" if can_set else ""],
        render=render_body,
    )


@require_safe
def community(request: HttpRequest) -> HttpResponse:
    """List the top priorities of libraries per product type (aggregates only)."""

    def respond() -> HttpResponse:
        can_set = permissions.can_set_priorities(request.user)
        return render(
            request,
            "vendors/priorities_community.html",
            {"body": community_body_html(can_set=can_set)},
        )

    return cache.anonymous_page(
        request,
        scopes=[
            services.PRIORITIES_SCOPE,
            cache.CATALOGUE_SCOPE,
            cache.ANY_PRODUCT_SCOPE,
        ],
        parts=["priorities"],
        respond=respond,
    )


@login_required
@require_safe
def vendor_dashboard(request: HttpRequest, vendor_slug: str) -> HttpResponse:
    """Show a vendor what libraries ask of its products (its representatives, moderators)."""
    vendor = permissions.access_vendor_signals(request.user, vendor_slug)
    context: dict[str, Any] = {
        "vendor": vendor,
        "products": signals.vendor_signals(vendor=vendor),
        "quarters": signals.trend_quarters(),
        "responsiveness": hooks.responsiveness_for(
            vendor=vendor, quarters=signals.trend_quarters()
        ),
        "k": privacy_k(),
    }
    return render(request, "vendors/signals_dashboard.html", context)
