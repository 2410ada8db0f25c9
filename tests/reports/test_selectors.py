"""reports/selectors.py: the credentials a signed résumé may use, who may sign and verify, and the
revision prefixes by which an extended copy of our document is recognised."""

from __future__ import annotations

import hashlib

import pytest

from portal.choices import Role
from portal.models import SigningCredentialKind
from portal.services.signing import signing_credential_register, signing_credential_set_active
from reports.selectors import (
    can_export_signed,
    can_verify_documents,
    person_credentials_for,
    revision_hashes,
    seal_credentials_for,
    signing_credentials_by_reference,
)
from tests.permissions import make_account
from tests.portal.signing.conftest import make_pdf
from tests.portal.signing.helpers import append_harmless_update
from tests.reports.conftest import register

pytestmark = pytest.mark.django_db


def test_seals_of_the_unit_and_its_ancestors_only(signing, pki, province):
    root_seal = register(pki.seal, label="Con dấu UBND tỉnh", role="Con dấu cơ quan", unit=province["root"])
    register(pki.seal, label="Con dấu Sở Tài chính", role="Con dấu cơ quan", unit=province["tai_chinh"])
    signing_credential_register(
        actor=None,
        kind=SigningCredentialKind.EXTERNAL,
        label="Con dấu trên USB token",
        signer_role="Con dấu cơ quan",
        unit=province["noi_vu"],
        certificate=pki.seal.der,
    )
    seals = seal_credentials_for(dossier=signing["dossier"])
    # The nearest agency first; another department's seal and a token outside the server are not offered.
    assert list(seals) == [signing["seal_credential"], root_seal]
    signing_credential_set_active(actor=None, credential=root_seal, active=False)
    assert list(seal_credentials_for(dossier=signing["dossier"])) == [signing["seal_credential"]]


def test_person_credentials_are_the_users_own_and_the_approvers(signing, pki, province):
    dossier, clerk = signing["dossier"], signing["clerk"]
    own = register(pki.other_person, label="Của cán bộ", role="Chuyên viên", user=clerk)
    finance_head = make_account("gd.stc", unit=province["tai_chinh"], role=Role.APPROVER)
    register(pki.other_person, label="Giám đốc Sở Tài chính", role="Giám đốc", user=finance_head)
    assert set(person_credentials_for(user=clerk, dossier=dossier)) == {own, signing["person_credential"]}
    assert list(person_credentials_for(user=None, dossier=dossier)) == [signing["person_credential"]]
    other_clerk = make_account("canbo.stc", unit=province["tai_chinh"], role=Role.HR_CLERK)
    assert list(person_credentials_for(user=other_clerk, dossier=dossier)) == [signing["person_credential"]]


def test_who_may_sign_and_who_may_verify(signing, province):
    dossier = signing["dossier"]
    sysadmin = make_account("quantri.tinh", unit=province["root"], role=Role.SYSTEM_ADMIN)
    unit_admin = make_account("quantri.cc", unit=province["chi_cuc"], role=Role.UNIT_ADMIN)
    leader = make_account("lanhdao", unit=province["root"], role=Role.LEADER)
    person = make_account("ca.nhan", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
    other_clerk = make_account("canbo.stc", unit=province["tai_chinh"], role=Role.HR_CLERK)
    assert [can_export_signed(u, dossier) for u in (signing["clerk"], sysadmin, unit_admin, None)] == [True] * 4
    assert [can_export_signed(u, dossier) for u in (signing["director"], leader, person, other_clerk)] == [False] * 4
    assert [can_verify_documents(u) for u in (signing["clerk"], leader, signing["director"])] == [True] * 3
    assert [can_verify_documents(u) for u in (person, None)] == [False, False]


def test_credentials_by_id_or_label(signing):
    credential = signing["person_credential"]
    assert signing_credentials_by_reference(str(credential.pk)) == [credential]
    assert signing_credentials_by_reference(f"#{credential.pk}") == [credential]
    assert signing_credentials_by_reference(" Giám đốc Sở Nội vụ ") == [credential]
    assert signing_credentials_by_reference("Không có") == []


def test_revision_hashes_find_the_original_inside_an_extended_copy():
    original = make_pdf()
    extended = append_harmless_update(original)
    assert extended.startswith(original) and len(extended) > len(original)
    hashes = revision_hashes(extended)
    assert hashes[hashlib.sha256(original).hexdigest()] == len(original)
    assert hashes[hashlib.sha256(extended).hexdigest()] == len(extended)
    assert revision_hashes(b"no marker") == {hashlib.sha256(b"no marker").hexdigest(): 9}
