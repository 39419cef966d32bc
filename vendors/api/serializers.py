"""Serializers of the public API: plain output shapes, never model forms.

Disclosure content comes from published :class:`~vendors.models.DisclosureVersion`
snapshots, turned into :class:`~vendors.selectors_public.AnswerView` objects first;
these serializers only name the fields.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cop.members.models import Organisation
from cop.privacy.models import Criterion
from vendors.models import DisclosureVersion, Product, RoadmapItem, RoadmapStatusChange
from vendors.selectors import Coverage
from vendors.selectors_public import product_key


class CoverageSerializer(serializers.Serializer[Coverage]):
    """Counts of one published version ("41 of 52 disclosed"); no composite grade."""

    applicable = serializers.IntegerField()
    disclosed = serializers.IntegerField()
    answered = serializers.IntegerField()
    not_applicable = serializers.IntegerField()
    not_disclosed = serializers.IntegerField()
    stale = serializers.IntegerField()


class EvidenceSerializer(serializers.Serializer[Any]):
    url = serializers.CharField()
    document_type = serializers.CharField(source="document_type_key")
    section = serializers.CharField()
    excerpt = serializers.CharField()
    retrieved_on = serializers.CharField()


class AnswerSerializer(serializers.Serializer[Any]):
    """One published answer; ``value`` keeps the criterion's answer shape."""

    criterion = serializers.CharField(source="code")
    title = serializers.CharField()
    domain = serializers.CharField()
    module = serializers.CharField()
    status = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    text = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    status_reason = serializers.CharField()
    configurability = serializers.CharField(source="configurability_key")
    basis = serializers.CharField(source="basis_key")
    as_of = serializers.CharField()
    stale = serializers.BooleanField()
    product_version = serializers.CharField()
    note = serializers.CharField()
    roadmap_item_id = serializers.IntegerField(allow_null=True)
    evidence = EvidenceSerializer(many=True)


class VersionSerializer(serializers.ModelSerializer[DisclosureVersion]):
    """A published version without its answers."""

    version = serializers.IntegerField(source="number")
    coverage = serializers.SerializerMethodField()

    class Meta:
        model = DisclosureVersion
        fields = ["version", "published_at", "coverage"]

    @extend_schema_field(CoverageSerializer)
    def get_coverage(self, obj: DisclosureVersion) -> dict[str, Any]:
        return dict(CoverageSerializer(self.context["coverages"][obj.pk]).data)


class VersionDetailSerializer(VersionSerializer):
    """A published version with every answer, in criterion order."""

    answers = serializers.SerializerMethodField()

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "answers"]

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, obj: DisclosureVersion) -> list[Any]:
        return list(AnswerSerializer(self.context["answers"], many=True).data)


class ProductSerializer(serializers.ModelSerializer[Product]):
    """A product with the coverage of its latest published version (null if none)."""

    key = serializers.SerializerMethodField()
    vendor = serializers.CharField(source="organisation.slug")
    vendor_name = serializers.CharField(source="organisation.name")
    page_url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    published_version = serializers.SerializerMethodField()
    published_at = serializers.SerializerMethodField()
    coverage = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "key",
            "vendor",
            "vendor_name",
            "slug",
            "name",
            "product_type",
            "description",
            "website",
            "page_url",
            "api_url",
            "published_version",
            "published_at",
            "coverage",
        ]

    def _version(self, obj: Product) -> DisclosureVersion | None:
        version: DisclosureVersion | None = self.context["versions"].get(obj.pk)
        return version

    def get_key(self, obj: Product) -> str:
        return product_key(obj)

    def get_page_url(self, obj: Product) -> str:
        return reverse(
            "vendors:product_detail",
            kwargs={"vendor_slug": obj.organisation.slug, "product_slug": obj.slug},
        )

    def get_api_url(self, obj: Product) -> str:
        return reverse(
            "api:product_detail",
            kwargs={"vendor_slug": obj.organisation.slug, "product_slug": obj.slug},
        )

    def get_published_version(self, obj: Product) -> int | None:
        version = self._version(obj)
        return version.number if version else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_published_at(self, obj: Product) -> str | None:
        version = self._version(obj)
        return version.published_at.isoformat() if version else None

    @extend_schema_field(CoverageSerializer(allow_null=True))
    def get_coverage(self, obj: Product) -> dict[str, Any] | None:
        coverage = self.context["coverages"].get(obj.pk)
        return dict(CoverageSerializer(coverage).data) if coverage else None


class ProductDetailSerializer(ProductSerializer):
    """A product with its latest published disclosure (answers and evidence)."""

    disclosure = serializers.SerializerMethodField()

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "disclosure"]

    @extend_schema_field(VersionDetailSerializer(allow_null=True))
    def get_disclosure(self, obj: Product) -> dict[str, Any] | None:
        version = self._version(obj)
        if version is None:
            return None
        return dict(
            VersionDetailSerializer(
                version,
                context={
                    "answers": self.context["answers"],
                    "coverages": {version.pk: self.context["coverages"][obj.pk]},
                },
            ).data
        )


class VendorProductSerializer(serializers.ModelSerializer[Product]):
    class Meta:
        model = Product
        fields = ["slug", "name", "product_type"]


class VendorSerializer(serializers.ModelSerializer[Organisation]):
    """An organisation that offers products, with its products."""

    products = VendorProductSerializer(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind", "website", "description", "products"]


class StatusChangeSerializer(serializers.ModelSerializer[RoadmapStatusChange]):
    class Meta:
        model = RoadmapStatusChange
        fields = ["from_status", "to_status", "changed_at", "note"]


class RoadmapItemSerializer(serializers.ModelSerializer[RoadmapItem]):
    """A roadmap item with the criteria it improves and its dated status history."""

    criteria = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )
    status_history = StatusChangeSerializer(
        source="status_changes", many=True, read_only=True
    )

    class Meta:
        model = RoadmapItem
        fields = [
            "id",
            "title",
            "description",
            "status",
            "status_changed_at",
            "target_quarter",
            "target_date",
            "known_limitations",
            "feedback_wanted",
            "criteria",
            "status_history",
        ]


class ChangeSerializer(serializers.Serializer[Any]):
    """One changed answer between two published versions."""

    criterion = serializers.CharField(source="code")
    title = serializers.CharField()
    direction = serializers.CharField()
    parts = serializers.ListField(child=serializers.CharField())
    old_status = serializers.CharField()
    new_status = serializers.CharField()
    rows = serializers.DictField(child=serializers.CharField())


class ChangelogSerializer(serializers.Serializer[Any]):
    product = serializers.CharField()
    from_version = serializers.IntegerField(allow_null=True)
    to_version = serializers.IntegerField(allow_null=True)
    changes = ChangeSerializer(many=True)


class OptionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()
    rank = serializers.IntegerField()


class CriterionSerializer(serializers.ModelSerializer[Criterion]):
    """A criterion with its options in rank order (1 = most protective)."""

    domain = serializers.CharField(source="domain.code")
    module = serializers.CharField(source="module.code")
    options = OptionSerializer(many=True, read_only=True)
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Criterion
        fields = [
            "code",
            "title",
            "summary",
            "notes",
            "domain",
            "module",
            "scale_kind",
            "options",
            "derived_from",
            "page_url",
        ]

    def get_page_url(self, obj: Criterion) -> str:
        return reverse("privacy:criterion_detail", kwargs={"code": obj.code})
