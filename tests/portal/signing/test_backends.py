"""portal/signing/backends.py: PKCS#12 signing, B-B and B-T, two signatures, refusals."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from portal.signing.backends import Pkcs12Signer, signer_for
from portal.signing.certificates import to_asn1
from portal.signing.verify import pdf_verify
from tests.portal.signing.pki import Identity

PASSPHRASE = "Mật-khẩu-p12"


def p12_signer(identity: Identity, role: str = "") -> Pkcs12Signer:
    return Pkcs12Signer(identity.pkcs12(PASSPHRASE), PASSPHRASE, role=role)


def pyhanko_statuses(pdf: bytes, pki):
    """pyHanko's own judgement of every signature, trusting the test root."""
    context = ValidationContext(trust_roots=[to_asn1(pki.root.certificate)], allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(pdf))
    return {sig.field_name: validate_pdf_signature(sig, context) for sig in reader.embedded_signatures}


def test_pkcs12_signature_b_b_is_valid_for_pyhanko_and_pdfsig(pki, sample_pdf, pdfsig):
    signed = p12_signer(pki.person, role="Giám đốc").sign_pdf(
        sample_pdf, field_name="NguoiKy", reason="Phê duyệt biến động tháng 11/2026", timestamp_url=""
    )
    assert signed.startswith(sample_pdf)  # an incremental update: the original bytes are untouched
    status = pyhanko_statuses(signed, pki)["NguoiKy"]
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.timestamp_validity is None
    report = pdf_verify(signed, trust_roots=[pki.root.der])
    assert report.ok, report.messages
    person = report.signatures[0]
    assert (person.signer_name, person.role, person.level) == ("Nguyễn Văn An", "Giám đốc", "B-B")
    assert person.reason == "Phê duyệt biến động tháng 11/2026"
    [poppler] = pdfsig(signed)
    assert poppler["Signature Validation"] == "Signature is Valid."
    assert poppler["Signer Certificate Common Name"] == "Nguyễn Văn An"
    assert "Total document signed" in poppler


def test_timestamp_authority_makes_b_t(pki, sample_pdf, tsa, pdfsig, settings):
    settings.HOSO_TSA_URL = tsa.url
    served = tsa.requests_served
    signed = p12_signer(pki.seal).sign_pdf(sample_pdf, field_name="ConDau", reason="Đóng dấu")
    assert tsa.requests_served > served  # the token came over HTTP
    status = pyhanko_statuses(signed, pki)["ConDau"]
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    report = pdf_verify(signed, trust_roots=[pki.root.der]).signatures[0]
    assert (report.level, report.signing_time_source, report.timestamp_ok) == ("B-T", "timestamp", True)
    assert report.ok, report.problems
    assert report.signing_time == report.timestamp_time
    assert pdfsig(signed)[0]["Signature Validation"] == "Signature is Valid."


def test_person_then_agency_seal_both_valid_and_seal_covers_the_first(pki, sample_pdf, tsa, pdfsig):
    by_person = p12_signer(pki.person, role="Giám đốc").sign_pdf(
        sample_pdf, field_name="NguoiKy", reason="Ký duyệt", timestamp_url=tsa.url
    )
    sealed = p12_signer(pki.seal, role="Con dấu cơ quan").sign_pdf(
        by_person, field_name="ConDau", reason="Đóng dấu cơ quan", timestamp_url=tsa.url
    )
    assert sealed.startswith(by_person)
    statuses = pyhanko_statuses(sealed, pki)
    assert all(status.bottom_line for status in statuses.values())
    assert statuses["NguoiKy"].coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert statuses["ConDau"].coverage == SignatureCoverageLevel.ENTIRE_FILE
    report = pdf_verify(sealed, trust_roots=[pki.root.der])
    assert report.ok, report.messages
    person, seal = report.signatures
    assert (person.field_name, person.role, person.modified_after, person.untampered) == (
        "NguoiKy",
        "Giám đốc",
        True,  # the seal was added after it…
        True,  # …which is a legitimate signature, not a modification
    )
    assert (seal.field_name, seal.role, seal.covers_whole_document) == ("ConDau", "Con dấu cơ quan", True)
    poppler = pdfsig(sealed)
    assert [item["Signature Validation"] for item in poppler] == ["Signature is Valid.", "Signature is Valid."]
    assert "Total document signed" in poppler[1]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("expired", "đã hết hạn"),
        ("not_yet_valid", "chưa có hiệu lực trước"),
        ("no_signing_usage", "không cho phép ký tài liệu"),
    ],
)
def test_unusable_certificates_refuse_to_sign(pki, sample_pdf, name, message):
    with pytest.raises(ValidationError) as refused:
        p12_signer(getattr(pki, name)).sign_pdf(sample_pdf, field_name="Sig", reason="x", timestamp_url="")
    assert message in " ".join(refused.value.messages)


def test_wrong_passphrase_and_not_a_pkcs12(pki):
    with pytest.raises(ValidationError) as wrong:
        Pkcs12Signer(pki.person.pkcs12(PASSPHRASE), "sai-mat-khau")
    assert wrong.value.message_dict["pkcs12"] == ["Không mở được tệp PKCS#12: sai mật khẩu bảo vệ hoặc tệp bị hỏng."]
    with pytest.raises(ValidationError) as garbage:
        Pkcs12Signer(b"not a p12 file at all", PASSPHRASE)
    assert garbage.value.message_dict["pkcs12"] == ["Tệp không phải là tệp PKCS#12 (.p12 hoặc .pfx)."]


def test_refuses_a_non_pdf_and_an_already_signed_field(pki, sample_pdf):
    signer = p12_signer(pki.person)
    with pytest.raises(ValidationError) as not_pdf:
        signer.sign_pdf(b"GIF89a not a pdf", field_name="Sig", reason="x", timestamp_url="")
    assert not_pdf.value.message_dict["pdf"] == ["Tệp không phải là tài liệu PDF."]
    signed = signer.sign_pdf(sample_pdf, field_name="Sig", reason="x", timestamp_url="")
    with pytest.raises(ValidationError) as twice:
        signer.sign_pdf(signed, field_name="Sig", reason="x", timestamp_url="")
    assert twice.value.message_dict["field_name"] == ["Tài liệu đã có chữ ký ở trường Sig."]


def test_unreachable_timestamp_authority_is_reported(pki, sample_pdf):
    with pytest.raises(ValidationError) as refused:
        p12_signer(pki.person).sign_pdf(
            sample_pdf, field_name="Sig", reason="x", timestamp_url="http://127.0.0.1:9/tsa"
        )
    assert "máy chủ cấp dấu thời gian" in " ".join(refused.value.messages).lower()


@pytest.mark.django_db
def test_signer_for_a_stored_pkcs12_credential(pki, sample_pdf, monkeypatch, trusted_root):
    from portal.models import SigningCredentialKind
    from portal.services.signing import signing_credential_register
    from tests.conftest import make_unit

    monkeypatch.setenv("HOSO_TEST_SEAL_PASSPHRASE", PASSPHRASE)
    unit = make_unit("Sở Nội vụ tỉnh Đồng Tháp", code="000.00.05.H20")
    credential = signing_credential_register(
        actor=None,
        kind=SigningCredentialKind.PKCS12,
        label="Con dấu Sở Nội vụ",
        signer_role="Con dấu cơ quan",
        unit=unit,
        pkcs12=pki.seal.pkcs12(PASSPHRASE),
        passphrase_env="HOSO_TEST_SEAL_PASSPHRASE",
    )
    signed = signer_for(credential).sign_pdf(sample_pdf, field_name="ConDau", reason="Đóng dấu", timestamp_url="")
    report = pdf_verify(signed)  # the active trust roots from the database
    assert report.ok, report.messages
    assert report.signatures[0].role == "Con dấu cơ quan"

    monkeypatch.delenv("HOSO_TEST_SEAL_PASSPHRASE")
    with pytest.raises(ValidationError) as missing:
        signer_for(credential)
    assert "Biến môi trường HOSO_TEST_SEAL_PASSPHRASE chưa được đặt" in missing.value.messages[0]
