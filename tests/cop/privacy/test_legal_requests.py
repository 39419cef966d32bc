"""Law-enforcement requests: the moderators' register and the public transparency report."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cop.privacy.models import LegalRequest
from cop.privacy.transparency import legal_request_report
from tests.roles import *  # noqa: F403 - role fixtures

pytestmark = pytest.mark.django_db

REPORT_URL = "/transparency/"


def _request(received_on: date, **fields) -> LegalRequest:
    values = {
        "agency": "Metropolitan Police, cyber unit",
        "jurisdiction": "United Kingdom",
        "kind": LegalRequest.Kind.MEMBER_DATA,
        "details": "Sign-in records of the member 'Quiet Owl'",
        "legal_basis": "Investigatory Powers Act 2016, s. 61",
        "outcome": LegalRequest.Outcome.REFUSED,
        **fields,
    }
    return LegalRequest.objects.create(received_on=received_on, **values)


def test_transparency_report_url_is_stable_and_linked_from_the_footer(client):
    assert reverse("transparency_report") == REPORT_URL
    home = client.get(reverse("privacy:criterion_list")).content.decode()
    assert f'href="{REPORT_URL}"' in home


def test_transparency_report_counts_per_half_year_without_details(client, settings):
    # given: seven requests in the first half of 2026, one in the second half of 2025
    settings.COP_PRIVACY_K = 5
    for day in range(1, 7):
        _request(date(2026, 2, day))
    _request(
        date(2026, 6, 30),
        kind=LegalRequest.Kind.CONTENT_REMOVAL,
        outcome=LegalRequest.Outcome.DISCLOSED,
        member_notice=LegalRequest.Notice.TOLD,
        member_told_on=date(2026, 7, 2),
    )
    _request(date(2025, 11, 20), outcome=LegalRequest.Outcome.NO_DATA)
    # when
    report = legal_request_report(today=date(2026, 12, 4))
    body = client.get(REPORT_URL).content.decode()
    # then: every half-year from the first request to today, newest first
    assert [(h.year, h.half, h.received) for h in report] == [
        (2026, 2, 0),
        (2026, 1, 7),
        (2025, 2, 1),
    ]
    first_2026 = report[1]
    assert first_2026.total.value == 7
    assert dict(first_2026.by_outcome)["Refused or challenged"].value == 6
    assert dict(first_2026.by_kind)["Member data"].value == 6
    # below k a count reads "fewer than 5", and so does an empty one
    assert not dict(first_2026.by_outcome)["Complied with"].shown
    assert not dict(first_2026.by_notice)["Member told"].shown
    assert not report[2].total.shown
    assert not report[0].total.shown
    assert "fewer than 5" in body
    assert "January to June 2026" in body
    assert "July to December 2025" in body
    for secret in ("Metropolitan Police", "Quiet Owl", "Investigatory Powers"):
        assert secret not in body


def test_transparency_report_total_that_would_reveal_a_small_count_is_hidden(settings):
    # given: 6 requests, none of whose members was told yet
    settings.COP_PRIVACY_K = 5
    for day in range(1, 6):
        _request(date(2026, 2, day))
    _request(date(2026, 3, 1), outcome=LegalRequest.Outcome.DISCLOSED)
    # when
    half = legal_request_report(today=date(2026, 3, 2))[0]
    # then: "not told yet" (6) is shown; a total of 6 would tell that every other
    # notice count (shown as "fewer than 5") is zero, so the total is left out
    assert dict(half.by_notice)["Not told yet"].value == 6
    assert not dict(half.by_notice)["Member told"].shown
    assert dict(half.by_outcome)["Refused or challenged"].value == 5
    assert not half.total.shown


def test_transparency_report_without_requests_says_so(client):
    body = client.get(REPORT_URL).content.decode()
    assert "no law-enforcement request so far" in body


def test_transparency_report_query_count_is_constant(client, django_assert_num_queries):
    _request(date(2024, 3, 1))
    client.get(REPORT_URL)
    with django_assert_num_queries(1) as captured:
        client.get(REPORT_URL)
    for month in range(1, 13):
        _request(date(2023, month, 1))
    with django_assert_num_queries(len(captured.captured_queries)):
        client.get(REPORT_URL)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("library_worker", False),
        ("vendor_rep_a", False),
        ("moderator", True),
        ("admin", True),
    ],
)
def test_register_is_for_moderators_only(client, request, role, allowed):
    # given
    _request(date(2026, 2, 3))
    client.force_login(request.getfixturevalue(role))
    # when
    response = client.get(reverse("legal_requests:index"))
    # then
    body = response.content.decode()
    assert (response.status_code == 200 and "United Kingdom" in body) is allowed


def _form(**overrides) -> dict[str, str]:
    return {
        "received_on": "2026-03-04",
        "kind": "member_data",
        "agency": "Gendarmerie nationale",
        "jurisdiction": "France",
        "details": "Identity of an author",
        "legal_basis": "Code de procédure pénale, art. 60-1",
        "outcome": "pending",
        "member_notice": "not_yet",
        "member_told_on": "",
        "notes": "",
        **overrides,
    }


def test_moderator_records_a_request_in_the_admin(client, moderator):
    client.force_login(moderator)
    response = client.post(reverse("legal_requests:add"), _form())
    assert response.status_code == 302
    recorded = LegalRequest.objects.get()
    assert recorded.agency == "Gendarmerie nationale"
    assert recorded.outcome == LegalRequest.Outcome.PENDING


def test_member_told_needs_its_date(client, moderator):
    client.force_login(moderator)
    response = client.post(reverse("legal_requests:add"), _form(member_notice="told"))
    assert response.status_code == 200
    assert "Give the date the member was told." in response.content.decode()
    assert not LegalRequest.objects.exists()


def test_moderator_cannot_delete_a_request_but_an_admin_can(client, moderator, admin):
    recorded = _request(date(2026, 2, 3))
    url = reverse("legal_requests:delete", args=[recorded.pk])
    client.force_login(moderator)
    client.post(url)
    assert LegalRequest.objects.filter(pk=recorded.pk).exists()
    client.force_login(admin)
    client.post(url)
    assert not LegalRequest.objects.filter(pk=recorded.pk).exists()
