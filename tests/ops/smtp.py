"""An SMTP sink for the load and fault tests that can refuse on demand.

It accepts every message and keeps its recipients and ``Message-ID``; ``mode`` makes
it answer ``451`` (try again later) to every recipient for a while, and
``reject_addresses`` answers ``550`` (no such mailbox) for the listed addresses only;
``data_delay`` makes it slow to accept each message.
"""

from __future__ import annotations

import asyncio
import email
import threading
from collections import Counter
from typing import Any

from aiosmtpd.controller import Controller

from tests.integration_support import free_port

HOST = "127.0.0.1"


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.sink.temporary_failure:
            self.sink.refused_451 += 1
            return "451 4.3.0 Try again later"
        if address.lower() in self.sink.reject_addresses:
            self.sink.refused_550 += 1
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.sink.data_delay:
            await asyncio.sleep(self.sink.data_delay)
        message = email.message_from_bytes(envelope.content)
        with self.sink.lock:
            for rcpt in envelope.rcpt_tos:
                self.sink.delivered.append(
                    (rcpt.lower(), message.get("Message-ID", ""))
                )
        return "250 OK"


class SmtpSink:
    """aiosmtpd on a free port of 127.0.0.1 (see module)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.lock = threading.Lock()
        self.delivered: list[tuple[str, str]] = []
        #: (recipient, plain text) of every delivery, in the order of ``delivered``.
        self.texts: list[tuple[str, str]] = []
        self.temporary_failure = False
        #: Seconds the sink takes to accept each message (a slow mail server).
        self.data_delay = 0.0
        self.reject_addresses: set[str] = set()
        self.refused_451 = 0
        self.refused_550 = 0
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Handler(self), hostname=HOST, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def duplicates(self, recipients: list[str] | None = None) -> int:
        """Return how many deliveries (to ``recipients``) repeated a (recipient, Message-ID)."""
        with self.lock:
            counts = Counter(
                d for d in self.delivered if recipients is None or d[0] in recipients
            )
        return sum(n - 1 for n in counts.values() if n > 1)

    def count(self) -> int:
        with self.lock:
            return len(self.delivered)
