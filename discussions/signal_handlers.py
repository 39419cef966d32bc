"""Reactions to vendors' disclosure and roadmap changes (notifications).

Owner while the discussions are built: H5.
"""

from __future__ import annotations


def register() -> None:
    """Register this module's part with the rest of cop (called from AppConfig.ready)."""
