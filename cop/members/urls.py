"""Member URLs (``members:``)."""

from django.urls import path  # noqa: F401 - patterns are added per area below

app_name = "members"

urlpatterns: list = []
