"""CSV and JSON downloads of the comparison; spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.vendors.disclosure_fixtures import answer_for
from tests.vendors.public_support import *  # noqa: F403
from tests.vendors.public_support import ordinal_codes, publish
from vendors.exports import csv_safe, csv_text

CSV_URL = "/vendors/compare.csv"
JSON_URL = "/vendors/compare.json"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Not collected", "Not collected"),
        ("a=b", "a=b"),
        (None, ""),
        (3, "3"),
    ],
)
def test_csv_safe_neutralises_formula_prefixes(value, expected):
    assert csv_safe(value) == expected


def test_csv_text_quotes_and_neutralises_every_cell():
    text = csv_text([["=1+1", 'say "hi"', "x,y"]])

    assert text == '\'=1+1,"say ""hi""","x,y"\r\n'


@pytest.mark.django_db
def test_compare_csv_neutralises_vendor_supplied_text(
    client, published_a, product_b, vendor_rep_b, moderator
):
    # given: product names (vendor-supplied) that a spreadsheet would evaluate
    published_a.name = "=cmd|' /C calc'!A0"
    published_a.save(update_fields=["name"])
    product_b.name = "@SUM(1+1)"
    product_b.save(update_fields=["name"])
    publish(
        product_b, vendor_rep_b, moderator, [answer_for(ordinal_codes(product_b)[0])]
    )
    # when
    response = client.get(CSV_URL, {"p": ["vendor-a/stacks", "vendor-b/finder"]})
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["criterion", "title", "domain", "module"]
    assert rows[0][4] == "'=cmd|' /C calc'!A0"
    assert rows[0][6] == "'@SUM(1+1)"
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


@pytest.mark.django_db
def test_compare_csv_has_one_row_per_criterion_with_marks(client, published_a):
    response = client.get(
        CSV_URL, {"p": "vendor-a/stacks", "domain": "GOV", "rows": "all"}
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert all(row[2] == "GOV" for row in rows[1:])
    assert {row[0] for row in rows[1:]} >= {"VPD-GOV-01", "VPD-GOV-02"}
    assert "Not disclosed" in {row[4] for row in rows[1:]}


@pytest.mark.django_db
@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_compare_exports_without_valid_products_are_400(client, criteria, url):
    too_many = {"p": [f"v/p{n}" for n in range(7)]}

    assert client.get(url).status_code == 400
    assert client.get(url, {"p": "nobody/nothing"}).status_code == 400
    response = client.get(url, too_many)
    assert response.status_code == 400
    assert "at most 6" in response.content.decode()


@pytest.mark.django_db
def test_compare_json_lists_products_criteria_and_ranked_answers(client, published_a):
    response = client.get(
        JSON_URL, {"p": ["vendor-a/stacks", "nobody/x"], "rows": "all"}
    )

    body = json.loads(response.content)
    assert response.status_code == 200
    assert not response.cookies
    assert body["errors"] == ["Unknown product ignored: nobody/x."]
    assert body["products"][0]["slug"] == "stacks"
    assert body["products"][0]["coverage"]["disclosed"] == 3
    first = next(
        c for c in body["criteria"] if c["code"] == ordinal_codes(published_a)[0]
    )
    assert first["answers"][0]["status"] == "answered"
    assert first["answers"][0]["rank"] == 1
    gap = next(
        c for c in body["criteria"] if c["answers"][0]["status"] == "not_disclosed"
    )
    assert gap["answers"][0]["rank"] is None
    assert gap["answers"][0]["mark"] is None
