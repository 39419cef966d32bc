"""The disclosure editor over HTTP: widgets per scale, saving, errors, access."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.vendors.disclosure_fixtures import *  # noqa: F403
from vendors import services
from vendors.models import Disclosure, Product
from vendors.selectors_editor import disclosure_draft
from vendors.services.snapshots import applicable_criteria

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
AS_OF = (TODAY - dt.timedelta(days=3)).isoformat()


def edit_url(product: Product) -> str:
    return reverse("vendors:disclosure_edit", kwargs={"product_id": product.pk})


def complete(code: str, **fields: Any) -> dict[str, Any]:
    """Return the POST fields of a complete answer to ``code`` (without the value)."""
    return {
        f"{code}-configurability": "fixed_by_vendor",
        f"{code}-basis": "public_policy",
        f"{code}-as_of": AS_OF,
        f"{code}-evidence_url": "https://vendor.example/privacy",
        f"{code}-evidence_type": "privacy_policy",
        **{f"{code}-{k}": v for k, v in fields.items()},
    }


def draft_answers(product: Product) -> dict[str, Any]:
    disclosure = Disclosure.objects.get(product=product)
    draft = disclosure_draft(disclosure=disclosure)
    assert draft is not None
    return {a.criterion.code: a for a in draft.answers.all()}


@pytest.fixture
def rep_client(client, vendor_rep_a):
    client.force_login(vendor_rep_a)
    return client


def test_editor_renders_every_criterion_with_the_widget_of_its_scale(
    rep_client, product_a
):
    response = rep_client.get(edit_url(product_a))

    html = response.content.decode()
    assert response.status_code == 200
    codes = [c.code for c in applicable_criteria(product=product_a)]
    for code in codes:
        assert f'id="{code}"' in html
    assert f"0 of {len(codes)} answered" in html
    # ordinal: radios labelled with the options
    assert 'type="radio" name="VPD-GOV-01-value" value="product_specific"' in html
    assert "Product-specific notice" in html
    # boolean: radios
    assert 'type="radio" name="VPD-GOV-03-value" value="yes"' in html
    # multi: checkboxes
    assert 'type="checkbox" name="VPD-COL-02-value" value="analytics"' in html
    # table: one select per row, and its per-row field
    assert '<select name="VPD-COL-01-row__search_queries"' in html
    assert '<select name="VPD-COL-01-row__search_queries__requirement"' in html
    # details typed, dates as pickers, a jump list by domain, no JSON anywhere
    assert 'type="url" name="VPD-GOV-01-field__notice_url"' in html
    assert 'type="date" name="VPD-GOV-01-as_of"' in html
    assert 'href="#domain-RET"' in html
    assert "{&quot;" not in html
    assert "<textarea" in html
    assert 'name="VPD-GOV-01-value"' in html
    assert "Enter a valid JSON" not in html


def test_post_saves_each_scale_kind_as_its_structured_answer(rep_client, product_a):
    data = {
        **complete("VPD-GOV-01", value="corporate_only"),
        "VPD-GOV-01-field__notice_url": "https://vendor.example/notice",
        **complete("VPD-GOV-03", value="yes"),
        **complete("VPD-COL-02", status="answered"),
        "VPD-COL-02-value": ["service_delivery", "analytics"],
        **complete("VPD-COL-01", status="answered"),
        "VPD-COL-01-row__search_queries": "collected_not_linked",
        "VPD-COL-01-row__search_queries__requirement": "optional",
        "VPD-COL-01-row__location": "not_collected",
        "VPD-COL-01-newrow__label": "Reading lists",
        "VPD-COL-01-newrow__option": "collected_linked",
        **complete("VPD-SHR-01", value="on_request"),
        "VPD-SHR-01-entry0__name": "Hosting Co",
        "VPD-SHR-01-entry0__data_categories": "logs, accounts",
        "VPD-GOV-02-status": "not_applicable",
        "VPD-GOV-02-status_reason": "No personal data leaves the library.",
        "save": "1",
    }

    response = rep_client.post(edit_url(product_a), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    answers = draft_answers(product_a)
    assert answers["VPD-GOV-01"].value == "corporate_only"
    assert answers["VPD-GOV-01"].fields == {
        "notice_url": "https://vendor.example/notice"
    }
    assert answers["VPD-GOV-01"].as_of == dt.date.fromisoformat(AS_OF)
    assert (
        answers["VPD-GOV-01"].evidence.all()[0].url == "https://vendor.example/privacy"
    )
    assert answers["VPD-GOV-03"].value == "yes"
    assert answers["VPD-COL-02"].value == ["service_delivery", "analytics"]
    assert answers["VPD-COL-01"].value == {
        "search_queries": {"option": "collected_not_linked", "requirement": "optional"},
        "location": {"option": "not_collected"},
        "reading_lists": {"option": "collected_linked", "label": "Reading lists"},
    }
    assert answers["VPD-SHR-01"].value == {
        "option": "on_request",
        "entries": [{"name": "Hosting Co", "data_categories": ["logs", "accounts"]}],
    }
    assert answers["VPD-GOV-02"].status == "not_applicable"
    assert set(answers) == {
        "VPD-GOV-01",
        "VPD-GOV-03",
        "VPD-COL-02",
        "VPD-COL-01",
        "VPD-SHR-01",
        "VPD-GOV-02",
    }
    # the saved draft comes back into the form, including the added row
    html = rep_client.get(edit_url(product_a)).content.decode()
    assert "6 of " in html
    assert 'value="corporate_only" id="id_VPD-GOV-01-value_1" checked' in html
    assert "Reading lists" in html
    assert 'value="Hosting Co"' in html
    assert 'value="logs, accounts"' in html


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(rep_client, product_a):
    data = {
        **complete("VPD-GOV-01", value="product_specific", as_of="last tuesday"),
        "VPD-GOV-01-note": "off by default",
        **complete("VPD-GOV-03", value="yes", basis=""),
        "VPD-RET-01-field__nothing": "x",
        "save": "1",
    }

    response = rep_client.post(edit_url(product_a), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved: 2 answers need attention" in html
    assert 'value="last tuesday"' in html
    assert "Enter a valid date." in html
    assert "off by default" in html
    assert "Choose the evidence basis." in html
    assert 'value="yes" id="id_VPD-GOV-03-value_0" checked' in html
    assert not Disclosure.objects.filter(product=product_a).exists()


def test_choosing_an_option_of_another_criterion_is_refused_not_a_500(
    rep_client, product_a
):
    data = {**complete("VPD-GOV-01", value="yes"), "save": "1"}

    response = rep_client.post(edit_url(product_a), data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "vendor_rep_b", "library_worker"])
def test_others_get_404_or_sign_in(client, product_a, who, request):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    get = client.get(edit_url(product_a))
    post = client.post(edit_url(product_a), complete("VPD-GOV-01", value="none"))
    if who == "anonymous":
        assert get.status_code == 302
        assert "/accounts/login/" in get["Location"]
        assert post.status_code == 302
    else:
        assert get.status_code == 404
        assert post.status_code == 404
    assert not Disclosure.objects.filter(product=product_a).exists()


def test_editor_query_count_does_not_grow_with_the_answers(
    rep_client, product_a, product_b, vendor_rep_a
):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert rep_client.get(edit_url(product_a)).status_code == 200
        return len(ctx.captured_queries)

    from tests.vendors.disclosure_fixtures import answer_for, answers_for

    disclosure = services.disclosure_create(product=product_a, actor=vendor_rep_a)
    services.disclosure_save_draft(
        disclosure=disclosure, actor=vendor_rep_a, answers=[answer_for("VPD-GOV-01")]
    )
    few = count()
    services.disclosure_save_draft(
        disclosure=disclosure, actor=vendor_rep_a, answers=answers_for(product_a)
    )
    every = count()

    assert every == few
    assert every <= 30


def test_product_page_links_its_representatives_to_the_editor(
    client, product_a, vendor_rep_a, vendor_rep_b
):
    url = reverse(
        "vendors:product_detail",
        kwargs={"vendor_slug": product_a.organisation.slug, "product_slug": "stacks"},
    )
    client.force_login(vendor_rep_b)
    assert edit_url(product_a) not in client.get(url).content.decode()
    client.force_login(vendor_rep_a)
    html = client.get(url).content.decode()
    assert edit_url(product_a) in html
    assert "Edit this disclosure" in html
    assert reverse("vendors:workspace") in html  # the "Vendor tools" header entry


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_cached_answer_forms_follow_every_saved_change(rep_client, product_a, settings):
    settings.COP_VENDORS_PAGE_CACHE = True
    django_cache.clear()
    url = edit_url(product_a)
    first = {**complete("VPD-GOV-01", value="none"), "save": "1"}
    assert rep_client.post(url, first).status_code == 302
    rep_client.get(url)  # shows and drops the "Draft saved." message
    cold = rep_client.get(url).content.decode()
    warm = rep_client.get(url).content.decode()

    second = {**complete("VPD-GOV-01", value="corporate_only"), "save": "1"}
    assert rep_client.post(url, second).status_code == 302
    after = rep_client.get(url).content.decode()
    bad = rep_client.post(url, {**second, "VPD-GOV-01-as_of": "soon"})

    assert _without_tokens(warm) == _without_tokens(cold)
    assert 'value="none" id="id_VPD-GOV-01-value_2" checked' in cold
    assert 'value="corporate_only" id="id_VPD-GOV-01-value_1" checked' in after
    assert 'value="none" id="id_VPD-GOV-01-value_2" checked' not in after
    assert 'value="soon"' in bad.content.decode()
    assert 'value="soon"' not in rep_client.get(url).content.decode()


def test_warm_editor_builds_no_form_and_runs_the_same_few_queries(
    rep_client, product_a, vendor_rep_a, settings
):
    # given: the page cache on, and a draft of one answer, then of every answer
    settings.COP_VENDORS_PAGE_CACHE = True
    django_cache.clear()
    from tests.vendors.disclosure_fixtures import answer_for, answers_for

    def warm_queries() -> list[str]:
        assert rep_client.get(edit_url(product_a)).status_code == 200  # fills caches
        with CaptureQueriesContext(connection) as ctx:
            assert rep_client.get(edit_url(product_a)).status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    disclosure = services.disclosure_create(product=product_a, actor=vendor_rep_a)
    services.disclosure_save_draft(
        disclosure=disclosure, actor=vendor_rep_a, answers=[answer_for("VPD-GOV-01")]
    )
    few = warm_queries()
    services.disclosure_save_draft(
        disclosure=disclosure, actor=vendor_rep_a, answers=answers_for(product_a)
    )
    every = warm_queries()

    # then: a constant, small count; neither the criteria nor the answers are read
    assert len(every) == len(few) <= 8
    assert not [sql for sql in every if "criterion" in sql or "_answer" in sql]


def test_cached_editor_follows_a_change_of_the_criteria(
    rep_client, product_a, settings, django_capture_on_commit_callbacks
):
    from cop.privacy.models import CriterionOption

    settings.COP_VENDORS_PAGE_CACHE = True
    django_cache.clear()
    url = edit_url(product_a)
    rep_client.get(url)
    option = CriterionOption.objects.filter(criterion__code="VPD-GOV-01").first()
    assert option is not None

    with django_capture_on_commit_callbacks(execute=True):
        option.label = "Renamed by the working group"
        option.save()

    assert "Renamed by the working group" in rep_client.get(url).content.decode()
