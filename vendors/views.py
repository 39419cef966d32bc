"""Public vendor pages: directory, vendor, product, changelog and the comparison.

Read-only and public: every page shows published data only (through
:mod:`vendors.selectors_public`); drafts stay in the Wagtail admin. Bad filter values
are dropped with a message, unknown slugs answer 404, nothing here answers 500 on
bad input.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from vendors import exports, hooks
from vendors import selectors_public as public
from vendors.models import Product


def _product_or_404(vendor_slug: str, product_slug: str) -> Product:
    product = public.product_get(vendor_slug=vendor_slug, product_slug=product_slug)
    if product is None:
        raise Http404
    return product


@require_safe
def vendor_directory(request: HttpRequest) -> HttpResponse:
    """List every vendor with its products and their published coverage."""
    return render(
        request,
        "vendors/vendor_directory.html",
        {"vendors": public.directory(), "max_compare": public.MAX_PRODUCTS},
    )


@require_safe
def vendor_detail(request: HttpRequest, vendor_slug: str) -> HttpResponse:
    """Show one vendor and its products."""
    vendor = public.vendor_get(slug=vendor_slug)
    if vendor is None:
        raise Http404
    return render(
        request,
        "vendors/vendor_detail.html",
        {
            "vendor": vendor,
            "products": public.vendor_products(vendor=vendor),
            "related": hooks.vendor_related_content_for(
                vendor=vendor, viewer=request.user
            ),
        },
    )


@require_safe
def product_detail(
    request: HttpRequest, vendor_slug: str, product_slug: str
) -> HttpResponse:
    """Show a product's published disclosure, roadmap and latest changes."""
    product = _product_or_404(vendor_slug, product_slug)
    return render(
        request,
        "vendors/product_detail.html",
        {
            "page": public.product_page(product=product),
            "product": product,
            "related": hooks.related_content_for(product=product, viewer=request.user),
            "criteria_url": reverse("privacy:criterion_list"),
        },
    )


@require_safe
def product_changelog(
    request: HttpRequest, vendor_slug: str, product_slug: str
) -> HttpResponse:
    """List every published version of a product's disclosure with its changes."""
    product = _product_or_404(vendor_slug, product_slug)
    return render(
        request,
        "vendors/product_changelog.html",
        {"product": product, "entries": public.changelog(product=product)},
    )


def _comparison(request: HttpRequest) -> public.Comparison:
    return public.comparison_build(
        keys=request.GET.getlist("p")[:50],
        domain=request.GET.get("domain", "").strip()[:20],
        module=request.GET.get("module", "").strip()[:20],
    )


@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    """Compare up to six products side by side (a GET form; works without JS)."""
    comparison = _comparison(request)
    chosen = {c.key for c in comparison.columns} or set(request.GET.getlist("p"))
    return render(
        request,
        "vendors/compare.html",
        {
            "comparison": comparison,
            "choices": public.compare_choices(),
            "chosen": chosen,
            "max_compare": public.MAX_PRODUCTS,
            "query": request.GET.urlencode(),
            "criteria_url": reverse("privacy:criterion_list"),
        },
        status=400 if comparison.errors and not comparison.columns else 200,
    )


@require_safe
def compare_csv(request: HttpRequest) -> HttpResponse:
    """Download the comparison as CSV (cells neutralised against formulas)."""
    comparison = _comparison(request)
    if not comparison.columns:
        message = (
            " ".join(comparison.errors) or "Choose products with ?p=vendor/product."
        )
        return HttpResponse(
            message, status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(
        exports.comparison_csv(comparison), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="cop-comparison.csv"'
    return response


@require_safe
def compare_json(request: HttpRequest) -> HttpResponse:
    """Download the comparison as JSON."""
    comparison = _comparison(request)
    errors = comparison.errors or (
        [] if comparison.columns else ["Choose products with ?p=vendor/product."]
    )
    body = {"errors": errors, **exports.comparison_json(comparison)}
    status = 400 if not comparison.columns else 200
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder),
        status=status,
        content_type="application/json",
    )
