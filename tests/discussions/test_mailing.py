"""The retry schedule both e-mail paths share (discussions.services.mailing)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cop.settings.config import ConfigurationError, positive_number
from discussions.services.mailing import email_retry_deadline, email_retry_delay


@pytest.mark.parametrize(
    ("attempt", "ceiling"),
    [(1, 60), (2, 120), (3, 240), (4, 480), (6, 1920), (7, 3600), (30, 3600)],
)
def test_email_retry_delay_doubles_up_to_the_cap_with_jitter_below_the_ceiling(
    attempt, ceiling
):
    delays = [
        email_retry_delay(attempt=attempt, base=60, cap=3600).total_seconds()
        for _ in range(200)
    ]
    assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
    # jitter: e-mails refused by one outage do not all come back at once
    assert len({round(delay, 3) for delay in delays}) > 100


def test_email_retry_delay_schedule_spreads_attempts_over_hours_not_seconds():
    # given: the production defaults (a minute, doubling, at most an hour apart)
    waits = [email_retry_delay(attempt=n, base=60, cap=3600) for n in range(1, 31)]
    # then: the first ten retries (more than the old cap of six attempts) take
    # hours, and a day holds about thirty attempts, none closer than 30 s
    assert sum(waits[:10], timedelta()) >= timedelta(hours=2)
    assert timedelta(hours=12) <= sum(waits, timedelta()) <= timedelta(hours=30)
    assert min(waits) >= timedelta(seconds=30)


def test_email_retry_delay_huge_attempt_number_stays_at_the_cap():
    assert email_retry_delay(attempt=30_000, base=60, cap=3600) <= timedelta(hours=1)
    assert email_retry_delay(attempt=0, base=60, cap=3600) <= timedelta(minutes=1)


def test_email_retry_delay_and_deadline_follow_the_settings(settings):
    settings.COP_EMAIL_RETRY_BASE_SECONDS = 2
    settings.COP_EMAIL_RETRY_MAX_SECONDS = 5
    settings.COP_EMAIL_RETRY_DEADLINE_HOURS = 0.5
    assert timedelta(seconds=1) <= email_retry_delay(attempt=1) <= timedelta(seconds=2)
    assert email_retry_delay(attempt=9) <= timedelta(seconds=5)
    assert email_retry_deadline() == timedelta(minutes=30)


@pytest.mark.parametrize("text", ["0", "-5", "soon", "", "inf", "nan"])
def test_positive_number_refuses_what_would_make_a_busy_loop(text):
    with pytest.raises(ConfigurationError, match="COP_EMAIL_RETRY_BASE_SECONDS"):
        positive_number("COP_EMAIL_RETRY_BASE_SECONDS", text)


def test_positive_number_reads_fractions():
    assert positive_number("COP_EMAIL_RETRY_DEADLINE_HOURS", "0.25") == 0.25
