"""Realistic, varied demo answers for the vendor products (pure; no database writes).

Each demo product has a :class:`Profile`: how protective its practices are (a
weighting of the option ladder), how much of the disclosure its vendor has answered
in each published version, and hand-written answers for the points the story of the
demo depends on (Larchmont turning borrowing history off, Brightwell adding an
analytics tag). Everything else is drawn from a random generator seeded with the
product's slug, so every run produces the same answers. Detail values (retention
days, notice periods, subprocessors, attestations) come from small tables of
plausible values, so the product pages read like real disclosures.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

A: Final = "answered"
NA: Final = "not_applicable"
FIXED: Final = "fixed_by_vendor"
LIBRARY: Final = "library_configurable"

#: Option pick weights by stance: index 0 is the most protective option.
STANCES: Final[Mapping[str, tuple[float, ...]]] = {
    "strong": (0.72, 0.22, 0.05, 0.01),
    "fair": (0.42, 0.38, 0.15, 0.05),
    "weak": (0.18, 0.37, 0.33, 0.12),
}

#: Criteria whose behaviour the library usually switches (answered as configurable).
LIBRARY_SWITCHES: Final = frozenset(
    {
        "VPD-CON-01",
        "VPD-CON-02",
        "VPD-ILS-01",
        "VPD-ILS-03",
        "VPD-ILS-04",
        "VPD-ILS-06",
        "VPD-DSC-03",
        "VPD-K12-02",
    }
)


@dataclass(frozen=True)
class Profile:
    """How one demo product answers: stance, coverage per version and fixed answers."""

    stance: str
    coverage: tuple[float, ...]  # share of applicable criteria answered, per version
    published_days_ago: tuple[int, ...]  # when each version was published
    picks: tuple[Mapping[str, int], ...] = ()  # fixed option picks per version
    not_applicable: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)


PROFILES: Final[Mapping[str, Profile]] = {
    "larchmont-stacks": Profile(
        stance="fair",
        coverage=(0.45, 0.72),
        published_days_ago=(430, 38),
        picks=(
            {
                "VPD-GOV-01": 1, "VPD-COL-04": 2, "VPD-USE-01": 1, "VPD-USE-04": 3,
                "VPD-RET-02": 1, "VPD-SEC-01": 0, "VPD-BRE-01": 2, "VPD-ILS-01": 1,
                "VPD-ILS-04": 1, "VPD-ILS-07": 1,
            },
            {
                "VPD-GOV-01": 0, "VPD-COL-04": 1, "VPD-USE-01": 0, "VPD-USE-04": 3,
                "VPD-RET-02": 0, "VPD-SEC-01": 0, "VPD-BRE-01": 1, "VPD-ILS-01": 0,
                "VPD-ILS-04": 1, "VPD-ILS-07": 0, "VPD-LAW-01": 0, "VPD-RGT-01": 1,
            },
        ),
        notes={
            "VPD-ILS-01": "New libraries start with borrowing history off; patrons opt in from their account.",
            "VPD-ILS-07": "SIP2 self-check runs over TLS; older machines connect through a gateway.",
            "VPD-USE-04": "Loan data trains the recommendation model unless the library opts out.",
        },
    ),
    "larchmont-stacks-schools": Profile(
        stance="strong",
        coverage=(0.62,),
        published_days_ago=(75,),
        not_applicable={
            "VPD-ANON-01": "Students are always known to their school; anonymous use is not offered.",
        },
        notes={"VPD-K12-02": "Reading records are cleared at the end of each school year by default."},
    ),
    "brightwell-search": Profile(
        stance="fair",
        coverage=(0.5, 0.64),
        published_days_ago=(395, 52),
        picks=(
            {
                "VPD-GOV-01": 0, "VPD-COL-04": 1, "VPD-USE-02": 0, "VPD-SEC-01": 0,
                "VPD-DSC-01": 1, "VPD-DSC-02": 1, "VPD-DSC-03": 0,
            },
            {
                "VPD-GOV-01": 0, "VPD-COL-04": 2, "VPD-USE-02": 0, "VPD-SEC-01": 0,
                "VPD-DSC-01": 0, "VPD-DSC-02": 1, "VPD-DSC-03": 0, "VPD-RET-03": 1,
            },
        ),
        notes={
            "VPD-COL-04": "An analytics tag was added to the results page for usage reports.",
            "VPD-DSC-01": "Queries are kept 14 days without account or IP address, then deleted.",
        },
    ),
    "brightwell-catalogue": Profile(
        stance="weak",
        coverage=(0.41,),
        published_days_ago=(210,),
        notes={"VPD-DSC-02": "Cover images load from a third-party service with the ISBN."},
    ),
    "paperlantern-reader": Profile(
        stance="fair",
        coverage=(0.55, 0.78),
        published_days_ago=(520, 120),
        notes={
            "VPD-CNT-01": "Reading position syncs between devices and is tied to the patron's account.",
            "VPD-CNT-03": "The app's privacy page lists its crash-reporting and analytics SDKs.",
        },
    ),
    "paperlantern-magazines": Profile(
        stance="weak",
        coverage=(0.33,),
        published_days_ago=(300,),
        not_applicable={
            "VPD-CNT-02": "Magazines open without any account; the library card is checked once.",
        },
    ),
    "paperlantern-kids": Profile(
        stance="strong",
        coverage=(0.7, 0.86),
        published_days_ago=(460, 16),
        not_applicable={
            "VPD-CON-04": "Sold to schools only; users are never offered discounts or rewards.",
        },
    ),
}  # fmt: skip

# Plausible detail values, by field key (answer-level and table-row fields).
_DAYS: Final[Mapping[str, tuple[int, ...]]] = {
    "notice_days": (30, 30, 60, 14),
    "days": (30, 60, 90),
    "max_days": (14, 30, 90, 180),
    "anonymise_after_days": (0, 1, 30, 90),
}
_RETENTION_ROW_DAYS: Final[Mapping[str, tuple[int, ...]]] = {
    "accounts": (30, 90, 365),
    "logs": (14, 30, 90),
    "activity_history": (0, 30, 180),
    "backups": (30, 35, 90),
}
_TEXT: Final[Mapping[str, tuple[str, ...]]] = {
    "patch_cadence": ("Monthly, critical fixes within 72 hours", "Quarterly"),
    "period": ("Yearly", "Every six months"),
    "frequency": ("Yearly, for every employee", "At hiring and every two years"),
}
_LISTS: Final[Mapping[str, tuple[tuple[str, ...], ...]]] = {
    "third_parties": (
        ("Web analytics service (page views)",),
        ("Web analytics service (page views)", "Tag manager"),
    ),
    "default_on_features": (
        ("Reading history",),
        ("Recommendations", "Saved searches"),
    ),
    "gaps": (("SIP2 self-check connections",), ("Legacy Z39.50 server",)),
}
_SUBPROCESSORS: Final = (
    {"name": "Northwind Cloud", "purpose": "Hosting", "location": "EU (Frankfurt)"},
    {"name": "Mailcastle", "purpose": "E-mail notices", "location": "USA"},
    {"name": "Helpwise Desk", "purpose": "Support tickets", "location": "Canada"},
)
_REGIONS: Final = (
    {"region": "EU", "hosting_provider": "Northwind Cloud", "transfer_mechanism": "Standard contractual clauses"},
    {"region": "USA", "hosting_provider": "Northwind Cloud", "transfer_mechanism": ""},
)  # fmt: skip
_EVIDENCE: Final = (
    ("privacy_policy", "privacy/"),
    ("product_documentation", "docs/privacy/"),
    ("data_processing_agreement", "legal/dpa/"),
    ("trust_center", "trust/"),
)
_BASES: Final = (
    "public_policy",
    "public_policy",
    "product_documentation",
    "contract_clause",
    "vendor_attestation_on_platform",
)


@dataclass(frozen=True)
class CriterionInfo:
    """What the generator needs to know about a criterion (built from the model)."""

    code: str
    kind: str
    options: tuple[str, ...]  # keys, most protective first
    scale: Mapping[str, Any]
    domain_title: str


def _pick(rng: random.Random, stance: str, count: int) -> int:
    weights = [*STANCES[stance], *[0.01] * count][:count]
    return rng.choices(range(count), weights=weights)[0]


def _field_value(
    spec: Mapping[str, Any], rng: random.Random, website: str, as_of: dt.date
) -> Any:
    key, kind = str(spec.get("key")), spec.get("type")
    if kind == "integer":
        return rng.choice(_DAYS.get(key, (30, 90)))
    if kind == "url":
        return f"{website}{key.replace('_url', '').replace('_', '-')}/"
    if kind == "date":
        return (as_of - dt.timedelta(days=rng.randint(20, 200))).isoformat()
    if kind == "text_list":
        return list(rng.choice(_LISTS.get(key, (("—",),))))
    if kind == "choice":
        return rng.choice([o["key"] for o in spec.get("options") or []])
    if kind == "text" and key in _TEXT:
        return rng.choice(_TEXT[key])
    return None


def _answer_fields(
    info: CriterionInfo, pick: int, rng: random.Random, website: str, as_of: dt.date
) -> dict[str, Any]:
    """Return the answer-level detail values that fit the option picked."""
    out: dict[str, Any] = {}
    for spec in info.scale.get("fields") or []:
        key = spec.get("key")
        if key in {"gaps", "default_on_features"} and pick == 0:
            continue  # "all endpoints", "none": nothing to list
        if key == "notice_days" and pick > 0:
            continue  # only an advance notice has a number of days
        if key == "third_parties" and pick < 2:
            continue  # "none" or first-party only: no third party to name
        value = _field_value(spec, rng, website, as_of)
        if value is not None:
            out[key] = value
    return out


#: Open table rows a vendor names itself (a row key and its label).
_OPEN_ROWS: Final[Mapping[str, tuple[tuple[str, str], ...]]] = {
    "VPD-CON-02": (
        ("reading_history", "Reading history"),
        ("recommendations", "Recommendations"),
        ("usage_analytics", "Usage analytics"),
        ("saved_searches", "Saved searches"),
    ),
}


def _table(
    info: CriterionInfo, rng: random.Random, stance: str, pick: int | None
) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    declared = [dict(r) for r in info.scale.get("rows") or []]
    named = [{"key": k, "label": v} for k, v in _OPEN_ROWS.get(info.code, ())]
    for row in declared or named[: rng.randint(2, len(named))]:
        key = str(row.get("key"))
        if key == "other":
            continue
        choice = pick if pick is not None else _pick(rng, stance, len(info.options))
        option = info.options[min(choice, len(info.options) - 1)]
        cell: dict[str, Any] = {"option": option}
        if not declared:
            cell["label"] = row["label"]
        if info.code == "VPD-RET-01" and option == "fixed_maximum":
            cell["max_days"] = rng.choice(_RETENTION_ROW_DAYS.get(key, (90,)))
        if info.code == "VPD-COL-01" and option != "not_collected":
            cell["requirement"] = rng.choice(("required", "required", "optional"))
        rows[key] = cell
    return rows


def _list(info: CriterionInfo, option: str, rng: random.Random) -> dict[str, Any]:
    entries: list[dict[str, Any]] = []
    if info.code == "VPD-SHR-01" and option != "none":
        entries = [
            {**s, "data_categories": ["Contact details"]}
            for s in _SUBPROCESSORS[: rng.randint(1, 3)]
        ]
    elif info.code == "VPD-SHR-03" and option != "not_stated":
        entries = [dict(r) for r in _REGIONS[: rng.randint(1, 2)]]
    elif info.code == "VPD-SEC-05" and option != "none":
        entries = [
            {
                "type": "SOC 2 Type II" if option == "independent" else "HECVAT",
                "scope": "Production platform",
                "access": "on_request",
            }
        ]
    return {"option": option, "entries": entries}


def answer_value(
    info: CriterionInfo, pick: int, rng: random.Random, stance: str, fixed: bool
) -> Any:
    """Return an answer value of ``info``'s scale kind around option ``pick``."""
    option = info.options[min(pick, len(info.options) - 1)]
    if info.kind == "multi":
        return list(info.options[: pick + 1])
    if info.kind == "table":
        return _table(info, rng, stance, pick if fixed else None)
    if info.kind == "list":
        return _list(info, option, rng)
    return option


def _evidence(
    info: CriterionInfo, rng: random.Random, website: str, basis: str, note: str
) -> list[dict[str, Any]]:
    if basis == "vendor_attestation_on_platform":
        return []
    doc_type, path = rng.choice(_EVIDENCE)
    if basis == "contract_clause":
        doc_type, path = _EVIDENCE[2]
    return [
        {
            "url": f"{website}{path}",
            "document_type": doc_type,
            "section": f"§ {rng.randint(2, 12)} {info.domain_title}",
            "excerpt": note[:200],
        }
    ]


def version_answers(
    *,
    slug: str,
    profile: Profile,
    version: int,
    criteria: Sequence[CriterionInfo],
    website: str,
    today: dt.date,
) -> list[dict[str, Any]]:
    """Return the answer dicts of version ``version`` (0-based) of product ``slug``.

    Deterministic for a slug and day. A later version answers a superset of the
    criteria an earlier one answered (a vendor fills in gaps over time) and moves a
    quarter of the drawn answers one step up the ladder; the fixed ``picks`` decide
    their criteria in each version, and a fixed criterion missing from a version is
    not disclosed. An answer keeps the date it was first given until it changes.
    """
    dates = [today - dt.timedelta(days=d) for d in profile.published_days_ago]
    sets = [_answered_codes(slug, profile, n, criteria) for n in range(len(dates))]
    fixed = profile.picks[version] if version < len(profile.picks) else {}
    out = []
    for info in criteria:
        if info.code in profile.not_applicable:
            out.append(_not_applicable(info, profile, dates[0]))
            continue
        if info.code not in sets[version]:
            continue
        crng = random.Random(f"{slug}:{info.code}")  # noqa: S311 - demo data
        pick = _pick(crng, profile.stance, len(info.options))
        improves = crng.random() < 0.25 and pick + 1 < len(info.options)
        first = next(n for n, codes in enumerate(sets) if info.code in codes)
        if info.code in fixed:
            pick = fixed[info.code]
            since = next(
                n
                for n in range(version + 1)
                if all(
                    len(profile.picks) > m and profile.picks[m].get(info.code) == pick
                    for m in range(n, version + 1)
                )
            )
        elif improves and version + 1 < len(dates):
            pick, since = pick + 1, first
        else:
            since = first if not improves else max(first, len(dates) - 1)
        out.append(
            _answered(
                info, pick, crng, profile, website, dates[since], info.code in fixed
            )
        )
    return out


def _answered_codes(
    slug: str, profile: Profile, version: int, criteria: Sequence[CriterionInfo]
) -> set[str]:
    """Return the codes answered in ``version``: the fixed ones, then a drawn share."""
    rng = random.Random(f"{slug}:order")  # noqa: S311 - demo data, not security
    fixed_codes = {code for picks in profile.picks for code in picks}
    drawn = [
        c.code
        for c in criteria
        if c.code not in fixed_codes and c.code not in profile.not_applicable
    ]
    order = rng.sample(drawn, len(drawn))  # the order the vendor fills gaps in
    fixed = profile.picks[version] if version < len(profile.picks) else {}
    count = max(0, round(profile.coverage[version] * len(criteria)) - len(fixed))
    return set(fixed) | set(order[:count])


def _answered(
    info: CriterionInfo,
    pick: int,
    rng: random.Random,
    profile: Profile,
    website: str,
    published_on: dt.date,
    fixed: bool,
) -> dict[str, Any]:
    as_of = published_on - dt.timedelta(days=rng.randint(3, 150))
    basis = rng.choice(_BASES)
    note = profile.notes.get(info.code, "")
    value = answer_value(info, pick, rng, profile.stance, fixed)
    option = info.options[min(pick, len(info.options) - 1)]
    switch = info.code in LIBRARY_SWITCHES and info.kind in {"ordinal", "boolean"}
    return {
        "criterion": info.code,
        "status": A,
        "value": value,
        "fields": {}
        if info.kind == "table"
        else _answer_fields(info, pick, rng, website, as_of),
        "configurability": LIBRARY if switch else FIXED,
        "default_option": option if switch else "",
        "basis": basis,
        "as_of": as_of,
        "note": note,
        "evidence": _evidence(info, rng, website, basis, note),
    }


def _not_applicable(
    info: CriterionInfo, profile: Profile, published_on: dt.date
) -> dict[str, Any]:
    return {
        "criterion": info.code,
        "status": NA,
        "status_reason": profile.not_applicable[info.code],
        "as_of": published_on - dt.timedelta(days=10),
    }
