"""Who may do what with products, disclosures and roadmaps: the one place these rules live.

Built on :mod:`cop.members.permissions` (roles, MFA). Rules:

- A product's disclosure and roadmap are edited by the verified representatives of the
  organisation that owns it. Products of the community organisation ("cop platform")
  have no representatives: moderators edit those.
- Moderators review disclosures (approve/reject in the workflow) and may publish.
- Everybody else reads published versions only (see ``vendors.selectors``).
- Accessors raise ``Http404`` for missing and forbidden alike.
- Libraries' priorities are set by verified library workers, for a library they
  belong to; nobody sees who set them (not even moderators): everyone else reads
  aggregates. A vendor's dashboard of them is for its representatives and moderators.

Also home of the Wagtail permission policies and of :class:`AdminAccessBackend`,
which grants ``wagtailadmin.access_admin`` to representatives and moderators.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from wagtail.permission_policies.base import BasePermissionPolicy

from cop.members.models import Membership, Organisation
from cop.members.permissions import (
    MODERATORS_GROUP,
    is_library_worker,
    is_moderator,
    is_verified_vendor_rep,
    represented_vendor_ids,
)
from vendors.models import Disclosure, Product, RoadmapItem

__all__ = [
    "AdminAccessBackend",
    "access_disclosure_for_edit",
    "access_disclosure_for_review",
    "access_priority_organisation",
    "access_product_for_edit",
    "access_roadmap_item_for_edit",
    "access_vendor_signals",
    "can_access_vendor_admin",
    "can_change_disclosure_settings",
    "can_edit_disclosure",
    "can_edit_product",
    "can_manage_products",
    "can_manage_roadmap",
    "can_read_evidence_document",
    "can_review_disclosure",
    "can_set_priorities",
    "can_view_vendor_signals",
    "editable_products_q",
    "is_moderator",
    "priority_organisations",
    "signal_vendors",
]


# ----------------------------------------------------------------- predicates


def editable_products_q(user: Any, prefix: str = "") -> Q:
    """Return a filter for the products ``user`` may edit (``prefix`` e.g. ``"product__"``)."""
    q = Q(**{f"{prefix}organisation_id__in": sorted(represented_vendor_ids(user))})
    if is_moderator(user):
        q |= Q(**{f"{prefix}organisation__kind": Organisation.Kind.COMMUNITY})
    return q


def can_edit_product(user: Any, product: Product) -> bool:
    """Return whether ``user`` may edit ``product``'s disclosure and roadmap.

    The owning vendor's verified representatives; moderators for community products.
    """
    if product.organisation.kind == Organisation.Kind.COMMUNITY:
        return is_moderator(user)
    return is_verified_vendor_rep(user, product.organisation_id)


def can_edit_disclosure(user: Any, disclosure: Disclosure) -> bool:
    """Return whether ``user`` may draft ``disclosure`` and submit it for review."""
    return can_edit_product(user, disclosure.product)


def can_read_evidence_document(user: Any, document: Any) -> bool:
    """Return whether ``user`` may download an uploaded evidence PDF.

    Everyone once a published version cites it (the changelog keeps old versions
    public); before that, moderators and the editors of a product whose latest draft
    cites it. Documents outside the evidence collection follow Wagtail's own rules.
    """
    from vendors.models import DisclosureVersion
    from vendors.services.evidence import cites_document, is_evidence_document

    if not is_evidence_document(document):
        return True
    published = DisclosureVersion.objects.values_list("answers", flat=True)
    if any(cites_document(answers, document.pk) for answers in published.iterator()):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if is_moderator(user):
        return True
    drafts = Disclosure.objects.filter(
        editable_products_q(user, "product__"), latest_revision__isnull=False
    ).select_related("latest_revision")
    return any(
        cites_document(d.latest_revision.content, document.pk)
        for d in drafts
        if d.latest_revision is not None
    )


def can_review_disclosure(user: Any, disclosure: Disclosure | None = None) -> bool:
    """Return whether ``user`` may approve, reject or publish disclosures (moderators)."""
    return is_moderator(user)


def can_manage_roadmap(user: Any, product: Product) -> bool:
    """Return whether ``user`` may create roadmap items and change their status."""
    return can_edit_product(user, product)


def can_manage_products(user: Any) -> bool:
    """Return whether ``user`` may create and edit products of any vendor (moderators)."""
    return is_moderator(user)


def can_access_vendor_admin(user: Any) -> bool:
    """Return whether ``user`` may use the Wagtail admin (representatives, moderators)."""
    return is_moderator(user) or is_verified_vendor_rep(user)


def can_change_disclosure_settings(user: Any) -> bool:
    """Return whether ``user`` may change the freshness window (moderators)."""
    return is_moderator(user)


def can_set_priorities(user: Any) -> bool:
    """Return whether ``user`` may set a library's priorities (verified library workers)."""
    return is_library_worker(user)


def priority_organisations(user: Any) -> list[Organisation]:
    """Return the libraries ``user`` may set priorities for (verified memberships)."""
    if not can_set_priorities(user):
        return []
    return list(
        Organisation.objects.filter(
            kind=Organisation.Kind.LIBRARY,
            memberships__user_id=user.pk,
            memberships__status=Membership.Status.VERIFIED,
        ).order_by("name")
    )


def can_view_vendor_signals(user: Any, vendor: Organisation) -> bool:
    """Return whether ``user`` may see ``vendor``'s dashboard of community signals.

    Its verified representatives and moderators; the figures are aggregates either way.
    """
    return is_moderator(user) or is_verified_vendor_rep(user, vendor.pk)


def signal_vendors(user: Any) -> list[Organisation]:
    """Return the vendors whose dashboard ``user`` may open from the vendor tools."""
    return list(
        Organisation.objects.filter(
            pk__in=sorted(represented_vendor_ids(user)),
            kind=Organisation.Kind.VENDOR,
        ).order_by("name")
    )


# ----------------------------------------------------------------- accessors


def access_priority_organisation(user: Any, organisation_id: Any) -> Organisation:
    """Return library ``organisation_id`` if ``user`` may set its priorities, else 404."""
    pk = _int_or_none(organisation_id)
    for organisation in priority_organisations(user):
        if organisation.pk == pk:
            return organisation
    raise Http404


def access_vendor_signals(user: Any, vendor_slug: str) -> Organisation:
    """Return vendor ``vendor_slug`` if ``user`` may see its dashboard, else ``Http404``."""
    vendor = Organisation.objects.filter(
        slug=vendor_slug, kind=Organisation.Kind.VENDOR
    ).first()
    if vendor is None or not can_view_vendor_signals(user, vendor):
        raise Http404
    return vendor


def access_product_for_edit(user: Any, product_id: int) -> Product:
    """Return product ``product_id`` if ``user`` may edit it, else raise ``Http404``."""
    product = (
        Product.objects.select_related("organisation").filter(pk=product_id).first()
    )
    if product is None or not can_edit_product(user, product):
        raise Http404
    return product


def access_disclosure_for_edit(user: Any, disclosure_id: Any) -> Disclosure:
    """Return disclosure ``disclosure_id`` if ``user`` may edit or review it, else 404."""
    disclosure: Disclosure | None = (
        Disclosure.objects.select_related("product__organisation")
        .filter(pk=_int_or_none(disclosure_id))
        .first()
    )
    if disclosure is None or not (
        can_edit_disclosure(user, disclosure) or can_review_disclosure(user, disclosure)
    ):
        raise Http404
    return disclosure


def access_disclosure_for_review(user: Any, disclosure_id: Any) -> Disclosure:
    """Return disclosure ``disclosure_id`` if ``user`` may review it, else ``Http404``."""
    pk = _int_or_none(disclosure_id)
    disclosure: Disclosure | None = (
        Disclosure.objects.select_related("product__organisation").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if disclosure is None or not can_review_disclosure(user, disclosure):
        raise Http404
    return disclosure


def access_roadmap_item_for_edit(user: Any, item_id: Any) -> RoadmapItem:
    """Return roadmap item ``item_id`` if ``user`` may manage it, else raise ``Http404``."""
    item_pk = _int_or_none(item_id)
    item = (
        RoadmapItem.objects.select_related("product__organisation")
        .filter(pk=item_pk)
        .first()
        if item_pk is not None
        else None
    )
    if item is None or not can_manage_roadmap(user, item.product):
        raise Http404
    return item


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ----------------------------------------------------------------- Wagtail policies


def _elevated_users() -> QuerySet[Any]:
    # Coarse by design (Wagtail uses it for notifications): people who may hold a role.
    return (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True)
            | Q(groups__name=MODERATORS_GROUP)
            | Q(memberships__role="representative", memberships__status="verified"),
            is_active=True,
        )
        .distinct()
    )


class _ProductScopedPolicy(BasePermissionPolicy):
    """Reps act on their vendors' objects, moderators on all; ``product_path`` leads to the product."""

    product_path = "product"
    moderators_see_all = True

    def _product(self, instance: Any) -> Product:
        product: Product = getattr(instance, self.product_path)
        return product

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action in ("add", "change", "view", "lock", "unlock"):
            return can_access_vendor_admin(user)
        if action == "publish":
            return can_review_disclosure(user)
        return False  # delete: never from the admin (history must stay)

    def user_has_permission_for_instance(
        self, user: Any, action: str, instance: Any
    ) -> bool:
        if action == "publish":
            return can_review_disclosure(user, instance)
        if action not in ("change", "view", "lock", "unlock"):
            return False
        product = self._product(instance)
        return can_edit_product(user, product) or (
            action == "view" and self.moderators_see_all and can_review_disclosure(user)
        )

    def instances_user_has_any_permission_for(
        self, user: Any, actions: Any
    ) -> QuerySet[Any]:
        qs: QuerySet[Any] = self.model._default_manager.all()
        if (
            self.moderators_see_all
            and is_moderator(user)
            and ("view" in actions or "publish" in actions)
        ):
            return qs
        return qs.filter(editable_products_q(user, prefix=f"{self.product_path}__"))

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        return _elevated_users()

    def users_with_any_permission_for_instance(
        self, actions: Any, instance: Any
    ) -> QuerySet[Any]:
        return _elevated_users()


class DisclosurePolicy(_ProductScopedPolicy):
    """Permission policy of the Disclosure snippet."""


class RoadmapItemPolicy(_ProductScopedPolicy):
    """Permission policy of the RoadmapItem snippet (editors of the product only)."""

    moderators_see_all = False

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action == "publish":
            return False
        return super().user_has_permission(user, action)


class DisclosureSettingsPolicy(BasePermissionPolicy):
    """Only moderators change the freshness window."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action in ("change", "view") and can_change_disclosure_settings(user)

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        return _elevated_users()


class ProductPolicy(BasePermissionPolicy):
    """Moderators add, change and view products; nobody deletes them from the admin."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action in ("add", "change", "view") and can_manage_products(user)

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        return _elevated_users()


class AdminAccessBackend:
    """Authentication backend that only grants ``wagtailadmin.access_admin`` by role.

    Listed in ``AUTHENTICATION_BACKENDS``; it authenticates nobody. Representatives and
    moderators (with MFA) reach the admin without anyone editing groups by hand.
    """

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: Any) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm == "wagtailadmin.access_admin" and can_access_vendor_admin(user_obj)
