"""Checklist pages: a framework from the reference data, assessed in the browser only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.test.utils import WagtailPageTestCase

from cop.guides.models import (
    ChecklistPage,
    GuideIndexPage,
    GuidePage,
    HomePage,
    StandardPage,
)
from cop.privacy.models import Framework, FrameworkItem

pytestmark = pytest.mark.django_db


def checklist_make(
    index: GuideIndexPage, code: str = "ALA-LMS", slug: str = "lms"
) -> ChecklistPage:
    page = ChecklistPage(
        title="LMS checklist",
        slug=slug,
        intro="Assess your library management system.",
        framework_code=code,
        body="<p>How to use it.</p>",
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


class ChecklistTreeTests(WagtailPageTestCase):
    def test_checklists_live_only_under_a_guide_index(self) -> None:
        self.assertAllowedParentPageTypes(ChecklistPage, {GuideIndexPage})
        self.assertAllowedSubpageTypes(ChecklistPage, set())
        self.assertCanCreateAt(GuideIndexPage, ChecklistPage)
        for parent in (HomePage, StandardPage, GuidePage):
            self.assertCanNotCreateAt(parent, ChecklistPage)


def test_checklist_page_lists_items_by_priority_with_a_self_assessment(
    client: Any, reference: None, guide_index: GuideIndexPage
) -> None:
    checklist_make(guide_index)
    html = client.get("/guides/lms/").content.decode()
    headings = re.findall(r'<h2 id="group-\d">([^<]+)</h2>', html)
    assert headings == ["Priority 1", "Priority 2", "Priority 3"]
    assert html.index("ALA-LMS-P1-07") < html.index("ALA-LMS-P2-01")
    assert html.index("ALA-LMS-P2-05") < html.index("ALA-LMS-P3-01")
    assert '<span class="code">ALA-LMS-P3-04</span> Data breach response' in html
    assert 'data-checklist="' in html
    assert html.count('value="needs_work" data-status') == 13
    assert "of 13 items assessed" in html
    # An incomplete list says so; the original is linked.
    assert "An incomplete list" in html
    assert (
        "https://www.ala.org/advocacy/privacy/checklists/library-management-systems"
        in html
    )
    # The answers can never be submitted: no form, and the script is a static file.
    assert "<form" not in html.split('<main id="main"')[1].split("</main>")[0]
    assert re.search(r'<script src="/static/js/checklist[^"]*\.js" defer>', html)


def test_checklist_sub_points_are_listed_under_their_item(
    client: Any, reference: None, guide_index: GuideIndexPage
) -> None:
    checklist_make(guide_index, code="ALA-OV", slug="overview")
    html = client.get("/guides/overview/").content.decode()
    assert 'data-item="ALA-OV-P1-01"' in html
    assert 'data-item="ALA-OV-P1-01a"' not in html  # a sub-point, not an item
    assert "<strong>Plain-language privacy policy.</strong>" in html


def test_checklist_of_a_retired_framework_says_so(
    client: Any, reference: None, guide_index: GuideIndexPage
) -> None:
    page = checklist_make(guide_index)
    Framework.objects.filter(code="ALA-LMS").update(retired_at=timezone.now())
    html = client.get("/guides/lms/").content.decode()
    assert "This checklist is no longer part of the reference data." in html
    page.framework_code = "ALA-LMS"
    with pytest.raises(ValidationError) as raised:
        page.full_clean()
    assert "ALA-LMS is no longer a current framework" in str(raised.value)


def test_checklist_admin_offers_only_current_frameworks(
    client: Any, reference: None, guide_index: GuideIndexPage, moderator_a: Any
) -> None:
    Framework.objects.filter(code="ALA-K12").update(retired_at=timezone.now())
    client.force_login(moderator_a)
    url = f"/admin/pages/add/guides/checklistpage/{guide_index.pk}/"
    html = client.get(url).content.decode()
    assert '<option value="ALA-LMS">ALA-LMS · ' in html
    assert 'value="ALA-K12"' not in html


def test_guide_index_lists_checklists(
    client: Any, reference: None, guide_index: GuideIndexPage
) -> None:
    checklist_make(guide_index)
    html = client.get("/guides/").content.decode()
    assert '<a href="/guides/lms/">LMS checklist</a>' in html
    assert "/guides/lms/" not in client.get("/guides/?tag=contracts").content.decode()


def test_checklist_queries_do_not_grow_with_items(
    client: Any, reference: None, guide_index: GuideIndexPage
) -> None:
    checklist_make(guide_index, code="ALA-PAC", slug="pac")
    client.get("/guides/pac/")  # warm Wagtail's site cache
    with CaptureQueriesContext(connection) as few:
        client.get("/guides/pac/")
    framework = Framework.objects.get(code="ALA-PAC")
    for n in range(10):
        FrameworkItem.objects.create(
            code=f"ALA-PAC-P3-{n:02}",
            framework=framework,
            tier=3,
            title=f"Extra {n}",
            summary="More.",
            order=100 + n,
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get("/guides/pac/").content.decode()
    assert "Extra 9" in html
    assert len(many) == len(few)
