"""The cop platform's own disclosure: every answer cites a proof, and every proof holds.

A cited page must answer (never 404), a cited setting must exist with the disclosed
value, and a cited test must still be collected by pytest.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve, reverse

from cop.privacy import own_disclosure
from cop.privacy.own_disclosure import PAGE, PROOFS, SETTING, TEST
from vendors.seeding_cop_disclosure import (
    _COP_ANSWERS,
    _COP_NOT_APPLICABLE,
    _cop_evidence,
)

ROOT = Path(__file__).resolve().parents[3]
PROOFS_URL = "/transparency/disclosure/"


def _proofs(kind: str) -> list[tuple[str, own_disclosure.Proof]]:
    return [(code, p) for code, ps in PROOFS.items() for p in ps if p.kind == kind]


def test_every_answer_cites_at_least_one_proof():
    answered = {*_COP_ANSWERS, "VPD-RET-01"}
    assert set(PROOFS) == answered
    assert all(PROOFS[code] for code in answered)
    assert not set(PROOFS) & set(_COP_NOT_APPLICABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted({p.target for _c, p in _proofs(PAGE)}))
def test_every_cited_page_exists(client, path):
    resolve(path)  # a Django view or Wagtail's page serving
    assert client.get(path).status_code == 200


def test_every_cited_setting_has_the_disclosed_value():
    assert _proofs(SETTING)
    assert own_disclosure.setting_problems() == []


def test_a_changed_setting_is_reported(settings):
    settings.COP_RETENTION_DAYS = {**settings.COP_RETENTION_DAYS, "notifications": 365}
    del settings.COP_BACKUP_KEEP
    problems = own_disclosure.setting_problems()
    assert (
        "VPD-RET-01: setting COP_RETENTION_DAYS.notifications is 365, "
        "the disclosure says 90"
    ) in problems
    assert "VPD-RET-01: setting COP_BACKUP_KEEP does not exist" in problems


def test_cited_settings_are_never_secrets():
    for _code, proof in _proofs(SETTING):
        name = proof.target.upper()
        assert not any(word in name for word in ("SECRET", "PASSWORD", "TOKEN", "_KEY"))


def test_every_cited_test_is_collected():
    # given: every cited node id, without parametrisation
    node_ids = sorted({p.target for _c, p in _proofs(TEST)})
    for node_id in node_ids:
        assert (ROOT / node_id.split("::")[0]).is_file(), node_id
    # when: pytest collects exactly those
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
            *node_ids,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # then
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    collected = {line.split("[")[0] for line in result.stdout.splitlines()}
    missing = [node_id for node_id in node_ids if node_id not in collected]
    assert missing == []


@pytest.mark.django_db
def test_every_evidence_link_of_the_disclosure_answers(client):
    proofs_page = client.get(PROOFS_URL).content.decode()
    for code in PROOFS:
        for evidence in _cop_evidence(code, "a note"):
            # given: an absolute link on this site
            assert evidence["url"].startswith(settings.SITE_URL)
            path, anchor = urldefrag(evidence["url"][len(settings.SITE_URL) :])
            # then: it answers, and an anchor names an entry of the proofs page
            try:
                resolve(urlsplit(path).path)
            except Resolver404:  # pragma: no cover - the assertion below says which
                pytest.fail(f"{code}: {path} resolves to nothing")
            assert client.get(path).status_code == 200, (code, path)
            if anchor:
                assert path == PROOFS_URL
                assert f'id="{anchor}"' in proofs_page


@pytest.mark.django_db
def test_proofs_page_lists_every_answer_with_its_proofs(
    client, django_assert_num_queries
):
    assert reverse("own_disclosure_proofs") == PROOFS_URL
    with django_assert_num_queries(1):
        body = client.get(PROOFS_URL).content.decode()
    for code, proofs in PROOFS.items():
        assert f'id="{code.lower()}"' in body
        for proof in proofs:
            assert proof.target in body
    assert "<code>COP_BACKUP_KEEP</code> = <code>14</code>" in body
    assert 'href="/transparency/"' in client.get("/transparency/").content.decode()
