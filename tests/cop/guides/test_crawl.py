"""No evidence link of cop's own disclosure and no internal link on the site is a 404.

Seeds the members' and guides' demo content on top of the reference data, then
follows every internal link from the home page, plus the evidence URL cop's own
disclosure gives for every current criterion (as ``seed_demo`` writes it).
"""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from io import StringIO
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings

from cop.core.seeding import seeders

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = (
    "/admin/",
    "/accounts/",
    "/documents/",
    "/media/",
    "/static/",
    "/api/",
)
MAX_PAGES = 400


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _internal(base: str, href: str) -> str | None:
    url = urldefrag(urljoin(base, href))[0]
    parts = urlsplit(url)
    site = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("", "http", "https"):
        return None
    if parts.netloc and parts.netloc not in ("testserver", site.netloc):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if path.startswith(SKIPPED_PREFIXES) else path


def _evidence_paths() -> set[str]:
    from cop.privacy.own_disclosure import PROOFS
    from vendors.seeding_cop_disclosure import _cop_evidence

    paths = set()
    for code in PROOFS:
        for evidence in _cop_evidence(code, ""):
            assert evidence["url"].startswith(settings.SITE_URL)
            paths.add(urldefrag(evidence["url"][len(settings.SITE_URL) :])[0])
    return paths


def test_no_evidence_or_internal_link_is_a_404(client: Any, reference: None) -> None:
    for key, seeder in seeders:
        if key in ("members", "guides"):
            seeder(scale="demo", stdout=StringIO())
    evidence = _evidence_paths()
    assert {"/privacy/", "/law-enforcement-requests/", "/transparency/disclosure/"} <= (
        evidence
    )
    queue: deque[tuple[str, str]] = deque(
        ("(evidence)", path) for path in sorted(evidence)
    )
    queue.append(("(start)", "/"))
    seen: set[str] = {path for _source, path in queue}
    broken: list[str] = []
    while queue and len(seen) <= MAX_PAGES:
        source, path = queue.popleft()
        response = client.get(path)
        if response.status_code >= 400:
            broken.append(f"{path} ({response.status_code}) linked from {source}")
            continue
        if response.status_code in (301, 302):
            target = _internal(path, response["Location"])
            if target and target not in seen:
                seen.add(target)
                queue.append((path, target))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            target = _internal(path, href)
            if target and target not in seen:
                seen.add(target)
                queue.append((path, target))
    assert broken == []
    assert {"/guides/", "/about/", "/code-of-conduct/"} <= seen
    assert any(p.startswith("/criteria/VPD-") for p in seen)
    assert len(seen) > 50


def test_the_law_enforcement_procedure_links_to_the_transparency_report(
    client: Any, reference: None
) -> None:
    for key, seeder in seeders:
        if key in ("members", "guides"):
            seeder(scale="demo", stdout=StringIO())
    html = client.get("/law-enforcement-requests/").content.decode()
    assert '<a href="/transparency/">the transparency report</a>' in html
    assert client.get("/transparency/").status_code == 200
