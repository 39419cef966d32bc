"""Vendor tools: the disclosure editor, submitting it, and the moderator's review screen.

Thin views: access through :mod:`vendors.permissions` (404 for missing and forbidden
alike), read through :mod:`vendors.selectors_editor`, change through
:mod:`vendors.services`. Plain HTML forms; nothing needs JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cop.core.uploads import limit_uploads, refused_uploads
from cop.guides.documents import max_document_bytes
from vendors import cache, permissions, selectors, services
from vendors import selectors_editor as editor
from vendors import selectors_public as public
from vendors.editor_rendering import DraftLoader, answer_groups
from vendors.forms_editor import AnswerForm, apply_service_errors
from vendors.forms_review import ReviewForm
from vendors.models import Disclosure, Product
from vendors.views_spreadsheet import ImportForm


def _editor_url(product: Product) -> str:
    return reverse("vendors:disclosure_edit", kwargs={"product_id": product.pk})


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """List the products the user edits and, for moderators, the disclosures to review."""
    if not permissions.can_access_vendor_admin(request.user):
        raise Http404
    return render(
        request,
        "vendors/workspace.html",
        {
            "products": selectors.products_for_editor(viewer=request.user),
            "awaiting": editor.disclosures_awaiting_review(viewer=request.user),
            "signal_vendors": permissions.signal_vendors(request.user),
            "product_types": Product.ProductType.choices,
        },
    )


def _bound_forms(
    request: HttpRequest, criteria: list[Any], draft: Disclosure | None
) -> list[AnswerForm]:
    answers = {a.criterion_id: a for a in draft.answers.all()} if draft else {}
    refused = refused_uploads(request)
    return [
        AnswerForm(
            request.POST,
            request.FILES,
            criterion=c,
            answer=answers.get(c.pk),
            refused=refused,
        )
        for c in criteria
    ]


@limit_uploads(max_document_bytes)
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def disclosure_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    """Edit the draft disclosure of a product: one form, every applicable criterion."""
    product = permissions.access_product_for_edit(request.user, product_id)
    disclosure = editor.disclosure_for_product(product=product)
    draft = DraftLoader(disclosure)
    criteria = editor.editor_criteria(product=product)
    forms: list[AnswerForm] = []
    problems: list[str] = []
    in_review = disclosure is not None and disclosure.workflow_in_progress
    if request.method == "POST" and not in_review:
        forms = _bound_forms(request, criteria, draft())
        valid = [form.is_valid() for form in forms]
        records = [r for f in forms if f.is_valid() and (r := f.to_record())]
        try:
            if not all(valid):  # report the other answers' problems too
                services.disclosure_answers_check(product=product, answers=records)
            else:
                disclosure = disclosure or services.disclosure_create(
                    product=product, actor=request.user
                )
                services.disclosure_save_draft(
                    disclosure=disclosure, actor=request.user, answers=records
                )
        except ValidationError as error:
            problems = _service_problems(forms, error)
        else:
            if all(valid) and "submit" in request.POST:
                return redirect("vendors:disclosure_submit", product_id=product.pk)
            if all(valid):
                messages.success(request, _("Draft saved."))
                return redirect(_editor_url(product))
        if request.FILES or refused_uploads(request):
            problems.append(
                _("Files are not kept when nothing is saved: choose them again.")
            )
        invalid = sum(1 for f in forms if f.errors)
        problems.insert(
            0,
            _("Nothing was saved: %(n)s answers need attention (marked below).")
            % {"n": invalid}
            if invalid
            else _("Nothing was saved."),
        )
    return render(
        request,
        "vendors/disclosure_edit.html",
        {
            "product": product,
            "disclosure": disclosure,
            "in_review": in_review,
            "rejection": editor.disclosure_last_rejection(disclosure=disclosure)
            if disclosure
            else None,
            "groups": answer_groups(
                criteria, forms or None, disclosure=disclosure, draft=draft
            ),
            "review": _review(product, disclosure, draft),
            "problems": problems,
            "import_form": ImportForm(),
        },
    )


def _review(
    product: Product, disclosure: Disclosure | None, draft: DraftLoader
) -> editor.DraftReview:
    """Return the draft's progress and changes, cached per draft revision."""
    revision_id = disclosure.latest_revision_id if disclosure is not None else None
    if revision_id is None:
        return editor.draft_review(product=product, draft=draft())
    return cache.published_value(
        scopes=[cache.product_scope(product.pk)],  # bumped when a version is published
        parts=["editor-review", str(revision_id)],
        build=lambda: editor.draft_review(product=product, draft=draft()),
    )


def _service_problems(forms: list[AnswerForm], error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return apply_service_errors(
        {f.criterion.code: f for f in forms}, error.message_dict
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def disclosure_preview(request: HttpRequest, product_id: int) -> HttpResponse:
    """Show the draft as the public product page would show it once approved."""
    product = permissions.access_product_for_edit(request.user, product_id)
    disclosure = editor.disclosure_for_product(product=product)
    draft = DraftLoader(disclosure)
    preview = editor.draft_preview_version(product=product, draft=draft())
    response = render(
        request,
        "vendors/disclosure_preview.html",
        {
            "product": product,
            "page": public.product_page(product=product, preview=preview),
            "review": _review(product, disclosure, draft),
            "criteria_url": reverse("privacy:criterion_list"),
            "preview": True,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def disclosure_submit(request: HttpRequest, product_id: int) -> HttpResponse:
    """Show what the draft changes against the published version; submit it for review."""
    product = permissions.access_product_for_edit(request.user, product_id)
    disclosure = editor.disclosure_for_product(product=product)
    if disclosure is None:
        messages.info(request, _("Answer at least one criterion first."))
        return redirect(_editor_url(product))
    if request.method == "POST":
        try:
            services.disclosure_submit(disclosure=disclosure, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_editor_url(product))
        messages.success(
            request, _("Submitted for review. A moderator will look at it soon.")
        )
        return redirect("vendors:workspace")
    draft = editor.disclosure_draft(disclosure=disclosure)
    return render(
        request,
        "vendors/disclosure_submit.html",
        {
            "product": product,
            "in_review": disclosure.workflow_in_progress,
            "review": editor.draft_review(product=product, draft=draft),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def disclosure_review(request: HttpRequest, disclosure_id: int) -> HttpResponse:
    """The moderator's screen: the submitted changes in words, approve or reject."""
    disclosure = permissions.access_disclosure_for_review(request.user, disclosure_id)
    form = ReviewForm(request.POST or None)
    in_review = disclosure.workflow_in_progress
    if request.method == "POST" and in_review and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.disclosure_review(
                disclosure=disclosure,
                actor=request.user,
                approve=approve,
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, PermissionDenied):
            messages.error(request, _("This disclosure can no longer be reviewed."))
        else:
            messages.success(
                request,
                _("Approved and published.") if approve else _("Changes requested."),
            )
            return redirect("vendors:workspace")
    draft = (
        editor.disclosure_submitted_draft(disclosure=disclosure) if in_review else None
    )
    return render(
        request,
        "vendors/disclosure_review.html",
        {
            "disclosure": disclosure,
            "product": disclosure.product,
            "in_review": in_review,
            "form": form,
            "review": editor.draft_review(product=disclosure.product, draft=draft)
            if draft
            else None,
        },
        status=200 if in_review or request.method != "POST" else 409,
    )
