"""Public criteria, framework and red-flag pages (``/criteria/``)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cop.privacy.models import Criterion, CriterionOption, FrameworkItem, RedFlag

pytestmark = pytest.mark.usefixtures("loaded")


def test_criterion_list_anonymous_groups_by_domain_without_cookies(client):
    response = client.get(reverse("privacy:criterion_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert not response.cookies
    assert 'id="domain-GOV"' in html
    assert "VPD-GOV-01" in html
    assert reverse("privacy:criterion_detail", kwargs={"code": "VPD-GOV-01"}) in html
    assert "<caption" in html
    assert 'scope="col"' in html


def test_criterion_list_filtered_by_domain_and_module_shows_only_matches(client):
    response = client.get(
        reverse("privacy:criterion_list"), {"domain": "RET", "module": "core"}
    )

    html = response.content.decode()
    expected = Criterion.objects.current().filter(
        domain__code="RET", module__code="core"
    )
    assert response.status_code == 200
    assert expected.exists()
    for criterion in expected:
        assert criterion.code in html
    assert "VPD-GOV-01" not in html


def test_criterion_list_bad_filter_is_ignored_with_escaped_message(client):
    response = client.get(
        reverse("privacy:criterion_list"), {"domain": "<script>x</script>"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert not response.cookies  # the message is shown at once, never stored
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;" in html
    assert "ignored" in html
    assert "VPD-GOV-01" in html  # the unfiltered list


def test_criterion_detail_lists_options_in_rank_order_and_sources(client):
    criterion = Criterion.objects.get(code="VPD-GOV-02")

    response = client.get(
        reverse("privacy:criterion_detail", kwargs={"code": criterion.code})
    )

    html = response.content.decode()
    assert response.status_code == 200
    labels = [
        o.label
        for o in CriterionOption.objects.filter(criterion=criterion).order_by("rank")
    ]
    positions = [html.index(escape(label)) for label in labels]
    assert positions == sorted(positions)
    item = criterion.derived_items.select_related("framework").first()
    assert item is not None
    assert (
        reverse("privacy:framework_detail", kwargs={"code": item.framework.code})
        + f"#{item.code}"
        in html
    )


def test_criterion_detail_retired_criterion_still_shown_with_notice(client):
    Criterion.objects.filter(code="VPD-GOV-04").update(retired_at=timezone.now())

    response = client.get(
        reverse("privacy:criterion_detail", kwargs={"code": "VPD-GOV-04"})
    )

    assert response.status_code == 200
    assert "retired" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("privacy:criterion_detail", "VPD-NOPE-99"),
        ("privacy:framework_detail", "NOPE"),
        ("privacy:red_flag_detail", "RF-99"),
    ],
)
def test_detail_pages_unknown_code_is_404(client, name, code):
    assert client.get(reverse(name, kwargs={"code": code})).status_code == 404


def test_framework_detail_anchors_each_item_and_links_its_criteria(client):
    item = (
        FrameworkItem.objects.current()
        .filter(criteria__isnull=False)
        .select_related("framework")
        .first()
    )

    response = client.get(
        reverse("privacy:framework_detail", kwargs={"code": item.framework.code})
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="{item.code}"' in html
    criterion = item.criteria.first()
    assert reverse("privacy:criterion_detail", kwargs={"code": criterion.code}) in html


def test_framework_list_links_every_current_framework(client):
    response = client.get(reverse("privacy:framework_list"))

    assert response.status_code == 200
    assert "/criteria/frameworks/NISO/" in response.content.decode()


def test_red_flag_list_and_detail_show_severity_and_related_criteria(client):
    flag = RedFlag.objects.filter(related_criteria__isnull=False).first()

    listing = client.get(reverse("privacy:red_flag_list"))
    detail = client.get(reverse("privacy:red_flag_detail", kwargs={"code": flag.code}))

    assert listing.status_code == 200
    assert flag.code in listing.content.decode()
    html = detail.content.decode()
    assert detail.status_code == 200
    assert flag.severity.label in html
    assert flag.related_criteria.first().code in html


def test_criterion_list_query_count_is_constant(client, django_assert_max_num_queries):
    # The whole shipped framework is loaded; the page runs a fixed handful of queries.
    with django_assert_max_num_queries(6):
        client.get(reverse("privacy:criterion_list"))


def test_framework_detail_query_count_is_constant(client, django_assert_num_queries):
    url = reverse("privacy:framework_detail", kwargs={"code": "NISO"})
    client.get(url)
    with django_assert_num_queries(3):
        client.get(url)


def test_criteria_pages_refuse_post(client):
    response = client.post(reverse("privacy:criterion_list"))

    assert response.status_code == 405
