"""reports/views.py: the signed export form on the résumé page, its download, the list of exports,
and the recording of the plain PDF downloads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.choices import Role
from portal.signing.verify import pdf_verify
from reports.models import ResumeExport
from reports.selectors import resume_export_list
from tests.permissions import admin_client_for, make_account
from tests.records.factories import PERSONAL_ID
from tests.reports.conftest import register

pytestmark = pytest.mark.django_db


def page(signing) -> str:
    return reverse("reports_resume:page", args=[signing["dossier"].pk])


def sign_url(signing) -> str:
    return reverse("reports_resume:sign", args=[signing["dossier"].pk])


def choices(signing) -> dict:
    return {"person_signer": signing["person_credential"].pk, "seal_signer": signing["seal_credential"].pk}


def test_the_resume_page_offers_the_signed_export_with_the_usable_credentials(signing, pki, province):
    register(pki.seal, label="Con dấu Sở Tài chính", role="Con dấu cơ quan", unit=province["tai_chinh"])
    html = admin_client_for(signing["clerk"]).get(page(signing)).content.decode()
    assert "Xuất bản có chữ ký số" in html
    assert f'action="{sign_url(signing)}"' in html
    assert "Giám đốc Sở Nội vụ – Giám đốc (Nguyễn Văn An, hiệu lực đến " in html
    assert "Con dấu Sở Nội vụ – Con dấu cơ quan" in html
    assert "Con dấu Sở Tài chính" not in html  # another agency's seal is never offered
    assert "Các lần xuất sơ yếu lý lịch này" in html and "Sơ yếu lý lịch này chưa được xuất lần nào." in html


def test_an_approver_reads_the_page_and_the_exports_but_is_not_offered_signing(signing):
    client = admin_client_for(signing["director"])
    html = client.get(page(signing)).content.decode()
    assert "Xuất bản có chữ ký số" not in html
    assert "Các lần xuất sơ yếu lý lịch này" in html
    response = client.get(sign_url(signing))
    assert response.status_code == 403
    assert "Chỉ cán bộ tổ chức, quản trị đơn vị hoặc quản trị hệ thống" in response.content.decode()


def test_signing_downloads_the_signed_file_and_lists_the_export(signing, trusted_root):
    client = admin_client_for(signing["clerk"])
    response = client.post(sign_url(signing), choices(signing))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="SYLL_{PERSONAL_ID}_v1_ky_so.pdf"'
    verification = pdf_verify(response.content)
    assert verification.ok and len(verification.signatures) == 2
    export = ResumeExport.objects.get()
    assert (export.signed, export.channel, export.exported_by) == (True, "admin", signing["clerk"])
    html = client.get(page(signing)).content.decode()
    assert "Nguyễn Văn An (Giám đốc), Sở Nội vụ tỉnh Đồng Tháp (Con dấu cơ quan)" in html
    assert export.pdf_sha256 in html  # the full hash, in the cell's title


def test_a_refused_signature_shows_the_form_again_with_the_reason(signing, pki, trusted_root):
    rogue = register(pki.rogue, label="Con dấu giả", role="Con dấu cơ quan", unit=signing["noi_vu"])
    response = admin_client_for(signing["clerk"]).post(
        sign_url(signing), {"person_signer": signing["person_credential"].pk, "seal_signer": rogue.pk}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bản sơ yếu lý lịch đã ký không kiểm tra được nên không được cấp:" in html
    assert not ResumeExport.objects.exists()


def test_a_credential_outside_the_offered_ones_is_refused_by_the_form(signing, pki, province, trusted_root):
    finance_seal = register(pki.seal, label="Con dấu Sở Tài chính", role="Con dấu cơ quan", unit=province["tai_chinh"])
    response = admin_client_for(signing["clerk"]).post(
        sign_url(signing), {"person_signer": signing["person_credential"].pk, "seal_signer": finance_seal.pk}
    )
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not ResumeExport.objects.exists()


def test_plain_pdf_downloads_are_recorded_too(signing):
    client = admin_client_for(signing["clerk"])
    response = client.get(reverse("reports_resume:pdf", args=[signing["dossier"].pk]))
    assert response.status_code == 200
    export = ResumeExport.objects.get()
    assert (export.signed, export.version_number, export.channel, export.exported_by_name) == (
        False,
        1,
        "admin",
        "canbo.snv",
    )
    html = client.get(page(signing)).content.decode()
    assert "canbo.snv" in html and export.pdf_sha256 in html


def test_exports_of_another_subtree_are_not_listed(signing, province):
    other_clerk = make_account("canbo.stc", unit=province["tai_chinh"], role=Role.HR_CLERK)
    admin_client_for(signing["clerk"]).get(reverse("reports_resume:pdf", args=[signing["dossier"].pk]))
    assert resume_export_list(user=signing["clerk"]).count() == 1
    assert resume_export_list(user=other_clerk).count() == 0
    assert resume_export_list(user=make_account("lanhdao", unit=province["root"], role=Role.LEADER)).count() == 0
