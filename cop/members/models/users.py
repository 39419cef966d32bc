"""The user account and its public profile."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cop.members.managers import UserManager


class User(AbstractUser):
    """A person with an account. Signs in by e-mail; shown to others only by display name.

    ``email``, ``first_name`` and ``last_name`` are private: no page that another member
    or a vendor can open shows them. ``display_name_key`` and ``display_name_folded_key``
    are the confusable skeletons of ``display_name`` taken before and after case
    folding (``cop.members.validators.display_name_keys``); their unique constraints
    keep look-alike names, capitals included, from coexisting. All three are set
    together by ``cop.members.services.profiles``.
    """

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    display_name = models.CharField(_("display name"), max_length=40, blank=True)
    # NULL, not "", for accounts without a display name: NULLs never collide under
    # the unique constraint.
    display_name_key = models.CharField(  # noqa: DJ001
        max_length=200, null=True, blank=True, editable=False
    )
    display_name_folded_key = models.CharField(  # noqa: DJ001 - NULL as above
        max_length=200, null=True, blank=True, editable=False
    )
    bio = models.TextField(_("bio"), max_length=1000, blank=True)

    # The stubs type AbstractUser.objects as Django's UserManager; cop's is a subclass
    # of BaseUserManager that signs in by e-mail.
    objects = UserManager()  # type: ignore[assignment,misc]

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = "user"
        verbose_name_plural = "users"
        constraints = [
            models.UniqueConstraint(
                fields=["display_name_key"], name="uniq_user_display_name_key"
            ),
            models.UniqueConstraint(
                fields=["display_name_folded_key"],
                name="uniq_user_display_name_folded_key",
            ),
        ]

    def __str__(self) -> str:
        return f"user #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("members:member_detail", kwargs={"user_id": self.pk})

    @property
    def public_name(self) -> str:
        """Return what other people see: the display name, or a neutral label."""
        return self.public_name_of(self.pk, self.display_name)

    @staticmethod
    def public_name_of(pk: Any, display_name: str | None) -> str:
        """Return :attr:`public_name` from the two columns it needs (for list queries)."""
        return display_name or f"Member {pk}"
