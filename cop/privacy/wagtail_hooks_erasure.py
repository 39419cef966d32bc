"""Every way the Wagtail admin offers to delete an account leads to the erasure.

A plain delete would skip what the erasure does: former-member posts, the name
replaced in others' mentions, sessions ended, the export files removed and the
erasure ledger that a restore from backup replays. So Wagtail's user delete view
sends the administrator to the erasure page of that member, and the bulk delete of
users is refused with a message that points there.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction

from cop.privacy import permissions

ROLE_HOLDER_MESSAGE = _(
    "Accounts are deleted by erasure, which keeps erased members erased after a "
    "restore. This account holds a role or is your own: remove its roles first, "
    "then use “Erase on request” in Community, Members (or, for your own "
    "account, the account deletion page)."
)
ERASE_INSTEAD_MESSAGE = _(
    "Accounts are deleted by erasure, which keeps erased members erased after a "
    "restore: give the reason and choose what happens to the posts."
)
BULK_MESSAGE = _(
    "Accounts cannot be deleted in bulk. Erase them one at a time with “Erase on "
    "request” in Community, Members, so each erasure is recorded with its reason."
)


def erasure_redirect(request: Any, user: Any) -> HttpResponse:
    """Send an admin who asked to delete ``user`` to the erasure page instead."""
    if permissions.can_erase_member(request.user, user) and request.user.pk != user.pk:
        messages.info(request, ERASE_INSTEAD_MESSAGE)
        return HttpResponseRedirect(reverse("member_erase", args=[user.pk]))
    messages.error(request, ROLE_HOLDER_MESSAGE)
    return HttpResponseRedirect(reverse("wagtailusers_users:index"))


@hooks.register("before_delete_user")
def delete_user_by_erasure(request: Any, user: Any) -> HttpResponse:
    return erasure_redirect(request, user)


class EraseInsteadBulkAction(DeleteBulkAction):
    """Replaces Wagtail's bulk delete of users: refused, with the way to erase."""

    models = [get_user_model()]

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        messages.error(request, BULK_MESSAGE)
        return HttpResponseRedirect(reverse("wagtailusers_users:index"))

    @classmethod
    def execute_action(cls, objects: Any, model: Any = None, **kwargs: Any) -> Any:
        raise NotImplementedError("accounts are deleted by erasure, one at a time")


# Registered after Wagtail's own (same action type), so this one replaces it.
hooks.register("register_bulk_action", EraseInsteadBulkAction, order=100)
