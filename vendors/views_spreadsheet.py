"""Vendor tools: a disclosure as a spreadsheet (download, blank templates, import).

Access as in the editor (404 for missing and forbidden alike); the file is read and
saved by :func:`vendors.services.disclosure_import`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cop.core.uploads import limit_uploads, refused_uploads
from vendors import permissions, services
from vendors.models import Product
from vendors.spreadsheets.export import (
    FORMATS,
    Download,
    disclosure_export,
    template_export,
)
from vendors.spreadsheets.files import MAX_UPLOAD_BYTES, SpreadsheetError, too_large


class ImportForm(forms.Form):
    """The filled spreadsheet to import."""

    file = forms.FileField(
        label=gettext_lazy("Filled spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(
        self, *args: Any, refused: Mapping[str, str] | None = None, **kwargs: Any
    ) -> None:
        """``refused``: the uploads refused for their size as they arrived."""
        super().__init__(*args, **kwargs)
        self.refused_name = (refused or {}).get(self.add_prefix("file"))
        if self.refused_name:
            self.fields["file"].required = False  # it was sent: say why it is missing

    def clean_file(self) -> Any:
        if self.refused_name:
            raise forms.ValidationError(too_large().message)
        return self.cleaned_data.get("file")


def _send(download: Download) -> HttpResponse:
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def disclosure_download(
    request: HttpRequest, product_id: int, fmt: str
) -> HttpResponse:
    """Send the product's draft disclosure as XLSX or CSV."""
    product = permissions.access_product_for_edit(request.user, product_id)
    if fmt not in FORMATS:
        raise Http404
    return _send(disclosure_export(product=product, fmt=fmt))


@login_required
@require_GET
def template_download(
    request: HttpRequest, product_type: str, fmt: str
) -> HttpResponse:
    """Send a blank spreadsheet for a product type (representatives and moderators)."""
    if not permissions.can_access_vendor_admin(request.user):
        raise Http404
    if fmt not in FORMATS or product_type not in Product.ProductType.values:
        raise Http404
    return _send(template_export(product_type=product_type, fmt=fmt))


@limit_uploads(lambda: MAX_UPLOAD_BYTES)
@login_required
@require_POST
def disclosure_upload(request: HttpRequest, product_id: int) -> HttpResponse:
    """Import a filled spreadsheet into the draft; list the problems if any."""
    product = permissions.access_product_for_edit(request.user, product_id)
    form = ImportForm(request.POST, request.FILES, refused=refused_uploads(request))
    error: SpreadsheetError | None = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_UPLOAD_BYTES:  # refused before it is read
                raise too_large()
            result = services.disclosure_import(
                product=product,
                actor=request.user,
                name=upload.name,
                data=upload.read(),
            )
        except SpreadsheetError as refused:
            error = refused
        else:
            messages.success(
                request,
                _(
                    "Imported into the draft: %(answered)s answers, %(cleared)s cleared; "
                    "%(untouched)s criteria not in the file were left as they were."
                )
                % vars(result),
            )
            return redirect("vendors:disclosure_edit", product_id=product.pk)
    return render(
        request,
        "vendors/disclosure_import.html",
        {"product": product, "form": form, "error": error},
        status=400,
    )
