"""Admin form for adding a member to a working group."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cop.guides.models import WorkingGroupMembership


class WorkingGroupMemberForm(WagtailAdminModelForm):
    """Choose the group and name the member by their e-mail address."""

    email = forms.EmailField(
        label=_("Member's e-mail address"),
        help_text=_("The address the member signs in with."),
    )

    class Meta:
        model = WorkingGroupMembership
        fields = ["group"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
            self.fields["email"].disabled = True
            self.fields["group"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if self.instance.pk:
            return cleaned
        email = cleaned.get("email", "")
        user = (
            get_user_model()
            ._default_manager.filter(email__iexact=email, is_active=True)
            .first()
        )
        if email and user is None:
            self.add_error("email", _("No active member signs in with this address."))
        group = cleaned.get("group")
        if user is not None and group is not None:
            if WorkingGroupMembership.objects.filter(group=group, user=user).exists():
                self.add_error("email", _("This member is already in the group."))
            self.instance.user = user
        return cleaned
