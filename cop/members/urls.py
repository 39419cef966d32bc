"""Member URLs (``members:``)."""

from django.urls import URLPattern, URLResolver, path

from cop.members.views import accounts as account_views
from cop.members.views import organisations as org_views
from cop.members.views import profiles as profile_views

app_name = "members"

urlpatterns: list[URLPattern | URLResolver] = []

# Organisations and affiliations (cop.members.views.organisations).
urlpatterns += [
    path("organisations/", org_views.organisation_list, name="organisation_list"),
    path(
        "organisations/<slug:slug>/",
        org_views.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "organisations/<slug:slug>/join/",
        org_views.organisation_join,
        name="organisation_join",
    ),
    path(
        "organisations/<slug:slug>/edit/",
        org_views.organisation_edit,
        name="organisation_edit",
    ),
    path("affiliations/", org_views.affiliation_list, name="affiliation_list"),
    path(
        "affiliations/<int:membership_id>/withdraw/",
        org_views.affiliation_withdraw,
        name="affiliation_withdraw",
    ),
    path(
        "affiliations/<int:membership_id>/leave/",
        org_views.affiliation_leave,
        name="affiliation_leave",
    ),
]

# Profiles and the code of conduct (cop.members.views.profiles, .accounts).
urlpatterns += [
    path("<int:user_id>/", profile_views.member_detail, name="member_detail"),
    path("me/", account_views.account_hub, name="account"),
    path("profile/", profile_views.profile_edit, name="profile_edit"),
    path("code-of-conduct/", account_views.conduct_detail, name="conduct_detail"),
    path(
        "code-of-conduct/accept/",
        account_views.conduct_accept,
        name="conduct_accept",
    ),
]
