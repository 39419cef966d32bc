"""What proves each answer of the cop platform's own disclosure.

cop asks vendors for evidence; its own answers cite what a reader (or a test) can
check: a **page** of this site (a URL path), a **setting** whose value is the
disclosed one (``COP_RETENTION_DAYS.notifications`` reads a key of a dict setting),
or a **test** of the repository (a pytest node id) that fails if the claim stops
being true. ``tests/cop/privacy/test_own_disclosure.py`` fails when a cited page
answers 404, a setting is missing or changed, or a cited test no longer collects.
The disclosure's seeder (``vendors.seeding_cop_disclosure``) and the public page at
``/transparency/disclosure/`` read this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

PAGE = "page"
SETTING = "setting"
TEST = "test"

PRIVACY_POLICY = "/privacy/"
LAW_ENFORCEMENT = "/law-enforcement-requests/"
TRANSPARENCY = "/transparency/"
PROOFS_PAGE = "/transparency/disclosure/"


@dataclass(frozen=True)
class Proof:
    """One thing that proves an answer."""

    kind: str  # PAGE, SETTING or TEST
    target: str  # URL path, setting name (dotted for dict keys) or pytest node id
    expected: Any = None  # SETTING only: the value the answer discloses

    @property
    def label(self) -> str:
        return {PAGE: "Page", SETTING: "Setting", TEST: "Test"}[self.kind]


def page_proof(path: str) -> Proof:
    """Return the proof by a page of this site."""
    return Proof(PAGE, path)


def setting_proof(name: str, expected: Any) -> Proof:
    """Return the proof by a setting holding ``expected``."""
    return Proof(SETTING, name, expected)


def test_proof(node_id: str) -> Proof:
    """Return the proof by a test of the repository."""
    return Proof(TEST, node_id)


_NOT_FOUND = object()


def setting_value(name: str) -> Any:
    """Return the current value of ``name`` (``A.b`` reads key ``b`` of setting ``A``).

    Returns a sentinel that equals nothing when the setting or key is missing.
    """
    head, *keys = name.split(".")
    value = getattr(settings, head, _NOT_FOUND)
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return _NOT_FOUND
        value = value[key]
    return value


def setting_missing(value: Any) -> bool:
    """Return whether :func:`setting_value` found nothing."""
    return value is _NOT_FOUND


_T = "tests/"
#: criterion code -> the proofs of cop's answer (at least one each).
PROOFS: dict[str, tuple[Proof, ...]] = {
    "VPD-GOV-01": (page_proof(PRIVACY_POLICY),),
    "VPD-GOV-02": (page_proof(PRIVACY_POLICY),),
    "VPD-GOV-03": (page_proof(PRIVACY_POLICY),),
    "VPD-GOV-04": (page_proof(PRIVACY_POLICY),),
    "VPD-GOV-05": (page_proof(PRIVACY_POLICY),),
    "VPD-COL-01": (
        test_proof(
            _T + "cop/members/test_accounts.py::test_no_ip_address_is_stored_anywhere"
        ),
        test_proof(
            _T + "cop/members/test_profiles.py"
            "::test_member_page_never_shows_email_or_real_name"
        ),
    ),
    "VPD-COL-02": (page_proof(PRIVACY_POLICY),),
    "VPD-COL-03": (
        test_proof(
            _T
            + "cop/core/test_security.py::test_public_page_anonymous_get_sets_no_cookie"
        ),
    ),
    "VPD-COL-04": (
        test_proof(
            _T + "cop/core/test_security.py::test_public_page_headers_are_strict"
        ),
        test_proof(
            _T
            + "cop/core/test_embedded_default.py::test_every_response_carries_the_csp_header"
        ),
    ),
    "VPD-USE-01": (page_proof(PRIVACY_POLICY),),
    "VPD-USE-02": (page_proof(PRIVACY_POLICY),),
    "VPD-USE-03": (page_proof(PRIVACY_POLICY),),
    "VPD-USE-04": (page_proof(PRIVACY_POLICY),),
    "VPD-USE-05": (page_proof(PRIVACY_POLICY),),
    "VPD-CON-01": (
        test_proof(
            _T
            + "discussions/test_reading.py::test_reading_history_off_by_default_stores_nothing"
        ),
    ),
    "VPD-CON-02": (
        test_proof(
            _T + "discussions/test_unsubscribe.py"
            "::test_unsubscribe_one_click_post_without_csrf_turns_digest_off"
        ),
    ),
    "VPD-CON-03": (
        test_proof(
            _T
            + "discussions/test_reading.py::test_reading_history_set_off_deletes_read_states"
        ),
    ),
    "VPD-CON-04": (
        test_proof(
            _T
            + "cop/members/test_accounts.py::test_signup_records_acceptance_of_current_conduct"
        ),
    ),
    "VPD-ANON-01": (
        test_proof(
            _T
            + "cop/members/test_profiles.py::test_member_page_never_shows_email_or_real_name"
        ),
    ),
    "VPD-ANON-02": (page_proof(PRIVACY_POLICY),),
    "VPD-ANON-03": (page_proof(TRANSPARENCY),),
    "VPD-SHR-01": (page_proof(PRIVACY_POLICY),),
    "VPD-SHR-02": (page_proof(PRIVACY_POLICY),),
    "VPD-SHR-03": (page_proof(PRIVACY_POLICY),),
    "VPD-SHR-04": (page_proof(PRIVACY_POLICY),),
    "VPD-RET-01": (
        setting_proof("COP_RETENTION_DAYS.unconfirmed_accounts", 7),
        setting_proof("COP_RETENTION_DAYS.audit_entries", 730),
        setting_proof("COP_RETENTION_DAYS.notifications", 90),
        setting_proof("COP_BACKUP_KEEP", 14),
        test_proof(
            _T + "cop/privacy/rights/test_retention_job.py"
            "::test_retention_enforce_deletes_only_what_is_past_its_period"
        ),
    ),
    "VPD-RET-02": (
        test_proof(
            _T + "cop/privacy/rights/test_services_erasure.py"
            "::test_member_erase_deleting_posts_keeps_others_replies_and_counters"
        ),
    ),
    "VPD-RET-03": (
        test_proof(
            _T + "cop/privacy/backups/test_restore_drill.py"
            "::test_restore_replays_erasures_done_after_the_backup"
        ),
    ),
    "VPD-SEC-01": (
        test_proof(
            _T
            + "test_project.py::test_check_deploy_with_production_settings_has_no_warnings"
        ),
    ),
    "VPD-SEC-02": (
        test_proof(
            _T
            + "cop/privacy/backups/test_restore_drill.py::test_backup_file_holds_no_plaintext_member_data"
        ),
    ),
    "VPD-SEC-03": (
        test_proof(
            _T
            + "cop/members/test_permissions.py::test_moderator_without_mfa_is_not_moderator_until_mfa"
        ),
        test_proof(
            _T
            + "cop/members/test_permissions.py::test_vendor_rep_without_mfa_speaks_for_nobody"
        ),
    ),
    "VPD-SEC-04": (page_proof(PRIVACY_POLICY),),
    "VPD-SEC-05": (page_proof(PRIVACY_POLICY),),
    "VPD-SEC-06": (
        test_proof(
            _T
            + "cop/members/test_accounts.py::test_login_failed_rate_limit_refuses_after_five_attempts"
        ),
    ),
    "VPD-SEC-07": (page_proof(PRIVACY_POLICY),),
    "VPD-BRE-01": (page_proof(PRIVACY_POLICY),),
    "VPD-BRE-02": (page_proof(PRIVACY_POLICY),),
    "VPD-LAW-01": (page_proof(LAW_ENFORCEMENT),),
    "VPD-LAW-02": (page_proof(LAW_ENFORCEMENT),),
    "VPD-LAW-03": (
        page_proof(TRANSPARENCY),
        test_proof(
            _T + "cop/privacy/test_legal_requests.py"
            "::test_transparency_report_counts_per_half_year_without_details"
        ),
    ),
    "VPD-RGT-01": (
        test_proof(
            _T
            + "cop/privacy/rights/test_export.py::test_data_export_builds_a_zip_of_every_part"
        ),
    ),
    "VPD-RGT-02": (
        test_proof(
            _T + "cop/privacy/rights/test_views_erasure.py"
            "::test_account_delete_keeping_posts_signs_out_and_deletes"
        ),
    ),
    "VPD-ACC-01": (page_proof(PROOFS_PAGE),),
    "VPD-ACC-02": (page_proof(PRIVACY_POLICY),),
    "VPD-ACC-03": (page_proof(PROOFS_PAGE),),
    "VPD-ACC-04": (page_proof(PRIVACY_POLICY),),
}


def evidence_path(code: str) -> str:
    """Return the page an answer's evidence link opens: its first cited page, or the
    answer's entry on the proofs page (for settings and tests)."""
    for proof in PROOFS.get(code, ()):
        if proof.kind == PAGE:
            return proof.target
    return f"{PROOFS_PAGE}#{code.lower()}"


def setting_problems() -> list[str]:
    """Return one sentence per cited setting that is missing or no longer disclosed."""
    problems: list[str] = []
    for code, proofs in PROOFS.items():
        for proof in proofs:
            if proof.kind != SETTING:
                continue
            value = setting_value(proof.target)
            if setting_missing(value):
                problems.append(f"{code}: setting {proof.target} does not exist")
            elif value != proof.expected:
                problems.append(
                    f"{code}: setting {proof.target} is {value!r}, "
                    f"the disclosure says {proof.expected!r}"
                )
    return problems
