"""Disclosure spreadsheets: export, import, the round trip, and hostile files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from wagtail.documents import get_document_model

from tests.vendors.disclosure_fixtures import *  # noqa: F403
from tests.vendors.disclosure_fixtures import answer_for, answers_for
from vendors import services
from vendors.models import Disclosure, Product
from vendors.selectors_editor import disclosure_draft
from vendors.services.snapshots import answer_record, applicable_criteria
from vendors.spreadsheets.columns import COLUMN_KEYS, pairs_text, parse_pairs
from vendors.spreadsheets.export import disclosure_export, template_export
from vendors.spreadsheets.files import SpreadsheetError

pytestmark = pytest.mark.django_db

AS_OF = timezone.localdate() - dt.timedelta(days=5)


def rich_answers(product: Product) -> list[dict[str, Any]]:
    """Every applicable criterion answered, with the shapes that are hard to write."""
    answers = {a["criterion"]: a for a in answers_for(product, pick=1)}
    answers["VPD-GOV-01"] = answer_for(
        "VPD-GOV-01",
        value="product_specific",
        fields={"notice_url": "https://v.example/notice", "last_updated": "2025-01-02"},
        configurability="library_configurable",
        default_option="corporate_only",
        note="=1+1; not a formula, a note",
        product_version="4.2",
    )
    answers["VPD-COL-02"] = answer_for(
        "VPD-COL-02", value=["analytics", "service_delivery"]
    )
    answers["VPD-RET-01"] = answer_for(
        "VPD-RET-01",
        value={
            "logs": {"option": "fixed_maximum", "max_days": 14},
            "backups": {"option": "none"},
            "chat_transcripts": {
                "option": "fixed_maximum",
                "label": "Chat; transcripts",
            },
        },
    )
    answers["VPD-SHR-01"] = answer_for(
        "VPD-SHR-01",
        value={
            "option": "public_with_notice",
            "entries": [
                {"name": "Example CDN", "data_categories": ["ip address", "device"]},
                {
                    "name": "Mailer",
                    "purpose": "notices; receipts",
                    "url": "https://m.example/",
                },
            ],
        },
    )
    answers["VPD-GOV-03"] = {
        "criterion": "VPD-GOV-03",
        "status": "not_applicable",
        "status_reason": "No end users",
    }
    answers["VPD-GOV-02"]["evidence"].append(
        {"url": "https://v.example/dpa", "document_type": "contract", "excerpt": "§4"}
    )
    answers.pop("VPD-GOV-05")  # not disclosed
    return list(answers.values())


def draft_records(product: Product) -> dict[str, Any]:
    disclosure = Disclosure.objects.get(product=product)
    draft = disclosure_draft(disclosure=disclosure)
    assert draft is not None
    return {a.criterion.code: answer_record(a) for a in draft.answers.all()}


@pytest.fixture
def drafted(product_a, vendor_rep_a):
    disclosure = services.disclosure_create(product=product_a, actor=vendor_rep_a)
    services.disclosure_save_draft(
        disclosure=disclosure, actor=vendor_rep_a, answers=rich_answers(product_a)
    )
    return product_a


def do_import(product: Product, actor: Any, data: bytes, name: str = "f.xlsx") -> Any:
    return services.disclosure_import(
        product=product, actor=actor, name=name, data=data
    )


def xlsx_of(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_of(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def exported_rows(product: Product) -> list[list[Any]]:
    data = disclosure_export(product=product, fmt="csv").content.decode("utf-8-sig")
    return [list(r) for r in csv.reader(io.StringIO(data))]


# ----------------------------------------------------------------- cell syntax


def test_pairs_round_trip_escaped_separators():
    pairs = [("a", "x; y"), ("b", "back\\slash"), ("c", "two\nlines")]

    assert parse_pairs(pairs_text(pairs)) == pairs


# ----------------------------------------------------------------- export


def test_export_xlsx_has_a_row_per_criterion_with_drop_downs_and_labels(drafted):
    # when
    download = disclosure_export(product=drafted, fmt="xlsx")
    # then
    book = load_workbook(io.BytesIO(download.content))
    sheet = book["Disclosure"]
    header = [c.value for c in sheet[1]]
    assert tuple(header) == COLUMN_KEYS
    codes = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == [c.code for c in applicable_criteria(product=drafted)]
    row = dict(zip(header, sheet[codes.index("VPD-GOV-01") + 2], strict=True))
    assert row["answer"].value == "product_specific"
    assert row["answer_label"].value == "Product-specific notice"
    assert "product_specific = Product-specific notice" in row["options"].value
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert f"E2:E{len(codes) + 1}" in lists  # status
    answer_cell = row["answer"].coordinate
    assert lists[answer_cell].startswith("Lists!$B$")
    assert book["Lists"].sheet_state == "hidden"
    assert download.filename.endswith(".xlsx")


def test_template_per_product_type_is_blank_and_lists_the_type_criteria(criteria):
    download = template_export(product_type="discovery", fmt="csv")

    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    codes = [r[0] for r in rows[1:]]
    assert any(code.startswith("VPD-DSC-") for code in codes)
    assert not any(code.startswith("VPD-ILS-") for code in codes)
    assert all(r[COLUMN_KEYS.index("answer")] == "" for r in rows[1:])


# ----------------------------------------------------------------- round trip


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_gives_an_identical_draft(drafted, vendor_rep_a, fmt):
    # given
    before = draft_records(drafted)
    download = disclosure_export(product=drafted, fmt=fmt)
    # when
    result = do_import(drafted, vendor_rep_a, download.content, download.filename)
    # then
    assert draft_records(drafted) == before
    assert result.untouched == 0
    assert result.answered == len(before)


def test_a_filled_template_imports_into_an_empty_product(product_a, vendor_rep_a):
    # given: a blank template with two rows filled in
    rows = list(
        csv.reader(
            io.StringIO(
                template_export(product_type="lms", fmt="csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    col = {k: n for n, k in enumerate(rows[0])}
    by_code = {r[0]: r for r in rows[1:]}
    gov = by_code["VPD-GOV-01"]
    gov[col["answer"]] = "none"
    gov[col["configurability"]] = "fixed_by_vendor"
    gov[col["basis"]] = "public_policy"
    gov[col["as_of"]] = AS_OF.isoformat()
    ret = by_code["VPD-RET-01"]
    ret[col["answer"]] = "logs = fixed_maximum; max_days = 30\naccounts = none"
    ret[col["configurability"]] = "fixed_by_vendor"
    ret[col["basis"]] = "contract_clause"
    ret[col["as_of"]] = AS_OF.isoformat()
    # when
    result = do_import(product_a, vendor_rep_a, csv_of(rows), "filled.csv")
    # then
    answers = draft_records(product_a)
    assert result.answered == 2
    assert answers["VPD-GOV-01"]["value"] == "none"
    assert answers["VPD-RET-01"]["value"] == {
        "logs": {"option": "fixed_maximum", "max_days": 30},
        "accounts": {"option": "none"},
    }


def test_criteria_left_out_keep_their_answer_and_blank_rows_clear(
    drafted, vendor_rep_a
):
    # given: only two rows, one blanked
    rows = exported_rows(drafted)
    col = {k: n for n, k in enumerate(rows[0])}
    keep = [r for r in rows[1:] if r[0] in ("VPD-GOV-01", "VPD-GOV-02")]
    blank = next(r for r in keep if r[0] == "VPD-GOV-02")
    for key in (
        "status",
        "answer",
        "configurability",
        "basis",
        "as_of",
        "evidence_url",
    ):
        blank[col[key]] = ""
    before = draft_records(drafted)
    # when
    result = do_import(drafted, vendor_rep_a, csv_of([rows[0], *keep]), "part.csv")
    # then
    after = draft_records(drafted)
    assert "VPD-GOV-02" not in after
    assert after["VPD-GOV-01"] == before["VPD-GOV-01"]
    assert after["VPD-RET-01"] == before["VPD-RET-01"]
    assert (result.answered, result.cleared) == (1, 1)


# ----------------------------------------------------------------- invalid rows


def test_invalid_rows_are_reported_by_row_and_column_and_nothing_is_saved(
    drafted, vendor_rep_a
):
    # given
    rows = exported_rows(drafted)
    col = {k: n for n, k in enumerate(rows[0])}
    codes = [r[0] for r in rows]
    rows[codes.index("VPD-GOV-01")][col["answer"]] = "sometimes"
    rows[codes.index("VPD-GOV-02")][col["as_of"]] = "31/12/2024"
    rows[codes.index("VPD-RET-01")][col["answer"]] = "logs fixed_maximum"
    rows[codes.index("VPD-COL-02")][col["basis"]] = "hearsay"
    rows.append(["VPD-XXX-99"] + [""] * (len(COLUMN_KEYS) - 1))
    before = draft_records(drafted)
    revisions = Disclosure.objects.get(product=drafted).revisions.count()
    # when
    with pytest.raises(SpreadsheetError) as refused:
        do_import(drafted, vendor_rep_a, csv_of(rows), "bad.csv")
    # then
    found = {(p.row, p.column) for p in refused.value.problems}
    assert (codes.index("VPD-GOV-01") + 1, "answer") in found
    assert (codes.index("VPD-GOV-02") + 1, "as_of") in found
    assert (codes.index("VPD-RET-01") + 1, "answer") in found
    assert (codes.index("VPD-COL-02") + 1, "basis") in found
    assert (len(rows), "criterion") in found
    messages = " ".join(p.message for p in refused.value.problems)
    assert "sometimes is not an option of VPD-GOV-01" in messages
    assert "VPD-XXX-99 is not a criterion of this type of product" in messages
    assert draft_records(drafted) == before
    assert Disclosure.objects.get(product=drafted).revisions.count() == revisions


def test_a_criterion_given_twice_is_refused(drafted, vendor_rep_a):
    rows = exported_rows(drafted)

    with pytest.raises(SpreadsheetError) as refused:
        do_import(drafted, vendor_rep_a, csv_of([*rows, rows[1]]), "twice.csv")

    assert "given twice" in refused.value.problems[0].message


def test_import_by_a_representative_of_another_vendor_is_denied(drafted, vendor_rep_b):
    with pytest.raises(PermissionDenied):
        do_import(drafted, vendor_rep_b, b"criterion\n", "x.csv")


def test_import_while_in_review_is_refused(drafted, vendor_rep_a):
    services.disclosure_submit(
        disclosure=Disclosure.objects.get(product=drafted), actor=vendor_rep_a
    )
    data = disclosure_export(product=drafted, fmt="csv").content

    with pytest.raises(SpreadsheetError, match="review"):
        do_import(drafted, vendor_rep_a, data, "f.csv")


# ----------------------------------------------------------------- hostile files


def assert_refused(product, actor, data, name, match):
    before = draft_records(product)
    with pytest.raises(SpreadsheetError, match=match):
        do_import(product, actor, data, name)
    assert draft_records(product) == before


def test_formula_cells_are_refused(drafted, vendor_rep_a):
    rows = exported_rows(drafted)
    rows[1][COLUMN_KEYS.index("note")] = '=HYPERLINK("https://evil.example","x")'

    assert_refused(drafted, vendor_rep_a, xlsx_of(rows), "f.xlsx", "formulas")
    assert_refused(drafted, vendor_rep_a, csv_of(rows), "f.csv", "formulas")


def test_a_10_mb_file_is_refused(drafted, vendor_rep_a):
    data = csv_of(exported_rows(drafted)) + b"x" * (10 * 1024 * 1024)

    assert_refused(drafted, vendor_rep_a, data, "big.csv", "larger than")


def test_a_100000_row_file_is_refused(drafted, vendor_rep_a):
    rows = exported_rows(drafted)
    data = csv_of([rows[0]]) + b"VPD-GOV-01\n" * 100_000

    assert_refused(drafted, vendor_rep_a, data[:2_000_000], "rows.csv", "more than")


def test_a_zip_bomb_is_refused_before_it_is_opened(drafted, vendor_rep_a):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))

    assert_refused(drafted, vendor_rep_a, out.getvalue(), "bomb.xlsx", "unpack")


def test_a_highly_compressed_member_is_refused(drafted, vendor_rep_a):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b" " * (5 * 1024 * 1024))

    assert_refused(drafted, vendor_rep_a, out.getvalue(), "bomb.xlsx", "zip bomb")


def test_a_workbook_with_macros_is_refused(drafted, vendor_rep_a):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")

    assert_refused(drafted, vendor_rep_a, out.getvalue(), "m.xlsm", "macros")


def test_a_missing_or_renamed_column_is_refused(drafted, vendor_rep_a):
    rows = exported_rows(drafted)
    renamed = [["answr" if h == "answer" else h for h in rows[0]], *rows[1:]]
    missing = [r[:-1] for r in rows]

    assert_refused(
        drafted,
        vendor_rep_a,
        csv_of(renamed),
        "r.csv",
        "missing: answer; not known: answr",
    )
    assert_refused(
        drafted, vendor_rep_a, xlsx_of(missing), "m.xlsx", "missing: evidence_excerpt"
    )


def test_a_csv_that_is_not_utf8_is_refused(drafted, vendor_rep_a):
    rows = exported_rows(drafted)
    rows[1][COLUMN_KEYS.index("note")] = "Bibliothèque municipale"

    assert_refused(drafted, vendor_rep_a, csv_of(rows, "latin-1"), "l.csv", "UTF-8")


def test_unknown_options_and_rows_are_refused(drafted, vendor_rep_a):
    rows = exported_rows(drafted)
    codes = [r[0] for r in rows]
    answer = COLUMN_KEYS.index("answer")
    rows[codes.index("VPD-COL-02")][answer] = "analytics; telepathy"
    rows[codes.index("VPD-SEC-03")][answer] = "staff_mfa = yes\nquantum_safe = yes"

    assert_refused(drafted, vendor_rep_a, csv_of(rows), "o.csv", "problems")


def test_an_old_xls_or_garbage_is_refused(drafted, vendor_rep_a):
    assert_refused(drafted, vendor_rep_a, b"\xd0\xcf\x11\xe0rest", "a.xls", ".xls")
    assert_refused(drafted, vendor_rep_a, b"PK\x03\x04garbage", "a.xlsx", "readable")


def test_an_uploaded_document_survives_the_round_trip(
    product_a, vendor_rep_a, settings, tmp_path
):
    # given: an answer whose only evidence is an uploaded PDF
    settings.MEDIA_ROOT = tmp_path
    document = get_document_model().objects.create(
        title="DPA", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="dpa.pdf")
    )
    disclosure = services.disclosure_create(product=product_a, actor=vendor_rep_a)
    evidence = [{"document_id": document.pk, "document_type": "contract"}]
    services.disclosure_save_draft(
        disclosure=disclosure,
        actor=vendor_rep_a,
        answers=[answer_for("VPD-GOV-03", evidence=evidence)],
    )
    before = draft_records(product_a)
    # when
    download = disclosure_export(product=product_a, fmt="xlsx")
    do_import(product_a, vendor_rep_a, download.content)
    # then
    assert draft_records(product_a) == before
    assert before["VPD-GOV-03"]["evidence"][0]["document_id"] == document.pk
