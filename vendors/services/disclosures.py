"""Writes of disclosures: drafting, review, publishing and the version snapshots.

The admin reaches the same Wagtail machinery (revisions, the "Disclosure review"
workflow); these services are the programmatic path (seeding, tests, future API).
Audit entries (publish, reject) are written by :func:`disclosure_version_record` and
:func:`disclosure_rejection_record`, which the signal handlers call whatever the path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.edit import EditAction
from wagtail.log_actions import LogContext, get_active_log_context
from wagtail.models import Revision, TaskState, WorkflowState

from cop.core.services import audit_record
from cop.members.permissions import require
from vendors import permissions
from vendors.models import (
    Answer,
    AnswerStatus,
    Disclosure,
    DisclosureVersion,
    DocumentType,
    EvidenceItem,
    Product,
    RoadmapItem,
)
from vendors.services.evidence import evidence_document_create
from vendors.services.snapshots import applicable_criteria, disclosure_snapshot
from vendors.validation import (
    CriterionSpec,
    answer_errors,
    evidence_errors,
    evidence_pdf_error,
)

_ANSWER_KEYS = (
    "status",
    "status_reason",
    "value",
    "fields",
    "configurability",
    "default_option",
    "basis",
    "as_of",
    "product_version",
    "note",
)
_JSON_OR_DATE = ("value", "fields", "as_of")
# The publication time of a publish that records history (see disclosure_publish).
_published_at: ContextVar[dt.datetime | None] = ContextVar(
    "vendors_published_at", default=None
)
_EVIDENCE_KEYS = (
    "url",
    "document_id",
    "document_type",
    "section",
    "excerpt",
    "retrieved_on",
)


@transaction.atomic
def disclosure_create(*, product: Product, actor: Any) -> Disclosure:
    """Return ``product``'s disclosure, creating an empty draft (and revision) if missing.

    Only those who may edit the product. Idempotent.
    """
    require(permissions.can_edit_product(actor, product))
    disclosure: Disclosure | None = Disclosure.objects.filter(product=product).first()
    if disclosure is None:
        disclosure = Disclosure(product=product, live=False)
        disclosure.save()
        disclosure.save_revision(user=actor, clean=False, log_action=True)
    return disclosure


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return dt.date.max  # reported as "in the future" by the validation


def disclosure_answers_check(
    *, product: Product, answers: Sequence[Mapping[str, Any]]
) -> None:
    """Raise the ``ValidationError`` that saving ``answers`` would raise; save nothing.

    Lets a form report every problem at once, also of the answers next to ones whose
    fields could not be read.
    """
    _build_answers(product=product, answers=answers)


def _build_answers(
    *,
    product: Product,
    answers: Sequence[Mapping[str, Any]],
    uploads: list[tuple[EvidenceItem, Any]] | None = None,
) -> list[Answer]:
    """Validate answer dicts and return unsaved Answer objects (with evidence in memory).

    An evidence dict may carry an ``upload`` (a PDF file): it is checked here, and the
    item is appended with its file to ``uploads`` for the caller to store.
    """
    criteria = {c.code: c for c in applicable_criteria(product=product)}
    roadmap_ids = set(
        RoadmapItem.objects.filter(product=product).values_list("pk", flat=True)
    )
    errors: dict[str, list[str]] = {}
    built: list[Answer] = []
    seen: set[str] = set()
    for pos, data in enumerate(answers):
        code = str(data.get("criterion", ""))
        where = code or f"#{pos + 1}"
        criterion = criteria.get(code)
        if criterion is None or code in seen:
            reason = (
                _("%(code)s is answered twice.")
                if code in seen
                else _("%(code)s does not apply to this type of product.")
            )
            errors[f"{where}.criterion"] = [reason % {"code": code}]
            continue
        seen.add(code)
        fields = {k: data.get(k) for k in _ANSWER_KEYS}
        fields["as_of"] = _date(fields["as_of"])
        fields["status"] = fields["status"] or AnswerStatus.ANSWERED
        for name, msgs in answer_errors(
            spec=CriterionSpec.from_criterion(criterion),
            product_modules=product.criterion_modules(),
            data=fields,
        ).items():
            errors[f"{code}.{name}"] = msgs
        roadmap_item_id = data.get("roadmap_item_id")
        if roadmap_item_id is not None and roadmap_item_id not in roadmap_ids:
            errors[f"{code}.roadmap_item"] = [_("Not a roadmap item of this product.")]
        evidence = []
        for n, item in enumerate(data.get("evidence") or []):
            ev = {k: item.get(k) for k in _EVIDENCE_KEYS}
            ev["retrieved_on"] = _date(ev["retrieved_on"])
            ev["url"] = (ev["url"] or "").strip()
            upload = item.get("upload")
            for name, msgs in evidence_errors(data={**ev, "upload": upload}).items():
                errors[f"{code}.evidence[{n}].{name}"] = msgs
            if upload is not None and (msg := evidence_pdf_error(upload)):
                errors.setdefault(f"{code}.evidence[{n}].upload", []).append(msg)
            evidence.append(
                EvidenceItem(
                    url=ev["url"],
                    document_id=ev["document_id"],
                    document_type=ev["document_type"] or DocumentType.OTHER,
                    section=ev["section"] or "",
                    excerpt=ev["excerpt"] or "",
                    retrieved_on=ev["retrieved_on"],
                    sort_order=n,
                )
            )
            if upload is not None and uploads is not None:
                uploads.append((evidence[-1], upload))
        texts = {k: fields[k] or "" for k in _ANSWER_KEYS if k not in _JSON_OR_DATE}
        answer = Answer(
            criterion=criterion,
            roadmap_item_id=roadmap_item_id,
            sort_order=pos,
            value=fields["value"],
            fields=fields["fields"] or {},
            as_of=fields["as_of"],
            **texts,
        )
        answer.evidence = evidence
        built.append(answer)
    if errors:
        raise ValidationError(errors)
    return built


@transaction.atomic
def disclosure_save_draft(
    *, disclosure: Disclosure, actor: Any, answers: Sequence[Mapping[str, Any]]
) -> Revision:
    """Replace the draft's answers with ``answers`` and save a new revision.

    ``answers`` are dicts with a ``criterion`` code and the Answer fields (``evidence``
    a list of dicts, each may carry an ``upload``: a PDF stored as a document once all is
    valid); criteria left out count as not disclosed. Only the product's
    editors, and not while the disclosure is in review. Validates everything first:
    on any error raises ``ValidationError`` keyed ``"<code>.<field>"`` and saves
    nothing. A live disclosure stays as published until a moderator approves.
    """
    require(permissions.can_edit_disclosure(actor, disclosure))
    # A caller's copy may predate a publish: the draft object copies its "live" flag,
    # and saving a stale one would unpublish the disclosure. Locked: saves queue.
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if disclosure.workflow_in_progress:
        raise ValidationError(_("The disclosure is in review; withdraw it to edit."))
    uploads: list[tuple[EvidenceItem, Any]] = []
    built = _build_answers(product=disclosure.product, answers=answers, uploads=uploads)
    for item, upload in uploads:
        item.document = evidence_document_create(
            product=disclosure.product, actor=actor, upload=upload
        )
    draft = (
        disclosure.get_latest_revision_as_object()
        if disclosure.latest_revision_id
        else disclosure
    )
    draft.answers = built
    action = EditAction(draft, user=actor)
    action.execute(skip_permission_checks=True)
    assert action.revision is not None  # noqa: S101 - Disclosure is revisable
    return action.revision


@transaction.atomic
def disclosure_submit(*, disclosure: Disclosure, actor: Any) -> None:
    """Submit the latest draft to the "Disclosure review" workflow (product editors)."""
    require(permissions.can_edit_disclosure(actor, disclosure))
    workflow = disclosure.get_workflow()
    if workflow is None or not workflow.active:
        raise ValidationError(_("No review workflow is set up for disclosures."))
    if disclosure.workflow_in_progress:
        raise ValidationError(_("The disclosure is already in review."))
    if disclosure.latest_revision_id is None:
        raise ValidationError(_("Save a draft before submitting it."))
    state = disclosure.current_workflow_state
    with LogContext(user=actor):
        if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            # Changes were requested: the same review resumes on the new draft.
            state.resume(user=actor)
        else:
            workflow.start(disclosure, actor)


@transaction.atomic
def disclosure_review(
    *, disclosure: Disclosure, actor: Any, approve: bool, comment: str = ""
) -> None:
    """Approve (and so publish) or reject the disclosure in review, with a comment.

    Moderators only. Approval publishes the submitted revision, which writes a
    DisclosureVersion and an audit entry; rejection writes an audit entry and leaves
    the public version unchanged.
    """
    require(permissions.can_review_disclosure(actor, disclosure))
    task_state = disclosure.current_workflow_task_state
    if task_state is None:
        raise ValidationError(_("The disclosure is not in review."))
    task = task_state.task.specific
    action = "approve" if approve else "reject"
    if action not in {
        name for name, _label, _data in task.get_actions(disclosure, actor)
    }:
        raise PermissionDenied
    with LogContext(user=actor):
        task.on_action(task_state.specific, actor, action, comment=comment[:2000])


@transaction.atomic
def disclosure_publish(
    *, disclosure: Disclosure, actor: Any, published_at: dt.datetime | None = None
) -> DisclosureVersion:
    """Publish the latest revision directly (moderators; used by seeding). Returns the version.

    ``published_at`` records a publish that happened earlier (seeded or imported
    history): the version carries that time. It may not lie in the future nor before
    the product's latest version.
    """
    require(permissions.can_review_disclosure(actor, disclosure))
    revision = disclosure.latest_revision
    if revision is None:
        raise ValidationError(_("There is nothing to publish."))
    if published_at is not None:
        latest = disclosure.versions.aggregate(at=Max("published_at"))["at"]
        if published_at > timezone.now() or (latest and published_at < latest):
            raise ValidationError(
                _("A recorded publication date must lie between the last one and now.")
            )
    token = _published_at.set(published_at)
    try:
        with LogContext(user=actor):
            revision.publish(user=actor)
    finally:
        _published_at.reset(token)
    return DisclosureVersion.objects.get(revision=revision)


def _publisher(revision: Revision | None) -> Any:
    """Return who published ``revision``: the active log context, else the approver."""
    user = get_active_log_context().user
    if user is not None or revision is None:
        return user
    state = (
        TaskState.objects.filter(revision=revision, status=TaskState.STATUS_APPROVED)
        .select_related("finished_by")
        .order_by("-finished_at")
        .first()
    )
    return state.finished_by if state is not None else None


@transaction.atomic
def disclosure_version_record(
    *, disclosure: Disclosure, revision: Revision | None, actor: Any = None
) -> DisclosureVersion:
    """Write the immutable snapshot of a just-published disclosure, and audit the publish.

    Called by the ``published`` signal handler (never by views). Idempotent per
    revision: a second call for the same revision returns the existing version.
    ``actor`` defaults to the user in Wagtail's log context or the approving moderator.
    """
    if revision is not None:
        existing = DisclosureVersion.objects.filter(revision=revision).first()
        if existing is not None:
            return existing
    actor = actor or _publisher(revision)
    snapshot = disclosure_snapshot(disclosure=disclosure)
    # Lock the disclosure row so that two publishes cannot take the same number.
    Disclosure.objects.select_for_update().filter(pk=disclosure.pk).first()
    last = disclosure.versions.aggregate(n=Max("number"))["n"] or 0
    version = DisclosureVersion.objects.create(
        disclosure=disclosure,
        product_id=disclosure.product_id,
        number=last + 1,
        revision=revision,
        published_at=_published_at.get()
        or disclosure.last_published_at
        or timezone.now(),
        published_by=actor if getattr(actor, "pk", None) else None,
        answers=snapshot.answers,
        scales=snapshot.scales,
        coverage=snapshot.coverage,
    )
    audit_record(
        actor=actor,
        action="vendors.disclosure.publish",
        target=disclosure,
        extra={
            "product_id": disclosure.product_id,
            "version": version.number,
            "revision_id": revision.pk if revision else None,
        },
    )
    return version


@transaction.atomic
def disclosure_rejection_record(*, task_state: TaskState, actor: Any) -> None:
    """Audit a moderator's rejection of a submitted disclosure (signal handler calls it)."""
    disclosure = task_state.workflow_state.content_object
    if not isinstance(disclosure, Disclosure):
        return
    audit_record(
        actor=actor,
        action="vendors.disclosure.reject",
        target=disclosure,
        reason=(task_state.comment or "")[:2000],
        extra={
            "product_id": disclosure.product_id,
            "task_state_id": task_state.pk,
            "revision_id": task_state.revision_id,
        },
    )
