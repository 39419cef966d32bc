"""cop platform's own demo disclosure: honest, published, every core criterion answered.

Called by :func:`vendors.seeding.seed_vendors`. Each answer cites what proves it
(:mod:`cop.privacy.own_disclosure`): a page of the site, a setting with its value or
a test; the retention answer is built from the settings the retention job enforces.
Idempotent: a product whose disclosure already has versions is left alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django.conf import settings
from django.utils import timezone

from cop.privacy import own_disclosure
from cop.privacy.models import Criterion
from vendors.models import Disclosure, Product
from vendors.seeding_disclosures import FIXED, NA, A, days_ago, publish

# code -> (value, configurability, default, note) for cop's own product. Honest: cop is
# a small community site; it collects little, has no trackers, keeps reading/discussion
# history off by default, and has no independent audit or transparency report yet.
_COP_ANSWERS: Final[dict[str, tuple[Any, str, str, str]]] = {
    "VPD-GOV-01": (
        "product_specific",
        FIXED,
        "",
        "The privacy page covers this site only.",
    ),
    "VPD-GOV-02": (
        "advance_notice",
        FIXED,
        "",
        "Members are told 30 days ahead by e-mail.",
    ),
    "VPD-GOV-03": (
        "yes",
        FIXED,
        "",
        "The working group's privacy contact answers within 10 days.",
    ),
    "VPD-GOV-04": ("yes", FIXED, "", "Linked from the sign-up and sign-in forms."),
    "VPD-GOV-05": ("complete", FIXED, "", ""),
    "VPD-COL-01": (
        {
            "contact_details": {
                "option": "collected_linked",
                "requirement": "required",
            },
            "account_identifiers": {
                "option": "collected_linked",
                "requirement": "required",
            },
            "network_device_identifiers": {"option": "not_collected"},
            "location": {"option": "not_collected"},
            "circulation_records": {"option": "not_collected"},
            "reading_activity": {"option": "not_collected"},
            "search_queries": {"option": "not_collected"},
            "saved_content": {"option": "collected_linked", "requirement": "optional"},
            "usage_diagnostics": {
                "option": "collected_not_linked",
                "requirement": "required",
            },
            "payment_details": {"option": "not_collected"},
            "demographics_sensitive": {"option": "not_collected"},
        },
        FIXED,
        "",
        "E-mail address and display name only; no IP addresses are stored.",
    ),
    "VPD-COL-02": (
        ["service_delivery", "authentication", "security_fraud"],
        FIXED,
        "",
        "",
    ),
    "VPD-COL-03": ("no_pii_needed", FIXED, "", "Reading pages needs no account."),
    "VPD-COL-04": (
        "none",
        FIXED,
        "",
        "No analytics, no third-party requests, no web fonts: the content security "
        "policy allows this site only.",
    ),
    "VPD-USE-01": ("policy_prohibits", FIXED, "", ""),
    "VPD-USE-02": ("prohibited", FIXED, "", ""),
    "VPD-USE-03": ("prohibited", FIXED, "", ""),
    "VPD-USE-04": ("not_used", FIXED, "", "No AI training on member content."),
    "VPD-USE-05": ("prohibited", FIXED, "", ""),
    "VPD-CON-01": (
        "all_opt_in",
        "user_configurable",
        "all_opt_in",
        "Reading history is off until a member turns it on; there is no "
        "personalisation or recommendation.",
    ),
    "VPD-CON-02": (
        {"discussion_digests": {"option": "yes"}},
        "user_configurable",
        "yes",
        "",
    ),
    "VPD-CON-03": ("yes", "user_configurable", "yes", ""),
    "VPD-CON-04": ("confirmed", FIXED, "", ""),
    "VPD-ANON-01": (
        "pseudonymous",
        "user_configurable",
        "pseudonymous",
        "Library workers may post under a pseudonym.",
    ),
    "VPD-ANON-02": (
        "method_documented",
        FIXED,
        "",
        "k-anonymous aggregates (k >= 10).",
    ),
    "VPD-ANON-03": ("aggregate_only", FIXED, "", ""),
    "VPD-SHR-01": (
        {"option": "public_with_notice", "entries": []},
        FIXED,
        "",
        "No subprocessors besides the host.",
    ),
    "VPD-SHR-02": ("policy", FIXED, "", ""),
    "VPD-SHR-03": (
        {
            "option": "full",
            "entries": [{"region": "EU", "hosting_provider": "Member-run server"}],
        },
        FIXED,
        "",
        "",
    ),
    "VPD-SHR-04": ("policy", FIXED, "", ""),
    # VPD-RET-01 is built from the settings at seeding time (_retention_answer).
    "VPD-RET-02": ("delete_only", FIXED, "", ""),
    "VPD-RET-03": ("yes", FIXED, "", ""),
    "VPD-SEC-01": ("all", FIXED, "", ""),
    "VPD-SEC-02": (
        "partial",
        FIXED,
        "",
        "Backups are encrypted (AES-256-GCM); the live database is not encrypted.",
    ),
    "VPD-SEC-03": (
        {
            "credentials_hashed": {"option": "yes"},
            "staff_mfa": {"option": "yes"},
            "least_privilege": {"option": "yes"},
        },
        FIXED,
        "",
        "Moderators and vendor representatives must use a second factor.",
    ),
    "VPD-SEC-04": ("documented", FIXED, "", ""),
    "VPD-SEC-05": (
        {"option": "none", "entries": []},
        FIXED,
        "",
        "No independent audit yet; see the roadmap.",
    ),
    "VPD-SEC-06": ("yes", FIXED, "", ""),
    "VPD-SEC-07": ("documented", FIXED, "", ""),
    "VPD-BRE-01": ("within_72h", FIXED, "", ""),
    "VPD-BRE-02": ({"option": "none_known", "entries": []}, FIXED, "", ""),
    "VPD-LAW-01": ("legal_process_only", FIXED, "", ""),
    "VPD-LAW-02": ("yes", FIXED, "", ""),
    "VPD-LAW-03": (
        "published",
        FIXED,
        "",
        "Counts of requests per half-year, by outcome, on the transparency page.",
    ),
    "VPD-RGT-01": (
        "self_service",
        FIXED,
        "",
        "Members download their data from their account page.",
    ),
    "VPD-RGT-02": ("self_service", FIXED, "", ""),
    "VPD-ACC-01": ({"option": "published", "entries": []}, FIXED, "", ""),
    "VPD-ACC-02": (["library_testing"], FIXED, "", ""),
    "VPD-ACC-03": ("yes", FIXED, "", ""),
    "VPD-ACC-04": ("yes", FIXED, "", ""),
}
_COP_NOT_APPLICABLE: Final = {
    "VPD-RGT-03": "cop is not a processor for libraries' patron records.",
    "VPD-CTR-01": "cop signs no contracts with libraries; membership terms apply.",
    "VPD-CTR-02": "No contract with libraries.",
    "VPD-CTR-03": "No contract with libraries.",
    "VPD-CTR-04": "No contract with libraries.",
    "VPD-CTR-05": "No contract with libraries.",
}


def _cop_evidence(code: str, note: str) -> list[dict[str, Any]]:
    """Return the evidence items of cop's answer ``code``: what proves it.

    Each cited page is linked; settings and tests are linked through the answer's
    entry on the proofs page, which names them (``cop.privacy.own_disclosure``).
    """
    items: list[dict[str, Any]] = []
    others: list[str] = []
    for proof in own_disclosure.PROOFS.get(code, ()):
        if proof.kind == own_disclosure.PAGE:
            items.append(
                {
                    "url": f"{settings.SITE_URL}{proof.target}",
                    "document_type": (
                        "privacy_policy"
                        if proof.target == own_disclosure.PRIVACY_POLICY
                        else "platform_statement"
                    ),
                    "section": "",
                    "excerpt": note[:200],
                }
            )
        else:
            others.append(f"{proof.label}: {proof.target}")
    if others:
        items.append(
            {
                "url": f"{settings.SITE_URL}{own_disclosure.PROOFS_PAGE}#{code.lower()}",
                "document_type": "platform_statement",
                "section": "",
                "excerpt": "; ".join(others)[:1000],
            }
        )
    return items


def _answer(
    criterion: Criterion,
    value: Any,
    configurability: str,
    default: str,
    note: str,
    as_of: dt.date,
) -> dict[str, Any]:
    return {
        "criterion": criterion.code,
        "status": A,
        "value": value,
        "configurability": configurability,
        "default_option": default,
        "basis": "public_policy",
        "as_of": as_of,
        "note": note,
        "evidence": _cop_evidence(criterion.code, note),
    }


def _retention_answer() -> tuple[Any, str, str, str]:
    """Return cop's retention answer from the settings it is enforced with."""
    days = settings.COP_RETENTION_DAYS
    keep = settings.COP_BACKUP_KEEP

    def fixed(max_days: int) -> dict[str, Any]:
        return {"option": "fixed_maximum", "max_days": int(max_days)}

    return (
        {
            "accounts": fixed(days["unconfirmed_accounts"]),
            "logs": fixed(days["audit_entries"]),
            "activity_history": fixed(days["notifications"]),
            "backups": fixed(keep),
        },
        FIXED,
        "",
        f"Unconfirmed accounts {days['unconfirmed_accounts']} days, audit entries "
        f"{days['audit_entries']} days, notifications {days['notifications']} days, "
        f"nightly backups kept {keep} days; a deleted account is erased at once and "
        "stays erased after a restore.",
    )


def cop_disclosure_ensure(*, product: Product, moderator: Any) -> None:
    """Publish cop's own disclosure (all core criteria), once."""
    if Disclosure.objects.filter(product=product, versions__isnull=False).exists():
        return
    criteria = {
        c.code: c
        for c in Criterion.objects.filter(
            code__in=[*_COP_ANSWERS, "VPD-RET-01", *_COP_NOT_APPLICABLE]
        ).select_related("domain")
    }
    as_of = timezone.localdate() - dt.timedelta(days=64)
    specs = {**_COP_ANSWERS, "VPD-RET-01": _retention_answer()}
    answers = [
        _answer(criteria[code], *spec, as_of=as_of)
        for code, spec in specs.items()
        if code in criteria
    ]
    for answer in answers:
        if answer["criterion"] == "VPD-LAW-03":
            answer["fields"] = {
                "period": "Every six months",
                "report_url": f"{settings.SITE_URL}{own_disclosure.TRANSPARENCY}",
            }
    answers += [
        {"criterion": code, "status": NA, "status_reason": reason, "as_of": as_of}
        for code, reason in _COP_NOT_APPLICABLE.items()
        if code in criteria
    ]
    publish(
        product,
        answers,
        rep=moderator,
        moderator=moderator,
        published_at=days_ago(60, hour=14),
    )
