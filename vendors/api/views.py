"""Read-only views of the public API: anonymous, JSON, published data only.

No authentication classes (no session or CSRF cookie is read or set), only safe
methods, page-number pagination. Every list runs a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from cop.members.models import Organisation
from cop.privacy import selectors as privacy_selectors
from cop.privacy.models import Criterion, Module
from vendors import selectors
from vendors import selectors_public as public
from vendors.api import serializers as s
from vendors.models import DisclosureVersion, Product, RoadmapItem
from vendors.selectors_public.pages import (
    answer_views,
    coverage_of,
    criteria_details,
    stale_before,
    vendor_list,
    vendor_queryset,
)


class Pagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most 100)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


class PublicReadOnly:
    """Shared settings: anonymous, safe methods only, paginated."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    pagination_class: type[Pagination] | None = Pagination
    http_method_names = ["get", "head", "options"]


def _product(kwargs: dict[str, Any]) -> Product:
    product = public.product_get(
        vendor_slug=kwargs["vendor_slug"], product_slug=kwargs["product_slug"]
    )
    if product is None:
        raise Http404
    return product


class ApiRoot(PublicReadOnly, APIView):
    """Links to every collection of the API."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(
            {
                name: reverse(f"api:{name}_list", request=request)
                for name in ("vendor", "product", "criterion")
            }
            | {"schema": reverse("api:schema", request=request)}
        )


class VendorList(PublicReadOnly, generics.ListAPIView[Organisation]):
    """Organisations that offer products, with their products."""

    serializer_class = s.VendorSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        return vendor_list()


class VendorDetail(PublicReadOnly, generics.RetrieveAPIView[Organisation]):
    """One vendor and its products."""

    serializer_class = s.VendorSerializer
    lookup_field = "slug"
    lookup_url_kwarg = "vendor_slug"

    def get_queryset(self) -> QuerySet[Organisation]:
        return vendor_queryset()


def _product_context(products: list[Product]) -> dict[str, Any]:
    versions = selectors.disclosure_versions_latest_for(
        product_ids=[p.pk for p in products]
    )
    cutoff = stale_before() if versions else None
    return {
        "versions": versions,
        "coverages": {
            pid: coverage_of(v, cutoff=cutoff)  # type: ignore[arg-type]
            for pid, v in versions.items()
        },
        "cutoff": cutoff,
    }


class ProductList(PublicReadOnly, generics.ListAPIView[Product]):
    """Every product, with the coverage of its latest published disclosure."""

    serializer_class = s.ProductSerializer
    queryset = Product.objects.select_related("organisation").order_by(
        "organisation__name", "name", "pk"
    )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        context = {**self.get_serializer_context(), **_product_context(list(page))}
        data = s.ProductSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)


class ProductDetail(PublicReadOnly, generics.GenericAPIView[Product]):
    """One product with its latest published disclosure: answers and evidence."""

    serializer_class = s.ProductDetailSerializer
    pagination_class = None

    def get(self, request: Request, **kwargs: Any) -> Response:
        product = _product(kwargs)
        context = _product_context([product])
        version = context["versions"].get(product.pk)
        context["answers"] = (
            answer_views(
                version,
                cutoff=context["cutoff"],
                criteria=criteria_details(list((version.answers or {}).keys())),
            )
            if version
            else []
        )
        return Response(s.ProductDetailSerializer(product, context=context).data)


class VersionList(PublicReadOnly, generics.ListAPIView[DisclosureVersion]):
    """Every published version of a product's disclosure, newest first."""

    serializer_class = s.VersionSerializer

    def get_queryset(self) -> QuerySet[DisclosureVersion]:
        return selectors.disclosure_version_list(product=_product(self.kwargs))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        cutoff = stale_before()
        context = {"coverages": {v.pk: coverage_of(v, cutoff=cutoff) for v in page}}
        data = s.VersionSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)


class VersionDetail(PublicReadOnly, generics.GenericAPIView[DisclosureVersion]):
    """One published version with every answer."""

    serializer_class = s.VersionDetailSerializer
    pagination_class = None

    def get(self, request: Request, number: int, **kwargs: Any) -> Response:
        version = selectors.disclosure_version_get(
            product=_product(kwargs), number=number
        )
        if version is None:
            raise Http404
        cutoff = stale_before()
        context = {
            "coverages": {version.pk: coverage_of(version, cutoff=cutoff)},
            "answers": answer_views(
                version,
                cutoff=cutoff,
                criteria=criteria_details(list((version.answers or {}).keys())),
            ),
        }
        return Response(s.VersionDetailSerializer(version, context=context).data)


class RoadmapList(PublicReadOnly, generics.ListAPIView[RoadmapItem]):
    """A product's roadmap items with their status history."""

    serializer_class = s.RoadmapItemSerializer

    def get_queryset(self) -> QuerySet[RoadmapItem]:
        return selectors.roadmap_item_list(product=_product(self.kwargs))


class ChangelogView(PublicReadOnly, generics.GenericAPIView[Any]):
    """What changed between two published versions (default: the last two)."""

    serializer_class = s.ChangelogSerializer
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, description="older version (default: to-1)"),
            OpenApiParameter("to", int, description="newer version (default: latest)"),
        ]
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        product = _product(kwargs)
        numbers: dict[str, int | None] = {}
        for name in ("from", "to"):
            raw = request.query_params.get(name, "").strip()
            if raw and not (raw.isdigit() and len(raw) < 9):
                raise serializers.ValidationError(
                    {name: "Give a version number (a whole number)."}
                )
            numbers[name] = int(raw) if raw else None
        changes = selectors.disclosure_changelog(
            product=product, from_number=numbers["from"], to_number=numbers["to"]
        )
        latest = selectors.disclosure_version_latest(product=product)
        to_version = numbers["to"] or (latest.number if latest else None)
        from_version = numbers["from"]
        if from_version is None and to_version:
            from_version = to_version - 1
        body = {
            "product": public.product_key(product),
            "from_version": from_version,
            "to_version": to_version,
            "changes": changes,
        }
        return Response(s.ChangelogSerializer(body).data)


class CriterionList(PublicReadOnly, generics.ListAPIView[Criterion]):
    """The current criteria with their options; filter by ``domain`` or ``module``."""

    serializer_class = s.CriterionSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("domain", str, description="domain code, e.g. RET"),
            OpenApiParameter("module", str, description="module code, e.g. core"),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Criterion]:
        criteria = privacy_selectors.criteria_for_modules(
            modules=Module.objects.values_list("code", flat=True)
        )
        domain = self.request.query_params.get("domain", "").strip()
        module = self.request.query_params.get("module", "").strip()
        if domain:
            criteria = criteria.filter(domain__code=domain[:20])
        if module:
            criteria = criteria.filter(module__code=module[:20])
        return criteria


class CriterionDetail(PublicReadOnly, generics.RetrieveAPIView[Criterion]):
    """One criterion (retired ones too) with its options in rank order."""

    serializer_class = s.CriterionSerializer
    pagination_class = None

    def get_object(self) -> Criterion:
        criterion = privacy_selectors.criterion_get(code=self.kwargs["code"])
        if criterion is None:
            raise Http404
        return criterion
