"""Public vendor pages (``vendors:``), mounted at ``/vendors/``."""

from django.urls import path

from vendors import views, views_editor, views_priorities, views_spreadsheet

app_name = "vendors"

urlpatterns = [
    path("", views.vendor_directory, name="directory"),
    # Before the vendor pages: a vendor slug never shadows the comparison.
    path("compare/", views.compare, name="compare"),
    path("tools/", views_editor.workspace, name="workspace"),
    path(
        "tools/products/<int:product_id>/disclosure/",
        views_editor.disclosure_edit,
        name="disclosure_edit",
    ),
    path(
        "tools/products/<int:product_id>/disclosure/preview/",
        views_editor.disclosure_preview,
        name="disclosure_preview",
    ),
    path(
        "tools/products/<int:product_id>/disclosure/submit/",
        views_editor.disclosure_submit,
        name="disclosure_submit",
    ),
    path(
        "tools/signals/<slug:vendor_slug>/",
        views_priorities.vendor_dashboard,
        name="signals_dashboard",
    ),
    path(
        "tools/products/<int:product_id>/disclosure.<str:fmt>",
        views_spreadsheet.disclosure_download,
        name="disclosure_download",
    ),
    path(
        "tools/products/<int:product_id>/disclosure/import/",
        views_spreadsheet.disclosure_upload,
        name="disclosure_upload",
    ),
    path(
        "tools/templates/<slug:product_type>.<str:fmt>",
        views_spreadsheet.template_download,
        name="template_download",
    ),
    path(
        "tools/review/<int:disclosure_id>/",
        views_editor.disclosure_review,
        name="disclosure_review",
    ),
    path("compare.csv", views.compare_csv, name="compare_csv"),
    path("compare.json", views.compare_json, name="compare_json"),
    path("<slug:vendor_slug>/", views.vendor_detail, name="vendor_detail"),
    path(
        "<slug:vendor_slug>/<slug:product_slug>/",
        views.product_detail,
        name="product_detail",
    ),
    path(
        "<slug:vendor_slug>/<slug:product_slug>/priorities/",
        views_priorities.product_priorities,
        name="product_priorities",
    ),
    path(
        "<slug:vendor_slug>/<slug:product_slug>/changes/",
        views.product_changelog,
        name="product_changelog",
    ),
]
