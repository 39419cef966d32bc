"""Reactions to Wagtail's publishing and workflow signals, and cache invalidation.

The publishing handlers each call one service. The cache handlers replace the
versions of the cached product and comparison pages (``vendors.cache``) after the
change commits; they listen to model saves rather than to services so that every
path (services, the admin, imports, the reference-data load) is covered.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.signals import published, task_rejected

from vendors.models import Disclosure


def record_published_disclosure_version(
    sender: Any, instance: Any, revision: Any = None, **kwargs: Any
) -> None:
    """Write the immutable DisclosureVersion (and audit entry) of a publish."""
    from vendors.services import disclosure_version_record

    disclosure_version_record(disclosure=instance, revision=revision)


def audit_rejected_disclosure(
    sender: Any, instance: Any, user: Any = None, **kwargs: Any
) -> None:
    """Audit a moderator's rejection of a disclosure in review."""
    from vendors.services import disclosure_rejection_record

    disclosure_rejection_record(task_state=instance, actor=user)


def product_pages_invalidate(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A disclosure, version or roadmap item changed: its product's pages are stale."""
    from vendors.cache import product_changed

    if kwargs.get("raw"):
        return
    product_changed(getattr(instance, "product_id", None))


def roadmap_history_invalidate(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A roadmap status change was recorded: its product's pages are stale."""
    from vendors.cache import product_changed
    from vendors.models import RoadmapItem

    if kwargs.get("raw"):
        return
    item = RoadmapItem.objects.filter(pk=instance.item_id).only("product_id").first()
    product_changed(item.product_id if item else None)


def roadmap_criteria_invalidate(
    sender: Any, instance: Any, action: str = "", **kwargs: Any
) -> None:
    """A roadmap item's criteria changed: its product's pages are stale."""
    from vendors.cache import product_changed

    if action.startswith("post_"):
        product_changed(getattr(instance, "product_id", None))


def catalogue_invalidate(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A product or vendor row changed: product lists and its pages are stale."""
    from vendors.cache import catalogue_changed
    from vendors.models import Product

    if kwargs.get("raw"):
        return
    if isinstance(instance, Product):
        catalogue_changed(instance.pk)
    else:
        ids = Product.objects.filter(organisation_id=instance.pk).values_list(
            "pk", flat=True
        )
        catalogue_changed(*ids)


def community_invalidate(sender: Any, **kwargs: Any) -> None:
    """A membership changed: the community counts may have (after commit)."""
    from vendors.cache import community_changed

    if not kwargs.get("raw"):
        community_changed()


def reference_invalidate(sender: Any, **kwargs: Any) -> None:
    """Criteria or disclosure settings changed: every cached vendors page is stale."""
    from vendors.cache import reference_changed

    if not kwargs.get("raw"):
        reference_changed()


def _connect_cache_handlers() -> None:
    from cop.members.models import Membership, Organisation
    from cop.privacy.models import Criterion, CriterionOption, Domain, Module
    from cop.privacy.signals import reference_data_changed
    from vendors.models import (
        DisclosureSettings,
        DisclosureVersion,
        Product,
        RoadmapItem,
        RoadmapStatusChange,
    )

    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        product_models: tuple[type[Any], ...] = (
            Disclosure,
            DisclosureVersion,
            RoadmapItem,
        )
        for model in product_models:
            signal.connect(
                product_pages_invalidate,
                sender=model,
                dispatch_uid=f"vendors_cache_{model.__name__}_{name}",
            )
        signal.connect(
            roadmap_history_invalidate,
            sender=RoadmapStatusChange,
            dispatch_uid=f"vendors_cache_roadmap_history_{name}",
        )
        catalogue_models: tuple[type[Any], ...] = (Product, Organisation)
        for model in catalogue_models:
            signal.connect(
                catalogue_invalidate,
                sender=model,
                dispatch_uid=f"vendors_cache_{model.__name__}_{name}",
            )
        signal.connect(
            community_invalidate,
            sender=Membership,
            dispatch_uid=f"vendors_cache_membership_{name}",
        )
        reference_models: tuple[type[Any], ...] = (
            Criterion,
            CriterionOption,
            Domain,
            Module,
            DisclosureSettings,
        )
        for model in reference_models:
            signal.connect(
                reference_invalidate,
                sender=model,
                dispatch_uid=f"vendors_cache_{model.__name__}_{name}",
            )
    m2m_changed.connect(
        roadmap_criteria_invalidate,
        sender=RoadmapItem.criteria.through,
        dispatch_uid="vendors_cache_roadmap_criteria",
    )
    reference_data_changed.connect(
        reference_invalidate, dispatch_uid="vendors_cache_reference_data"
    )


def connect() -> None:
    """Connect the handlers (from ``VendorsConfig.ready``)."""
    _connect_cache_handlers()
    published.connect(
        record_published_disclosure_version,
        sender=Disclosure,
        dispatch_uid="vendors_record_published_disclosure_version",
    )
    # TaskState subclasses send with their own class as sender: listen to all.
    task_rejected.connect(
        audit_rejected_disclosure, dispatch_uid="vendors_audit_rejected_disclosure"
    )
