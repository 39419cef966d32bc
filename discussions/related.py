"""Related discussions on product pages (vendors.hooks.product_related_content).

Owner while the discussions are built: H3.
"""

from __future__ import annotations


def register() -> None:
    """Register this module's part with the rest of cop (called from AppConfig.ready)."""
