"""Site-wide settings of the vendors app, editable by moderators in the admin."""

from __future__ import annotations

from typing import Final

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting

DEFAULT_STALE_AFTER_MONTHS: Final = 12


class DisclosureSettings(BaseGenericSetting):
    """How old an answer may get before it is shown (and counted) as stale."""

    stale_after_months = models.PositiveSmallIntegerField(
        _("answers are stale after (months)"),
        default=DEFAULT_STALE_AFTER_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    class Meta:
        verbose_name = _("disclosure settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
