"""reports/services/exports.py: the signed résumé (person, then agency seal, both verified) and
the record of every export; refusals record nothing."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.status import SignatureCoverageLevel

from portal.choices import Role
from portal.signing.verify import pdf_verify
from records.choices import VersionStatus
from records.models import Dossier, DossierVersion
from records.services.dossiers import dossier_change
from reports.models import ExportChannel, ResumeExport
from reports.services.exports import (
    PERSON_FIELD,
    SEAL_FIELD,
    ResumeExportDenied,
    resume_export_signed,
    resume_export_unsigned,
)
from tests.permissions import make_account
from tests.records.factories import PERSONAL_ID
from tests.reports.conftest import register, stored_without_checks

pytestmark = pytest.mark.django_db


def export_signed(signing, **overrides):
    options = {
        "user": signing["clerk"],
        "dossier": signing["dossier"],
        "person_signer": signing["person_credential"],
        "seal_signer": signing["seal_credential"],
        **overrides,
    }
    return resume_export_signed(**options)


def messages(exc: pytest.ExceptionInfo, key: str) -> list[str]:
    return exc.value.message_dict[key]


def new_pending_version(signing) -> DossierVersion:
    return dossier_change(
        dossier=signing["dossier"],
        sections={"health": {"health_status": "Tốt"}},
        actor=signing["clerk"],
        expected_version=1,
    )


def test_signed_resume_carries_the_person_then_the_seal_both_valid(signing, trusted_root, tsa, settings, pdfsig):
    settings.HOSO_TSA_URL = tsa.url
    pdf, export = export_signed(signing)

    verification = pdf_verify(pdf)
    assert verification.ok, verification.messages
    person, seal = verification.report_for(PERSON_FIELD), verification.report_for(SEAL_FIELD)
    assert [report.field_name for report in verification.signatures] == [PERSON_FIELD, SEAL_FIELD]
    assert (person.signer_name, person.role, person.reason) == ("Nguyễn Văn An", "Giám đốc", "Xác nhận sơ yếu lý lịch")
    assert (seal.signer_name, seal.role) == ("Sở Nội vụ tỉnh Đồng Tháp", "Con dấu cơ quan")
    assert seal.reason == "Đóng dấu cơ quan"
    assert (person.level, seal.level) == ("B-T", "B-T")
    # The seal covers the whole file, the person's signature included; the person's signature
    # is followed only by the seal (an allowed later signature).
    assert seal.covers_whole_document and not person.covers_whole_document
    assert person.modified_after and person.untampered
    reader = PdfFileReader(io.BytesIO(pdf))
    revisions = {sig.field_name: sig.signed_revision for sig in reader.embedded_signatures}
    assert revisions[SEAL_FIELD] > revisions[PERSON_FIELD]
    coverage = {sig.field_name: sig.evaluate_signature_coverage() for sig in reader.embedded_signatures}
    assert coverage[SEAL_FIELD] == SignatureCoverageLevel.ENTIRE_FILE

    poppler = pdfsig(pdf)
    assert [sig["Signature Validation"] for sig in poppler] == ["Signature is Valid.", "Signature is Valid."]
    assert [sig["Signer Certificate Common Name"] for sig in poppler] == ["Nguyễn Văn An", "Sở Nội vụ tỉnh Đồng Tháp"]

    export = ResumeExport.objects.get(pk=export.pk)
    version = signing["dossier"].versions.get(number=1)
    assert (export.dossier_id, export.version_id, export.version_number) == (signing["dossier"].pk, version.pk, 1)
    assert export.content_sha256 == version.sha256
    assert export.pdf_sha256 == hashlib.sha256(pdf).hexdigest() and export.pdf_size == len(pdf)
    assert export.signed and export.channel == ExportChannel.ADMIN
    assert (export.person_credential, export.seal_credential) == (
        signing["person_credential"],
        signing["seal_credential"],
    )
    assert (export.exported_by, export.exported_by_name) == (signing["clerk"], "canbo.snv")
    assert [(s["field"], s["signer_name"], s["role"], s["level"]) for s in export.signatures] == [
        (PERSON_FIELD, "Nguyễn Văn An", "Giám đốc", "B-T"),
        (SEAL_FIELD, "Sở Nội vụ tỉnh Đồng Tháp", "Con dấu cơ quan", "B-T"),
    ]
    assert export.signer_summary == "Nguyễn Văn An (Giám đốc), Sở Nội vụ tỉnh Đồng Tháp (Con dấu cơ quan)"


def test_without_a_timestamp_authority_both_signatures_are_b_b(signing, trusted_root):
    pdf, export = export_signed(signing)
    assert [report.level for report in pdf_verify(pdf).signatures] == ["B-B", "B-B"]
    assert export.signed


def test_the_approved_version_is_signed_even_when_a_newer_one_is_pending(signing, trusted_root):
    new_pending_version(signing)
    _pdf, export = export_signed(signing)
    assert export.version_number == 1
    with pytest.raises(ValidationError) as pending:
        export_signed(signing, version=2)
    assert messages(pending, "version") == [
        "Phiên bản 2 chưa được phê duyệt: chỉ phiên bản đã phê duyệt (phiên bản 1) mới được xuất bản có chữ ký số."
    ]
    assert ResumeExport.objects.count() == 1


def test_refused_without_an_approved_version_and_nothing_recorded(signing, trusted_root):
    dossier = signing["dossier"]
    # A dossier whose only version still awaits approval (as an import would leave it).
    Dossier.objects.filter(pk=dossier.pk).update(live_version=0)
    DossierVersion.objects.filter(dossier=dossier).update(status=VersionStatus.PENDING)
    with pytest.raises(ValidationError) as refused:
        export_signed(signing)
    assert messages(refused, "version") == [
        f"Hồ sơ {PERSONAL_ID} chưa có phiên bản nào được phê duyệt: chỉ sơ yếu lý lịch đã được phê duyệt "
        "mới được xuất bản có chữ ký số."
    ]
    assert not ResumeExport.objects.exists()


def test_refused_for_an_expired_seal_and_nothing_recorded(signing, pki, trusted_root):
    expired = stored_without_checks(
        pki.expired, label="Con dấu hết hạn", role="Con dấu cơ quan", unit=signing["noi_vu"]
    )
    with pytest.raises(ValidationError) as refused:
        export_signed(signing, seal_signer=expired)
    [message] = messages(refused, "seal_signer")
    assert message.startswith("Chứng thư số của Lê Văn Hết Hạn đã hết hạn ngày ")
    assert not ResumeExport.objects.exists()


def test_refused_for_an_untrusted_seal_after_signing_and_nothing_recorded(signing, pki, trusted_root):
    rogue = register(pki.rogue, label="Con dấu giả", role="Con dấu cơ quan", unit=signing["noi_vu"])
    with pytest.raises(ValidationError) as refused:
        export_signed(signing, seal_signer=rogue)
    [message] = refused.value.messages
    assert message.startswith("Bản sơ yếu lý lịch đã ký không kiểm tra được nên không được cấp: ")
    assert "CA Gốc Giả mạo" in message
    assert not ResumeExport.objects.exists()


def test_refused_when_no_trust_root_is_configured(signing):
    with pytest.raises(ValidationError) as refused:
        export_signed(signing)
    assert "chưa có chứng thư gốc tin cậy nên không chứng thư số nào được tin cậy" in refused.value.messages[0]
    assert not ResumeExport.objects.exists()


def test_credentials_must_fit_the_dossier(signing, pki, province, trusted_root):
    other = register(pki.other_person, label="Cá nhân khác", role="Chuyên viên", user=signing["clerk"])
    stranger = make_account("nguoi.la", unit=province["tai_chinh"], role=Role.APPROVER)
    foreign = register(pki.other_person, label="Giám đốc Sở Tài chính", role="Giám đốc", user=stranger)
    finance_seal = register(pki.seal, label="Con dấu Sở Tài chính", role="Con dấu cơ quan", unit=province["tai_chinh"])
    # The clerk's own credential is accepted as the person's signature.
    _pdf, export = export_signed(signing, person_signer=other)
    assert export.person_credential == other
    with pytest.raises(ValidationError) as not_approver:
        export_signed(signing, person_signer=foreign)
    assert messages(not_approver, "person_signer") == [
        "Khóa ký số 'Giám đốc Sở Tài chính' không phải của bạn, cũng không phải của người phê duyệt "
        "(thủ trưởng) của đơn vị quản lý hồ sơ này hoặc của đơn vị cấp trên."
    ]
    with pytest.raises(ValidationError) as other_agency:
        export_signed(signing, seal_signer=finance_seal)
    assert messages(other_agency, "seal_signer") == [
        "Con dấu 'Con dấu Sở Tài chính' thuộc cơ quan không quản lý đơn vị của hồ sơ này."
    ]
    with pytest.raises(ValidationError) as swapped:
        export_signed(signing, person_signer=signing["seal_credential"])
    assert messages(swapped, "person_signer") == [
        "Khóa ký số 'Con dấu Sở Nội vụ' là con dấu của cơ quan, không phải của người có thẩm quyền."
    ]
    assert ResumeExport.objects.count() == 1


def test_only_clerks_and_administrators_over_the_unit_may_sign(signing, province, trusted_root):
    approver = signing["director"]  # reads the dossier, may not issue exports
    with pytest.raises(ResumeExportDenied):
        export_signed(signing, user=approver)
    outsider = make_account("canbo.stc", unit=province["tai_chinh"], role=Role.HR_CLERK)
    with pytest.raises(ResumeExportDenied):
        export_signed(signing, user=outsider)
    unit_admin = make_account("quantri.snv", unit=province["noi_vu"], role=Role.UNIT_ADMIN)
    _pdf, export = export_signed(signing, user=unit_admin)
    assert export.exported_by == unit_admin
    assert ResumeExport.objects.count() == 1


def test_every_unsigned_export_is_recorded(signing):
    dossier, clerk = signing["dossier"], signing["clerk"]
    version = new_pending_version(signing)
    pdf, export = resume_export_unsigned(user=clerk, dossier=dossier, version=version)
    assert pdf.startswith(b"%PDF-")
    assert (export.version_number, export.signed, export.signatures) == (2, False, [])
    assert export.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert export.content_sha256 == version.sha256
    _pdf, by_system = resume_export_unsigned(user=None, dossier=dossier, version=version, channel=ExportChannel.COMMAND)
    assert (by_system.exported_by, by_system.exported_by_name, by_system.channel) == (None, "", "command")
    outsider = make_account("canbo.stc", unit=signing["tai_chinh"], role=Role.HR_CLERK)
    with pytest.raises(ResumeExportDenied):
        resume_export_unsigned(user=outsider, dossier=dossier, version=version)
    assert ResumeExport.objects.count() == 2


def test_export_records_are_append_only(signing):
    _pdf, export = resume_export_unsigned(
        user=signing["clerk"], dossier=signing["dossier"], version=signing["dossier"].versions.get()
    )
    with pytest.raises(DatabaseError, match="pgtrigger: Cannot update or delete"), transaction.atomic():
        ResumeExport.objects.filter(pk=export.pk).update(pdf_sha256="0" * 64)
    with pytest.raises(DatabaseError, match="pgtrigger: Cannot update or delete"), transaction.atomic():
        ResumeExport.objects.filter(pk=export.pk).delete()
    assert ResumeExport.objects.get(pk=export.pk).pdf_sha256 == export.pdf_sha256
