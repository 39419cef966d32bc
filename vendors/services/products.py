"""Writes of products: moderators onboard a vendor's products from the admin."""

from __future__ import annotations

from typing import Any, Final

from django.db import transaction

from cop.core.services import audit_record
from cop.members.permissions import require
from vendors import permissions
from vendors.models import Product

#: The fields a moderator sets on a product (the admin form shows these).
PRODUCT_FIELDS: Final = (
    "organisation",
    "name",
    "slug",
    "product_type",
    "website",
    "description",
)


@transaction.atomic
def product_create(*, actor: Any, **fields: Any) -> Product:
    """Create a product of a vendor (or of the community) and audit it. Moderators only.

    ``fields`` are :data:`PRODUCT_FIELDS`; the caller has validated them (the admin
    form checks the slug is free for the organisation).
    """
    require(permissions.can_manage_products(actor))
    product = Product(**{k: v for k, v in fields.items() if k in PRODUCT_FIELDS})
    product.full_clean()
    product.save()
    audit_record(
        actor=actor,
        action="vendors.product.create",
        target=product,
        extra={"organisation_id": product.organisation_id},
    )
    return product


@transaction.atomic
def product_update(*, product: Product, actor: Any, **fields: Any) -> Product:
    """Change a product's name, slug, type, website or description, and audit it."""
    require(permissions.can_manage_products(actor))
    changed = [
        k for k in PRODUCT_FIELDS if k in fields and getattr(product, k) != fields[k]
    ]
    for name in changed:
        setattr(product, name, fields[name])
    if changed:
        product.full_clean()
        product.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="vendors.product.update",
            target=product,
            extra={"fields": changed},
        )
    return product
