"""A library's priorities for one product (or product type) and its roadmap support."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cop.members.models import Organisation
from cop.privacy.models import Criterion
from vendors.models import MAX_PRIORITIES, RoadmapItem


class PrioritiesForm(forms.Form):
    """Up to five criteria, for one of the worker's libraries; roadmap items it needs."""

    organisation = forms.TypedChoiceField(
        label=gettext_lazy("Library"), coerce=int, empty_value=None
    )
    criteria = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Priorities"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Choose up to 5 criteria your library wants improved. Only counts of at "
            "least 5 libraries are ever shown, and never which library chose what."
        ),
    )
    roadmap = forms.TypedMultipleChoiceField(
        label=gettext_lazy("We need this"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        organisations: Sequence[Organisation],
        criteria: Sequence[Criterion],
        items: Sequence[RoadmapItem] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        org_field: Any = fields["organisation"]
        org_field.choices = [(o.pk, o.name) for o in organisations]
        criteria_field: Any = fields["criteria"]
        criteria_field.choices = [(c.pk, f"{c.code} · {c.title}") for c in criteria]
        roadmap_field: Any = fields["roadmap"]
        roadmap_field.choices = [(i.pk, i.title) for i in items]
        if not items:
            del fields["roadmap"]

    def clean_criteria(self) -> list[int]:
        chosen: list[int] = self.cleaned_data.get("criteria") or []
        if len(set(chosen)) > MAX_PRIORITIES:
            raise forms.ValidationError(
                _("Choose at most %(max)s priorities.") % {"max": MAX_PRIORITIES}
            )
        return chosen


class LibraryChoiceForm(forms.Form):
    """``?library=`` on the priorities page: which of the worker's libraries to show."""

    library = forms.IntegerField(required=False, min_value=1)
