"""portal/services/signing.py (trust roots, credentials) and portal/signing/certificates.py, secrets.py."""

from __future__ import annotations

import pghistory
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from portal.choices import Role
from portal.models import SigningCredential, SigningCredentialKind, TrustRoot
from portal.services.signing import (
    SigningConfigurationDenied,
    signing_credential_register,
    signing_credential_set_active,
    trust_root_set_active,
    trust_root_upload,
)
from portal.signing.backends import signer_for
from portal.signing.certificates import certificate_info
from portal.signing.secrets import secret_decrypt
from portal.signing.selectors import active_trust_root_certificates, signing_credentials_for
from tests.conftest import make_unit
from tests.permissions import make_account

pytestmark = pytest.mark.django_db

PASSPHRASE = "Mk-con-dau-2026"


@pytest.fixture
def seal_unit(db):
    return make_unit("Sở Nội vụ", code="000.00.05.H20")


def register_p12(identity, unit, **overrides):
    options = {
        "actor": None,
        "kind": SigningCredentialKind.PKCS12,
        "label": "Con dấu Sở Nội vụ",
        "signer_role": "Con dấu cơ quan",
        "unit": unit,
        "pkcs12": identity.pkcs12(PASSPHRASE),
        "passphrase_env": "HOSO_TEST_P12_PASSPHRASE",
        **overrides,
    }
    return signing_credential_register(**options)


def test_certificate_info_reads_subject_validity_usage_and_fingerprint(pki):
    info = certificate_info(pki.person.der)
    assert (info.common_name, info.organization, info.issuer_common_name) == (
        "Nguyễn Văn An",
        "Sở Nội vụ tỉnh Đồng Tháp",
        "CA Trung gian Thử nghiệm",
    )
    assert info.key_usage == ["digital_signature", "non_repudiation"]
    assert (info.can_sign, info.is_ca, info.is_valid_at()) == (True, False, True)
    assert len(info.fingerprint_sha256) == 64
    assert certificate_info(pki.no_signing_usage.der).can_sign is False


def test_trust_root_upload_extracts_the_certificate_and_audits(pki):
    root = trust_root_upload(actor=None, certificate=pki.root.pem)  # PEM accepted, stored as DER
    assert bytes(root.certificate) == pki.root.der
    assert (root.name, root.active) == ("CA Gốc Thử nghiệm Hồ sơ CBCCVC", True)
    assert root.fingerprint_sha256 == certificate_info(pki.root.der).fingerprint_sha256
    assert "CN=CA Gốc Thử nghiệm Hồ sơ CBCCVC" in root.subject
    assert [cert.subject for cert in active_trust_root_certificates()] == [pki.root.certificate.subject]
    TrustRootAudit = apps.get_model("portal", "TrustRootAudit")
    assert TrustRootAudit.objects.filter(pgh_obj_id=root.pk, pgh_label="insert").count() == 1
    with pghistory.context(username="qt.tinh"):
        trust_root_set_active(actor=None, trust_root=root, active=False)
    assert active_trust_root_certificates() == []
    update = TrustRootAudit.objects.filter(pgh_obj_id=root.pk, pgh_label="update").get()
    assert (update.active, update.pgh_context.metadata["username"]) == (False, "qt.tinh")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("not a certificate", b"hello", "Tệp không phải là chứng thư số X.509 (cần tệp .cer, .crt, .der hoặc .pem)."),
        ("empty", b"", "Hãy chọn tệp cần tải lên."),
    ],
)
def test_trust_root_upload_refuses_non_certificates(name, data, message):
    with pytest.raises(ValidationError) as refused:
        trust_root_upload(actor=None, certificate=data)
    assert refused.value.message_dict["certificate"] == [message]


def test_trust_root_upload_refuses_a_signer_certificate_and_duplicates(pki):
    with pytest.raises(ValidationError) as leaf:
        trust_root_upload(actor=None, certificate=pki.person.der)
    assert leaf.value.message_dict["certificate"][0].startswith(
        "Nguyễn Văn An không phải là chứng thư số của tổ chức cấp (CA)"
    )
    trust_root_upload(actor=None, certificate=pki.root.der, name="Gốc")
    with pytest.raises(ValidationError) as twice:
        trust_root_upload(actor=None, certificate=pki.root.der)
    assert twice.value.message_dict["certificate"] == ["Chứng thư số này đã là chứng thư gốc tin cậy ('Gốc')."]
    assert TrustRoot.objects.count() == 1


def test_only_system_administrators_configure_signing(pki, province):
    clerk = make_account("canbo.snv", unit=province["noi_vu"], role=Role.UNIT_ADMIN)
    with pytest.raises(SigningConfigurationDenied):
        trust_root_upload(actor=clerk, certificate=pki.root.der)
    system = make_account("qt.tinh", unit=province["noi_vu"], role=Role.SYSTEM_ADMIN, over=None)
    assert trust_root_upload(actor=system, certificate=pki.root.der).uploaded_by == system


def test_pkcs12_credential_is_stored_encrypted_with_the_passphrase_only_named(pki, seal_unit, monkeypatch):
    monkeypatch.setenv("HOSO_TEST_P12_PASSPHRASE", PASSPHRASE)
    credential = register_p12(pki.seal, seal_unit)
    stored = bytes(SigningCredential.objects.get(pk=credential.pk).pkcs12_encrypted)
    original = pki.seal.pkcs12(PASSPHRASE)
    assert stored != original and original not in stored
    assert secret_decrypt(stored)[:2] == b"0\x82"  # decrypts to the (still passphrase-protected) PKCS#12
    assert PASSPHRASE.encode() not in stored
    row = SigningCredential.objects.filter(pk=credential.pk).values().get()
    assert PASSPHRASE not in str(row)
    assert (credential.passphrase_env, credential.common_name, credential.signer_role) == (
        "HOSO_TEST_P12_PASSPHRASE",
        "Sở Nội vụ tỉnh Đồng Tháp",
        "Con dấu cơ quan",
    )
    assert credential.key_usage == ["digital_signature", "non_repudiation"]
    assert len(credential.chain) == 2  # the intermediate and the root from the .p12
    assert list(signing_credentials_for(unit=seal_unit)) == [credential]
    SigningCredentialAudit = apps.get_model("portal", "SigningCredentialAudit")
    event = SigningCredentialAudit.objects.get(pgh_obj_id=credential.pk)
    assert not hasattr(event, "pkcs12_encrypted")  # the key file stays out of the audit trail
    signing_credential_set_active(actor=None, credential=credential, active=False)
    assert list(signing_credentials_for(unit=seal_unit)) == []


def test_a_changed_signing_key_makes_stored_files_unreadable(pki, seal_unit, monkeypatch, settings):
    monkeypatch.setenv("HOSO_TEST_P12_PASSPHRASE", PASSPHRASE)
    settings.HOSO_SIGNING_KEY = "khoa-cu"
    credential = register_p12(pki.seal, seal_unit)
    settings.HOSO_SIGNING_KEY = "khoa-moi"
    with pytest.raises(ValidationError) as refused:
        secret_decrypt(credential.pkcs12_encrypted)
    assert refused.value.messages[0].startswith("Không giải mã được tệp khóa đã lưu: HOSO_SIGNING_KEY")


@pytest.mark.parametrize(
    ("setup", "overrides", "field", "message"),
    [
        (
            {},
            {},
            "passphrase_env",
            "Biến môi trường HOSO_TEST_P12_PASSPHRASE chưa được đặt trên máy chủ; "
            "không đọc được mật khẩu của tệp PKCS#12.",
        ),
        (
            {"HOSO_TEST_P12_PASSPHRASE": "sai"},
            {},
            "pkcs12",
            "Không mở được tệp PKCS#12: sai mật khẩu bảo vệ hoặc tệp bị hỏng.",
        ),
        (
            {},
            {"passphrase_env": "Mk-con-dau-2026"},
            "passphrase_env",
            "Hãy nhập tên biến môi trường (chữ in hoa, chữ số và _, ví dụ HOSO_SEAL_PASSPHRASE), "
            "không nhập chính giá trị bí mật.",
        ),
        ({}, {"pkcs12": b"rac"}, "pkcs12", None),
    ],
    ids=["variable missing", "wrong passphrase", "secret typed instead of a name", "not a p12"],
)
def test_pkcs12_registration_refusals(pki, seal_unit, monkeypatch, setup, overrides, field, message):
    for name, value in setup.items():
        monkeypatch.setenv(name, value)
    if overrides.get("pkcs12") == b"rac":
        monkeypatch.setenv("HOSO_TEST_P12_PASSPHRASE", PASSPHRASE)
        message = "Tệp không phải là tệp PKCS#12 (.p12 hoặc .pfx)."
    with pytest.raises(ValidationError) as refused:
        register_p12(pki.seal, seal_unit, **overrides)
    assert refused.value.message_dict[field] == [message]
    assert not SigningCredential.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("expired", "Chứng thư số của Lê Văn Hết Hạn đã hết hạn ngày "),
        ("not_yet_valid", "Chứng thư số của Phạm Văn Chưa Tới chưa có hiệu lực trước "),
        ("no_signing_usage", "Chứng thư số của Hoàng Văn Mã Hóa không cho phép ký tài liệu: mục đích sử dụng khóa"),
    ],
)
def test_certificates_that_cannot_sign_are_refused(pki, seal_unit, monkeypatch, name, message):
    monkeypatch.setenv("HOSO_TEST_P12_PASSPHRASE", PASSPHRASE)
    with pytest.raises(ValidationError) as refused:
        register_p12(getattr(pki, name), seal_unit)
    assert refused.value.message_dict["pkcs12"][0].startswith(message)


def test_external_credential_of_a_person_and_the_one_owner_rule(pki, province):
    person = make_account("giamdoc.snv", unit=province["noi_vu"], role=Role.INDIVIDUAL)
    credential = signing_credential_register(
        actor=None,
        kind=SigningCredentialKind.EXTERNAL,
        label="Chứng thư số của Giám đốc",
        signer_role="Giám đốc",
        user=person,
        certificate=pki.person.pem,
    )
    assert (credential.user, credential.unit, credential.pkcs12_encrypted) == (person, None, None)
    with pytest.raises(ValidationError) as both:
        signing_credential_register(
            actor=None,
            kind=SigningCredentialKind.EXTERNAL,
            label="Hai chủ",
            signer_role="Giám đốc",
            user=person,
            unit=province["noi_vu"],
            certificate=pki.person.der,
        )
    assert both.value.message_dict["unit"] == [
        "Khóa ký số thuộc về một cơ quan (con dấu) hoặc một cá nhân; hãy chọn đúng một."
    ]
    with pytest.raises(ValidationError) as server_side:
        signer_for(credential)
    assert "phải ký qua quy trình ký từ xa" in server_side.value.messages[0]
