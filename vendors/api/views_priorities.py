"""Libraries' priorities in the API: the same aggregates as the pages, same rules.

Only fixed cells (product x criterion, roadmap item, product type x criterion) are
served, with no query parameter at all (any answers 400), so no request can narrow a
cell below k. A suppressed cell is never listed; ``k`` says from how many libraries
a count is shown.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cop.privacy.aggregates import privacy_k
from vendors import selectors_priorities as signals
from vendors import selectors_public as public
from vendors.api.views import PublicReadOnly, _product


class CriterionCountSerializer(serializers.Serializer[Any]):
    """A criterion and the number of libraries asking for it (at least k)."""

    code = serializers.CharField()
    title = serializers.CharField()
    libraries = serializers.IntegerField(source="count.value")


class ItemCountSerializer(serializers.Serializer[Any]):
    """A roadmap item and the number of libraries that need it (at least k)."""

    item_id = serializers.IntegerField()
    title = serializers.CharField()
    libraries = serializers.IntegerField(source="count.value")


class ProductPrioritiesSerializer(serializers.Serializer[Any]):
    """What libraries ask of one product."""

    product = serializers.CharField()
    k = serializers.IntegerField(help_text="counts below this are never shown")
    criteria = CriterionCountSerializer(many=True)
    roadmap = ItemCountSerializer(many=True)


class TypePrioritiesSerializer(serializers.Serializer[Any]):
    """The top priorities of one product type."""

    product_type = serializers.CharField()
    label = serializers.CharField()
    products = serializers.IntegerField()
    criteria = CriterionCountSerializer(many=True)


class TypePrioritiesListSerializer(serializers.Serializer[Any]):
    """Every product type's top priorities."""

    k = serializers.IntegerField(help_text="counts below this are never shown")
    types = TypePrioritiesSerializer(many=True)


class ProductPriorities(PublicReadOnly, APIView):
    """Criteria and roadmap items at least k libraries ask of one product."""

    pagination_class = None

    @extend_schema(responses={200: ProductPrioritiesSerializer})
    def get(self, request: Request, **kwargs: Any) -> Response:
        product = _product(kwargs)
        panel = signals.product_priority_panel(product=product)
        body = {
            "product": public.product_key(product),
            "k": panel.k,
            "criteria": panel.criteria,
            "roadmap": panel.roadmap,
        }
        return Response(ProductPrioritiesSerializer(body).data)


class TypePriorities(PublicReadOnly, APIView):
    """The top priorities of libraries per product type (as on ``/priorities/``)."""

    pagination_class = None

    @extend_schema(responses={200: TypePrioritiesListSerializer})
    def get(self, request: Request) -> Response:
        body = {"k": privacy_k(), "types": signals.type_priorities()}
        return Response(TypePrioritiesListSerializer(body).data)
