"""URLs of the public API (``api:``), mounted at ``/api/v1/``."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from vendors.api import views, views_priorities

app_name = "api"

PRODUCT = "products/<slug:vendor_slug>/<slug:product_slug>/"

urlpatterns = [
    path("", views.ApiRoot.as_view(), name="root"),
    path(
        "schema/",
        SpectacularJSONAPIView.as_view(
            authentication_classes=[], urlconf="vendors.api.schema_urls"
        ),
        name="schema",
    ),
    path("vendors/", views.VendorList.as_view(), name="vendor_list"),
    path(
        "vendors/<slug:vendor_slug>/",
        views.VendorDetail.as_view(),
        name="vendor_detail",
    ),
    path("products/", views.ProductList.as_view(), name="product_list"),
    path(PRODUCT, views.ProductDetail.as_view(), name="product_detail"),
    path(f"{PRODUCT}versions/", views.VersionList.as_view(), name="version_list"),
    path(
        f"{PRODUCT}versions/<int:number>/",
        views.VersionDetail.as_view(),
        name="version_detail",
    ),
    path(f"{PRODUCT}roadmap/", views.RoadmapList.as_view(), name="roadmap_list"),
    path(f"{PRODUCT}changelog/", views.ChangelogView.as_view(), name="changelog"),
    path(
        f"{PRODUCT}priorities/",
        views_priorities.ProductPriorities.as_view(),
        name="product_priorities",
    ),
    path(
        "priorities/",
        views_priorities.TypePriorities.as_view(),
        name="priority_types",
    ),
    path("criteria/", views.CriterionList.as_view(), name="criterion_list"),
    path(
        "criteria/<slug:code>/",
        views.CriterionDetail.as_view(),
        name="criterion_detail",
    ),
]
