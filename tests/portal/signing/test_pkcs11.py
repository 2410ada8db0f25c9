"""Pkcs11Signer against a real SoftHSM2 token (Debian's softhsm2): the key never leaves the token."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal.models import SigningCredentialKind
from portal.services.signing import signing_credential_register
from portal.signing.backends import Pkcs11Signer, signer_for
from portal.signing.verify import pdf_verify
from tests.conftest import make_unit


def token_signer(token, pki, **overrides) -> Pkcs11Signer:
    options = {
        "module_path": token.module,
        "token_label": token.label,
        "pin": token.pin,
        "key_label": "seal",
        "chain": pki.seal.chain_der,
        "role": "Con dấu cơ quan",
        **overrides,
    }
    return Pkcs11Signer(**options)


def test_signs_with_the_token_key_b_b_and_b_t(softhsm_token, pki, sample_pdf, tsa, pdfsig):
    signer = token_signer(softhsm_token, pki)  # the certificate is read from the token
    assert signer.certificate_info().common_name == "Sở Nội vụ tỉnh Đồng Tháp"
    for url, level in (("", "B-B"), (tsa.url, "B-T")):
        signed = signer.sign_pdf(sample_pdf, field_name="ConDau", reason="Đóng dấu", timestamp_url=url)
        report = pdf_verify(signed, trust_roots=[pki.root.der])
        assert report.ok, report.messages
        [seal] = report.signatures
        assert (seal.signer_name, seal.role, seal.level) == ("Sở Nội vụ tỉnh Đồng Tháp", "Con dấu cơ quan", level)
        [poppler] = pdfsig(signed)
        assert poppler["Signature Validation"] == "Signature is Valid."


def test_key_found_by_id_with_a_given_certificate(softhsm_token, pki, sample_pdf):
    signer = token_signer(softhsm_token, pki, key_label="", key_id="01", certificate=pki.seal.der)
    signed = signer.sign_pdf(sample_pdf, field_name="ConDau", reason="Đóng dấu", timestamp_url="")
    assert pdf_verify(signed, trust_roots=[pki.root.der]).ok


def test_wrong_pin_missing_key_and_missing_token(softhsm_token, pki, sample_pdf):
    with pytest.raises(ValidationError) as wrong_pin:
        token_signer(softhsm_token, pki, pin="000000", certificate=pki.seal.der).sign_pdf(
            sample_pdf, field_name="ConDau", reason="x", timestamp_url=""
        )
    assert wrong_pin.value.messages == ["Mã PIN của token hoso-test không đúng."]
    with pytest.raises(ValidationError) as no_key:
        token_signer(softhsm_token, pki, key_label="khong-co", certificate=pki.seal.der).sign_pdf(
            sample_pdf, field_name="ConDau", reason="x", timestamp_url=""
        )
    assert no_key.value.messages == ["Không tìm thấy khóa khong-co trên token hoso-test."]
    with pytest.raises(ValidationError) as no_token:
        token_signer(softhsm_token, pki, token_label="khong-ton-tai", certificate=pki.seal.der).sign_pdf(
            sample_pdf, field_name="ConDau", reason="x", timestamp_url=""
        )
    assert no_token.value.messages == ["Không tìm thấy token khong-ton-tai: token đã được cắm và khởi tạo chưa?"]


@pytest.mark.django_db
def test_registered_pkcs11_credential_signs_with_the_pin_from_the_environment(
    softhsm_token, pki, sample_pdf, monkeypatch, trusted_root
):
    monkeypatch.setenv("HOSO_TEST_TOKEN_PIN", softhsm_token.pin)
    unit = make_unit("Sở Nội vụ", code="000.00.05.H20")
    credential = signing_credential_register(
        actor=None,
        kind=SigningCredentialKind.PKCS11,
        label="Con dấu trên HSM",
        signer_role="Con dấu cơ quan",
        unit=unit,
        pkcs11_module=softhsm_token.module,
        pkcs11_token_label=softhsm_token.label,
        pkcs11_key_label="seal",
        pin_env="HOSO_TEST_TOKEN_PIN",
        chain=pki.seal.chain_der,
    )
    assert (credential.common_name, credential.pin_env) == ("Sở Nội vụ tỉnh Đồng Tháp", "HOSO_TEST_TOKEN_PIN")
    assert softhsm_token.pin not in str(credential.__dict__)  # only the variable's name is stored
    signed = signer_for(credential).sign_pdf(sample_pdf, field_name="ConDau", reason="Đóng dấu", timestamp_url="")
    assert pdf_verify(signed).ok

    monkeypatch.setenv("HOSO_TEST_TOKEN_PIN", "999999")
    with pytest.raises(ValidationError) as refused:
        signing_credential_register(
            actor=None,
            kind=SigningCredentialKind.PKCS11,
            label="Sai PIN",
            signer_role="Con dấu cơ quan",
            unit=unit,
            pkcs11_module=softhsm_token.module,
            pkcs11_token_label=softhsm_token.label,
            pkcs11_key_label="seal",
            pin_env="HOSO_TEST_TOKEN_PIN",
        )
    assert refused.value.messages == ["Mã PIN của token hoso-test không đúng."]
