"""The URL configuration the OpenAPI schema is generated from: the API alone.

Without it drf-spectacular would also describe every other DRF view of the project
(the Wagtail admin's internal API).
"""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("vendors.api.urls"))]
