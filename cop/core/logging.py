"""Logging filters that keep personal data out of the logs."""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any

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


class DropClientAddress(logging.Filter):
    """Remove IP addresses from log records and drop the ``request`` object they carry."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        record.msg = scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(scrub(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: scrub(v) for k, v in record.args.items()}
        return True
