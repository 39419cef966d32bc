"""Review reminders: tell the moderators which guides have gone unreviewed too long."""

from __future__ import annotations

import logging
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cop.guides import selectors
from cop.guides.hooks import ReviewDue, review_due_notifiers

logger = logging.getLogger(__name__)


def review_months() -> int:
    """Return ``COP_GUIDES_REVIEW_MONTHS``: how long a review holds (default 12)."""
    return int(getattr(settings, "COP_GUIDES_REVIEW_MONTHS", 12))


def guide_review_reminders_record() -> int:
    """Record a reminder for every guide that became due in a period not yet reported.

    Idempotent: one row per guide and period (a unique constraint), so running
    twice, or a redelivered task, adds nothing. Returns how many were added.
    """
    from cop.guides.models import GuideReviewReminder

    months = review_months()
    today = timezone.localdate()
    rows = [
        GuideReviewReminder(
            guide=guide,
            due_on=selectors.guide_review_due_on(
                guide=guide, months=months, today=today
            ),
        )
        for guide in selectors.guides_due_for_review(months=months)
    ]
    before = GuideReviewReminder.objects.count()
    GuideReviewReminder.objects.bulk_create(rows, ignore_conflicts=True)
    return GuideReviewReminder.objects.count() - before


def guide_review_reminders_send() -> int:
    """E-mail the moderators the guides recorded as due and not reported yet.

    One e-mail per moderator listing every such guide (live guides only; a guide
    reviewed or unpublished since is dropped). The rows are marked sent only after
    the mail went out, under a row lock, so two workers never send the same rows and
    an SMTP failure leaves them for the next run. Returns the number of guides sent.
    """
    from cop.guides.models import GuideReviewReminder

    months = review_months()
    due_ids = {g.pk for g in selectors.guides_due_for_review(months=months)}
    with transaction.atomic():
        pending = list(
            GuideReviewReminder.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True)
            .select_related("guide")
            .order_by("due_on", "guide__title")
        )
        stale = [r.pk for r in pending if r.guide_id not in due_ids]
        if stale:
            GuideReviewReminder.objects.filter(pk__in=stale).delete()
        pending = [r for r in pending if r.guide_id in due_ids]
        if not pending:
            return 0
        recipients = selectors.moderator_recipients()
        if recipients and not _send(pending, recipients, months):
            return 0
        GuideReviewReminder.objects.filter(pk__in=[r.pk for r in pending]).update(
            sent_at=timezone.now()
        )
    return len(pending)


def _send(
    pending: list[Any], recipients: list[tuple[int, str, str]], months: int
) -> bool:
    guides = [
        {
            "title": r.guide.title,
            "last_reviewed_on": r.guide.last_reviewed_on,
            "edit_url": settings.SITE_URL
            + reverse("wagtailadmin_pages:edit", args=[r.guide.pk]),
        }
        for r in pending
    ]
    context = {
        "guides": guides,
        "months": months,
        "dashboard_url": settings.SITE_URL + reverse("wagtailadmin_home"),
    }
    subject = " ".join(
        render_to_string("emails/guides_review_due_subject.txt", context).split()
    )
    messages = []
    for _pk, email, name in recipients:
        body = render_to_string(
            "emails/guides_review_due.txt", {**context, "name": name}
        )
        messages.append((subject, body, None, [email]))
    try:
        send_mass_mail(messages, fail_silently=False)
    except (SMTPException, OSError):
        logger.warning(
            "guide review reminder e-mail failed; %s guides left for the next run",
            len(pending),
        )
        return False
    return True


def guide_review_notifications_send() -> int:
    """Tell the moderators in the app about each guide recorded as due, once.

    Hands the reminders not notified yet (live guides still due only) to the
    registered notifiers (:data:`cop.guides.hooks.review_due_notifiers`) and marks
    them notified in the same transaction, under a row lock: one notification per
    guide and review period, however often the job runs. Returns how many guides.
    """
    from cop.guides.models import GuideReviewReminder

    due_ids = {g.pk for g in selectors.guides_due_for_review(months=review_months())}
    with transaction.atomic():
        pending = list(
            GuideReviewReminder.objects.select_for_update(skip_locked=True)
            .filter(notified_at__isnull=True, guide_id__in=sorted(due_ids))
            .order_by("due_on", "guide_id")
        )
        if not pending:
            return 0
        due = [ReviewDue(guide_id=r.guide_id, due_on=r.due_on) for r in pending]
        user_ids = [pk for pk, _email, _name in selectors.moderator_recipients()]
        for _key, notify in review_due_notifiers:
            notify(due=due, user_ids=user_ids)
        GuideReviewReminder.objects.filter(pk__in=[r.pk for r in pending]).update(
            notified_at=timezone.now()
        )
    return len(pending)


def guide_review_reminders_run() -> dict[str, int]:
    """Record newly due guides, notify and e-mail the moderators (the beat job)."""
    recorded = guide_review_reminders_record()
    notified = guide_review_notifications_send()
    sent = guide_review_reminders_send()
    return {"recorded": recorded, "notified": notified, "sent": sent}
