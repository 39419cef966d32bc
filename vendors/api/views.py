"""Read-only views of the public API: anonymous, JSON, published data only.

No authentication classes (no session or CSRF cookie is read or set), only safe
methods, page-number pagination. Every list runs a fixed number of queries.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
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


class PaginationQuery(serializers.Serializer[Any]):
    """The query parameters of every paginated list (documented by ``Pagination``)."""

    page = serializers.IntegerField(min_value=1, required=False)
    # Larger sizes are served as max_page_size (documented in the schema).
    page_size = serializers.IntegerField(min_value=1, required=False)


class ChangelogQuery(serializers.Serializer[Any]):
    """``?from=`` and ``?to=``: version numbers, both optional."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "from" is a Python keyword, so it cannot be declared as an attribute.
        fields = super().get_fields()
        for name, help_text in (
            ("from", "older version (default: the one before to)"),
            ("to", "newer version (default: latest)"),
        ):
            fields[name] = serializers.IntegerField(
                min_value=1, max_value=99_999_999, required=False, help_text=help_text
            )
        return cast(dict[str, "serializers.Field[Any, Any, Any, Any]"], fields)


class CriterionQuery(serializers.Serializer[Any]):
    """``?domain=`` and ``?module=`` filters of the criteria list."""

    domain = serializers.CharField(
        max_length=20, required=False, help_text="domain code, e.g. RET"
    )
    module = serializers.CharField(
        max_length=20, required=False, help_text="module code, e.g. core"
    )


class PublicReadOnly:
    """Shared settings: anonymous, safe methods only, paginated, strict queries.

    A query parameter the schema does not list, one given twice, or a value of the
    wrong type answers 400 (the schema documents exactly what is accepted), instead
    of being ignored. ``query_serializer_class`` lists a view's own parameters; its
    validated values are in ``self.query``.
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    pagination_class: type[Pagination] | None = Pagination
    http_method_names = ["get", "head", "options"]
    query_serializer_class: type[serializers.Serializer[Any]] | None = None
    query: dict[str, Any]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Before DRF's own checks, whose content negotiation would answer an unknown
        # ?format= with a bare 404.
        self.query_validate(request)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def query_validate(self, request: Request) -> None:
        """Set ``self.query`` from the query string or raise ``ValidationError`` (400)."""
        serializer_classes = [
            cls
            for cls in (
                PaginationQuery if self.pagination_class else None,
                self.query_serializer_class,
            )
            if cls is not None
        ]
        allowed = {name for cls in serializer_classes for name in cls().fields}
        errors: dict[str, list[str]] = {}
        for name, values in request.query_params.lists():
            if name not in allowed:
                errors[name] = ["Unknown query parameter."]
            elif len(values) > 1:
                errors[name] = ["Give this parameter once."]
        self.query = {}
        for cls in serializer_classes:
            serializer = cls(data=request.query_params.dict())
            if serializer.is_valid():
                self.query.update(serializer.validated_data)
            else:
                errors.update(serializer.errors)
        if errors:
            raise serializers.ValidationError(errors)


def _product(kwargs: dict[str, Any]) -> Product:
    product = public.product_get(
        vendor_slug=kwargs["vendor_slug"], product_slug=kwargs["product_slug"]
    )
    if product is None:
        raise Http404
    return product


class ApiRoot(PublicReadOnly, APIView):
    """Links to every collection of the API."""

    pagination_class = None

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(
            {
                name: reverse(f"api:{name}_list", request=request)
                for name in ("vendor", "product", "criterion")
            }
            | {
                "priorities": reverse("api:priority_types", request=request),
                "schema": reverse("api:schema", request=request),
            }
        )


class VendorList(PublicReadOnly, generics.ListAPIView[Organisation]):
    """Organisations that offer products, with their products."""

    serializer_class = s.VendorSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        return vendor_list()


class VendorDetail(PublicReadOnly, generics.RetrieveAPIView[Organisation]):
    """One vendor and its products."""

    serializer_class = s.VendorSerializer
    pagination_class = None
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

    query_serializer_class = ChangelogQuery

    @extend_schema(parameters=[ChangelogQuery])
    def get(self, request: Request, **kwargs: Any) -> Response:
        product = _product(kwargs)
        changes = selectors.disclosure_changelog(
            product=product,
            from_number=self.query.get("from"),
            to_number=self.query.get("to"),
        )
        latest = selectors.disclosure_version_latest(product=product)
        to_version = self.query.get("to") or (latest.number if latest else None)
        from_version = self.query.get("from")
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
    query_serializer_class = CriterionQuery

    @extend_schema(parameters=[CriterionQuery])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Criterion]:
        criteria = privacy_selectors.criteria_for_modules(
            modules=Module.objects.values_list("code", flat=True)
        )
        domain = self.query.get("domain", "").strip()
        module = self.query.get("module", "").strip()
        if domain:
            criteria = criteria.filter(domain__code=domain)
        if module:
            criteria = criteria.filter(module__code=module)
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
