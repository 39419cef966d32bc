"""The fields of the disclosure editor, written out in Python.

A 59-criterion disclosure shows some 1,300 inputs; Django's widget templates (or an
``{% include %}`` per field) cost about a millisecond each, so the editor's fields are
rendered here, with the same markup a widget template would give: a label (a legend
for radios and checkboxes), the help text, the errors and the input, ``aria-invalid``
and ``aria-describedby`` as Django sets them. Widgets not listed fall back to
Django's own rendering.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django import template
from django.forms import BoundField
from django.utils import translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

#: Widgets whose template is Django's ``input.html``, written out by _input().
_INPUTS = frozenset({"text", "url", "number", "email", "date", "checkbox", "file"})


def _attr(name: str, value: Any) -> str:
    return f' {name}="{escape(value)}"'


@functools.lru_cache(maxsize=256)
def _class_field(form_class: Any, name: str, language: str) -> tuple[str, str, Any]:
    """Return a declared field's label, help text and choices, translated once."""
    field: Any = form_class.base_fields[name]
    choices = getattr(field, "choices", None)
    return (
        str(conditional_escape(field.label)),
        str(conditional_escape(field.help_text)),
        None if choices is None else _escaped(choices),
    )


def _escaped(choices: Iterable[tuple[Any, Any]]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(value), str(conditional_escape(label))) for value, label in choices
    )


def _texts(bound: BoundField) -> tuple[str, str, Any]:
    """Return the escaped label, help text and choices of ``bound``.

    The labels of the fields every form declares (status, basis, ...) are lazy
    translations: a form class that never changes its declared fields per instance
    (``declared_fields_fixed``) has them translated once per language, not once per
    form.
    """
    form_class: Any = type(bound.form)
    if (
        getattr(form_class, "declared_fields_fixed", False)
        and bound.name in form_class.base_fields
    ):
        language = translation.get_language() or ""
        return _class_field(form_class, bound.name, language)
    choices = getattr(bound.field, "choices", None)
    return (
        str(conditional_escape(bound.label)),
        str(conditional_escape(bound.help_text)),
        None if choices is None else _escaped(choices),
    )


def _choices(bound: BoundField) -> tuple[tuple[str, str], ...]:
    choices: tuple[tuple[str, str], ...] = _texts(bound)[2] or ()
    return choices


def _describedby(bound: BoundField) -> str:
    return (
        _attr("aria-describedby", f"{bound.auto_id}_helptext")
        if bound.help_text
        else ""
    )


def _invalid(bound: BoundField) -> str:
    return ' aria-invalid="true"' if bound.errors else ""


def _current(bound: BoundField) -> str:
    value = bound.value()
    return "" if value is None else str(value)


def _select(bound: BoundField) -> str:
    current = _current(bound)
    options = "".join(
        f'<option value="{escape(value)}"{" selected" if value == current else ""}>'
        f"{label}</option>"
        for value, label in _choices(bound)
    )
    return (
        f'<select name="{escape(bound.html_name)}" id="{escape(bound.auto_id)}"'
        f"{_describedby(bound)}{_invalid(bound)}>{options}</select>"
    )


def _boxes(bound: BoundField, kind: str) -> str:
    id_ = escape(bound.auto_id)
    name = escape(bound.html_name)
    if kind == "radio":
        chosen = {_current(bound)}
        mark, described = " checked", ""
    else:
        chosen = {str(v) for v in bound.value() or []}
        mark, described = " checked", _describedby(bound)
    items = "".join(
        f'<div><label for="{id_}_{n}"><input type="{kind}" name="{name}" '
        f'value="{escape(value)}" id="{id_}_{n}"{mark if value in chosen else ""}> '
        f"{label}</label></div>"
        for n, (value, label) in enumerate(_choices(bound))
    )
    return f'<div id="{id_}"{described}>{items}</div>'


def _textarea(bound: BoundField) -> str:
    field: Any = bound.field
    rows = field.widget.attrs.get("rows") or 2
    length = _attr("maxlength", field.max_length) if field.max_length else ""
    return (
        f'<textarea name="{escape(bound.html_name)}" cols="40" rows="{escape(rows)}"'
        f'{length} id="{escape(bound.auto_id)}"{_invalid(bound)}>'
        f"{escape(_current(bound))}</textarea>"
    )


def _input(bound: BoundField) -> str:
    """Render an ``<input>`` exactly as Django's ``input.html`` would, without it."""
    widget = bound.field.widget
    attrs = bound.build_widget_attrs({}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    value = context["value"]
    html = f'<input type="{escape(context["type"])}" name="{escape(context["name"])}"'
    if value is not None:
        html += _attr("value", value)
    for name, item in context["attrs"].items():
        if item is True:
            html += f" {escape(name)}"
        elif item is not False:
            html += _attr(name, item)
    return html + ">"


@register.simple_tag
def editor_widget(bound: BoundField) -> SafeString:
    """Return the input of ``bound`` (a select, radios, checkboxes or an input)."""
    kind = bound.widget_type
    if kind == "select":
        html = _select(bound)
    elif kind == "radioselect":
        html = _boxes(bound, "radio")
    elif kind == "checkboxselectmultiple":
        html = _boxes(bound, "checkbox")
    elif kind == "textarea":
        html = _textarea(bound)
    elif kind in _INPUTS:
        html = _input(bound)
    else:
        return mark_safe(str(bound))  # noqa: S308 - Django's own widget rendering
    return mark_safe(html)  # noqa: S308 - every value above is escaped


@register.simple_tag
def editor_field(bound: BoundField) -> SafeString:
    """Return ``bound`` with its label (or legend), help text and errors."""
    label, help_text, _choices = _texts(bound)
    help_html = (
        f'<p class="field__help" id="{escape(bound.auto_id)}_helptext">{help_text}</p>'
        if help_text
        else ""
    )
    errors = bound.errors
    error_class = " field--error" if errors else ""
    errors_html = f'<div class="field__errors">{errors}</div>' if errors else ""
    widget = editor_widget(bound)
    if bound.use_fieldset:
        html = (
            f'<fieldset class="field field--choices{error_class}">'
            f"<legend>{label}</legend>{help_html}{errors_html}{widget}</fieldset>"
        )
    else:
        html = (
            f'<div class="field{error_class}">'
            f'<label for="{escape(bound.id_for_label)}">{label}:</label>'
            f"{help_html}{errors_html}{widget}</div>"
        )
    return mark_safe(html)  # noqa: S308 - every value above is escaped
