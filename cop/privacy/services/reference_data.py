"""Loading the privacy reference data from its YAML files into the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from cop.privacy.data_files import reference_data_read
from cop.privacy.models import (
    Criterion,
    CriterionOption,
    Domain,
    Framework,
    FrameworkItem,
    Module,
    RedFlag,
    Severity,
    Source,
)
from cop.privacy.services.upsert import (
    LoadReport,
    ReferenceDataError,
    SyncResult,
    as_text,
    jsonable,
    length_problems,
    sync_links,
    sync_parents,
    sync_rows,
)
from cop.privacy.signals import reference_data_changed
from cop.privacy.validation import reference_data_validate

# Keys of a criterion's scale stored as data; the options become CriterionOption rows.
SCALE_DATA_KEYS = ("rows", "rows_open", "fields", "entry_fields")


def _desired_frameworks(doc: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        fw["id"]: {
            "code": fw["id"],
            "title": as_text(fw["title"]),
            "publisher": as_text(fw["publisher"]),
            "year": fw.get("year"),
            "url": as_text(fw["url"]),
            "partial": fw["partial"],
            "verification": fw["verification"],
            "notes": as_text(fw.get("notes")),
            "order": pos,
        }
        for pos, fw in enumerate(doc, 1)
    }


def _desired_items(
    doc: list[dict[str, Any]], frameworks: dict[str, Framework]
) -> dict[str, dict[str, Any]]:
    desired = {}
    for fw in doc:
        for pos, item in enumerate(fw["items"], 1):
            desired[item["id"]] = {
                "code": item["id"],
                "framework_id": frameworks[fw["id"]].pk,
                "tier": item.get("tier"),
                "title": as_text(item["title"]),
                "summary": as_text(item["summary"]),
                "truncated": bool(item.get("truncated", False)),
                "order": pos,
            }
    return desired


def _desired_sources(doc: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        src["tag"]: {
            "tag": src["tag"],
            "title": as_text(src["title"]),
            "publisher": as_text(src.get("publisher")),
            "year": src.get("year"),
            "url": as_text(src.get("url")),
            "verified": src["verified"],
            "note": as_text(src.get("note")),
            "order": pos,
        }
        for pos, src in enumerate(doc, 1)
    }


def _desired_codes(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        row["code"]: {"code": row["code"], "title": as_text(row["title"]), "order": pos}
        for pos, row in enumerate(rows, 1)
    }


def _desired_criteria(
    doc: list[dict[str, Any]], domains: dict[str, Domain], modules: dict[str, Module]
) -> dict[str, dict[str, Any]]:
    return {
        crit["id"]: {
            "code": crit["id"],
            "domain_id": domains[crit["domain"]].pk,
            "module_id": modules[crit["module"]].pk,
            "title": as_text(crit["title"]),
            "summary": as_text(crit["summary"]),
            "notes": as_text(crit.get("notes")),
            "scale_kind": crit["scale"]["kind"],
            "scale": jsonable(
                {k: crit["scale"][k] for k in SCALE_DATA_KEYS if k in crit["scale"]}
            ),
            "derived_from": jsonable(crit["derived_from"]),
            "order": pos,
        }
        for pos, crit in enumerate(doc, 1)
    }


def _desired_options(
    doc: list[dict[str, Any]], criteria: dict[str, Criterion]
) -> dict[tuple[int, str], dict[str, Any]]:
    desired = {}
    for crit in doc:
        criterion_id = criteria[crit["id"]].pk
        for opt in crit["scale"]["options"]:
            desired[(criterion_id, opt["key"])] = {
                "criterion_id": criterion_id,
                "key": opt["key"],
                "label": as_text(opt["label"]),
                "rank": opt["rank"],
                "description": as_text(opt.get("description")),
            }
    return desired


def _desired_severities(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        sev["key"]: {
            "key": sev["key"],
            "label": as_text(sev["label"]),
            "rank": sev["rank"],
            "description": as_text(sev.get("description")),
        }
        for sev in rows
    }


def _desired_red_flags(
    doc: list[dict[str, Any]], severities: dict[str, Severity]
) -> dict[str, dict[str, Any]]:
    return {
        flag["id"]: {
            "code": flag["id"],
            "title": as_text(flag["title"]),
            "look_for": as_text(flag["look_for"]),
            "better": as_text(flag["better"]),
            "severity_id": severities[flag["severity"]].pk,
            "sources": jsonable(flag["sources"]),
            "order": pos,
        }
        for pos, flag in enumerate(doc, 1)
    }


def _item_depth(items: dict[str, dict[str, Any]], code: str) -> int:
    depth, parent = 0, items[code].get("parent")
    while parent:  # validation guarantees parents exist and never loop
        depth, parent = depth + 1, items[parent].get("parent")
    return depth


def reference_data_load(*, data_dir: Path | None = None) -> LoadReport:
    """Validate the reference-data files and upsert them into the database.

    Reads ``data_dir`` (the copy shipped in ``cop/privacy/data/`` by default). Raises
    :class:`ReferenceDataError`, listing every problem, before writing anything if
    the files are inconsistent. Runs in one transaction and upserts by stable key
    (framework and item id, source tag, domain and module code, criterion id, option
    ``(criterion, key)``, severity key, red flag id). Rows that vanished from the
    files are retired, never deleted, and are un-retired when they come back.
    Idempotent: a second run with the same files writes nothing. System job: no
    actor, no audit entry.
    """
    files = reference_data_read(data_dir=data_dir)
    problems = reference_data_validate(files)
    if problems:
        # Refused before a database connection is even opened.
        raise ReferenceDataError(problems)
    return _reference_data_write(files.documents)


@transaction.atomic
def _reference_data_write(documents: dict[str, Any]) -> LoadReport:
    """Upsert validated documents (see :func:`reference_data_load`)."""
    fw_doc = documents["frameworks.yaml"]
    src_doc = documents["sources.yaml"]
    crit_doc = documents["criteria.yaml"]
    flag_doc = documents["red_flags.yaml"]
    now = timezone.now()
    report = LoadReport()

    def run(
        kind: str, model: type[models.Model], key_of: Any, desired: Any
    ) -> SyncResult:
        problems = [
            p
            for key, values in desired.items()
            for p in length_problems(model, key, values)
        ]
        if problems:
            raise ReferenceDataError(problems)
        result = sync_rows(
            model,
            existing=model._default_manager.all(),
            key_of=key_of,
            desired=desired,
            now=now,
        )
        report.kinds[kind] = result.counts
        return result

    frameworks = run(
        "frameworks", Framework, lambda o: o.code, _desired_frameworks(fw_doc)
    )
    raw_items = {item["id"]: item for fw in fw_doc for item in fw["items"]}
    desired_items = _desired_items(fw_doc, frameworks.rows)
    desired_items = dict(
        sorted(desired_items.items(), key=lambda kv: _item_depth(raw_items, kv[0]))
    )
    items = run("framework items", FrameworkItem, lambda o: o.code, desired_items)
    sync_parents(
        items, desired={code: raw_items[code].get("parent") for code in raw_items}
    )
    run("sources", Source, lambda o: o.tag, _desired_sources(src_doc))
    domains = run(
        "domains", Domain, lambda o: o.code, _desired_codes(crit_doc["domains"])
    )
    modules = run(
        "modules", Module, lambda o: o.code, _desired_codes(crit_doc["modules"])
    )
    criteria = run(
        "criteria",
        Criterion,
        lambda o: o.code,
        _desired_criteria(crit_doc["criteria"], domains.rows, modules.rows),
    )
    sync_links(
        criteria,
        model=Criterion,
        relation="derived_items",
        desired={
            c["id"]: {items.rows[r].pk for r in c["derived_from"] if r in raw_items}
            for c in crit_doc["criteria"]
        },
    )
    run(
        "criterion options",
        CriterionOption,
        lambda o: (o.criterion_id, o.key),
        _desired_options(crit_doc["criteria"], criteria.rows),
    )
    severities = run(
        "severities",
        Severity,
        lambda o: o.key,
        _desired_severities(flag_doc["severities"]),
    )
    flags = run(
        "red flags",
        RedFlag,
        lambda o: o.code,
        _desired_red_flags(flag_doc["red_flags"], severities.rows),
    )
    sync_links(
        flags,
        model=RedFlag,
        relation="related_criteria",
        desired={
            f["id"]: {criteria.rows[c].pk for c in f.get("related_criteria") or []}
            for f in flag_doc["red_flags"]
        },
    )
    if report.changed:
        reference_data_changed.send(sender=Criterion, report=report)
    return report
