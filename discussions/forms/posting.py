"""Forms members write in: a new topic, a reply, an edit, accepting an answer.

The forms only parse input; the rules live in :mod:`discussions.services`, whose
``ValidationError`` becomes form errors through :func:`add_service_errors`
(keeping everything the member typed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from discussions.models import BODY_MAX_LENGTH, TopicKind
from discussions.selectors import composing as composing_selectors

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from vendors.models import Product

__all__ = [
    "AcceptAnswerForm",
    "PostEditForm",
    "ReplyForm",
    "TopicForm",
    "add_service_errors",
]

BODY_HELP = _(
    "Markdown: **bold**, *italic*, [link text](https://example.org), "
    "> quote, - list item, `code`. Mention a member with @name. "
    "No images from other sites."
)


class AccessibleFormMixin:
    """Point every field with errors at its error list (``aria-describedby``).

    Templates render a field's errors in an element with the id
    ``<field id>_errors`` and its help text with ``<field id>_helptext``.
    """

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self.describe_errors()

    def describe_errors(self) -> None:
        """Set ``aria-describedby`` and ``aria-invalid`` on the fields with errors."""
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if name not in self.errors:  # type: ignore[attr-defined]
                continue
            bound = self[name]  # type: ignore[index]
            ids = [f"{bound.auto_id}_errors"]
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            field.widget.attrs["aria-describedby"] = " ".join(ids)
            field.widget.attrs["aria-invalid"] = "true"


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Add a service's ``ValidationError`` to ``form``: per field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item.messages)
    else:
        form.add_error(None, error.messages)
    if isinstance(form, AccessibleFormMixin):
        form.describe_errors()


def _body_field(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=BODY_MAX_LENGTH,
        strip=False,
        help_text=BODY_HELP,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 60}),
    )


# ModelChoiceField is generic only in the type stubs.
if TYPE_CHECKING:
    _ProductField = forms.ModelChoiceField[Product]
else:
    _ProductField = forms.ModelChoiceField


class _ProductChoiceField(_ProductField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.organisation.name})"


class TopicForm(AccessibleFormMixin, forms.Form):
    """A new topic in a space; the red flag type only for those who may raise one."""

    kind = forms.ChoiceField(label=_("Type"), choices=TopicKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = _body_field(_("Your post"))
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=200,
        help_text=_("Up to 5, separated by commas, e.g. patron data, contracts."),
    )
    product = _ProductChoiceField(
        label=_("Product"),
        queryset=composing_selectors.product_choices(),
        required=False,
        empty_label=_("(none)"),
        help_text=_("For questions and red flags about one vendor's product."),
    )
    criterion = forms.ModelChoiceField(
        label=_("Criterion"),
        queryset=composing_selectors.criterion_choices(),
        required=False,
        empty_label=_("(none)"),
        help_text=_("Questions and red flags only."),
    )
    red_flag = forms.ModelChoiceField(
        label=_("Red flag type"),
        queryset=composing_selectors.red_flag_choices(),
        required=False,
        empty_label=_("(none)"),
        help_text=_("Red flags and questions only."),
    )
    document_version = forms.CharField(
        label=_("Contract or policy version"), max_length=120, required=False
    )
    document_date = forms.DateField(
        label=_("Contract or policy date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("As YYYY-MM-DD."),
    )
    clause_reference = forms.CharField(
        label=_("Clause"),
        max_length=120,
        required=False,
        help_text=_("e.g. section 7.2 (red flags only)."),
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Suggestions while typing (htmx); without JavaScript the form's
        # "Check for similar topics" button does the same.
        self.fields["title"].widget.attrs.update(
            {
                "hx-get": reverse("discussions:topic_similar"),
                "hx-trigger": "keyup changed delay:500ms",
                "hx-target": "#similar-topics",
                "hx-swap": "innerHTML",
                "autocomplete": "off",
            }
        )
        kinds = composing_selectors.topic_kind_choices(viewer=viewer)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds
        if not any(value == TopicKind.RED_FLAG for value, _label in kinds):
            self.fields["red_flag"].help_text = _("Questions only.")

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [name for name in (" ".join(p.split()) for p in raw.split(",")) if name]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The document fields are shown to everyone who may raise a red flag; for
        # another type they are ignored rather than refused.
        if cleaned.get("kind") != TopicKind.RED_FLAG:
            for name in ("document_version", "document_date", "clause_reference"):
                cleaned[name] = "" if name != "document_date" else None
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        """Return the keyword arguments of ``services.topic_create`` (after validation)."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "body": data["body"],
            "tags": data["tags"],
            "product": data.get("product"),
            "criterion": data.get("criterion"),
            "red_flag": data.get("red_flag"),
            "document_version": data.get("document_version") or "",
            "document_date": data.get("document_date"),
            "clause_reference": data.get("clause_reference") or "",
        }


class ReplyForm(AccessibleFormMixin, forms.Form):
    """A reply, optionally quoting an earlier post of the topic."""

    body = _body_field(_("Your reply"))
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class PostEditForm(AccessibleFormMixin, forms.Form):
    """A new body for a post and an optional note saying what changed."""

    body = _body_field(_("Post"))
    note = forms.CharField(
        label=_("What did you change?"),
        max_length=300,
        required=False,
        help_text=_("Optional, shown in the edit history."),
    )


class AcceptAnswerForm(forms.Form):
    """Accept a post as the answer, or withdraw the accepted answer."""

    post = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    unaccept = forms.BooleanField(required=False, widget=forms.HiddenInput)
