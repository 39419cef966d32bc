"""Uploaded evidence: a representative's PDF stored as a Wagtail document.

Called by :func:`vendors.services.disclosure_save_draft` once the whole draft is
valid, inside its transaction, so a draft that is refused leaves no document row.
"""

from __future__ import annotations

from typing import Any, Final

from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.models import Collection

from vendors.models import Product

#: The collection evidence documents are filed in (created on first upload).
EVIDENCE_COLLECTION: Final = "Vendor evidence"


def _collection() -> Collection:
    root = Collection.get_first_root_node()
    found = root.get_children().filter(name=EVIDENCE_COLLECTION).first()
    if found is not None:
        return found
    return root.add_child(name=EVIDENCE_COLLECTION)


@transaction.atomic
def evidence_document_create(*, product: Product, actor: Any, upload: Any) -> Any:
    """Store ``upload`` (a checked PDF) as a document titled after the product.

    The caller has checked the actor may edit ``product`` and the file with
    :func:`vendors.validation.evidence_pdf_error`. Returns the Document.
    """
    name = str(getattr(upload, "name", "evidence.pdf")).rsplit("/", 1)[-1]
    document = get_document_model()(
        title=f"{product.name}: {name}"[:255],
        file=upload,
        collection=_collection(),
        uploaded_by_user=actor if getattr(actor, "pk", None) else None,
    )
    document._set_document_file_metadata()
    document.save()
    return document
