"""URL configuration: the one place where the apps are tied together."""

from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cop.core import views as core_views
from cop.guides import routing as guides_routing
from cop.privacy import views_rights, views_transparency

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    # Browsers ask for /favicon.ico whatever the page links; point them at ours.
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/delete/", views_rights.account_delete, name="account_delete"),
    path("accounts/", include("allauth.urls")),
    path("members/export/", views_rights.data_export, name="data_export"),
    path(
        "members/export/<str:signed>/",
        views_rights.data_export_download,
        name="data_export_download",
    ),
    path(
        "members/<int:user_id>/erase/",
        views_rights.member_erase,
        name="member_erase",
    ),
    path("members/me/", include("cop.guides.urls")),
    path("members/", include("cop.members.urls")),
    path(
        "transparency/",
        views_transparency.transparency_report,
        name="transparency_report",
    ),
    path(
        "transparency/disclosure/",
        views_transparency.own_disclosure_proofs,
        name="own_disclosure_proofs",
    ),
    path("criteria/", include("cop.privacy.urls")),
    path("vendors/", include("vendors.urls")),
    path("priorities/", include("vendors.urls_priorities")),
    path("discussions/", include("discussions.urls")),
    path("api/v1/", include("vendors.api.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Uploaded images of the embedded default; 404 unless settings.COP_SERVE_MEDIA.
    path("media/<path:path>", core_views.media, name="media"),
]

# A database outage answers 503 with Retry-After instead of the 500 page.
handler500 = "cop.core.outage.server_error"
# The API answers a path that matches no endpoint in JSON too.
handler404 = "cop.core.views.page_not_found"

# Wagtail's page serving comes last: it answers every path not matched above, routed
# from the remembered route of the path when there is one (cop.guides.routing).
urlpatterns += [
    *(
        pattern
        for pattern in wagtail_urls.urlpatterns
        if getattr(pattern, "name", None) != "wagtail_serve"
    ),
    re_path(wagtail_urls.serve_pattern, guides_routing.serve, name="wagtail_serve"),
]
