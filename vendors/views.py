"""Public vendor pages: directory, vendor, product, changelog and the comparison.

Read-only and public: every page shows published data only (through
:mod:`vendors.selectors_public`); drafts stay in the Wagtail admin. Bad filter values
are dropped with a message, unknown slugs answer 404, nothing here answers 500 on
bad input.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from cop.core.kept_html import render_kept
from cop.privacy.aggregates import privacy_k
from vendors import cache, exports, hooks, permissions
from vendors import selectors_priorities as signals
from vendors import selectors_public as public
from vendors import selectors_trends as trends
from vendors.forms_compare import CompareParams, compare_params
from vendors.models import Product
from vendors.services import PRIORITIES_SCOPE


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
            "responsiveness": hooks.responsiveness_for(
                vendor=vendor, quarters=signals.trend_quarters()
            ),
            "k": privacy_k(),
        },
    )


def product_intro_html(product: Product) -> SafeString:
    """Return the top of ``product``'s page: vendor, name, type, website, description."""
    return cache.published_html(
        scopes=[cache.product_scope(product.pk), cache.CATALOGUE_SCOPE],
        parts=["product-intro", str(product.pk)],
        render=lambda: render_to_string(
            "vendors/_product_intro.html", {"product": product}
        ),
    )


def product_published_html(product: Product) -> SafeString:
    """Return the published part of ``product``'s page (the same for every reader)."""

    def render_published() -> str:
        return render_to_string(
            "vendors/_product_published.html",
            {
                "page": public.product_page(product=product),
                "product": product,
                "criteria_url": reverse("privacy:criterion_list"),
            },
        )

    return cache.published_html(
        scopes=[cache.product_scope(product.pk)],
        parts=["product", str(product.pk)],
        render=render_published,
    )


def product_community_html(product: Product, *, can_set_priorities: bool) -> SafeString:
    """Return the trend and community counts of ``product``'s page.

    The same for every reader with the same ``can_set_priorities`` (the panel's link
    to the library's own priorities); cached until a publish, a priority, a
    membership or a related discussion changes.
    """

    def render_community() -> str:
        return render_to_string(
            "vendors/_product_community.html",
            {
                "product": product,
                "trend": trends.disclosure_trend(product=product),
                "priority_panel": signals.product_priority_panel(product=product),
                "red_flag_counts": hooks.red_flag_counts_for(product=product),
                "can_set_priorities": can_set_priorities,
            },
        )

    return cache.published_html(
        scopes=[
            cache.product_scope(product.pk),
            PRIORITIES_SCOPE,
            cache.COMMUNITY_SCOPE,
        ],
        parts=[
            "product-community",
            str(product.pk),
            str(privacy_k()),
            "can-set" if can_set_priorities else "",
        ],
        render=render_community,
        related=True,
    )


@require_safe
def product_detail(
    request: HttpRequest, vendor_slug: str, product_slug: str
) -> HttpResponse:
    """Show a product's published disclosure, roadmap and latest changes.

    Anonymous readers get the whole page from the cache without a query; it is
    keyed on every product's versions, so any publish or roadmap change renews it.
    """

    def respond() -> HttpResponse:
        with cache.product_page(
            vendor_slug,
            product_slug,
            scopes=[PRIORITIES_SCOPE, cache.COMMUNITY_SCOPE],
            load=lambda: public.product_get(
                vendor_slug=vendor_slug, product_slug=product_slug
            ),
        ) as product:
            if product is None:
                raise Http404
            return render(
                request,
                "vendors/product_detail.html",
                {
                    "product": product,
                    "intro_html": product_intro_html(product),
                    "published_html": product_published_html(product),
                    "can_edit": request.user.is_authenticated
                    and permissions.can_edit_product(request.user, product),
                    "community_html": product_community_html(
                        product,
                        can_set_priorities=permissions.can_set_priorities(request.user),
                    ),
                    "related_html": render_kept(
                        "includes/related_content.html",
                        {
                            "related": hooks.related_content_for(
                                product=product, viewer=request.user
                            )
                        },
                        request,
                    ),
                },
            )

    return cache.anonymous_page(
        request,
        scopes=[cache.ANY_PRODUCT_SCOPE, cache.CATALOGUE_SCOPE],
        parts=["product"],
        related=True,
        respond=respond,
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


def _comparison(params: CompareParams) -> public.Comparison:
    return public.comparison_build(
        keys=params.keys,
        domain=params.domain,
        module=params.module,
        rows=params.rows,
        differences_only=params.differences_only,
    )


def _query(params: CompareParams, **changes: str) -> str:
    """Return the query string of ``params`` with ``changes`` (for the toggle links)."""
    query = QueryDict(mutable=True)
    query.setlist("p", list(params.keys))
    values = {
        "domain": params.domain,
        "module": params.module,
        "rows": params.rows if params.rows != "answered" else "",
        "diff": "1" if params.differences_only else "",
        **changes,
    }
    for name, value in values.items():
        if value:
            query[name] = value
    return query.urlencode()


def _compare_content(params: CompareParams) -> tuple[str, int]:
    """Return the comparison's HTML (the same for every reader) and its status."""
    comparison = _comparison(params)
    chosen = {c.key for c in comparison.columns} or set(params.keys)
    html = render_to_string(
        "vendors/_compare_content.html",
        {
            "comparison": comparison,
            "choices": public.compare_choices(),
            "chosen": chosen,
            "max_compare": public.MAX_PRODUCTS,
            "query": _query(params),
            "all_query": _query(params, rows="all"),
            "answered_query": _query(params, rows=""),
            "diff_query": _query(params, diff="1"),
            "same_query": _query(params, diff=""),
            "criteria_url": reverse("privacy:criterion_list"),
        },
    )
    return html, 400 if comparison.errors and not comparison.columns else 200


@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    """Compare up to six products side by side (a GET form; works without JS)."""
    params, problems = compare_params(request.GET)
    parts = ["compare", *params.cache_parts()]
    scopes = [cache.CATALOGUE_SCOPE, cache.ANY_PRODUCT_SCOPE]

    def respond() -> HttpResponse:
        if problems:  # never cached: any typo would make a new entry
            html, status = _compare_content(params)
        else:
            html, status = cache.published_value(
                scopes=scopes, parts=parts, build=lambda: _compare_content(params)
            )
        return render(
            request,
            "vendors/compare.html",
            {"content": mark_safe(html), "problems": problems},  # noqa: S308 - a template's output
            status=status,
        )

    if problems:
        return respond()
    return cache.anonymous_page(request, scopes=scopes, parts=parts, respond=respond)


@require_safe
def compare_csv(request: HttpRequest) -> HttpResponse:
    """Download the comparison as CSV (cells neutralised against formulas)."""
    params, problems = compare_params(request.GET)
    comparison = _comparison(params)
    comparison.errors[:0] = problems
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
    params, problems = compare_params(request.GET)
    comparison = _comparison(params)
    comparison.errors[:0] = problems
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
