"""The discussion search form (query, space and topic type)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from discussions.forms.posting import AccessibleFormMixin
from discussions.models import TopicKind
from discussions.selectors.search import SearchQueryError, search_terms

__all__ = ["SearchForm"]


class SearchForm(AccessibleFormMixin, forms.Form):
    """Parses ``?q=&space=&kind=``; the spaces offered are the viewer's readable ones."""

    q = forms.CharField(
        label=_("Search guides and discussions"),
        required=False,
        strip=True,
        widget=forms.SearchInput,
    )
    space = forms.ChoiceField(label=_("Space"), required=False)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All types")), *TopicKind.choices],
    )

    def __init__(self, *args: Any, spaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spaces = {space.slug: space for space in spaces}
        cast(forms.ChoiceField, self.fields["space"]).choices = [
            ("", _("All spaces")),
            *((slug, space.name) for slug, space in self.spaces.items()),
        ]

    def clean_q(self) -> str:
        query: str = self.cleaned_data.get("q", "")
        try:
            search_terms(query)
        except SearchQueryError as error:
            raise forms.ValidationError(str(error)) from error
        return query

    def clean_space(self) -> Any:
        return self.spaces.get(self.cleaned_data.get("space") or "")
