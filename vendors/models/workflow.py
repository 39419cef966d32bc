"""The moderator review task of the "Disclosure review" workflow."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState


class DisclosureReviewTask(Task):
    """A review that any moderator (with MFA) may approve or reject, with a comment.

    Unlike Wagtail's group approval task, who may act is decided by
    :mod:`vendors.permissions` (so the MFA rule of elevated roles applies). The
    workflow and this task are created by migration ``0003``.
    """

    class Meta:
        verbose_name = _("Disclosure review task")
        verbose_name_plural = _("Disclosure review tasks")

    def _reviewer(self, obj: Any, user: Any) -> bool:
        from vendors import permissions

        return permissions.can_review_disclosure(user, obj)

    def user_can_access_editor(self, obj: Any, user: Any) -> bool:
        return self._reviewer(obj, user)

    def locked_for_user(self, obj: Any, user: Any) -> bool:
        return not self._reviewer(obj, user)

    def user_can_lock(self, obj: Any, user: Any) -> bool:
        return self._reviewer(obj, user)

    def user_can_unlock(self, obj: Any, user: Any) -> bool:
        return False

    def get_actions(self, obj: Any, user: Any) -> list[tuple[str, Any, bool]]:
        if not self._reviewer(obj, user):
            return []
        # Wagtail adds " and Publish" to approvals at the final task, so the labels
        # say only "Approve": the buttons read "Approve and Publish" once.
        return [
            ("reject", _("Request changes"), True),
            ("approve", _("Approve"), False),
            ("approve", _("Approve with comment"), True),
        ]

    def get_task_states_user_can_moderate(self, user: Any, **kwargs: Any) -> Any:
        from vendors import permissions

        if permissions.is_moderator(user):
            return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        return TaskState.objects.none()

    @classmethod
    def get_description(cls) -> Any:
        return _("A moderator approves or rejects a vendor's disclosure")
