"""cop's allauth adapter: sign-up policy, completing a new account, client addresses.

Customising allauth happens here and in templates, never by copying its views.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from cop.members.services import accounts


class AccountAdapter(DefaultAccountAdapter):
    """Settings: ``ACCOUNT_ADAPTER = "cop.members.adapters.AccountAdapter"``."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Sign-up is open unless ``COP_SIGNUP_OPEN`` is false (e.g. during an incident)."""
        return bool(getattr(settings, "COP_SIGNUP_OPEN", True))

    def save_user(
        self, request: HttpRequest, user: Any, form: Any, commit: bool = True
    ) -> Any:
        """Create the account with its display name and code-of-conduct acceptance."""
        user = super().save_user(request, user, form, commit=False)
        if not commit:
            return user
        data = form.cleaned_data
        return accounts.account_signup_complete(
            user=user,
            display_name=data.get("display_name", ""),
            accepts_code_of_conduct=bool(data.get("accept_code_of_conduct")),
        )

    def get_client_ip(self, request: HttpRequest) -> str:
        """Return a keyed stand-in for the client's address, never the address itself.

        allauth uses it as the per-client rate-limit key and puts it into session rows
        and security e-mails; the stand-in keeps the real address out of all three.
        """
        pseudonym = accounts.client_address_pseudonym(
            address=super().get_client_ip(request)
        )
        if pseudonym is None:
            raise PermissionDenied("Unable to determine the client.")
        return pseudonym
