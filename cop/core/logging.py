"""Logging filters that keep personal data out of the logs.

Every log the platform writes passes :class:`DropClientAddress`: Django's and Celery's
through ``settings.LOGGING``, gunicorn's own error and access logs through
:class:`GunicornLogger` (``logger_class`` in ``cop/gunicorn.conf.py``). It masks every
IP address, the client's and any other, in the message, its arguments, and the
rendered traceback, so that an exception text ("Error 111 connecting to ...") or
gunicorn's "Invalid request from ip=..." cannot carry one.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any

from gunicorn.glogging import Logger as BaseGunicornLogger

_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
# An IPv6 address, optionally ending in an embedded IPv4 (::ffff:203.0.113.7), or an
# IPv4 address; an IPv4 may be followed by a :port, which stays.
_CANDIDATE = re.compile(
    rf"(?<![\w:.])(?:[0-9A-Fa-f]{{0,4}}(?::[0-9A-Fa-f]{{0,4}}){{1,7}}(?::{_IPV4})?|{_IPV4})(?![\w.]|:[A-Fa-f])"
)


def _mask(match: re.Match[str]) -> str:
    try:
        ipaddress.ip_address(match.group(0))
    except ValueError:
        return match.group(0)  # a clock time or a version number, not an address
    return "[ip]"


def scrub(value: Any) -> Any:
    """Return ``value`` with every IP address replaced by ``[ip]`` if it is a string."""
    return _CANDIDATE.sub(_mask, value) if isinstance(value, str) else value


_TRACEBACK_FORMATTER = logging.Formatter()


class DropClientAddress(logging.Filter):
    """Remove IP addresses from log records and drop the ``request`` object they carry.

    The message is rendered here and stored without arguments, so that an argument
    of any type is masked; so is the traceback (as ``exc_text``, which formatters
    reuse) and ``stack_info``. Never drops a record.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        try:
            # Rendered first: an argument may be an exception or an object whose text
            # holds an address ("Error 111 connecting to 10.0.0.5:6379").
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):
            message = None  # a broken format string: logging reports it later
        if message is not None:
            record.msg, record.args = scrub(message), ()
        else:
            record.msg = scrub(record.msg)
            if isinstance(record.args, tuple):
                record.args = tuple(scrub(a) for a in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACK_FORMATTER.formatException(record.exc_info)
        record.exc_text = scrub(record.exc_text)
        record.stack_info = scrub(record.stack_info)
        return True


class GunicornLogger(BaseGunicornLogger):
    """gunicorn's logger with :class:`DropClientAddress` on every handler it sets up.

    gunicorn writes the client address into its own error log ("Invalid request from
    ip=...: Request Line is too large", also for oversized or invalid headers); its
    loggers do not propagate, so ``settings.LOGGING`` never sees those records.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, DropClientAddress) for f in handler.filters):
                    handler.addFilter(DropClientAddress())
