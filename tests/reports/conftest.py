"""Fixtures of the signed résumé tests: the signing tests' PKI and timestamp authority
(tests/portal/signing/conftest.py), credentials registered through the signing services, and
a dossier with the people who export and sign it."""

from __future__ import annotations

import pytest

from portal.choices import Role
from portal.models import SigningCredential, SigningCredentialKind
from portal.services.signing import signing_credential_register
from portal.signing.certificates import certificate_info
from portal.signing.secrets import secret_encrypt
from tests.permissions import make_account
from tests.portal.signing.conftest import pdfsig, pki, trusted_root, tsa  # noqa: F401  (fixtures)
from tests.records.factories import make_dossier

PASSPHRASE = "Mật-khẩu-p12"
PASSPHRASE_ENV = "HOSO_TEST_RESUME_P12_PASSPHRASE"


@pytest.fixture
def passphrase(monkeypatch):
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    return PASSPHRASE_ENV


def register(identity, *, label: str, role: str, unit=None, user=None) -> SigningCredential:
    """A PKCS#12 credential registered by the system (checks: valid now, allows signing)."""
    return signing_credential_register(
        actor=None,
        kind=SigningCredentialKind.PKCS12,
        label=label,
        signer_role=role,
        unit=unit,
        user=user,
        pkcs12=identity.pkcs12(PASSPHRASE),
        passphrase_env=PASSPHRASE_ENV,
    )


def stored_without_checks(identity, *, label: str, role: str, unit=None, user=None) -> SigningCredential:
    """A credential as it stands in the database once its certificate has expired since it was
    registered (the service would refuse to register it today)."""
    info = certificate_info(identity.certificate)
    return SigningCredential.objects.create(
        kind=SigningCredentialKind.PKCS12,
        label=label,
        signer_role=role,
        unit=unit,
        user=user,
        pkcs12_encrypted=secret_encrypt(identity.pkcs12(PASSPHRASE)),
        passphrase_env=PASSPHRASE_ENV,
        certificate=info.der,
        subject=info.subject,
        common_name=info.common_name,
        organization=info.organization,
        issuer=info.issuer,
        serial_number=info.serial_number,
        fingerprint_sha256=info.fingerprint_sha256,
        not_before=info.not_before,
        not_after=info.not_after,
        key_usage=info.key_usage,
    )


@pytest.fixture
def signing(province, pki, passphrase):  # noqa: F811  (the imported fixture)
    """The Chi cục's dossier (approved version 1), the Sở Nội vụ's HR clerk who exports it, the
    Sở's director (approver) whose key the server holds, and the Sở's seal."""
    director = make_account("giamdoc.snv", unit=province["noi_vu"], role=Role.APPROVER, first_name="An")
    return {
        **province,
        "dossier": make_dossier(province["chi_cuc"]),
        "clerk": make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK),
        "director": director,
        "person_credential": register(pki.person, label="Giám đốc Sở Nội vụ", role="Giám đốc", user=director),
        "seal_credential": register(
            pki.seal, label="Con dấu Sở Nội vụ", role="Con dấu cơ quan", unit=province["noi_vu"]
        ),
    }
