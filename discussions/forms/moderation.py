"""Forms of moderation: member flags, moderator actions and the spaces' admin form."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from discussions import permissions
from discussions.models import BODY_MAX_LENGTH, FlagReason, Space, Topic, Visibility
from discussions.services.moderation import SLOW_MODE_MAX_SECONDS

REASON_HELP = _("Shown in the public moderation log (without any names).")
_TOPIC_REF = re.compile(r"(?:/t/)?(\d+)(?:[/?#]|$)")


class FlagForm(forms.Form):
    """A member flags a post for the moderators."""

    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Details for the moderators"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed when you choose “Something else”. The author is not told who flagged."
        ),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("reason") == FlagReason.OTHER and not data.get("text", "").strip():
            self.add_error("text", _("Please say what is wrong with this post."))
        return data


class _ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=())
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
    )
    #: Actions whose reason may not be empty.
    reason_required: tuple[str, ...] = ("reject", "suspend", "hide")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("action") in self.reason_required
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", _("Please give a reason."))
        return data


class PostModerationForm(_ModerationForm):
    """One moderator action on a post; ``edit`` needs the new body and a note."""

    ACTIONS = (
        ("approve", _("Approve")),
        ("reject", _("Reject")),
        ("hide", _("Hide")),
        ("restore", _("Restore (dismiss flags)")),
        ("edit", _("Edit")),
        ("suspend", _("Suspend the author")),
    )
    body = forms.CharField(
        label=_("Post text (Markdown)"),
        required=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    note = forms.CharField(
        label=_("Edit note (shown in the post's history)"),
        required=False,
        max_length=300,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = self.ACTIONS

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("action") == "edit":
            if not data.get("body", "").strip():
                self.add_error("body", _("The post cannot be empty."))
            if not data.get("note", "").strip():
                self.add_error("note", _("Please say why you edit this post."))
        return data


class TopicModerationForm(_ModerationForm):
    """One moderator action on a topic; move, merge, duplicate and slow mode take a value."""

    ACTIONS = (
        ("approve", _("Approve")),
        ("reject", _("Reject")),
        ("lock", _("Lock")),
        ("unlock", _("Unlock")),
        ("pin", _("Pin")),
        ("unpin", _("Unpin")),
        ("move", _("Move to another space")),
        ("merge", _("Merge into another topic")),
        ("duplicate", _("Close as a duplicate")),
        ("slow_mode", _("Set slow mode")),
    )
    space: forms.ModelChoiceField[Space] = forms.ModelChoiceField(
        label=_("Move to space"), queryset=None, required=False
    )
    target = forms.CharField(
        label=_("Other topic (its number or address)"),
        required=False,
        max_length=300,
        help_text=_("For merge (posts are appended to it) and duplicate."),
    )
    seconds = forms.IntegerField(
        label=_("Slow mode: seconds between a member's posts (0: off)"),
        required=False,
        min_value=0,
        max_value=SLOW_MODE_MAX_SECONDS,
    )

    def __init__(self, *args: Any, viewer: Any, spaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        cast(forms.ChoiceField, self.fields["action"]).choices = self.ACTIONS
        cast("forms.ModelChoiceField[Space]", self.fields["space"]).queryset = spaces

    def clean_target(self) -> Topic | None:
        value = self.cleaned_data.get("target", "").strip()
        if not value:
            return None
        match = _TOPIC_REF.search(value)
        if match is None:
            raise ValidationError(_("Give the other topic's number or its address."))
        try:
            return permissions.access_topic(self.viewer, match.group(1))
        except Http404:
            raise ValidationError(_("There is no such topic.")) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        needs = {"move": "space", "merge": "target", "duplicate": "target"}
        action = data.get("action")
        if (
            action in needs
            and not data.get(needs[action])
            and not self.has_error(needs[action])
        ):
            self.add_error(needs[action], _("This action needs this field."))
        if (
            action == "slow_mode"
            and data.get("seconds") is None
            and not self.has_error("seconds")
        ):
            self.add_error("seconds", _("This action needs this field."))
        return data


class SpaceAdminForm(WagtailAdminModelForm):
    """The spaces' editor: a working group space needs its group; "archived" is a box."""

    archived = forms.BooleanField(
        label=_("Archived (read-only, no new topics)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["archived"].initial = self.instance.archived_at is not None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data: dict[str, Any] = self.cleaned_data
        if data.get("visibility") == Visibility.WORKING_GROUP and not data.get(
            "working_group"
        ):
            self.add_error(
                "working_group",
                _("A working group's private space needs its working group."),
            )
        return data

    def save(self, commit: bool = True) -> Any:
        from django.utils import timezone

        archived = self.cleaned_data.get("archived")
        if archived and self.instance.archived_at is None:
            self.instance.archived_at = timezone.now()
        elif not archived:
            self.instance.archived_at = None
        return super().save(commit=commit)
