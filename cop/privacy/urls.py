"""Public pages of the privacy reference data (``privacy:``), mounted at ``/criteria/``."""

from django.urls import path

from cop.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.criterion_list, name="criterion_list"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/<slug:code>/", views.framework_detail, name="framework_detail"),
    path("red-flags/", views.red_flag_list, name="red_flag_list"),
    path("red-flags/<slug:code>/", views.red_flag_detail, name="red_flag_detail"),
    path("<slug:code>/", views.criterion_detail, name="criterion_detail"),
]
