"""The abstract base of every row owned by the reference-data files."""

from __future__ import annotations

from typing import Any

from django.db import models

from cop.db import TimeStampedModel


class ReferenceQuerySet(models.QuerySet[Any]):
    """Queries shared by the reference-data models."""

    def current(self) -> ReferenceQuerySet:
        """Return the rows still present in the files (not retired)."""
        return self.filter(retired_at__isnull=True)


class ReferenceModel(TimeStampedModel):
    """A row owned by the YAML files in ``cop/privacy/data/``.

    Rows are never deleted: answers and flags point at them. A row that vanishes
    from the files gets ``retired_at`` set; it is cleared again if the row returns.
    """

    retired_at = models.DateTimeField(null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_retired(self) -> bool:
        """Return whether the row has vanished from the files."""
        return self.retired_at is not None
