"""Public vendor pages: directory, vendor, product and changelog (HTTP level)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cop.privacy.models import Criterion
from tests.vendors.disclosure_fixtures import answer_for
from tests.vendors.public_support import *  # noqa: F403
from tests.vendors.public_support import draft, ordinal_codes, publish, roadmap_item
from vendors import services
from vendors.hooks import RelatedContent, RelatedLink, product_related_content
from vendors.models import Disclosure, Product

pytestmark = pytest.mark.django_db

DRAFT_NOTE = "DRAFT-ONLY-NOTE-never-public"


def _product_url(product: Product) -> str:
    return reverse(
        "vendors:product_detail",
        kwargs={"vendor_slug": product.organisation.slug, "product_slug": product.slug},
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# ----------------------------------------------------------------- directory, vendor


def test_directory_lists_vendors_products_and_coverage_without_cookies(
    client, published_a, product_b
):
    response = client.get(reverse("vendors:directory"))

    html = response.content.decode()
    assert response.status_code == 200
    assert not response.cookies
    assert _product_url(published_a) in html
    assert "3 of " in html
    assert " disclosed" in html
    assert "No published disclosure yet" in html  # product_b
    assert 'name="p" value="vendor-a/stacks"' in html  # compare form works without JS


def test_directory_query_count_is_constant(
    client, django_assert_num_queries, published_a, vendor_rep_b, moderator, product_b
):
    # given: one vendor with a published product
    url = reverse("vendors:directory")
    baseline = _queries(client, url)
    # when: more products, versions and vendors
    publish(
        product_b, vendor_rep_b, moderator, [answer_for(ordinal_codes(product_b)[0])]
    )
    for n in range(3):
        Product.objects.create(
            organisation=product_b.organisation,
            name=f"Extra {n}",
            slug=f"extra-{n}",
            product_type="content",
        )
    # then
    with django_assert_num_queries(baseline):
        client.get(url)


def test_vendor_detail_lists_its_products(client, published_a):
    response = client.get(
        reverse("vendors:vendor_detail", kwargs={"vendor_slug": "vendor-a"})
    )

    assert response.status_code == 200
    assert _product_url(published_a) in response.content.decode()


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("vendors:vendor_detail", {"vendor_slug": "no-such-vendor"}),
        ("vendors:product_detail", {"vendor_slug": "vendor-a", "product_slug": "nope"}),
        (
            "vendors:product_detail",
            {"vendor_slug": "vendor-b", "product_slug": "stacks"},
        ),
        ("vendors:product_changelog", {"vendor_slug": "x", "product_slug": "y"}),
    ],
)
def test_unknown_slugs_are_404(client, published_a, vendor_b, name, kwargs):
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404


def test_library_organisation_is_not_a_vendor_page(client, library):
    response = client.get(
        reverse("vendors:vendor_detail", kwargs={"vendor_slug": library.slug})
    )

    assert response.status_code == 404


# ----------------------------------------------------------------- product page


def test_product_page_groups_answers_by_domain_with_evidence_and_gaps(
    client, published_a
):
    response = client.get(_product_url(published_a))

    html = response.content.decode()
    assert response.status_code == 200
    assert not response.cookies
    assert '<h3 id="domain-GOV">Governance and notice' in html
    assert "Not disclosed" in html  # gaps stay visible
    assert (
        'href="https://vendor.example/privacy" rel="noopener noreferrer nofollow"'
        in html
    )
    assert "We do not sell data." in html
    version = published_a.disclosure.versions.get()
    expected = f"3 of {version.coverage['applicable']} disclosed"
    assert expected in html
    assert "grade" not in html.lower()


@pytest.mark.parametrize("role", ["anonymous", "vendor_rep_a", "moderator"])
def test_product_page_never_shows_a_pending_draft_to_anyone(
    client, people, published_a, vendor_rep_a, role
):
    # given: a published version and a newer, unpublished draft
    code = ordinal_codes(published_a, 1)[0]
    draft(published_a, vendor_rep_a, [answer_for(code, 1, note=DRAFT_NOTE)])
    if people[role] is not None:
        client.force_login(people[role])
    # when
    html = client.get(_product_url(published_a)).content.decode()
    changes = client.get(
        reverse(
            "vendors:product_changelog",
            kwargs={"vendor_slug": "vendor-a", "product_slug": "stacks"},
        )
    ).content.decode()
    # then
    assert DRAFT_NOTE not in html
    assert DRAFT_NOTE not in changes
    assert "Version 1," in html


def test_product_page_never_published_shows_no_answers(client, product_a, vendor_rep_a):
    draft(
        product_a,
        vendor_rep_a,
        [answer_for(ordinal_codes(product_a)[0], note=DRAFT_NOTE)],
    )

    html = client.get(_product_url(product_a)).content.decode()

    assert "no published disclosure yet" in html
    assert DRAFT_NOTE not in html


def test_product_page_unpublished_disclosure_shows_nothing(
    client, published_a, moderator
):
    Disclosure.objects.get(product=published_a).unpublish(user=moderator)

    html = client.get(_product_url(published_a)).content.decode()

    assert "no published disclosure yet" in html
    assert "We do not sell data." not in html


def test_product_page_marks_stale_answers(client, product_a, vendor_rep_a, moderator):
    old = timezone.localdate() - dt.timedelta(days=800)
    code = ordinal_codes(product_a, 1)[0]
    publish(product_a, vendor_rep_a, moderator, [answer_for(code, as_of=old)])

    html = client.get(_product_url(product_a)).content.decode()

    assert f"Stale: last confirmed {old.isoformat()}" in html
    assert "1 stale answer" in html


def test_product_page_shows_changes_between_last_two_versions(
    client, published_a, vendor_rep_a, moderator
):
    codes = ordinal_codes(published_a, 3)
    publish(
        published_a,
        vendor_rep_a,
        moderator,
        [answer_for(codes[0], 1), answer_for(codes[1], 0), answer_for(codes[2], 0)],
    )

    html = client.get(_product_url(published_a)).content.decode()

    assert "Changes from version 1 to 2" in html
    assert "Regressed" in html
    assert codes[0] in html


def test_changelog_page_lists_every_version_with_directions(
    client, published_a, vendor_rep_a, moderator
):
    codes = ordinal_codes(published_a, 4)
    publish(
        published_a,
        vendor_rep_a,
        moderator,
        [answer_for(codes[0], 1), answer_for(codes[1], 0), answer_for(codes[3], 0)],
    )

    response = client.get(
        reverse(
            "vendors:product_changelog",
            kwargs={"vendor_slug": "vendor-a", "product_slug": "stacks"},
        )
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="v2"' in html
    assert 'id="v1"' in html
    assert "1 improved, 1 regressed" not in html  # codes[0] regressed only
    assert "Regressed" in html
    assert "Newly disclosed" in html  # codes[3]
    assert "No longer disclosed" in html  # codes[2]
    assert "First published version." in html


def test_product_page_roadmap_shows_status_history(client, published_a, vendor_rep_a):
    criterion = Criterion.objects.get(code=ordinal_codes(published_a, 1)[0])
    item = roadmap_item(
        published_a,
        vendor_rep_a,
        title="Delete loan history after return",
        criteria=[criterion],
        target_quarter="2027-Q1",
    )
    services.roadmap_item_change_status(
        item=item, actor=vendor_rep_a, status="in_progress", note="Started"
    )

    html = client.get(_product_url(published_a)).content.decode()

    assert "Delete loan history after return" in html
    assert "2027-Q1" in html
    history = re.search(r'<ol class="timeline">.*?</ol>', html, re.S).group(0)
    statuses = re.findall(r"badge--roadmap badge--(\w+)", history)
    assert statuses == ["planned", "in_progress"]
    assert "Started" in html
    assert reverse("privacy:criterion_detail", kwargs={"code": criterion.code}) in html


def test_product_page_related_content_rendered_only_when_registered(
    client, published_a
):
    url = _product_url(published_a)
    assert 'id="related"' not in client.get(url).content.decode()

    def provider(*, product, viewer):
        return RelatedContent(
            heading="Discussions",
            links=[RelatedLink(title="<b>Retention</b> thread", url="/discussions/1/")],
        )

    product_related_content.register("test", provider)
    try:
        html = client.get(url).content.decode()
    finally:
        product_related_content._entries.pop("test")

    assert 'id="related"' in html
    assert "&lt;b&gt;Retention&lt;/b&gt; thread" in html  # autoescaped


def test_product_page_query_count_is_constant(
    client, django_assert_num_queries, published_a, vendor_rep_a, moderator
):
    # given: one version, one roadmap item
    url = _product_url(published_a)
    roadmap_item(published_a, vendor_rep_a, title="First")
    baseline = _queries(client, url)
    # when: more versions, answers and roadmap items with history
    codes = ordinal_codes(published_a)
    publish(published_a, vendor_rep_a, moderator, [answer_for(c, 1) for c in codes])
    publish(published_a, vendor_rep_a, moderator, [answer_for(c, 0) for c in codes])
    criteria = list(Criterion.objects.filter(code__in=codes[:3]))
    for n in range(3):
        item = roadmap_item(
            published_a, vendor_rep_a, title=f"Item {n}", criteria=criteria
        )
        services.roadmap_item_change_status(
            item=item, actor=vendor_rep_a, status="shipped"
        )
    # then
    with django_assert_num_queries(baseline):
        client.get(url)


def test_vendor_pages_refuse_post(client, published_a):
    assert client.post(_product_url(published_a)).status_code == 405
