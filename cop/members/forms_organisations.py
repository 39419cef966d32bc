"""Forms for organisations, affiliations and suspensions (input parsing only).

Validation of free text reuses the services' own checks so that a form error and a
service error say the same thing; the rules themselves live in the services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cop.members.models import Membership, Organisation
from cop.members.services.freetext import freetext_clean
from cop.members.services.organisations import (
    MESSAGE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    email_domains_clean,
)


class AffiliationRequestForm(forms.Form):
    """A member's request to join an organisation, as member or representative."""

    role = forms.ChoiceField(label=_("Join as"), choices=Membership.Role.choices)
    message = forms.CharField(
        label=_("Message to the moderators (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example your role at the organisation. Shown to moderators only."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisation.kind != Organisation.Kind.VENDOR:
            self.fields["role"].choices = [  # type: ignore[attr-defined]
                (Membership.Role.MEMBER, Membership.Role.MEMBER.label)
            ]
            self.fields["role"].initial = Membership.Role.MEMBER

    def clean_message(self) -> str:
        return freetext_clean(
            self.cleaned_data.get("message"), max_length=MESSAGE_MAX_LENGTH
        )


class ReasonForm(forms.Form):
    """A moderator's reason for a decision (required unless ``reason_required`` is off)."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, reason_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason_required = reason_required
        self.fields["reason"].required = reason_required

    def clean_reason(self) -> str:
        return freetext_clean(
            self.cleaned_data.get("reason"),
            max_length=REASON_MAX_LENGTH,
            required=self.reason_required,
        )


class DecisionForm(ReasonForm):
    """Approve or decline an affiliation request; declining needs a reason."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, reason_required=False, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "decline" and not cleaned.get("reason"):
            self.add_error("reason", _("Please tell the member why you decline."))
        return cleaned


class OrganisationProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    """The public profile of an organisation that its representatives may edit."""

    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Organisation
        fields = ["website", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def clean_description(self) -> str:
        return freetext_clean(self.cleaned_data.get("description"), max_length=2000)


class EmailDomainsField(forms.CharField):
    """Domains typed one per line (or separated by commas), stored as a list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, list):
            return value
        return super().to_python(value)


class OrganisationAdminForm(WagtailAdminModelForm):
    """The moderators' organisation editor: e-mail domains checked by the service."""

    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )

    email_domains = EmailDomainsField(
        label=_("Verified e-mail domains"),
        required=False,
        help_text=_(
            "One per line, like library.example.org. A member whose verified e-mail "
            "address is at one of these domains joins without waiting for a moderator."
        ),
    )

    class Meta:
        model = Organisation
        fields = ["kind", "name", "slug", "website", "description", "email_domains"]

    def clean_email_domains(self) -> list[str]:
        return email_domains_clean(
            domains=self.cleaned_data.get("email_domains") or "",
            organisation=self.instance,
        )

    def clean_description(self) -> str:
        return freetext_clean(self.cleaned_data.get("description"), max_length=2000)
