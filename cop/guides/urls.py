"""A member's own things on the guides, under ``/members/me/`` (mounted in cop.urls)."""

from django.urls import path

from cop.guides import views_members

app_name = "guides"

urlpatterns = [
    path(
        "follows/<slug:section>/",
        views_members.section_follow,
        name="section_follow",
    ),
    path(
        "checklists/<int:page_id>/answers/",
        views_members.checklist_answers,
        name="checklist_answers",
    ),
    path(
        "checklists/<int:page_id>/answers/delete/",
        views_members.checklist_answers_delete,
        name="checklist_answers_delete",
    ),
]
