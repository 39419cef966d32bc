"""Public vendor pages (``vendors:``), mounted at ``/vendors/``."""

from django.urls import path

from vendors import views

app_name = "vendors"

urlpatterns = [
    path("", views.vendor_directory, name="directory"),
    # Before the vendor pages: a vendor slug never shadows the comparison.
    path("compare/", views.compare, name="compare"),
    path("compare.csv", views.compare_csv, name="compare_csv"),
    path("compare.json", views.compare_json, name="compare_json"),
    path("<slug:vendor_slug>/", views.vendor_detail, name="vendor_detail"),
    path(
        "<slug:vendor_slug>/<slug:product_slug>/",
        views.product_detail,
        name="product_detail",
    ),
    path(
        "<slug:vendor_slug>/<slug:product_slug>/changes/",
        views.product_changelog,
        name="product_changelog",
    ),
]
