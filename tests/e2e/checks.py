"""Checks the browser tests share: axe findings, overflow, the header's height."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def serious_axe_findings(page: Any) -> list[str]:
    """Return axe's serious and critical findings on the page as it is now."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern.
    page.evaluate(f"() => {{ {AXE.read_text(encoding='utf-8')} }}")
    result = page.evaluate("async () => await window.axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def horizontal_overflow(page: Any) -> int:
    """Return by how many pixels the document is wider than the viewport."""
    return int(
        page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    )


def header_height(page: Any) -> float:
    """Return the site header's rendered height in CSS pixels."""
    return float(
        page.evaluate(
            "() => document.querySelector('.site-header').getBoundingClientRect().height"
        )
    )


def sign_in(page: Any, live_server: Any, settings: Any, user: Any) -> None:
    """Give the page's browser context a session of ``user`` (as the login form would)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
