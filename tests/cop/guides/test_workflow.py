"""Moderators create guides in the admin; another moderator approves before they go live."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from wagtail.models import Page, TaskState, Workflow
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cop.guides.models import GuideIndexPage, GuidePage, HomePage, PeerReviewTask

pytestmark = pytest.mark.django_db


def _guide_form(title: str) -> dict[str, Any]:
    return nested_form_data(
        {
            "title": title,
            "slug": "a-new-guide",
            "intro": "Why and how.",
            "body": streamfield([("paragraph", rich_text("<p>First steps.</p>"))]),
            "tags": "",
            "seo_title": "",
            "search_description": "",
            "last_reviewed_on": "",
            "reviewed_by": "",
        }
    )


def _submit_new_guide(client: Any, index: GuideIndexPage) -> GuidePage:
    url = reverse("wagtailadmin_pages:add", args=["guides", "guidepage", index.pk])
    data = _guide_form("A new guide")
    data["action-submit"] = "Submit for moderation"
    response = client.post(url, data)
    assert response.status_code == 302
    return GuidePage.objects.get(slug="a-new-guide")


def test_moderators_have_the_guides_tree_and_the_review_workflow_out_of_the_box(
    home: HomePage,
) -> None:
    workflow = Workflow.objects.get(name="Moderator review")
    assert home.get_workflow() == workflow
    task = workflow.tasks.get().specific
    assert isinstance(task, PeerReviewTask)
    assert list(task.groups.values_list("name", flat=True)) == ["Moderators"]


def test_moderator_may_add_a_guide_under_the_index(
    client: Any, guide_index: GuideIndexPage, moderator_a: Any
) -> None:
    client.force_login(moderator_a)
    response = client.get(
        reverse("wagtailadmin_pages:add_subpage", args=[guide_index.pk])
    )
    # Guides and checklists are allowed under the index.
    assert response.status_code == 200
    html = response.content.decode()
    for model in ("guidepage", "checklistpage"):
        add = f"/admin/pages/add/guides/{model}/{guide_index.pk}/"
        assert add in html
        assert client.get(add).status_code == 200


def test_moderator_cannot_publish_directly(
    client: Any, guide_index: GuideIndexPage, moderator_a: Any
) -> None:
    client.force_login(moderator_a)
    url = reverse(
        "wagtailadmin_pages:add", args=["guides", "guidepage", guide_index.pk]
    )
    data = _guide_form("A new guide")
    data["action-publish"] = "Publish"
    client.post(url, data)
    guide = GuidePage.objects.get(slug="a-new-guide")
    assert not guide.live


def test_another_moderator_approves_and_the_guide_goes_live(
    client: Any, guide_index: GuideIndexPage, moderator_a: Any, moderator_b: Any
) -> None:
    # given: moderator A submits a new guide for review
    client.force_login(moderator_a)
    guide = _submit_new_guide(client, guide_index)
    state = guide.current_workflow_state
    assert state is not None
    assert state.status == "in_progress"
    assert not guide.live
    task_state = state.current_task_state
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[guide.pk, "approve", task_state.pk],
    )
    # when: A tries to approve their own change
    assert PeerReviewTask.objects.get().get_actions(guide, moderator_a) == []
    client.post(approve, {"comment": ""})
    # then: nothing is published
    guide.refresh_from_db()
    assert not guide.live
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"

    # when: B approves
    client.force_login(moderator_b)
    response = client.post(approve, {"comment": "Checked the clauses."})
    # then: the guide is live, and the revisions are kept
    assert response.status_code in (200, 302), response
    guide.refresh_from_db()
    assert guide.live
    assert TaskState.objects.get(pk=task_state.pk).status == "approved"
    assert guide.revisions.count() >= 1
    assert client.get("/guides/a-new-guide/").status_code == 200


def test_library_worker_has_no_page_rights(client: Any, home: HomePage) -> None:
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("wagtailadmin_pages:add_subpage", args=[home.pk]))
    assert response.status_code == 403
    assert Page.objects.filter(depth__gt=3).count() == 0
