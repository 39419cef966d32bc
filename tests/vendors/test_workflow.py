"""The disclosure workflow end to end: draft, submit, approve/reject, versions, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cop.core.models import AuditEvent
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from tests.vendors.disclosure_fixtures import answer_for
from vendors import selectors, services
from vendors.models import Disclosure, DisclosureVersion

pytestmark = pytest.mark.django_db


def _submitted(product, rep, answers):
    disclosure = services.disclosure_create(product=product, actor=rep)
    services.disclosure_save_draft(disclosure=disclosure, actor=rep, answers=answers)
    services.disclosure_submit(disclosure=disclosure, actor=rep)
    return Disclosure.objects.get(pk=disclosure.pk)


def test_workflow_approve_publishes_version_and_audits(
    product_a, vendor_rep_a, moderator
):
    # given
    disclosure = _submitted(product_a, vendor_rep_a, [answer_for("VPD-GOV-01")])
    assert disclosure.workflow_in_progress
    assert selectors.disclosure_version_latest(product=product_a) is None
    # when
    services.disclosure_review(
        disclosure=disclosure, actor=moderator, approve=True, comment="Looks right"
    )
    # then
    disclosure.refresh_from_db()
    assert disclosure.live
    version = selectors.disclosure_version_latest(product=product_a)
    assert version is not None
    assert version.number == 1
    assert version.published_by == moderator
    assert version.answers["VPD-GOV-01"]["status"] == "answered"
    assert version.answers["VPD-GOV-02"]["status"] == "not_disclosed"
    assert version.coverage["disclosed"] == 1
    assert version.coverage["applicable"] == len(version.answers)
    event = AuditEvent.objects.get(action="vendors.disclosure.publish")
    assert event.actor == moderator
    assert event.extra["version"] == 1


def test_workflow_reject_audits_and_publishes_nothing(
    product_a, vendor_rep_a, moderator
):
    disclosure = _submitted(product_a, vendor_rep_a, [answer_for("VPD-GOV-01")])
    services.disclosure_review(
        disclosure=disclosure, actor=moderator, approve=False, comment="Cite the DPA"
    )
    disclosure.refresh_from_db()
    assert not disclosure.live
    assert not DisclosureVersion.objects.exists()
    assert selectors.disclosure_version_latest(product=product_a) is None
    event = AuditEvent.objects.get(action="vendors.disclosure.reject")
    assert event.actor == moderator
    assert event.reason == "Cite the DPA"


def test_workflow_second_publish_keeps_first_and_changelog_shows_it(
    product_a, vendor_rep_a, moderator
):
    disclosure = _submitted(product_a, vendor_rep_a, [answer_for("VPD-GOV-01", pick=1)])
    services.disclosure_review(disclosure=disclosure, actor=moderator, approve=True)
    disclosure = _submitted(product_a, vendor_rep_a, [answer_for("VPD-GOV-01", pick=0)])
    # the pending draft is not public
    assert selectors.disclosure_version_latest(product=product_a).number == 1
    services.disclosure_review(disclosure=disclosure, actor=moderator, approve=True)
    versions = list(selectors.disclosure_version_list(product=product_a))
    assert [v.number for v in versions] == [2, 1]
    changes = selectors.disclosure_changelog(product=product_a)
    assert [(c.code, c.direction) for c in changes] == [("VPD-GOV-01", "improved")]


def test_workflow_draft_of_live_disclosure_is_not_public(
    product_a, vendor_rep_a, moderator
):
    disclosure = _submitted(product_a, vendor_rep_a, [answer_for("VPD-GOV-01")])
    services.disclosure_review(disclosure=disclosure, actor=moderator, approve=True)
    disclosure.refresh_from_db()
    services.disclosure_save_draft(
        disclosure=disclosure, actor=vendor_rep_a, answers=[answer_for("VPD-GOV-02")]
    )
    disclosure = Disclosure.objects.get(pk=disclosure.pk)
    assert disclosure.has_unpublished_changes
    assert list(disclosure.answers.values_list("criterion__code", flat=True)) == [
        "VPD-GOV-01"
    ]
    latest = selectors.disclosure_version_latest(product=product_a)
    assert latest.answers["VPD-GOV-02"]["status"] == "not_disclosed"


def test_workflow_rep_cannot_review_own_submission(product_a, vendor_rep_a):
    disclosure = _submitted(product_a, vendor_rep_a, [answer_for("VPD-GOV-01")])
    with pytest.raises(PermissionDenied):
        services.disclosure_review(
            disclosure=disclosure, actor=vendor_rep_a, approve=True
        )
    assert not DisclosureVersion.objects.exists()


def test_workflow_edit_while_in_review_is_refused(product_a, vendor_rep_a):
    disclosure = _submitted(product_a, vendor_rep_a, [answer_for("VPD-GOV-01")])
    with pytest.raises(ValidationError):
        services.disclosure_save_draft(
            disclosure=disclosure, actor=vendor_rep_a, answers=[]
        )
