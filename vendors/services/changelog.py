"""What changed between two published versions of a disclosure: pure functions.

Direction is judged on the criterion's scale, where rank 1 is the most protective:

- ordinal / boolean: the option's rank went down (improved) or up (regressed).
- multi: the most intrusive option present decides first (an empty list ranks 0);
  when it is unchanged, the set difference decides: only options removed is improved,
  only options added is regressed, both is mixed.
- table: each row as an ordinal; rows only improving is improved, only regressing
  is regressed, both is mixed; added or removed rows alone do not move the answer.
- list: the overall option as an ordinal; entry changes alone do not move it.

A criterion going from not disclosed to answered (or not applicable) is "newly
disclosed", the reverse "no longer disclosed"; anything else that changed without
moving on the scale (evidence, basis, note, dates, ...) is "changed".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

IMPROVED: Final = -1
SAME: Final = 0
REGRESSED: Final = 1
MIXED: Final = 2

#: Answer keys compared to decide whether (and what) changed, in display order.
COMPARED_PARTS: Final = (
    "status",
    "value",
    "fields",
    "configurability",
    "default_option",
    "basis",
    "evidence",
    "as_of",
    "status_reason",
    "product_version",
    "note",
    "roadmap_item_id",
)
_DISCLOSED: Final = frozenset({"answered", "not_applicable"})


class Direction(StrEnum):
    """How one answer moved between two versions."""

    IMPROVED = "improved"
    REGRESSED = "regressed"
    MIXED = "mixed"
    NEWLY_DISCLOSED = "newly_disclosed"
    NO_LONGER_DISCLOSED = "no_longer_disclosed"
    CHANGED = "changed"


_BY_MOVE: Final = {
    IMPROVED: Direction.IMPROVED,
    REGRESSED: Direction.REGRESSED,
    MIXED: Direction.MIXED,
    SAME: Direction.CHANGED,
}


@dataclass(frozen=True)
class AnswerChange:
    """One criterion whose answer differs between two versions."""

    code: str
    title: str
    direction: Direction
    parts: tuple[str, ...]
    old_status: str
    new_status: str
    rows: dict[str, str] = field(default_factory=dict)
    old_text: str = ""
    new_text: str = ""

    @property
    def in_words(self) -> str:
        """Return the change in a reader's words (see :func:`change_in_words`)."""
        return change_in_words(self)


# ----------------------------------------------------------------- per scale kind


def _sign(old_rank: int | None, new_rank: int | None) -> int:
    if old_rank is None or new_rank is None or old_rank == new_rank:
        return SAME
    return IMPROVED if new_rank < old_rank else REGRESSED


def _combine(moves: list[int]) -> int:
    """Fold several moves into one: only improvements, only regressions, or mixed."""
    kinds = {m for m in moves if m != SAME}
    if not kinds:
        return SAME
    if len(kinds) > 1 or MIXED in kinds:
        return MIXED
    return kinds.pop()


def compare_single(ranks: Mapping[str, int], old: Any, new: Any) -> int:
    """Compare two single option keys (ordinal and boolean scales)."""
    return (
        _sign(ranks.get(old), ranks.get(new))
        if isinstance(old, str) and isinstance(new, str)
        else SAME
    )


def compare_multi(ranks: Mapping[str, int], old: Any, new: Any) -> int:
    """Compare two lists of option keys: worst option first, then the set difference."""
    old_set, new_set = set(old or []), set(new or [])

    def worst(keys: set[str]) -> int:
        return max((ranks.get(k, 0) for k in keys), default=0)

    move = _sign(worst(old_set), worst(new_set))
    if move != SAME:
        return move
    added, removed = new_set - old_set, old_set - new_set
    if added and removed:
        return MIXED
    if added:
        return REGRESSED
    if removed:
        return IMPROVED
    return SAME


def compare_table(
    ranks: Mapping[str, int], old: Any, new: Any
) -> tuple[int, dict[str, str]]:
    """Compare two tables row by row; return the overall move and each changed row."""
    old, new = old or {}, new or {}
    rows: dict[str, str] = {}
    moves: list[int] = []
    for row in [*old, *(r for r in new if r not in old)]:
        if row not in new:
            rows[row] = "removed"
            continue
        if row not in old:
            rows[row] = "added"
            continue
        before, after = old[row] or {}, new[row] or {}
        move = compare_single(ranks, before.get("option"), after.get("option"))
        moves.append(move)
        if move != SAME:
            rows[row] = _BY_MOVE[move].value
        elif before != after:
            rows[row] = Direction.CHANGED.value
    return _combine(moves), rows


def compare_list(ranks: Mapping[str, int], old: Any, new: Any) -> int:
    """Compare two list answers by their overall option."""
    old, new = old or {}, new or {}
    return compare_single(ranks, old.get("option"), new.get("option"))


def compare_values(
    kind: str, ranks: Mapping[str, int], old: Any, new: Any
) -> tuple[int, dict[str, str]]:
    """Return (move, changed rows) of two answered values of scale ``kind``."""
    if kind == "table":
        return compare_table(ranks, old, new)
    if kind == "multi":
        return compare_multi(ranks, old, new), {}
    if kind == "list":
        return compare_list(ranks, old, new), {}
    return compare_single(ranks, old, new), {}


# ----------------------------------------------------------------- whole answers


def answer_change(
    *,
    code: str,
    scale: Mapping[str, Any],
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
) -> AnswerChange | None:
    """Return how the answer to ``code`` changed from ``old`` to ``new`` (None: unchanged).

    ``old``/``new`` are snapshot answer records (None = not disclosed); ``scale`` is the
    snapshot scale record (``kind``, ``ranks``, ``title``).
    """
    old, new = old or {}, new or {}
    old_status = old.get("status") or "not_disclosed"
    new_status = new.get("status") or "not_disclosed"
    parts = tuple(p for p in COMPARED_PARTS if _part(old, p) != _part(new, p))
    if old_status == new_status == "not_disclosed" or not parts:
        return None
    rows: dict[str, str] = {}
    if old_status not in _DISCLOSED and new_status in _DISCLOSED:
        direction = Direction.NEWLY_DISCLOSED
    elif old_status in _DISCLOSED and new_status not in _DISCLOSED:
        direction = Direction.NO_LONGER_DISCLOSED
    elif old_status == new_status == "answered":
        move, rows = compare_values(
            scale.get("kind", "ordinal"),
            scale.get("ranks", {}),
            old.get("value"),
            new.get("value"),
        )
        direction = _BY_MOVE[move]
    else:
        direction = Direction.CHANGED
    labels = scale.get("labels") or {}
    return AnswerChange(
        code=code,
        title=str(scale.get("title", "")),
        direction=direction,
        parts=parts,
        old_status=old_status,
        new_status=new_status,
        rows=rows,
        old_text=_value_text(old.get("value"), labels)
        if old_status == "answered"
        else "",
        new_text=_value_text(new.get("value"), labels)
        if new_status == "answered"
        else "",
    )


def _value_text(value: Any, labels: Mapping[str, str]) -> str:
    """Return a short label of an answered value (tables are described by rows)."""
    if isinstance(value, str):
        return str(labels.get(value, value))
    if isinstance(value, list):
        return ", ".join(str(labels.get(k, k)) for k in value) or _("None of these")
    if isinstance(value, dict) and isinstance(value.get("option"), str):
        return str(labels.get(value["option"], value["option"]))
    return ""


def _part(record: Mapping[str, Any], name: str) -> Any:
    value = record.get(name)
    if name == "status":
        return value or "not_disclosed"
    # Empty strings, empty containers and None mean the same: nothing given.
    return value if value not in ("", None, {}, []) else None


def changelog_between(
    *,
    old_answers: Mapping[str, Any],
    old_scales: Mapping[str, Any],
    new_answers: Mapping[str, Any],
    new_scales: Mapping[str, Any],
) -> list[AnswerChange]:
    """Return the changed answers between two versions, in the newer version's order.

    Ranks come from the newer version where it has them (the older one otherwise), so
    that both values are judged on one scale. Criteria present in only one version
    count as not disclosed in the other.
    """
    changes: list[AnswerChange] = []
    codes = [*new_scales, *(c for c in old_scales if c not in new_scales)]
    for code in codes:
        old_scale, new_scale = old_scales.get(code, {}), new_scales.get(code, {})
        scale = {
            **old_scale,
            **new_scale,
            "ranks": {**old_scale.get("ranks", {}), **new_scale.get("ranks", {})},
        }
        change = answer_change(
            code=code, scale=scale, old=old_answers.get(code), new=new_answers.get(code)
        )
        if change is not None:
            changes.append(change)
    return changes


def changelog_summary(changes: list[AnswerChange]) -> dict[str, int]:
    """Count changes per direction (every direction present, zero when absent)."""
    counts = {d.value: 0 for d in Direction}
    for change in changes:
        counts[change.direction.value] += 1
    return counts


# ----------------------------------------------------------------- in words

#: How each compared part of an answer is named to readers.
PART_WORDS: Final = {
    "status": gettext_lazy("the status"),
    "value": gettext_lazy("the answer"),
    "fields": gettext_lazy("the details"),
    "configurability": gettext_lazy("who can change it"),
    "default_option": gettext_lazy("the default setting"),
    "basis": gettext_lazy("the evidence basis"),
    "evidence": gettext_lazy("the sources cited"),
    "as_of": gettext_lazy("the date last confirmed"),
    "status_reason": gettext_lazy("the reason it does not apply"),
    "product_version": gettext_lazy("the product version"),
    "note": gettext_lazy("the vendor's note"),
    "roadmap_item_id": gettext_lazy("the linked roadmap item"),
}
_ROW_WORDS: Final = {
    "improved": gettext_lazy("improved"),
    "regressed": gettext_lazy("got worse"),
    "mixed": gettext_lazy("changed both ways"),
    "added": gettext_lazy("added"),
    "removed": gettext_lazy("removed"),
    "changed": gettext_lazy("details changed"),
}


def change_in_words(change: AnswerChange) -> str:
    """Return one or two sentences telling a reader what changed in ``change``.

    Option keys and field names never appear: values are option labels, table rows
    are named with what happened to them, other parts with :data:`PART_WORDS`.
    """
    sentences: list[str] = []
    if change.direction == Direction.NEWLY_DISCLOSED:
        sentences.append(
            _("Now marked not applicable.")
            if change.new_status == "not_applicable"
            else _("Now disclosed: “%(new)s”.") % {"new": change.new_text}
            if change.new_text
            else _("Now disclosed.")
        )
    elif change.direction == Direction.NO_LONGER_DISCLOSED:
        sentences.append(
            _("No longer disclosed (it was “%(old)s”).") % {"old": change.old_text}
            if change.old_text
            else _("No longer disclosed.")
        )
    elif "value" in change.parts and change.rows:
        rows = [
            f"{str(row).replace('_', ' ').capitalize()}: {_ROW_WORDS.get(how, how)}"
            for row, how in change.rows.items()
        ]
        sentences.append(_("Rows: %(rows)s.") % {"rows": "; ".join(rows)})
    elif "value" in change.parts and change.old_text != change.new_text:
        sentences.append(
            _("From “%(old)s” to “%(new)s”.")
            % {"old": change.old_text, "new": change.new_text}
        )
    elif "status" in change.parts:
        sentences.append(_("The status changed."))
    if change.direction in (Direction.NEWLY_DISCLOSED, Direction.NO_LONGER_DISCLOSED):
        return " ".join(sentences)
    others = [p for p in change.parts if p not in ("status", "value")]
    if others == ["as_of"] and not sentences:
        return _("Confirmed again; the answer did not change.")
    if others:
        words = get_text_list([str(PART_WORDS.get(p, p)) for p in others], _("and"))
        template = (
            _("Also updated: %(parts)s.") if sentences else _("Updated: %(parts)s.")
        )
        sentences.append(template % {"parts": words})
    return " ".join(sentences)
