"""The community page of libraries' priorities (``priorities:``), at ``/priorities/``."""

from django.urls import path

from vendors import views_priorities

app_name = "priorities"

urlpatterns = [
    path("", views_priorities.community, name="community"),
    path(
        "types/<slug:product_type>/",
        views_priorities.type_priorities_edit,
        name="type_edit",
    ),
]
