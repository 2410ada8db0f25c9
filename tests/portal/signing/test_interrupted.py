"""portal/signing/interrupted.py and reference_client.py: prepare → client signs the digest → complete."""

from __future__ import annotations

import base64
import datetime
import io
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from portal.models import PendingSignature
from portal.signing.certificates import to_asn1
from portal.signing.interrupted import (
    SigningPermissionDenied,
    pending_signatures_purge,
    signature_complete,
    signature_prepare,
)
from portal.signing.reference_client import sign_digest
from portal.signing.verify import pdf_verify
from tests.portal.signing.conftest import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver(django_user_model):
    return django_user_model.objects.create_user(username="giamdoc.snv", password=None)


def prepare(pki, approver, *, pdf=None, purpose="approval_act:1", identity=None, **kwargs):
    identity = identity or pki.person
    return signature_prepare(
        pdf=pdf or make_pdf(),
        certificate_der=identity.der,
        chain_der=identity.chain_der,
        purpose=purpose,
        field_name="NguoiKy",
        reason="Phê duyệt biến động tháng 11/2026",
        role="Giám đốc",
        actor=approver,
        **{"timestamp_url": "", **kwargs},
    )


def client_signs(pending: PendingSignature, identity) -> bytes:
    """What the token plugin does: sign the digest the server sent, with the holder's key."""
    return sign_digest(private_key_pem=identity.key_pem, digest=pending.digest, algorithm=pending.digest_algorithm)


def message_of(refusal) -> str:
    return " ".join(refusal.value.messages)


def test_the_whole_flow_produces_a_valid_b_t_signature(pki, approver, trusted_root, tsa, pdfsig):
    pending = prepare(pki, approver, timestamp_url=tsa.url)
    assert (pending.purpose, pending.digest_algorithm, len(pending.digest)) == ("approval_act:1", "sha256", 64)
    assert pending.used_at is None and pending.expires_at > timezone.now()
    signed = signature_complete(
        pending_id=pending.pk, signature=client_signs(pending, pki.person), purpose="approval_act:1", actor=approver
    )
    pending.refresh_from_db()
    assert pending.used_at is not None
    # pyHanko's own validation, trusting the test root
    context = ValidationContext(trust_roots=[to_asn1(pki.root.certificate)], allow_fetching=False)
    [embedded] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    status = validate_pdf_signature(embedded, context)
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (True, True, True, True)
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    # our report
    report = pdf_verify(signed)
    assert report.ok, report.messages
    [signature] = report.signatures
    assert (signature.signer_name, signature.role, signature.level) == ("Nguyễn Văn An", "Giám đốc", "B-T")
    # poppler's independent implementation
    [poppler] = pdfsig(signed)
    assert poppler["Signature Validation"] == "Signature is Valid."
    assert "Total document signed" in poppler


def test_base64_signature_and_the_command_line_client(pki, approver, trusted_root, tmp_path):
    pending = prepare(pki, approver)
    key_file = tmp_path / "nguoiky.pem"
    key_file.write_bytes(pki.person.key_pem)
    completed = subprocess.run(
        [sys.executable, "-m", "portal.signing.reference_client", "--key", str(key_file), "--digest", pending.digest],
        capture_output=True,
        text=True,
        check=True,
    )
    signature_b64 = completed.stdout.strip()
    assert base64.b64decode(signature_b64) == client_signs(pending, pki.person)  # PKCS#1 v1.5 is deterministic
    signed = signature_complete(
        pending_id=pending.pk, signature=signature_b64, purpose="approval_act:1", actor=approver
    )
    assert pdf_verify(signed).ok


def test_a_signature_made_with_another_key_is_refused(pki, approver, trusted_root):
    pending = prepare(pki, approver)
    with pytest.raises(ValidationError) as refused:
        signature_complete(
            pending_id=pending.pk,
            signature=client_signs(pending, pki.other_person),  # the wrong token
            purpose="approval_act:1",
            actor=approver,
        )
    assert refused.value.message_dict["signature"] == [
        "Chữ ký không được tạo bằng khóa của chứng thư số của Nguyễn Văn An: hãy kiểm tra đã cắm đúng token chưa."
    ]
    pending.refresh_from_db()
    assert pending.used_at is None  # nothing was consumed: the right token can still sign


def test_a_signature_replayed_for_another_document_is_refused(pki, approver, trusted_root):
    first = prepare(pki, approver, purpose="approval_act:1")
    second = prepare(pki, approver, pdf=make_pdf("Bien ban phe duyet thang 12/2026"), purpose="approval_act:2")
    signature_for_first = client_signs(first, pki.person)
    with pytest.raises(ValidationError) as refused:
        signature_complete(
            pending_id=second.pk, signature=signature_for_first, purpose="approval_act:2", actor=approver
        )
    assert message_of(refused) == (
        "Chữ ký được tạo bằng khóa của Nguyễn Văn An nhưng cho một tài liệu hoặc yêu cầu khác: "
        "không khớp với giá trị băm của tài liệu này nên bị từ chối."
    )
    second.refresh_from_db()
    assert second.used_at is None


def test_a_signature_returned_for_another_approval_act_is_refused(pki, approver, trusted_root):
    pending = prepare(pki, approver, purpose="approval_act:1")
    with pytest.raises(ValidationError) as refused:
        signature_complete(
            pending_id=pending.pk,
            signature=client_signs(pending, pki.person),
            purpose="approval_act:2",
            actor=approver,
        )
    assert refused.value.message_dict["purpose"] == [
        "Chữ ký này được chuẩn bị cho approval_act:1, không phải cho approval_act:2; không thể dùng ở đây."
    ]


def test_a_used_request_cannot_be_completed_again(pki, approver, trusted_root):
    pending = prepare(pki, approver)
    signature = client_signs(pending, pki.person)
    signature_complete(pending_id=pending.pk, signature=signature, purpose="approval_act:1", actor=approver)
    with pytest.raises(ValidationError) as replay:
        signature_complete(pending_id=pending.pk, signature=signature, purpose="approval_act:1", actor=approver)
    assert replay.value.message_dict["pending_id"] == [
        "Yêu cầu ký này đã được sử dụng; không thể gửi một chữ ký hai lần."
    ]


def test_an_expired_request_is_refused_and_purged(pki, approver, trusted_root):
    pending = prepare(pki, approver)
    PendingSignature.objects.filter(pk=pending.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError) as expired:
        signature_complete(
            pending_id=pending.pk, signature=client_signs(pending, pki.person), purpose="approval_act:1", actor=approver
        )
    assert expired.value.message_dict["pending_id"] == [
        "Yêu cầu ký này đã hết hạn; hãy chuẩn bị lại tài liệu và ký trong thời hạn."
    ]
    assert pending_signatures_purge() == 1
    assert not PendingSignature.objects.filter(pk=pending.pk).exists()


def test_only_the_account_that_prepared_may_complete(pki, approver, trusted_root, django_user_model):
    pending = prepare(pki, approver)
    intruder = django_user_model.objects.create_user(username="nguoi.khac", password=None)
    with pytest.raises(SigningPermissionDenied):
        signature_complete(
            pending_id=pending.pk, signature=client_signs(pending, pki.person), purpose="approval_act:1", actor=intruder
        )


def test_unknown_request(approver):
    with pytest.raises(ValidationError) as unknown:
        signature_complete(
            pending_id="00000000-0000-0000-0000-000000000000", signature=b"x", purpose="approval_act:1", actor=approver
        )
    assert unknown.value.message_dict["pending_id"] == ["Yêu cầu ký này không tồn tại; hãy chuẩn bị lại tài liệu."]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("expired", "Chứng thư số của Lê Văn Hết Hạn đã hết hạn ngày "),
        ("not_yet_valid", "Chứng thư số của Phạm Văn Chưa Tới chưa có hiệu lực trước "),
        ("no_signing_usage", "Chứng thư số của Hoàng Văn Mã Hóa không cho phép ký tài liệu"),
        ("rogue", "Chứng thư số của Kẻ Mạo Danh (do CA Gốc Giả mạo cấp) không thuộc chuỗi của chứng thư gốc tin cậy"),
    ],
)
def test_prepare_refuses_unusable_or_untrusted_certificates(pki, approver, trusted_root, name, message):
    with pytest.raises(ValidationError) as refused:
        prepare(pki, approver, identity=getattr(pki, name))
    assert message_of(refused).startswith(message)
    assert not PendingSignature.objects.exists()


def test_the_second_signature_through_the_interrupted_flow_covers_the_first(pki, approver, trusted_root, pdfsig):
    first = prepare(pki, approver, purpose="resume:1")
    by_person = signature_complete(
        pending_id=first.pk, signature=client_signs(first, pki.person), purpose="resume:1", actor=approver
    )
    seal = signature_prepare(
        pdf=by_person,
        certificate_der=pki.seal.der,
        chain_der=pki.seal.chain_der,
        purpose="resume:1:seal",
        field_name="ConDau",
        reason="Đóng dấu",
        role="Con dấu cơ quan",
        actor=approver,
        timestamp_url="",
    )
    sealed = signature_complete(
        pending_id=seal.pk, signature=client_signs(seal, pki.seal), purpose="resume:1:seal", actor=approver
    )
    report = pdf_verify(sealed)
    assert report.ok, report.messages
    assert [(s.field_name, s.role, s.covers_whole_document) for s in report.signatures] == [
        ("NguoiKy", "Giám đốc", False),
        ("ConDau", "Con dấu cơ quan", True),
    ]
    assert [item["Signature Validation"] for item in pdfsig(sealed)] == ["Signature is Valid."] * 2


def test_prepare_needs_a_purpose(pki, approver, trusted_root):
    with pytest.raises(ValidationError) as refused:
        prepare(pki, approver, purpose="  ")
    assert refused.value.message_dict["purpose"] == ["Hãy nêu đối tượng được ký (ví dụ approval_act:42)."]
    with pytest.raises(ValidationError) as too_long:
        prepare(pki, approver, purpose="x" * 201)
    assert too_long.value.message_dict["purpose"] == ["Mục đích dài tối đa 200 ký tự."]
