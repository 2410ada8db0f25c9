"""portal/signing/verify.py: what pdf_verify reports for good documents and for each attack."""

from __future__ import annotations

import pytest

from portal.services.signing import trust_root_set_active
from portal.signing.backends import Pkcs12Signer
from portal.signing.verify import pdf_verify
from tests.portal.signing.conftest import make_pdf
from tests.portal.signing.helpers import append_content_update, append_harmless_update, flip_byte, raw_sign

PASSPHRASE = "p12-thu-nghiem"


@pytest.fixture(scope="module")
def signed_pdf(pki) -> bytes:
    signer = Pkcs12Signer(pki.person.pkcs12(PASSPHRASE), PASSPHRASE, role="Giám đốc")
    return signer.sign_pdf(make_pdf(), field_name="NguoiKy", reason="Phê duyệt", timestamp_url="")


def only(report):
    assert len(report.signatures) == 1
    return report.signatures[0]


def test_a_good_signature_with_the_database_trust_roots(signed_pdf, trusted_root):
    report = pdf_verify(signed_pdf)
    assert report.ok
    signature = only(report)
    assert (signature.intact, signature.untampered, signature.trusted, signature.chain_valid) == (True,) * 4
    assert (signature.certificate_valid, signature.key_usage_ok, signature.modified_after) == (True, True, False)
    assert signature.signing_time_source == "signer"
    assert signature.summary.startswith("Chữ ký của Nguyễn Văn An hợp lệ: tài liệu toàn vẹn")


def test_one_byte_changed_after_signing(signed_pdf, pki):
    report = pdf_verify(flip_byte(signed_pdf), trust_roots=[pki.root.der])
    signature = only(report)
    assert not report.ok
    assert (signature.intact, signature.untampered) == (False, False)
    assert "nội dung đã ký bị thay đổi sau khi ký (giá trị băm không còn khớp)" in signature.problems
    assert signature.summary.startswith("Chữ ký của Nguyễn Văn An KHÔNG hợp lệ: nội dung đã ký bị thay đổi")


def test_incremental_update_changing_content_after_signing(signed_pdf, pki):
    tampered = append_content_update(signed_pdf)
    assert tampered.startswith(signed_pdf)  # the signed bytes themselves are untouched
    signature = only(pdf_verify(tampered, trust_roots=[pki.root.der]))
    assert signature.intact  # the hash of the signed revision still matches…
    assert (signature.modified_after, signature.untampered, signature.ok) == (True, False, False)  # …but it was changed
    assert "tài liệu đã bị sửa đổi sau chữ ký này (nội dung, trang hoặc đối tượng bị thay thế)" in signature.problems


def test_an_update_adding_only_an_empty_signature_field_is_reported_but_harmless(signed_pdf, pki):
    signature = only(pdf_verify(append_harmless_update(signed_pdf), trust_roots=[pki.root.der]))
    assert (signature.intact, signature.modified_after, signature.modification_level) == (True, True, "LTA_UPDATES")
    assert signature.ok  # no content changed: like a validation-data (B-LT) update
    assert signature.summary.endswith(
        "Tài liệu được cập nhật sau chữ ký này chỉ để bổ sung dữ liệu kiểm tra hoặc trường chữ ký trống."
    )


@pytest.mark.parametrize(
    ("name", "problem_start", "valid", "usage"),
    [
        ("expired", "chứng thư số đã hết hạn (ngày ", 0, 1),
        ("not_yet_valid", "chứng thư số chưa có hiệu lực (chỉ từ ", 0, 1),
        ("no_signing_usage", "chứng thư số không cho phép ký tài liệu (mục đích sử dụng khóa: mã hóa khóa)", 1, 0),
    ],
)
def test_unusable_certificates_are_reported(pki, sample_pdf, name, problem_start, valid, usage):
    signed = raw_sign(sample_pdf, getattr(pki, name))
    signature = only(pdf_verify(signed, trust_roots=[pki.root.der]))
    assert signature.intact  # the cryptography is fine; the certificate is not
    assert (signature.certificate_valid, signature.key_usage_ok, signature.ok) == (bool(valid), bool(usage), False)
    assert any(problem.startswith(problem_start) for problem in signature.problems), signature.problems


def test_untrusted_root(pki, sample_pdf):
    signature = only(pdf_verify(raw_sign(sample_pdf, pki.rogue), trust_roots=[pki.root.der]))
    assert (signature.intact, signature.trusted, signature.ok) == (True, False, False)
    assert signature.problems == [
        "chứng thư số (do CA Gốc Giả mạo cấp) không thuộc chuỗi của chứng thư gốc tin cậy đang dùng"
    ]


def test_a_deactivated_trust_root_is_no_longer_trusted(signed_pdf, trusted_root):
    assert pdf_verify(signed_pdf).ok
    trust_root_set_active(actor=None, trust_root=trusted_root, active=False)
    report = pdf_verify(signed_pdf)
    assert not report.ok
    assert only(report).problems == ["chưa có chứng thư gốc tin cậy nên không chứng thư số nào được tin cậy"]


def test_no_signature_not_a_pdf_and_garbage(pki, sample_pdf):
    unsigned = pdf_verify(sample_pdf, trust_roots=[pki.root.der])
    assert (unsigned.ok, unsigned.signatures) == (False, [])
    assert unsigned.problems == ["Tài liệu PDF không có chữ ký số nào."]
    not_pdf = pdf_verify(b"PK\x03\x04 a zip file", trust_roots=[pki.root.der])
    assert (not_pdf.ok, not_pdf.problems) == (False, ["Tệp không phải là tài liệu PDF."])
    broken = pdf_verify(b"%PDF-1.7\n garbage without objects", trust_roots=[pki.root.der])
    assert not broken.ok
    assert broken.problems in (["Tệp bị hỏng: không đọc được các chữ ký."], ["Tài liệu PDF không có chữ ký số nào."])


def test_pdfsig_sees_what_we_see(signed_pdf, pdfsig):
    assert pdfsig(signed_pdf)[0]["Signature Validation"] == "Signature is Valid."
    assert pdfsig(flip_byte(signed_pdf))[0]["Signature Validation"] != "Signature is Valid."
    assert "Not total document signed" in pdfsig(append_content_update(signed_pdf))[0]
