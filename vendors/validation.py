"""Checks of disclosure answers and evidence, shared by model ``clean()``, forms and services.

The core functions are pure: they take plain data (a :class:`CriterionSpec` and a
mapping of answer fields) and return ``{field: [messages]}``, so that the admin form,
the services and the tests report the same error on the same field. The ``*_validate``
wrappers raise :class:`~django.core.exceptions.ValidationError` with that mapping.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vendors.models.choices import AnswerStatus, Configurability, EvidenceBasis

#: How far ahead of today an "as of" or evidence date may be (time zones, typos of a day).
FUTURE_TOLERANCE_DAYS: Final = 3
ALLOWED_URL_SCHEMES: Final = frozenset({"http", "https"})
MAX_TEXT: Final = 2000
_OPEN_ROW_KEY: Final = re.compile(r"^[a-z0-9_]{1,64}$")

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class CriterionSpec:
    """What validation needs to know about a criterion (built from the model or a test)."""

    code: str
    kind: str
    module: str
    options: frozenset[str]
    scale: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_criterion(cls, criterion: Any) -> CriterionSpec:
        return cls(
            code=criterion.code,
            kind=criterion.scale_kind,
            module=criterion.module.code,
            options=frozenset(o.key for o in criterion.options.all()),
            scale=criterion.scale or {},
        )


# ----------------------------------------------------------------- small checks


def url_error(url: str) -> str | None:
    """Return why ``url`` is not an acceptable evidence link, or None."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ALLOWED_URL_SCHEMES or not parts.netloc:
        return _("Only http:// and https:// links are accepted.")
    return None


def future_date_error(
    value: dt.date | None, *, today: dt.date | None = None
) -> str | None:
    """Return an error if ``value`` lies more than a few days in the future, else None."""
    if value is None:
        return None
    today = today or timezone.localdate()
    if value > today + dt.timedelta(days=FUTURE_TOLERANCE_DAYS):
        return _("This date is in the future; use the date the statement was true.")
    return None


def _field_value_error(spec: Mapping[str, Any], value: Any) -> str | None:
    """Check one value of a scale ``fields``/``entry_fields`` entry against its type."""
    if value is None or value == "":
        return None
    ftype = spec.get("type")
    if ftype == "text":
        ok = isinstance(value, str) and len(value) <= MAX_TEXT
    elif ftype == "text_list":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif ftype == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif ftype == "date":
        try:
            dt.date.fromisoformat(value)
            ok = True
        except (TypeError, ValueError):
            ok = False
    elif ftype == "url":
        return url_error(value) if isinstance(value, str) else _("Not a link.")
    elif ftype == "choice":
        ok = value in {o.get("key") for o in spec.get("options") or []}
    elif ftype == "criterion_id":
        ok = isinstance(value, str) and value.startswith("VPD-")
    else:
        ok = False
    return (
        None if ok else _("Invalid value for %(field)s.") % {"field": spec.get("key")}
    )


def _fields_errors(specs: Any, values: Any, where: str) -> list[str]:
    if values in (None, {}):
        return []
    if not isinstance(values, dict):
        return [_("%(where)s must be a mapping of field to value.") % {"where": where}]
    known = {s.get("key"): s for s in specs or [] if isinstance(s, dict)}
    errors = []
    for key, value in values.items():
        if key not in known:
            errors.append(_("Unknown field %(key)s.") % {"key": key})
        elif (msg := _field_value_error(known[key], value)) is not None:
            errors.append(msg)
    return errors


# ----------------------------------------------------------------- values per scale kind


def value_errors(*, spec: CriterionSpec, value: Any) -> list[str]:
    """Return the problems of ``value`` as an answer to ``spec`` (empty when valid)."""

    def bad_key(key: Any) -> str:
        return _("%(key)s is not an option of %(code)s.") % {
            "key": key,
            "code": spec.code,
        }

    kind = spec.kind
    if kind in ("ordinal", "boolean"):
        if not isinstance(value, str):
            return [_("Choose one option.")]
        return [] if value in spec.options else [bad_key(value)]
    if kind == "multi":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return [_("Give a list of options (an empty list means none apply).")]
        if len(set(value)) != len(value):
            return [_("An option is listed twice.")]
        return [bad_key(v) for v in value if v not in spec.options]
    if kind == "table":
        return _table_errors(spec, value, bad_key)
    if kind == "list":
        if not isinstance(value, dict) or not isinstance(value.get("option"), str):
            return [_('Give {"option": ..., "entries": [...]}.')]
        errors = [] if value["option"] in spec.options else [bad_key(value["option"])]
        entries = value.get("entries", [])
        if not isinstance(entries, list):
            return [*errors, _("Entries must be a list.")]
        for entry in entries:
            errors += _fields_errors(spec.scale.get("entry_fields"), entry, "An entry")
        return errors
    return [_("Unknown scale kind %(kind)s.") % {"kind": kind}]


def _table_errors(spec: CriterionSpec, value: Any, bad_key: Any) -> list[str]:
    if not isinstance(value, dict) or not value:
        return [_("Answer at least one row.")]
    rows = {r.get("key") for r in spec.scale.get("rows") or [] if isinstance(r, dict)}
    open_rows = bool(spec.scale.get("rows_open"))
    errors: list[str] = []
    for row, cell in value.items():
        if row not in rows and not (open_rows and _OPEN_ROW_KEY.match(str(row))):
            errors.append(
                _("%(row)s is not a row of %(code)s.") % {"row": row, "code": spec.code}
            )
            continue
        if not isinstance(cell, dict) or not isinstance(cell.get("option"), str):
            errors.append(_("Row %(row)s needs an option.") % {"row": row})
            continue
        if cell["option"] not in spec.options:
            errors.append(bad_key(cell["option"]))
        extra = {k: v for k, v in cell.items() if k not in ("option", "label")}
        errors += _fields_errors(spec.scale.get("fields"), extra, row)
    return errors


# ----------------------------------------------------------------- whole answers


def answer_errors(
    *,
    spec: CriterionSpec,
    product_modules: tuple[str, ...] | None,
    data: Mapping[str, Any],
    today: dt.date | None = None,
) -> Errors:
    """Return ``{field: [messages]}`` for one answer record (empty when valid).

    ``data`` has the Answer's field names (``status``, ``value``, ``fields``,
    ``configurability``, ``default_option``, ``basis``, ``as_of``, ...).
    ``product_modules`` None skips the "criterion applies to this product" check.
    """
    errors: Errors = {}

    def add(name: str, msg: str) -> None:
        errors.setdefault(name, []).append(msg)

    if product_modules is not None and spec.module not in product_modules:
        add(
            "criterion",
            _("%(code)s does not apply to this type of product.") % {"code": spec.code},
        )
    status = data.get("status") or AnswerStatus.NOT_DISCLOSED
    if status not in AnswerStatus.values:
        add("status", _("Unknown status."))
        return errors
    if msg := future_date_error(data.get("as_of"), today=today):
        add("as_of", msg)
    if (
        status == AnswerStatus.NOT_APPLICABLE
        and not (data.get("status_reason") or "").strip()
    ):
        add("status_reason", _("Say why this criterion does not apply."))
    if status != AnswerStatus.ANSWERED:
        return errors

    for msg in value_errors(spec=spec, value=data.get("value")):
        add("value", msg)
    if spec.kind != "table":
        for msg in _fields_errors(
            spec.scale.get("fields"), data.get("fields"), "Details"
        ):
            add("fields", msg)
    configurability = data.get("configurability") or ""
    if configurability not in Configurability.values:
        add("configurability", _("Say who can change this behaviour."))
    default = data.get("default_option") or ""
    configurable = configurability in (
        Configurability.LIBRARY_CONFIGURABLE,
        Configurability.USER_CONFIGURABLE,
    )
    if configurable and not default:
        add("default_option", _("Give the option in effect out of the box."))
    if default and default not in spec.options:
        add(
            "default_option",
            _("%(key)s is not an option of %(code)s.")
            % {"key": default, "code": spec.code},
        )
    if (data.get("basis") or "") not in EvidenceBasis.values:
        add("basis", _("Choose the evidence basis."))
    if data.get("as_of") is None:
        add("as_of", _("Give the date this answer was last confirmed."))
    return errors


def evidence_too_large(name: str) -> str:
    """Return the refusal of a document over the size limit."""
    from cop.guides.documents import max_document_bytes

    return _("“%(name)s” is larger than %(mb)s MB.") % {
        "name": name,
        "mb": max_document_bytes() // (1024 * 1024),
    }


def evidence_pdf_error(upload: Any) -> str | None:
    """Return why ``upload`` cannot be evidence (PDF only, size-limited), or None."""
    from cop.guides.documents import content_matches_extension, max_document_bytes

    name = str(getattr(upload, "name", ""))
    if not name.lower().endswith(".pdf"):
        return _("Attach a PDF file (“%(name)s” is not one).") % {"name": name}
    if upload.size > max_document_bytes():
        return evidence_too_large(name)
    if not content_matches_extension(upload, "pdf"):
        return _("“%(name)s” is not a real PDF: its content does not start as one.") % {
            "name": name
        }
    return None


def evidence_errors(*, data: Mapping[str, Any], today: dt.date | None = None) -> Errors:
    """Return ``{field: [messages]}`` for one evidence item (empty when valid)."""
    errors: Errors = {}
    url = (data.get("url") or "").strip()
    if msg := url_error(url):
        errors["url"] = [msg]
    if (
        not url
        and not data.get("document")
        and not data.get("document_id")
        and not data.get("upload")
    ):
        errors.setdefault("url", []).append(_("Give a link or attach a document."))
    if msg := future_date_error(data.get("retrieved_on"), today=today):
        errors["retrieved_on"] = [msg]
    return errors


# ----------------------------------------------------------------- model hooks


def answer_validate(*, answer: Any) -> None:
    """Raise ``ValidationError`` (per field) if ``answer`` (an Answer instance) is invalid."""
    if answer.criterion_id is None:
        return  # the form reports the missing criterion itself
    modules: tuple[str, ...] | None = None
    try:
        disclosure = answer.disclosure
    except ObjectDoesNotExist:  # an unsaved child not attached to its disclosure yet
        disclosure = None
    if disclosure is not None and disclosure.product_id:
        modules = disclosure.product.criterion_modules()
    data = {name: getattr(answer, name) for name in _ANSWER_FIELDS}
    errors = answer_errors(
        spec=CriterionSpec.from_criterion(answer.criterion),
        product_modules=modules,
        data=data,
    )
    if errors:
        raise ValidationError(errors)


def evidence_validate(*, evidence: Any) -> None:
    """Raise ``ValidationError`` (per field) if an EvidenceItem instance is invalid."""
    data = {
        "url": evidence.url,
        "document_id": evidence.document_id,
        "retrieved_on": evidence.retrieved_on,
    }
    if errors := evidence_errors(data=data):
        raise ValidationError(errors)


_ANSWER_FIELDS: Final = (
    "status",
    "status_reason",
    "value",
    "fields",
    "configurability",
    "default_option",
    "basis",
    "as_of",
)
