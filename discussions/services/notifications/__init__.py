"""The notification outbox: rows written in the cause's transaction, e-mails sent by tasks.

The posting, moderation and red-flag services call the ``notify_*`` hooks *inside*
their transaction. A new post writes one ``NotificationEvent`` there, which a task
expands after commit into ``Notification`` rows, a batch of watchers at a time
(:mod:`.fanout`), so a reply costs the same with 10 or 10,000 watchers; the other
hooks write their ``Notification`` rows (the outbox) directly, in a constant number
of queries whatever the number of followers. Writing rows schedules
``send_notification_email_task`` with ``transaction.on_commit`` for the rows that
want an e-mail (``email_state`` pending). If the broker is down at that moment
nothing is lost: :func:`notification_outbox_sweep` (a beat job) re-enqueues pending
rows once due, and :func:`notification_email_send` claims a row with one conditional
UPDATE so that no e-mail is sent twice. A mail server that answers "try again later"
(or cannot be reached) only delays an e-mail: the row waits for its next attempt
time, backing off exponentially for up to ``COP_EMAIL_RETRY_DEADLINE_HOURS``, and a
refused address counts towards the bounce rule the digests share
(:mod:`discussions.services.mailing`).

Who is told, for a post (``notify_post_published``):

- mentioned members (``mention``), the topic's author (``reply``), the author of a
  quoted post (``reply``), and everyone *watching* the topic, its space, one of its
  tags, its product or the product's vendor (``reply``, ``data.event`` ``new_topic``
  for an opening post);
- the red flag's author when a vendor representative gives the vendor's response
  (``vendor_response``);
- never the post's author, never a member who muted any of those targets (muted
  beats everything), and only members who may read the topic and the post when
  the fan-out runs (``discussions.permissions``): an embargoed red flag reaches only its
  author, moderators and the embargoed vendor's representatives.
"""

from .emails import (
    notification_email_send,
    notification_outbox_sweep,
    notification_sending_timeout,
)
from .fanout import (
    FAN_OUT_BATCH_SIZE,
    notification_event_fan_out,
    notification_events_sweep,
)
from .hooks import (
    notify_answer_accepted,
    notify_disclosure_published,
    notify_guides_due_for_review,
    notify_post_published,
    notify_post_reviewed,
    notify_red_flag_released,
    notify_roadmap_status_changed,
)
from .reading import notification_mark_read, notifications_mark_all_read

__all__ = [
    "FAN_OUT_BATCH_SIZE",
    "notification_email_send",
    "notification_event_fan_out",
    "notification_events_sweep",
    "notification_mark_read",
    "notification_outbox_sweep",
    "notification_sending_timeout",
    "notifications_mark_all_read",
    "notify_answer_accepted",
    "notify_disclosure_published",
    "notify_guides_due_for_review",
    "notify_post_published",
    "notify_post_reviewed",
    "notify_red_flag_released",
    "notify_roadmap_status_changed",
]
