"""``make faulttest``: the platform under failing dependencies, scenario by scenario.

``python -m tests.ops.faulttest [--short] [--only NAME ...]`` starts gunicorn, a
Celery worker and beat as separate processes (:mod:`tests.ops.platform`) on a
throw-away database reached through a TCP proxy that can be cut
(:mod:`tests.ops.proxy`; the shared PostgreSQL cluster itself is never touched), a
throw-away ``redis-server`` and an SMTP sink that can answer 451 or 550
(:mod:`tests.ops.smtp`). Three members watch a public space with instant e-mails;
signed-in library workers reply there during each fault.

Scenarios (``--short``: shorter outages, for CI):

- ``redis-kill``: Redis SIGKILLed while members post, then restarted empty;
- ``redis-hang``: Redis stopped with SIGSTOP; a page, a post and /readyz must answer;
- ``postgres-down``: the database unreachable; pages and posts answer 503 with
  Retry-After (a post says it was not saved), then the site recovers by itself;
- ``workers-stopped``: the Celery worker stopped for 2 minutes (20 s short) while
  members post;
- ``worker-kill-digest``: the worker SIGKILLed while it sends a batch of digests
  (weekly digests listing the demo's new topics, a mail server slowed to 0.2 s a
  message); the new worker gets the killed batch back from Redis and takes over its
  claims, on timeouts shortened from 600 s and 360 s to 40 s and 25 s;
- ``smtp-451``: the mail server answers 451 for 60 s (20 s short), then accepts;
- ``smtp-550``: the mail server refuses one watcher's address with 550.

A scenario passes when no request answered 5xx (503 during a database outage is the
expected answer), none took longer than ``SLOW`` seconds, every acknowledged post is
stored exactly once, every e-mail due for it arrives exactly once (digests: at most
one duplicate per killed in-flight batch) and refused addresses are recorded as
bouncing. Each prints one result line; the last line is the summary; the exit status
is non-zero if any failed.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from tests.integration_support import wait_until
from tests.ops.platform import Platform, say
from tests.ops.proxy import TcpProxy

SLOW = 6.0  # seconds; gunicorn's worker timeout (30 s) is what a hang looks like
WATCHERS = 3


@dataclass
class Outcome:
    """What one scenario saw; ``problems`` empty means it passed."""

    name: str
    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)


@dataclass
class Context:
    platform: Platform
    proxy: TcpProxy
    short: bool
    topic_path: str
    reply_path: str
    sessions: list[str]
    watchers: list[str]
    acknowledged: list[str] = field(default_factory=list)

    # ------------------------------------------------------------ requests
    def post_reply(self, outcome: Outcome, *, expect_outage: bool = False) -> int:
        """Post one reply as a member; record it and check status and time."""
        marker = secrets.token_hex(8)
        csrf = secrets.token_hex(16)
        session = self.sessions[len(self.acknowledged) % len(self.sessions)]
        status, headers, body, seconds = self.platform.request(
            "POST",
            self.reply_path,
            body=urlencode(
                {
                    "csrfmiddlewaretoken": csrf,
                    "body": f"Fault test reply on retention [marker:{marker}]",
                }
            ),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={session}; csrftoken={csrf}",
            },
        )
        if status in (302, 303):
            self.acknowledged.append(marker)
        outcome.check(seconds < SLOW, f"a post took {seconds:.1f} s")
        if expect_outage:
            outcome.check(
                status == 503 and "not saved" in body.decode(errors="replace"),
                f"a post during the outage answered {status}, not 503 'not saved'",
            )
            outcome.check("retry-after" in headers, "503 without Retry-After")
        else:
            outcome.check(status in (302, 303), f"a post answered {status}")
        return status

    def read_page(self, outcome: Outcome, *, expect: int = 200, path: str = "") -> None:
        status, headers, _, seconds = self.platform.request(
            "GET", path or self.topic_path
        )
        outcome.check(seconds < SLOW, f"a page took {seconds:.1f} s")
        outcome.check(
            status == expect, f"{path or 'a page'} answered {status}, not {expect}"
        )
        if expect == 503:
            outcome.check("retry-after" in headers, "503 page without Retry-After")

    # ------------------------------------------------------------ e-mail
    def watcher_deliveries(self) -> int:
        addresses = set(self.watchers)
        with self.platform.smtp.lock:
            return sum(
                1 for rcpt, _ in self.platform.smtp.delivered if rcpt in addresses
            )

    def email_states(self, markers: list[str]) -> dict[str, int]:
        """Count the watchers' notifications about the posts holding ``markers`` by e-mail state."""
        states: dict[str, int] = self.platform.shell(
            "import json\nfrom collections import Counter\n"
            "from django.db.models import Q\nfrom discussions.models import Notification\n"
            f"markers, watchers = {markers!r}, {self.watchers!r}\n"
            "q = Q()\n"
            "for m in markers: q |= Q(post__body__contains=f'[marker:{m}]')\n"
            "rows = Notification.objects.filter(q, user__email__in=watchers) if markers else Notification.objects.none()\n"
            "print(json.dumps(Counter(rows.values_list('email_state', flat=True))))"
        )
        return states

    def wait_for_emails(
        self, outcome: Outcome, markers: list[str], timeout: float
    ) -> None:
        """Wait until every watcher's e-mail about each post is sent; none twice.

        The e-mail's Message-ID is fixed per notification, so a duplicate shows as the
        same (recipient, Message-ID) delivered twice to the sink.
        """
        expected = len(markers) * len(self.watchers)

        def sent() -> int:
            return self.email_states(markers).get("sent", 0)

        arrived = wait_until(lambda: sent() >= expected, timeout, step=10)
        time.sleep(3)  # a late duplicate would arrive now
        states = self.email_states(markers)
        duplicates = self.platform.smtp.duplicates(self.watchers)
        outcome.facts.append(
            f"{states.get('sent', 0)}/{expected} e-mails sent, states {states}"
        )
        outcome.check(
            arrived,
            f"{states.get('sent', 0)} of {expected} e-mails sent within {timeout:.0f} s ({states})",
        )
        outcome.check(duplicates == 0, f"{duplicates} e-mails arrived more than once")


# ----------------------------------------------------------------- scenarios


def redis_kill(ctx: Context, outcome: Outcome) -> None:
    posts = len(ctx.acknowledged)
    for _ in range(3):
        ctx.post_reply(outcome)
    assert ctx.platform.redis.process is not None
    os.kill(ctx.platform.redis.process.pid, signal.SIGKILL)
    ctx.platform.redis.process.wait()
    ctx.platform.redis.process = None
    for _ in range(4):
        ctx.post_reply(outcome)
        ctx.read_page(outcome)
    ctx.platform.redis.start()  # empty: whatever was queued is lost
    for _ in range(3):
        ctx.post_reply(outcome)
    # The outbox sweeper (beat, every minute) re-enqueues what Redis lost.
    ctx.wait_for_emails(outcome, ctx.acknowledged[posts:], timeout=300)


def redis_hang(ctx: Context, outcome: Outcome) -> None:
    posts = len(ctx.acknowledged)
    assert ctx.platform.redis.process is not None
    pid = ctx.platform.redis.process.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        for _ in range(3):
            ctx.read_page(outcome)
            ctx.post_reply(outcome)
        status, _, _, seconds = ctx.platform.request("GET", "/readyz")
        outcome.check(status == 503, f"/readyz answered {status} while Redis hung")
        outcome.check(seconds < 4, f"/readyz took {seconds:.1f} s")
        time.sleep(5 if ctx.short else 20)
    finally:
        os.kill(pid, signal.SIGCONT)
    ctx.wait_for_emails(outcome, ctx.acknowledged[posts:], timeout=300)


def postgres_down(ctx: Context, outcome: Outcome) -> None:
    ctx.proxy.cut()
    try:
        for _ in range(3):
            # Anonymous discussion pages may still come from the page cache; these
            # need the database.
            ctx.read_page(outcome, expect=503, path="/criteria/")
            ctx.read_page(outcome, expect=503, path="/discussions/search/?q=privacy")
            ctx.post_reply(outcome, expect_outage=True)
        status, _, _, seconds = ctx.platform.request("GET", "/readyz")
        outcome.check(status == 503, f"/readyz answered {status} without a database")
        outcome.check(seconds < 4, f"/readyz took {seconds:.1f} s")
    finally:
        ctx.proxy.restore()
    recovered = wait_until(
        lambda: ctx.platform.status(ctx.topic_path) == 200, 60, step=1
    )
    outcome.check(recovered, "the site did not recover within 60 s")
    ctx.post_reply(outcome)


def workers_stopped(ctx: Context, outcome: Outcome) -> None:
    posts = len(ctx.acknowledged)
    ctx.platform.stop("worker")
    pause = 20 if ctx.short else 120
    deadline = time.monotonic() + pause
    while time.monotonic() < deadline:
        ctx.post_reply(outcome)
        ctx.read_page(outcome)
        time.sleep(min(5, max(0, deadline - time.monotonic())))
    ctx.platform.start("worker")
    ctx.wait_for_emails(outcome, ctx.acknowledged[posts:], timeout=300)


def smtp_451(ctx: Context, outcome: Outcome) -> None:
    posts = len(ctx.acknowledged)
    ctx.platform.smtp.temporary_failure = True
    outage = 20 if ctx.short else 60
    try:
        deadline = time.monotonic() + outage
        while time.monotonic() < deadline:
            ctx.post_reply(outcome)
            time.sleep(min(5, max(0, deadline - time.monotonic())))
    finally:
        ctx.platform.smtp.temporary_failure = False
    outcome.facts.append(f"{ctx.platform.smtp.refused_451} refusals")
    ctx.wait_for_emails(outcome, ctx.acknowledged[posts:], timeout=600)
    failed = ctx.platform.shell(
        "import json\nfrom discussions.models import Notification\n"
        "print(json.dumps(Notification.objects.filter(email_state='failed').count()))"
    )
    outcome.check(failed == 0, f"{failed} e-mails ended as failed after a 451 outage")


def smtp_550(ctx: Context, outcome: Outcome) -> None:
    refused = ctx.watchers[0]
    ctx.platform.smtp.reject_addresses = {refused}
    others = ctx.watchers[1:]
    delivered_before = ctx.watcher_deliveries()
    try:
        posts = 3
        for _ in range(posts):
            ctx.post_reply(outcome)
        arrived = wait_until(
            lambda: ctx.watcher_deliveries() - delivered_before >= posts * len(others),
            300,
            step=2,
        )
        outcome.check(arrived, "the other watchers did not get their e-mails")

        def recorded() -> bool:
            bounce: int = ctx.platform.shell(
                "import json\nfrom discussions.models import DiscussionSettings\n"
                f"print(json.dumps(DiscussionSettings.objects.get(user__email={refused!r}).bounce_count))"
            )
            return bounce > 0

        outcome.check(
            wait_until(recorded, 120, step=5),
            f"550 for {refused} was not recorded as a bounce (bounce_count stays 0)",
        )
        outcome.facts.append(f"{ctx.platform.smtp.refused_550} refusals")
    finally:
        ctx.platform.smtp.reject_addresses = set()
        # The member fixes the address (as confirming it again does), so that a
        # scenario run after this one finds every watcher deliverable.
        ctx.platform.shell(
            "import json\nfrom django.contrib.auth import get_user_model\n"
            "from discussions.services import digest_bounce_reset\n"
            f"digest_bounce_reset(user=get_user_model().objects.get(email={refused!r}))\n"
            "print(json.dumps(1))"
        )


#: The replacement worker of ``worker-kill-digest`` gets Redis to hand back the killed
#: worker's unacknowledged batch after this many seconds, and takes over digest claims
#: this old (production: 600 s and 360 s, see README); the order is the same.
DIGEST_REDELIVERY = {
    "CELERY_VISIBILITY_TIMEOUT": "40",
    "COP_DIGEST_CLAIM_TIMEOUT": "25",
}


def worker_kill_digest(ctx: Context, outcome: Outcome) -> None:
    members = 60 if ctx.short else 300
    # A weekly digest due now (this hour, this weekday, UTC) covers the seven days
    # before this hour: the demo topics of the public spaces created then are news
    # to the members watching those spaces. (A digest with nothing new is not sent
    # at all: a daily period ending at 08:00 saw no new demo topic, and no digest
    # ever left.)
    due, news = ctx.platform.shell(
        "import json\n"
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from allauth.account.models import EmailAddress\n"
        "from django.contrib.auth import get_user_model\n"
        "from discussions.models import DiscussionSettings, Space, Subscription, Topic\n"
        "now = timezone.now()\n"
        "end = now.replace(minute=0, second=0, microsecond=0)\n"
        "User = get_user_model()\n"
        "spaces = list(Space.objects.filter(visibility='public'))\n"
        f"for n in range({members}):\n"
        "    email = f'digest-{n}@fault.example'\n"
        "    user, made = User.objects.get_or_create(email=email, defaults={'is_active': True})\n"
        "    EmailAddress.objects.get_or_create(user=user, email=email, defaults={'verified': True, 'primary': True})\n"
        "    for space in spaces:\n"
        "        Subscription.objects.get_or_create(user=user, space=space, defaults={'level': 'watching'})\n"
        "    DiscussionSettings.objects.update_or_create(user=user, defaults={'digest_frequency': 'weekly', "
        "'digest_weekday': end.weekday(), 'digest_hour': end.hour, 'time_zone': 'UTC', "
        "'next_digest_at': now - timedelta(minutes=1), 'last_digest_at': end - timedelta(days=8)})\n"
        "news = Topic.objects.filter(space__in=spaces, review_state='approved', hidden_at__isnull=True, "
        "merged_into__isnull=True, created_at__gte=end - timedelta(days=7), created_at__lt=end)"
        ".exclude(embargo_state='embargoed').count()\n"
        "print(json.dumps([DiscussionSettings.objects.filter(next_digest_at__lte=now).count(), news]))"
    )
    outcome.check(news > 0, "no new topic in the digest period: every digest is empty")
    if not news:
        return
    digest_to = re.compile(r"^digest-\d+@fault\.example$")

    def digests() -> list[tuple[str, str]]:
        with ctx.platform.smtp.lock:
            return [d for d in ctx.platform.smtp.delivered if digest_to.match(d[0])]

    # A slow mail server (0.2 s a message) keeps the batch in flight long enough
    # for the kill to land in the middle of it.
    ctx.platform.smtp.data_delay = 0.2
    try:
        ctx.platform.shell(
            "import json\nfrom discussions.tasks.digests import schedule_due_digests_task\n"
            "schedule_due_digests_task.delay()\nprint(json.dumps(1))"
        )
        started = wait_until(lambda: len(digests()) > 0, 120, step=0.1)
        outcome.check(started, "no digest was sent within 120 s")
        if not started:
            return
        worker = ctx.platform.processes["worker"]
        worker.signal_group(signal.SIGKILL)
        worker.popen.wait()  # type: ignore[union-attr]
        killed_at = len(digests())
        try:
            # The killed batch's message is still unacknowledged in Redis; the new
            # worker restores it once the visibility timeout has passed.
            worker.start({**ctx.platform.env, **DIGEST_REDELIVERY})
            done = wait_until(
                lambda: len({d[0] for d in digests()}) >= members, 180, step=1
            )
        finally:
            # Later scenarios run on the production timeouts again.
            worker.stop()
            ctx.platform.start("worker")
    finally:
        ctx.platform.smtp.data_delay = 0.0
    got = {d[0] for d in digests()}
    duplicates = len(digests()) - len(got)  # each member is due one digest
    # Batches of 100 members; as many batches in flight as worker processes.
    in_flight = min(ctx.platform.worker_concurrency, -(-members // 100))
    outcome.facts.append(
        f"{due} due, {news} new topics, {len(got)}/{members} members got a digest, "
        f"killed after {killed_at}, {duplicates} duplicates"
    )
    outcome.check(done, f"only {len(got)} of {members} members got their digest")
    outcome.check(
        duplicates <= in_flight,
        f"{duplicates} duplicate digests (at most 1 per killed batch, {in_flight})",
    )


SCENARIOS: dict[str, Callable[[Context, Outcome], None]] = {
    "redis-kill": redis_kill,
    "redis-hang": redis_hang,
    "postgres-down": postgres_down,
    "workers-stopped": workers_stopped,
    "worker-kill-digest": worker_kill_digest,
    "smtp-451": smtp_451,
    "smtp-550": smtp_550,
}


def _setup(platform: Platform, proxy: TcpProxy, short: bool) -> Context:
    targets = platform.targets()
    topic_id, slug = targets["topics"][0]
    watchers: list[str] = platform.shell(
        "import json\n"
        "from allauth.account.models import EmailAddress\n"
        "from django.contrib.auth import get_user_model\n"
        "from discussions.models import DiscussionSettings, Subscription, Topic\n"
        f"topic = Topic.objects.get(pk={topic_id})\n"
        "emails = []\n"
        f"for n in range({WATCHERS}):\n"
        "    email = f'watcher-{n}@fault.example'\n"
        "    user, _ = get_user_model().objects.get_or_create(email=email, defaults={'is_active': True})\n"
        "    EmailAddress.objects.get_or_create(user=user, email=email, defaults={'verified': True, 'primary': True})\n"
        "    DiscussionSettings.objects.update_or_create(user=user, defaults={'email_notifications': True, 'digest_frequency': 'off'})\n"
        "    Subscription.objects.get_or_create(user=user, space=topic.space, defaults={'level': 'watching'})\n"
        "    emails.append(email)\n"
        "print(json.dumps(emails))"
    )
    sessions = platform.member_sessions(targets["workers"][:5], per_member=1)
    return Context(
        platform=platform,
        proxy=proxy,
        short=short,
        topic_path=f"/discussions/t/{topic_id}/{slug}/",
        reply_path=f"/discussions/t/{topic_id}/reply/",
        sessions=sessions,
        watchers=watchers,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="shorter outages (CI)")
    parser.add_argument("--only", nargs="+", choices=list(SCENARIOS), default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    names = args.only or list(SCENARIOS)
    outcomes: list[Outcome] = []
    admin = urlsplit(Platform.admin_url)
    proxy = TcpProxy((admin.hostname or "127.0.0.1", admin.port or 5432))
    proxy.start()
    with Platform(
        scale="demo",
        keep_workdir=args.keep,
        database_port=proxy.port,
        extra_env={
            "COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS": "0",
            # Retries of deferred e-mails seconds apart instead of minutes, so that
            # the SMTP outages (20 s short, 60 s full) end within the scenario.
            "COP_EMAIL_RETRY_BASE_SECONDS": "5",
            "COP_EMAIL_RETRY_MAX_SECONDS": "60",
        },
    ) as platform:
        platform.prepare()
        platform.start()
        ctx = _setup(platform, proxy, args.short)
        for name in names:
            outcome = Outcome(name)
            started = time.monotonic()
            try:
                SCENARIOS[name](ctx, outcome)
            except Exception as exc:  # noqa: BLE001 - reported as the scenario's failure
                outcome.problems.append(f"{type(exc).__name__}: {exc}")
                traceback.print_exc()
            for process in platform.processes.values():
                outcome.check(process.running, f"{process.name} is not running")
            outcomes.append(outcome)
            verdict = "PASS" if not outcome.problems else "FAIL"
            detail = "; ".join(outcome.problems or outcome.facts) or "ok"
            say(
                f"faulttest {name:<20} {verdict} ({time.monotonic() - started:.0f} s): {detail}"
            )
        counts = platform.count_posts(ctx.acknowledged)
        wrong = [m for m in ctx.acknowledged if counts.get(m) != 1]
        if wrong:
            outcomes.append(
                Outcome(
                    "posts",
                    [f"{len(wrong)} acknowledged posts not stored exactly once"],
                )
            )
        if args.keep:
            say(f"work folder kept: {platform.workdir}")
    proxy.stop()
    failed = [o.name for o in outcomes if o.problems]
    say(
        f"faulttest {'PASS' if not failed else 'FAIL'}: {len(outcomes) - len(failed)}/"
        f"{len(outcomes)} passed, {len(ctx.acknowledged)} acknowledged posts, "
        f"{len(ctx.acknowledged) - len(wrong)} stored exactly once"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
