"""Consistency checks for the privacy reference data (a port of the shared ``check.py``).

:func:`reference_data_validate` takes the files read by
:func:`cop.privacy.data_files.reference_data_read` and returns every problem found,
so that the loader can refuse to write anything while one exists. The checks never
raise on malformed input: each one reports a problem and moves on. The shared
``check.py`` also scans its own README.md and itself for local paths; cop ships only
the four YAML files, so only those are scanned here.
"""

from __future__ import annotations

import re
from typing import Any

from cop.privacy.data_files import ReferenceFiles

SCALE_KINDS = {"ordinal", "boolean", "multi", "table", "list"}
FIELD_TYPES = {"text", "text_list", "integer", "date", "url", "choice", "criterion_id"}
SEVERITIES = {"blocker", "high", "medium"}
VERIFICATIONS = {"authoritative_source", "stored_copy", "secondary_list"}
RED_FLAG_IDS = [f"RF-{n:02d}" for n in range(1, 23)]
# Absolute local paths (not URLs): a slash at the start or after whitespace/quote, then a root dir.
LOCAL_PATH = re.compile(
    r"(?:^|[\s\"'(=])/(?:work|tmp|home|root|Users|var|opt|mnt|srv)/", re.M
)
# Longest stable key the database columns accept (see cop.privacy.models).
MAX_CODE_LENGTH = 32


class _Checker:
    """Collects problems; one instance per validation run."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def bad(self, msg: str) -> None:
        self.problems.append(msg)

    def options(self, where: str, options: Any, *, need_rank: bool = True) -> set[str]:
        """Options: non-empty list of {key, label, rank}; unique string keys; ranks 1..n."""
        if not isinstance(options, list) or not options:
            self.bad(f"{where}: options must be a non-empty list")
            return set()
        keys: set[str] = set()
        for pos, opt in enumerate(options, 1):
            if not isinstance(opt, dict):
                self.bad(f"{where}: option #{pos} is not a mapping")
                continue
            key = opt.get("key")
            if not isinstance(key, str) or not key:
                self.bad(
                    f"{where}: option #{pos} key {key!r} is not a string (quote yes/no/on/off)"
                )
            elif key in keys:
                self.bad(f"{where}: duplicate option key {key!r}")
            else:
                keys.add(key)
            if not opt.get("label"):
                self.bad(f"{where}: option {key!r} has no label")
            if need_rank and (type(opt.get("rank")) is not int or opt["rank"] != pos):
                self.bad(
                    f"{where}: option {key!r} has rank {opt.get('rank')!r}, expected {pos} "
                    "(list most protective first)"
                )
        return keys

    def fields(self, where: str, fields: Any) -> None:
        if fields is None:
            return
        if not isinstance(fields, list):
            self.bad(f"{where}: must be a list")
            return
        seen: set[str] = set()
        for fld in fields:
            key = fld.get("key") if isinstance(fld, dict) else None
            if not isinstance(key, str):
                self.bad(f"{where}: field without a string key: {fld!r}")
                continue
            if key in seen:
                self.bad(f"{where}: duplicate field {key!r}")
            seen.add(key)
            ftype = fld.get("type")
            if ftype not in FIELD_TYPES:
                self.bad(f"{where}.{key}: unknown type {ftype!r}")
            if ftype == "choice":
                self.options(f"{where}.{key}", fld.get("options"))

    def code(self, where: str, value: Any) -> bool:
        """Check that a stable key is a non-empty string short enough for its column."""
        if not isinstance(value, str) or not value:
            self.bad(f"{where}: id {value!r} is not a string")
            return False
        if len(value) > MAX_CODE_LENGTH:
            self.bad(
                f"{where}: id {value!r} is longer than {MAX_CODE_LENGTH} characters"
            )
            return False
        return True


def _mappings(chk: _Checker, where: str, rows: Any) -> list[dict[str, Any]]:
    """Return the mapping entries of a list, reporting anything else."""
    if rows is None:
        return []
    if not isinstance(rows, list):
        chk.bad(f"{where}: must be a list")
        return []
    out = []
    for pos, row in enumerate(rows, 1):
        if isinstance(row, dict):
            out.append(row)
        else:
            chk.bad(f"{where}: entry #{pos} is not a mapping")
    return out


def _check_local_paths(chk: _Checker, texts: dict[str, str]) -> None:
    for name, text in texts.items():
        for m in LOCAL_PATH.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            chk.bad(f"{name}:{line}: looks like an absolute local path")


def _check_frameworks(chk: _Checker, frameworks: Any, refs: dict[str, str]) -> None:
    if not isinstance(frameworks, list):
        chk.bad("frameworks.yaml: top level must be a list")
        return
    for fw in _mappings(chk, "frameworks.yaml", frameworks):
        fid = fw.get("id")
        if not fid:
            chk.bad(f"frameworks.yaml: framework without id: {fw.get('title')!r}")
            continue
        if not chk.code("frameworks.yaml", fid):
            continue
        if fid in refs:
            chk.bad(f"frameworks.yaml: duplicate id {fid}")
        refs[fid] = "framework"
        for key in ("title", "publisher", "url"):
            if not fw.get(key):
                chk.bad(f"{fid}: missing {key}")
        year = fw.get("year")
        if not (year is None or (type(year) is int and year > 0)):
            chk.bad(f"{fid}: year must be an integer or null")
        if not isinstance(fw.get("partial"), bool):
            chk.bad(f"{fid}: partial must be true or false")
        if fw.get("verification") not in VERIFICATIONS:
            chk.bad(f"{fid}: unknown verification {fw.get('verification')!r}")
        items = _mappings(chk, f"{fid}.items", fw.get("items"))
        if not items:
            chk.bad(f"{fid}: no items")
        own: dict[str, dict[str, Any]] = {}
        for item in items:
            iid = item.get("id")
            if not isinstance(iid, str) or not iid.startswith(fid + "-"):
                chk.bad(f"{fid}: item id {iid!r} does not start with {fid}-")
                continue
            if not chk.code(fid, iid):
                continue
            if iid in refs:
                chk.bad(f"frameworks.yaml: duplicate id {iid}")
            refs[iid] = "item"
            own[iid] = item
            for key in ("title", "summary"):
                if not item.get(key):
                    chk.bad(f"{iid}: missing {key}")
            if "tier" not in item:
                chk.bad(
                    f"{iid}: tier missing (use null when the framework has no tiers)"
                )
            tier = item.get("tier")
            if tier is not None and (type(tier) is not int or tier not in (1, 2, 3)):
                chk.bad(f"{iid}: tier must be 1, 2, 3 or null")
            m = re.search(r"-P(\d)-", iid)
            if m and tier != int(m.group(1)):
                chk.bad(
                    f"{iid}: tier {tier!r} does not match the P{m.group(1)} in its id"
                )
            if not m and tier is not None:
                chk.bad(f"{iid}: has a tier but no -P<tier>- in its id")
            if "truncated" in item and item["truncated"] is not True:
                chk.bad(f"{iid}: truncated, when present, must be true")
        for iid, item in own.items():
            parent = item.get("parent")
            if parent is not None:
                if not isinstance(parent, str) or parent not in own:
                    chk.bad(f"{iid}: parent {parent!r} is not an item of {fid}")
                elif parent == iid:
                    chk.bad(f"{iid}: is its own parent")
                elif own[parent].get("tier") != item.get("tier"):
                    chk.bad(f"{iid}: tier differs from its parent {parent}")
            elif re.search(r"\d[a-z]$", iid):
                chk.bad(f"{iid}: sub-item id but no parent")
        _check_parent_loops(chk, own)
        if (
            any(item.get("truncated") for item in items)
            and fw.get("partial") is not True
        ):
            chk.bad(f"{fid}: has truncated items but partial is not true")


def _check_parent_loops(chk: _Checker, own: dict[str, dict[str, Any]]) -> None:
    """Report items whose chain of parents comes back to them."""
    for iid in own:
        seen = {iid}
        parent = own[iid].get("parent")
        while isinstance(parent, str) and parent in own and parent != iid:
            if parent in seen:
                break
            seen.add(parent)
            parent = own[parent].get("parent")
        if parent == iid and own[iid].get("parent") != iid:
            chk.bad(f"{iid}: its chain of parents loops back to it")


def _check_sources(chk: _Checker, sources: Any, refs: dict[str, str]) -> None:
    if not isinstance(sources, list):
        chk.bad("sources.yaml: top level must be a list")
        return
    for src in _mappings(chk, "sources.yaml", sources):
        tag = src.get("tag")
        if not tag:
            chk.bad(f"sources.yaml: source without tag: {src.get('title')!r}")
            continue
        if not chk.code("sources.yaml", tag):
            continue
        if tag in refs:
            chk.bad(
                f"sources.yaml: tag {tag} collides with an existing id ({refs[tag]})"
            )
        refs[tag] = "source"
        if not src.get("title"):
            chk.bad(f"{tag}: missing title")
        if not isinstance(src.get("verified"), bool):
            chk.bad(f"{tag}: verified must be true or false")
        for key in ("publisher", "year", "url", "note"):
            if key not in src:
                chk.bad(f"{tag}: missing {key} (use null when unknown)")
        year = src.get("year")
        if not (year is None or (type(year) is int and year > 0)):
            chk.bad(f"{tag}: year must be an integer or null")


def _check_codes(chk: _Checker, where: str, rows: list[dict[str, Any]]) -> set[str]:
    """Domains and modules: unique string codes, each with a title."""
    codes: set[str] = set()
    for row in rows:
        code = row.get("code")
        if not chk.code(where, code) or not isinstance(code, str):
            continue
        if code in codes:
            chk.bad(f"criteria.yaml: duplicate {where} code {code!r}")
        codes.add(code)
        if not row.get("title"):
            chk.bad(f"criteria.yaml: {where} {code!r} has no title")
    return codes


def _check_answer_record(chk: _Checker, answer: Any) -> None:
    if not isinstance(answer, dict):
        answer = {}
    afields = {
        f.get("name"): f
        for f in _mappings(chk, "answer_record.fields", answer.get("fields"))
    }
    for name in ("value", "status", "configurability", "default", "basis", "evidence",
                 "as_of", "library_assessment", "roadmap_item"):  # fmt: skip
        if name not in afields:
            chk.bad(f"answer_record: field {name!r} missing")
    status = _mappings(
        chk, "answer_record.status", afields.get("status", {}).get("options")
    )
    status_keys = {o.get("key") for o in status}
    if status_keys != {"answered", "not_disclosed", "not_applicable"}:
        chk.bad(f"answer_record.status: options {sorted(map(str, status_keys))}")
    for name in ("basis", "library_assessment"):
        if name in afields:
            chk.options(f"answer_record.{name}", afields[name].get("options"))


def _check_scale(chk: _Checker, cid: str, scale: Any) -> None:
    if not isinstance(scale, dict):
        chk.bad(f"{cid}: scale must be a mapping")
        return
    kind = scale.get("kind")
    if kind not in SCALE_KINDS:
        chk.bad(f"{cid}: unknown scale kind {kind!r}")
    where = f"{cid}.scale"
    chk.options(where, scale.get("options"))
    if kind == "boolean" and len(scale.get("options") or []) != 2:
        chk.bad(f"{where}: boolean needs exactly two options")
    if kind == "table":
        rows = scale.get("rows")
        if not isinstance(rows, list) or (not rows and not scale.get("rows_open")):
            chk.bad(f"{where}: table needs rows (or rows_open: true)")
        row_keys = [r.get("key") if isinstance(r, dict) else None for r in rows or []]
        if len(set(row_keys)) != len(row_keys) or not all(
            isinstance(k, str) for k in row_keys
        ):
            chk.bad(f"{where}: row keys must be unique strings")
    elif "rows" in scale or "rows_open" in scale:
        chk.bad(f"{where}: rows only belong to table scales")
    if kind == "list":
        if not scale.get("entry_fields"):
            chk.bad(f"{where}: list needs entry_fields")
        chk.fields(f"{where}.entry_fields", scale.get("entry_fields"))
    elif "entry_fields" in scale:
        chk.bad(f"{where}: entry_fields only belong to list scales")
    chk.fields(f"{where}.fields", scale.get("fields"))


def _check_criteria(chk: _Checker, doc: Any, refs: dict[str, str]) -> set[str]:
    if not isinstance(doc, dict):
        chk.bad("criteria.yaml: top level must be a mapping")
        doc = {}
    domains = _check_codes(chk, "domain", _mappings(chk, "domains", doc.get("domains")))
    modules = _check_codes(chk, "module", _mappings(chk, "modules", doc.get("modules")))
    if "core" not in modules:
        chk.bad("criteria.yaml: module 'core' missing")
    kinds = {
        k.get("kind") for k in _mappings(chk, "scale_kinds", doc.get("scale_kinds"))
    }
    if kinds != SCALE_KINDS:
        chk.bad(
            f"criteria.yaml: scale_kinds {sorted(map(str, kinds))} differ from {sorted(SCALE_KINDS)}"
        )
    _check_answer_record(chk, doc.get("answer_record"))

    criteria_ids: set[str] = set()
    for crit in _mappings(chk, "criteria", doc.get("criteria")):
        cid = crit.get("id")
        m = re.fullmatch(r"VPD-([A-Z0-9]+)-(\d{2})", str(cid))
        if not isinstance(cid, str) or not m or not chk.code("criteria.yaml", cid):
            chk.bad(f"criteria.yaml: bad criterion id {cid!r}")
            continue
        if cid in criteria_ids or cid in refs:
            chk.bad(f"criteria.yaml: duplicate id {cid}")
        criteria_ids.add(cid)
        dom, mod = crit.get("domain"), crit.get("module")
        if dom not in domains:
            chk.bad(f"{cid}: unknown domain {dom!r}")
        if mod not in modules:
            chk.bad(f"{cid}: unknown module {mod!r}")
        expected = dom if mod == "core" else mod
        if m.group(1) != expected:
            chk.bad(
                f"{cid}: id segment {m.group(1)} should be {expected} "
                "(domain for core, module otherwise)"
            )
        for key in ("title", "summary"):
            if not crit.get(key):
                chk.bad(f"{cid}: missing {key}")
        derived = crit.get("derived_from")
        if not derived:
            chk.bad(f"{cid}: derived_from is empty")
        elif not isinstance(derived, list):
            chk.bad(f"{cid}: derived_from must be a list")
        else:
            for ref in derived:
                if not isinstance(ref, str) or ref not in refs:
                    chk.bad(
                        f"{cid}: derived_from {ref!r} is not a framework, item or source tag"
                    )
        _check_scale(chk, cid, crit.get("scale"))
    return criteria_ids


def _check_red_flags(
    chk: _Checker, doc: Any, refs: dict[str, str], criteria_ids: set[str]
) -> None:
    if not isinstance(doc, dict):
        chk.bad("red_flags.yaml: top level must be a mapping")
        doc = {}
    severities = _mappings(chk, "severities", doc.get("severities"))
    sev_keys = {s.get("key") for s in severities}
    if sev_keys != SEVERITIES or len(severities) != len(SEVERITIES):
        chk.bad(
            f"red_flags.yaml: severities {sorted(map(str, sev_keys))} differ from {sorted(SEVERITIES)}"
        )
    chk.options("red_flags.yaml: severities", severities)
    flags = _mappings(chk, "red_flags", doc.get("red_flags"))
    ids = [f.get("id") for f in flags]
    if sorted(map(str, ids)) != RED_FLAG_IDS:
        chk.bad(f"red_flags.yaml: ids should be exactly RF-01..RF-22, got {ids}")
    if len(set(map(str, ids))) != len(ids):
        chk.bad("red_flags.yaml: duplicate ids")
    for flag in flags:
        fid = flag.get("id")
        if fid in refs or fid in criteria_ids:
            chk.bad(f"{fid}: collides with another id")
        for key in ("title", "look_for", "better"):
            if not flag.get(key):
                chk.bad(f"{fid}: missing {key}")
        if flag.get("severity") not in SEVERITIES:
            chk.bad(
                f"{fid}: severity {flag.get('severity')!r} not in {sorted(SEVERITIES)}"
            )
        related = flag.get("related_criteria") or []
        for ref in related if isinstance(related, list) else [related]:
            if ref not in criteria_ids:
                chk.bad(f"{fid}: related criterion {ref!r} does not exist")
        sources = flag.get("sources")
        if not sources:
            chk.bad(f"{fid}: sources is empty")
        for ref in sources if isinstance(sources, list) else [sources]:
            if not isinstance(ref, str) or ref not in refs:
                chk.bad(f"{fid}: source {ref!r} is not a framework, item or source tag")


def reference_data_validate(data: ReferenceFiles) -> list[str]:
    """Return every problem in ``data`` (empty when the files are consistent).

    Checks: every file loads; IDs are unique across frameworks, items and source
    tags; item IDs carry their framework prefix and tier; parents exist; criteria use
    known domains and modules, their IDs match domain/module, and option keys are
    unique strings ranked 1..n in order; every derived_from, sources and
    related_criteria reference exists; red flags are exactly RF-01..RF-22; no file
    contains an absolute path from a developer's machine. Pure: reads nothing.
    """
    chk = _Checker()
    chk.problems.extend(data.problems)
    _check_local_paths(chk, data.texts)
    refs: dict[str, str] = {}  # every referenceable id -> what it is
    _check_frameworks(chk, data.documents.get("frameworks.yaml") or [], refs)
    _check_sources(chk, data.documents.get("sources.yaml") or [], refs)
    criteria_ids = _check_criteria(chk, data.documents.get("criteria.yaml") or {}, refs)
    _check_red_flags(
        chk, data.documents.get("red_flags.yaml") or {}, refs, criteria_ids
    )
    return chk.problems
