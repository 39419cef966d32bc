"""The product page as a library worker reads it: glance, coverage, gaps, details, words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cop.privacy.data_files import at_a_glance_read
from cop.privacy.models import Criterion
from tests.vendors.disclosure_fixtures import answer_for
from tests.vendors.public_support import *  # noqa: F403
from tests.vendors.public_support import product_url, publish, roadmap_item
from vendors import services

pytestmark = pytest.mark.django_db


def _glance(html: str) -> str:
    match = re.search(r'<section class="glance".*?</section>', html, re.S)
    assert match
    return match.group(0)


@pytest.fixture
def lms_page(product_a, vendor_rep_a, moderator):
    """Stacks: borrowing history off by default, 14-day logs, a search of details."""
    publish(
        product_a,
        vendor_rep_a,
        moderator,
        [
            answer_for("VPD-ILS-01", 0),
            answer_for(
                "VPD-RET-01",
                value={
                    "logs": {"option": "fixed_maximum", "max_days": 14},
                    "backups": {"option": "none"},
                },
            ),
            answer_for("VPD-GOV-02", 0, fields={"notice_days": 30}),
        ],
    )
    return product_a


def test_glance_answers_borrowing_history_first_with_details(client, lms_page):
    html = client.get(product_url(lms_page)).content.decode()

    glance = _glance(html)
    assert "Is borrowing or reading history kept by default?" in glance
    assert "Off by default, patron opts in" in glance
    assert "Logs: Fixed maximum period (14 days)" in glance
    # criteria the vendor did not answer show as gaps, never disappear
    assert "Is there third-party tracking?" in glance
    assert "Not disclosed" in glance
    assert html.index("At a glance") < html.index('id="domain-GOV"')


def test_glance_leaves_out_questions_whose_criteria_do_not_apply(
    client, product_b, vendor_rep_b, moderator
):
    publish(product_b, vendor_rep_b, moderator, [answer_for("VPD-DSC-03", 0)])

    glance = _glance(client.get(product_url(product_b)).content.decode())

    assert "Borrowing history opt-in" not in glance  # an ILS criterion
    assert "Personalisation opt-in" in glance  # the discovery answer to it


def test_detail_values_are_labelled_inside_the_answer_cell(client, lms_page):
    html = client.get(product_url(lms_page)).content.decode()

    row = re.search(r'<tr id="VPD-GOV-02">.*?</tr>', html, re.S).group(0)
    assert "Days of advance notice: <strong>30 days</strong>" in row
    table = re.search(r'<tr id="VPD-RET-01">.*?</tr>', html, re.S).group(0)
    assert "Logs:</span> <strong>Fixed maximum period</strong>, 14 days" in table


def test_answered_rows_first_and_gaps_collapsed_to_one_line_per_domain(
    client, lms_page
):
    html = client.get(product_url(lms_page)).content.decode()

    section = re.search(
        r'<section class="domain" aria-labelledby="domain-GOV">.*?</section>',
        html,
        re.S,
    ).group(0)
    table, gaps = section.split('<details class="gaps">')
    assert 'id="VPD-GOV-02"' in table
    assert 'id="VPD-GOV-01"' in gaps  # not disclosed: in the collapsed list
    gov = Criterion.objects.current().filter(domain__code="GOV").count()
    assert f"{gov - 1} criteria not disclosed</summary>" in gaps
    assert 'href="#domain-GOV"' in html  # the jump list


def test_coverage_bars_carry_their_numbers_as_text(client, lms_page):
    html = client.get(product_url(lms_page)).content.decode()

    gov = Criterion.objects.current().filter(domain__code="GOV").count()
    assert f"1 of {gov} answered" in html
    assert re.search(r'<svg class="bar"[^>]*aria-hidden="true"', html)


def test_changes_read_as_words_not_field_names(
    client, lms_page, vendor_rep_a, moderator
):
    publish(
        lms_page,
        vendor_rep_a,
        moderator,
        [
            answer_for("VPD-ILS-01", 2),
            answer_for("VPD-GOV-02", 0, fields={"notice_days": 60}),
        ],
    )

    for url in (
        product_url(lms_page),
        reverse(
            "vendors:product_changelog",
            kwargs={"vendor_slug": "vendor-a", "product_slug": "stacks"},
        ),
    ):
        html = client.get(url).content.decode()
        assert "From “Off by default, patron opts in” to “On by default”." in html
        assert "Updated: the details." in html
        assert "No longer disclosed" in html  # RET-01
        assert "changed:" not in html
        assert "as_of" not in html


def test_roadmap_shows_status_badges_on_a_dated_timeline_and_beside_the_answer(
    client, lms_page, vendor_rep_a
):
    item = roadmap_item(lms_page, vendor_rep_a, criteria=["VPD-ILS-01"], title="Opt-in")
    services.roadmap_item_change_status(
        item=item, actor=vendor_rep_a, status="in_progress"
    )

    html = client.get(product_url(lms_page)).content.decode()

    assert (
        f'<li id="roadmap-{item.pk}" class="roadmap__item roadmap__item--in_progress">'
        in html
    )
    assert html.count("badge--planned") >= 1  # the history keeps the first status
    answer = re.search(r'<tr id="VPD-ILS-01">.*?</tr>', html, re.S).group(0)
    assert f'href="#roadmap-{item.pk}">Opt-in</a>' in answer
    assert "badge--in_progress" in answer


def test_small_screens_get_no_evidence_column(client, lms_page):
    html = client.get(product_url(lms_page)).content.decode()

    assert ">Evidence</th>" not in html  # sources sit inside the answer cell
    assert "Source:" in html


def test_glance_list_names_only_known_criteria_and_has_unique_keys(criteria):
    questions = at_a_glance_read()
    codes = {c for q in questions for c in q.criteria}

    assert len({q.key for q in questions}) == len(questions) >= 6
    assert codes <= set(Criterion.objects.values_list("code", flat=True))
