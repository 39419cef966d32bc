"""The disclosure editor's forms: one form per criterion, with widgets fitting its scale.

Nothing here asks for JSON. Each :class:`AnswerForm` is prefixed with its criterion
code and turns what the representative chose (radios, checkboxes, one select per
table row, typed detail fields) into the answer record that
:func:`vendors.services.disclosure_save_draft` validates and saves. The rules of a
complete answer live in :mod:`vendors.validation`; the errors it raises are put back
on the field they concern with :func:`apply_service_errors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vendors.forms_editor_support import (
    BLANK,
    DateInput,
    answer_initial,
    apply_service_errors,
    detail_field,
    detail_initial,
    detail_value,
)
from vendors.models import AnswerStatus, Configurability, DocumentType, EvidenceBasis
from vendors.validation import evidence_pdf_error, evidence_too_large

__all__ = ["BLANK_ENTRIES", "AnswerForm", "apply_service_errors"]

#: Blank entry rows a list answer shows below the existing ones (no JavaScript needed:
#: saving the draft adds new blank rows).
BLANK_ENTRIES: Final = 2


class AnswerForm(forms.Form):
    """The answer to one criterion (prefix: the criterion code).

    ``status`` left empty means "answered" as soon as an option is chosen, so picking
    an option is enough to answer; choosing "Not disclosed" drops the answer.
    """

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        # In the order a representative thinks of them; none chosen: not answered yet.
        choices=[
            (AnswerStatus.ANSWERED, AnswerStatus.ANSWERED.label),
            (AnswerStatus.NOT_APPLICABLE, AnswerStatus.NOT_APPLICABLE.label),
            (AnswerStatus.NOT_DISCLOSED, AnswerStatus.NOT_DISCLOSED.label),
        ],
        widget=forms.RadioSelect,
    )
    status_reason = forms.CharField(
        label=gettext_lazy("Why it does not apply"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    configurability = forms.ChoiceField(
        label=gettext_lazy("Who can change it"),
        required=False,
        choices=[BLANK, *Configurability.choices],
    )
    basis = forms.ChoiceField(
        label=gettext_lazy("Evidence basis"),
        required=False,
        choices=[BLANK, *EvidenceBasis.choices],
    )
    as_of = forms.DateField(
        label=gettext_lazy("True as of"), required=False, widget=DateInput()
    )
    evidence_url = forms.URLField(
        label=gettext_lazy("Evidence link"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    evidence_file = forms.FileField(
        label=gettext_lazy("Or attach a PDF"),
        required=False,
        help_text=gettext_lazy(
            "A PDF document of at most 10 MB, shown with the answer."
        ),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    evidence_file_clear = forms.BooleanField(
        label=gettext_lazy("Remove the attached PDF"), required=False
    )
    evidence_type = forms.ChoiceField(
        label=gettext_lazy("Kind of document"),
        required=False,
        choices=DocumentType.choices,
        initial=DocumentType.OTHER,
    )
    evidence_excerpt = forms.CharField(
        label=gettext_lazy("Short quote or section"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    product_version = forms.CharField(
        label=gettext_lazy("Product version"), required=False, max_length=100
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    #: The declared fields below are never changed per instance (only added to), so
    #: their labels and choices are translated once (vendors.templatetags.editor_fields).
    declared_fields_fixed: Final = True

    def __init__(
        self,
        *args: Any,
        criterion: Any,
        answer: Any = None,
        refused: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        """``refused``: ``{field name: file name}`` of the uploads refused for their
        size before they arrived (:func:`vendors.uploads.refused_uploads`)."""
        kwargs.setdefault("prefix", criterion.code)
        kwargs.setdefault("initial", answer_initial(criterion, answer))
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.answer = answer
        self.refused = refused or {}
        self.kind: str = criterion.scale_kind
        scale = criterion.scale or {}
        options = [(o.key, o.label) for o in criterion.options.all()]
        self.option_labels = dict(options)
        self.fields["default_option"] = forms.ChoiceField(
            label=_("Default setting"),
            required=False,
            choices=[BLANK, *options],
            help_text=_("In effect out of the box, when it can be changed."),
        )
        self.detail_specs: list[Mapping[str, Any]] = []
        self.rows: list[dict[str, Any]] = []
        self.entries: list[list[str]] = []
        if self.kind == "multi":
            self.fields["value"] = forms.MultipleChoiceField(
                label=_("Answer"),
                required=False,
                choices=options,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Tick every one that applies; none ticked means none."),
            )
        elif self.kind == "table":
            self._add_table_fields(scale, options)
        else:
            self.fields["value"] = forms.ChoiceField(
                label=_("Answer"),
                required=False,
                choices=options,
                widget=forms.RadioSelect,
            )
        if self.kind == "list":
            self._add_entry_fields(scale)
        elif self.kind != "table":
            self.detail_specs = list(scale.get("fields") or [])
            for spec in self.detail_specs:
                self.fields[f"field__{spec['key']}"] = detail_field(spec)

    # ------------------------------------------------------------ building

    def _add_table_fields(self, scale: Mapping[str, Any], options: list[Any]) -> None:
        value = (self.answer.value if self.answer is not None else None) or {}
        rows = [(r["key"], r.get("label", r["key"])) for r in scale.get("rows") or []]
        known = {key for key, _label in rows}
        rows += [
            (key, (cell or {}).get("label") or key.replace("_", " ").capitalize())
            for key, cell in value.items()
            if key not in known
        ]
        cell_specs = list(scale.get("fields") or [])
        for key, label in rows:
            name = f"row__{key}"
            self.fields[name] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", _("— not answered —")), *options],
            )
            extra = []
            for spec in cell_specs:
                extra_name = f"{name}__{spec['key']}"
                self.fields[extra_name] = detail_field(spec)
                extra.append(extra_name)
            self.rows.append({"key": key, "label": label, "name": name, "extra": extra})
        self.cell_specs = cell_specs
        self.rows_open = bool(scale.get("rows_open"))
        if self.rows_open:
            self.fields["newrow__label"] = forms.CharField(
                label=_("Add a row"), required=False, max_length=200
            )
            self.fields["newrow__option"] = forms.ChoiceField(
                label=_("Answer for the new row"),
                required=False,
                choices=[("", _("— not answered —")), *options],
            )

    def _add_entry_fields(self, scale: Mapping[str, Any]) -> None:
        value = (self.answer.value if self.answer is not None else None) or {}
        existing = value.get("entries") or [] if isinstance(value, dict) else []
        self.entry_specs = list(scale.get("entry_fields") or [])
        for n in range(len(existing) + BLANK_ENTRIES):
            names = []
            for spec in self.entry_specs:
                name = f"entry{n}__{spec['key']}"
                self.fields[name] = detail_field(spec)
                if n < len(existing):
                    self.initial[name] = detail_initial(
                        spec, existing[n].get(spec["key"])
                    )
                names.append(name)
            self.entries.append(names)

    # ------------------------------------------------------------ reading

    def _value(self) -> Any:
        data = self.cleaned_data
        if self.kind == "multi":
            return list(data.get("value") or [])
        if self.kind == "table":
            return self._table_value()
        option = data.get("value") or None
        if self.kind == "list":
            return {"option": option, "entries": self._entries()} if option else None
        return option

    def _table_value(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        table: dict[str, Any] = {}
        for row in self.rows:
            option = data.get(row["name"])
            if not option:
                continue
            cell: dict[str, Any] = {"option": option}
            if row["key"] not in {
                r.get("key") for r in self.criterion.scale.get("rows") or []
            }:
                cell["label"] = row["label"]
            for spec, name in zip(self.cell_specs, row["extra"], strict=True):
                if (v := detail_value(spec, data.get(name))) is not None:
                    cell[spec["key"]] = v
            table[row["key"]] = cell
        label = (data.get("newrow__label") or "").strip()
        if label:
            key = slugify(label).replace("-", "_")[:64] or "row"
            table[key] = {"option": data.get("newrow__option") or "", "label": label}
        return table or None

    def _entries(self) -> list[dict[str, Any]]:
        entries = []
        for names in self.entries:
            entry = {}
            for spec, name in zip(self.entry_specs, names, strict=True):
                if (v := detail_value(spec, self.cleaned_data.get(name))) is not None:
                    entry[spec["key"]] = v
            if entry:
                entries.append(entry)
        return entries

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        new_label = (cleaned.get("newrow__label") or "").strip()
        if self.kind == "table" and new_label and not cleaned.get("newrow__option"):
            self.add_error("newrow__option", _("Choose the answer for the new row."))
        return cleaned

    def to_record(self) -> dict[str, Any] | None:
        """Return the answer record of the cleaned form, or None for "not disclosed"."""
        data = self.cleaned_data
        value = self._value()
        status = data.get("status") or ""
        if not status:
            given = value is not None and value != []
            status = AnswerStatus.ANSWERED if given else ""
            if not status and (data.get("status_reason") or "").strip():
                status = AnswerStatus.NOT_APPLICABLE
        if status in ("", AnswerStatus.NOT_DISCLOSED):
            return None
        details = {
            spec["key"]: v
            for spec in self.detail_specs
            if (v := detail_value(spec, data.get(f"field__{spec['key']}"))) is not None
        }
        return {
            "criterion": self.criterion.code,
            "status": status,
            "status_reason": (data.get("status_reason") or "").strip(),
            "value": value if status == AnswerStatus.ANSWERED else None,
            "fields": details,
            "configurability": data.get("configurability") or "",
            "default_option": data.get("default_option") or "",
            "basis": data.get("basis") or "",
            "as_of": data.get("as_of"),
            "product_version": (data.get("product_version") or "").strip(),
            "note": (data.get("note") or "").strip(),
            "roadmap_item_id": getattr(self.answer, "roadmap_item_id", None),
            "evidence": self._evidence(),
        }

    def clean_evidence_file(self) -> Any:
        if name := self.refused.get(self.add_prefix("evidence_file")):
            raise forms.ValidationError(evidence_too_large(name))
        upload = self.cleaned_data.get("evidence_file")
        if upload and (message := evidence_pdf_error(upload)):
            raise forms.ValidationError(message)
        return upload

    @property
    def current_document(self) -> Any:
        """Return the document attached to the first evidence item, or None."""
        evidence = list(self.answer.evidence.all())[:1] if self.answer else []
        return evidence[0].document if evidence and evidence[0].document_id else None

    def _evidence(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        evidence = list(self.answer.evidence.all()) if self.answer is not None else []
        kept = evidence[1:]
        current = evidence[0] if evidence else None
        document_id = None if current is None else current.document_id
        if data.get("evidence_file_clear"):
            document_id = None
        upload = data.get("evidence_file")
        first = []
        if (
            data.get("evidence_url")
            or data.get("evidence_excerpt")
            or upload
            or document_id
        ):
            first = [
                {
                    "url": data.get("evidence_url") or "",
                    "document_id": None if upload else document_id,
                    "document_type": data.get("evidence_type") or DocumentType.OTHER,
                    "excerpt": (data.get("evidence_excerpt") or "").strip(),
                    # Keep what the form does not show.
                    "section": current.section if current is not None else "",
                    "retrieved_on": current.retrieved_on
                    if current is not None
                    else None,
                }
            ]
            if upload:
                first[0]["upload"] = upload
        return first + [
            {
                "url": e.url,
                "document_id": e.document_id,
                "document_type": e.document_type,
                "section": e.section,
                "excerpt": e.excerpt,
                "retrieved_on": e.retrieved_on,
            }
            for e in kept
        ]

    # ------------------------------------------------------------ template helpers

    @property
    def value_field(self) -> forms.BoundField | None:
        """Return the answer's own field (None for tables, answered row by row)."""
        return self["value"] if "value" in self.fields else None

    @property
    def detail_fields(self) -> list[forms.BoundField]:
        """Return the scale's detail fields (e.g. a notice URL, a number of days)."""
        return [self[f"field__{spec['key']}"] for spec in self.detail_specs]

    @property
    def table_rows(self) -> list[dict[str, Any]]:
        """Return each table row with its option select and its per-row fields."""
        return [
            {
                "label": row["label"],
                "option": self[row["name"]],
                "extra": [self[name] for name in row["extra"]],
            }
            for row in self.rows
        ]

    @property
    def cell_labels(self) -> list[str]:
        return [
            str(s.get("label") or s["key"]) for s in getattr(self, "cell_specs", [])
        ]

    @property
    def new_row(self) -> list[forms.BoundField]:
        if "newrow__label" not in self.fields:
            return []
        return [self["newrow__label"], self["newrow__option"]]

    @property
    def entry_rows(self) -> list[list[forms.BoundField]]:
        """Return the list answer's entries, each a list of fields (blank ones last)."""
        return [[self[name] for name in names] for names in self.entries]

    @property
    def status_shown(self) -> str:
        """Return the status to show beside the title (from the data when bound)."""
        if self.is_bound:
            return str(self.data.get(self.add_prefix("status")) or "")
        return str(self.initial.get("status") or "")
