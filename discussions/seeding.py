"""Demo and large-scale discussion content for seed_demo.

Owner while the discussions are built: H4.
"""

from __future__ import annotations


def register() -> None:
    """Register this module's part with the rest of cop (called from AppConfig.ready)."""
