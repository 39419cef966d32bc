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
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
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


def is_evidence_document(document: Any) -> bool:
    """Return whether ``document`` was uploaded as a representative's evidence."""
    collection = getattr(document, "collection", None)
    return collection is not None and collection.name == EVIDENCE_COLLECTION


def cites_document(data: Any, document_id: int) -> bool:
    """Return whether snapshot or revision JSON ``data`` cites ``document_id``.

    Published versions name it ``document_id`` (:func:`snapshots.evidence_record`);
    a draft revision keeps the evidence rows' ``document`` foreign key.
    """
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("document", "document_id") and value == document_id:
                return True
            if isinstance(value, (dict, list)) and cites_document(value, document_id):
                return True
    elif isinstance(data, list):
        return any(cites_document(item, document_id) for item in data)
    return False
