"""The demo's approval step: rules, a throwaway CA, the approver's and the seal's credentials, a queue to approve."""

from __future__ import annotations

import stat

import pytest
from django.contrib.auth import get_user_model

from portal.demo import SeedContext, demo_seed
from portal.models import ApprovalRule
from portal.models.signing import SigningCredential, TrustRoot
from portal.runtime import var_dir
from portal.signing.backends import signer_for
from portal.signing.demo_pki import SEAL_PASSPHRASE_ENV
from records.selectors_approvals import approval_queue


@pytest.mark.django_db
def test_the_demo_is_ready_to_approve_and_a_rerun_adds_nothing(monkeypatch):
    monkeypatch.delenv(SEAL_PASSPHRASE_ENV, raising=False)
    context = SeedContext(province_code=82, seed=5, communes=2, people=800, log=lambda _m: None)
    demo_seed(context)
    approver = get_user_model().objects.get(username="giamdoc.sgddt")
    assert ApprovalRule.objects.filter(active=True).count() == 4
    assert TrustRoot.objects.count() == 1
    credentials = {c.kind: c for c in SigningCredential.objects.all()}
    assert credentials["external"].user == approver
    assert credentials["pkcs12"].unit == approver.unit
    queue = approval_queue(user=approver)
    assert 0 < len(queue) <= 12
    assert {entry.sections[0] for entry in queue} == {"health"}
    # The seal signs (its passphrase comes from the environment, never from the database).
    signed = signer_for(credentials["pkcs12"]).certificate_info()
    assert signed.common_name == approver.unit.name
    folder = var_dir() / "demo-signing"
    assert stat.S_IMODE((folder / "nguoi-phe-duyet.key.pem").stat().st_mode) == 0o600
    demo_seed(context)
    assert (TrustRoot.objects.count(), SigningCredential.objects.count()) == (1, 2)
    assert len(approval_queue(user=approver)) == len(queue)
