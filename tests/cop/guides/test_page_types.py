"""Each page type renders and can be created only under its allowed parents."""

from __future__ import annotations

import json

from django.test import TestCase
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cop.guides.models import (
    ChecklistPage,
    EventIndexPage,
    GuideIndexPage,
    GuidePage,
    HomePage,
    StandardPage,
    WorkingGroupIndexPage,
)
from cop.privacy.services import reference_data_load


class PageTreeTests(WagtailPageTestCase):
    def test_home_page_children(self) -> None:
        self.assertAllowedSubpageTypes(
            HomePage,
            {GuideIndexPage, WorkingGroupIndexPage, EventIndexPage, StandardPage},
        )
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_guide_index_lives_under_the_home_page_and_holds_guides(self) -> None:
        self.assertAllowedParentPageTypes(GuideIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(GuideIndexPage, {GuidePage, ChecklistPage})
        self.assertCanCreateAt(HomePage, GuideIndexPage)
        self.assertCanNotCreateAt(StandardPage, GuideIndexPage)
        self.assertCanNotCreateAt(GuideIndexPage, GuideIndexPage)

    def test_guides_only_under_a_guide_index(self) -> None:
        self.assertAllowedParentPageTypes(GuidePage, {GuideIndexPage})
        self.assertAllowedSubpageTypes(GuidePage, set())
        self.assertCanNotCreateAt(HomePage, GuidePage)
        self.assertCanNotCreateAt(StandardPage, GuidePage)
        self.assertCanNotCreateAt(GuidePage, GuidePage)

    def test_standard_pages_under_home_or_each_other(self) -> None:
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertCanNotCreateAt(GuideIndexPage, StandardPage)


class RenderTests(WagtailPageTestCase, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        reference_data_load()
        cls.home = HomePage.objects.get()
        cls.index = GuideIndexPage.objects.get(slug="guides")
        cls.guide = GuidePage(
            title="A guide",
            slug="a-guide",
            intro="What it is about.",
            body=json.dumps(
                [
                    {"type": "heading", "value": {"text": "Steps", "level": "h2"}},
                    {
                        "type": "steps",
                        "value": {
                            "heading": "",
                            "steps": [{"title": "First", "text": "<p>Do it.</p>"}],
                        },
                    },
                    {"type": "checklist", "value": {"heading": "", "items": ["One"]}},
                    {
                        "type": "callout",
                        "value": {"kind": "tip", "title": "", "text": "<p>Tip.</p>"},
                    },
                    {
                        "type": "contract_language",
                        "value": {
                            "topic": "Breaches",
                            "avoid": "As required by law.",
                            "ask_for": "Within 72 hours.",
                            "red_flag": "RF-11",
                        },
                    },
                    {
                        "type": "references",
                        "value": {
                            "heading": "",
                            "criteria": ["VPD-BRE-01"],
                            "red_flags": ["RF-11"],
                        },
                    },
                ]
            ),
        )
        cls.index.add_child(instance=cls.guide)
        cls.guide.save_revision().publish()
        # Created by migration 0005 on every install.
        cls.standard = StandardPage.objects.get(slug="privacy")

    def test_fresh_install_has_the_index_and_the_standard_pages(self) -> None:
        for path in (
            "/guides/",
            "/about/",
            "/privacy/",
            "/law-enforcement-requests/",
            "/code-of-conduct/",
        ):
            assert self.client.get(path).status_code == 200, path

    def test_every_type_renders(self) -> None:
        for page in (self.home, self.index, self.guide, self.standard):
            self.assertPageIsRenderable(page)

    def test_guide_renders_its_blocks_and_reference_links(self) -> None:
        html = self.client.get("/guides/a-guide/").content.decode()
        assert (
            '<a href="/criteria/VPD-BRE-01/"><span class="code">VPD-BRE-01</span> Breach notification</a>'
            in html
        )
        assert 'href="/criteria/red-flags/RF-11/"' in html
        assert "Example clause to ask for" in html
        assert "Within 72 hours." in html
        assert "Not reviewed yet." in html

    def test_privacy_policy_renders_the_retention_table_from_settings(self) -> None:
        with self.settings(COP_RETENTION_DAYS={**self._days(), "notifications": 123}):
            html = self.client.get("/privacy/").content.decode()
        assert "How long cop keeps each kind of record" in html
        assert "123 days" in html

    @staticmethod
    def _days() -> dict[str, int]:
        from django.conf import settings

        return dict(settings.COP_RETENTION_DAYS)
