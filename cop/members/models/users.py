"""The user account."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from cop.members.managers import UserManager


class User(AbstractUser):
    """A person with an account. Signs in by e-mail; shown to others only by display name."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)

    objects = UserManager()  # type: ignore[misc]

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "user"
        verbose_name_plural = "users"

    def __str__(self) -> str:
        return f"user #{self.pk}"
