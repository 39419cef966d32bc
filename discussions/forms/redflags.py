"""Forms of coordinated red flags: the vendor's response and a moderator's release."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from discussions.forms.posting import AccessibleFormMixin, _body_field

if TYPE_CHECKING:
    from vendors.models import RoadmapItem

__all__ = ["RedFlagReleaseForm", "RedFlagResponseForm"]


# ModelChoiceField is generic only in the type stubs.
if TYPE_CHECKING:
    _RoadmapItemField = forms.ModelChoiceField[RoadmapItem]
else:
    _RoadmapItemField = forms.ModelChoiceField


class _RoadmapItemChoiceField(_RoadmapItemField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.get_status_display()})"


class RedFlagResponseForm(AccessibleFormMixin, forms.Form):
    """The vendor's official response, optionally linked to a roadmap item."""

    body = _body_field(_("Your response"))
    roadmap_item = _RoadmapItemChoiceField(
        label=_("Roadmap item that addresses it"),
        queryset=None,
        required=False,
        empty_label=_("No roadmap item"),
        help_text=_("Only your own roadmap items for this product are listed."),
    )

    def __init__(self, *args: Any, roadmap_items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roadmap_item = cast(_RoadmapItemChoiceField, self.fields["roadmap_item"])
        roadmap_item.queryset = roadmap_items


class RedFlagReleaseForm(AccessibleFormMixin, forms.Form):
    """A moderator publishes a red flag before the vendor's window ends."""

    reason = forms.CharField(
        label=_("Why publish it now?"),
        max_length=2000,
        help_text=_("Recorded in the public moderation log."),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
