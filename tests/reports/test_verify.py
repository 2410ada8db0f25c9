"""The verification page (reports/views.py ``VerifyView``, reports/selectors.py ``verification_for``):
any PDF → each signature's report and the verdict; our own documents → which dossier version
or approval act they carry, only as far as the reader may see."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.choices import Role
from portal.signing.backends import Pkcs12Signer
from records.choices import ApprovalActStatus
from records.models import ApprovalAct
from records.services.dossiers import dossier_change
from records.services.versions import version_publish
from reports.services.exports import resume_export_signed
from tests.permissions import admin_client_for, make_account
from tests.portal.signing.conftest import make_pdf
from tests.portal.signing.helpers import append_content_update, append_harmless_update, flip_byte
from tests.records.factories import PERSONAL_ID

pytestmark = pytest.mark.django_db
URL = "/admin/kiem-tra-chu-ky/"


@pytest.fixture
def signed(signing, trusted_root) -> bytes:
    pdf, _export = resume_export_signed(
        user=signing["clerk"],
        dossier=signing["dossier"],
        person_signer=signing["person_credential"],
        seal_signer=signing["seal_credential"],
    )
    return pdf


def upload(user, data: bytes, name: str = "syll.pdf"):
    return admin_client_for(user).post(URL, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_url_and_menu(signing, province):
    assert reverse("reports_verify:verify") == URL
    html = text(admin_client_for(signing["clerk"]).get(URL))
    assert "Kiểm tra chữ ký số" in html and 'enctype="multipart/form-data"' in html
    assert URL in text(admin_client_for(signing["clerk"]).get(reverse("wagtailadmin_home")))  # the menu item
    person = make_account("ca.nhan", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
    assert URL not in admin_client_for(person).get(reverse("wagtailadmin_home")).content.decode()


def test_a_valid_signed_resume_is_valid_and_recognised(signing, signed):
    html = text(upload(signing["clerk"], signed))
    assert "HỢP LỆ: tất cả 2 chữ ký đều toàn vẹn và được tin cậy." in html
    assert "KHÔNG HỢP LỆ" not in html
    assert "Chữ ký 1 (trường NguoiCoThamQuyen)" in html and "Chữ ký 2 (trường DauCoQuan)" in html
    assert "Nguyễn Văn An" in html and "Giám đốc" in html and "Con dấu cơ quan" in html
    assert "Chữ ký của Nguyễn Văn An hợp lệ" in html
    assert "Xác nhận sơ yếu lý lịch" in html and "Đóng dấu cơ quan" in html
    assert f"Sơ yếu lý lịch của Nguyễn Văn Thắng (số định danh cá nhân {PERSONAL_ID}), phiên bản 1." in html
    assert "Phiên bản này vẫn là bản đã phê duyệt (hiện hành)." in html
    assert hashlib.sha256(signed).hexdigest() in html


def test_a_one_byte_change_is_not_valid(signing, signed):
    html = text(upload(signing["clerk"], flip_byte(signed, b"ReportLab")))
    assert "KHÔNG HỢP LỆ: không được sử dụng tài liệu này." in html
    assert "nội dung đã ký bị thay đổi sau khi ký" in html
    assert "Sơ yếu lý lịch của" not in html  # no longer the file we issued


def test_an_incremental_update_is_modified_and_still_traced_to_our_export(signing, signed):
    html = text(upload(signing["clerk"], append_content_update(signed)))
    assert "KHÔNG HỢP LỆ: không được sử dụng tài liệu này." in html
    assert "tài liệu đã bị sửa đổi sau chữ ký này" in html
    assert f"(số định danh cá nhân {PERSONAL_ID}), phiên bản 1." in html
    assert "Tệp này là tài liệu đó nhưng đã bị bổ sung nội dung sau khi cấp." in html


def test_a_newer_approved_version_makes_the_document_no_longer_current(signing, signed):
    version = dossier_change(
        dossier=signing["dossier"],
        sections={"health": {"health_status": "Tốt"}},
        actor=signing["clerk"],
        expected_version=1,
    )
    html = text(upload(signing["clerk"], signed))
    assert "Phiên bản này vẫn là bản đã phê duyệt (hiện hành)." in html  # version 2 is only pending
    version_publish(version=version)
    html = text(upload(signing["clerk"], signed))
    assert "HỢP LỆ: tất cả 2 chữ ký" in html  # the signatures stay valid…
    assert "Phiên bản này không còn hiện hành: phiên bản đã phê duyệt hiện nay là phiên bản 2." in html


def test_outside_the_scope_only_says_so(signing, signed, province):
    outsider = make_account("canbo.stc", unit=province["tai_chinh"], role=Role.HR_CLERK)
    html = text(upload(outsider, signed))
    assert "HỢP LỆ: tất cả 2 chữ ký" in html
    assert "Sơ yếu lý lịch do hệ thống này xuất, của một hồ sơ ngoài phạm vi của bạn." in html
    assert PERSONAL_ID not in html and "Nguyễn Văn Thắng" not in html


def test_not_a_pdf_and_too_large(signing, monkeypatch):
    response = upload(signing["clerk"], b"\x89PNG\r\n\x1a\n", name="anh.pdf")
    assert "Tệp này không phải là tài liệu PDF: hãy chọn tệp .pdf." in text(response)
    assert "verify-result" not in response.content.decode()
    monkeypatch.setattr("reports.forms.MAX_VERIFY_BYTES", 1024 * 1024)
    html = text(upload(signing["clerk"], b"%PDF-1.7\n" + b"0" * 1024 * 1024))
    assert "Tệp lớn hơn 1 MB; hãy tải lên tệp PDF không quá 1 MB." in html


def test_an_unsigned_pdf_is_not_valid(signing):
    html = text(upload(signing["clerk"], make_pdf()))
    assert "KHÔNG HỢP LỆ" in html and "Tài liệu PDF không có chữ ký số nào." in html


@pytest.fixture
def act(signing, pki):
    """A signed approval act of the Sở Nội vụ (written directly: the approval flow has its own tests)."""
    manifest = make_pdf("Danh sach phe duyet thang 11/2026")
    signed = Pkcs12Signer(pki.person.pkcs12("x"), "x", role="Giám đốc").sign_pdf(
        manifest, field_name="PheDuyet", reason="Phê duyệt", timestamp_url=""
    )
    return ApprovalAct.objects.create(
        unit=signing["noi_vu"],
        period=datetime.date(2026, 11, 1),
        approver=signing["director"],
        approver_name="Nguyễn Văn An",
        status=ApprovalActStatus.PUBLISHED,
        total=3,
        manifest=manifest,
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
        signed_pdf=signed,
        signed_sha256=hashlib.sha256(signed).hexdigest(),
    )


def test_a_signed_approval_act_is_recognised_also_with_updates_appended(signing, act, trusted_root, province):
    expected = "Văn bản phê duyệt đã ký số của Sở Nội vụ tháng 11/2026, người phê duyệt Nguyễn Văn An: 3 hồ sơ."
    html = text(upload(signing["clerk"], bytes(act.signed_pdf)))
    assert "HỢP LỆ: tất cả 1 chữ ký đều toàn vẹn và được tin cậy." in html
    assert expected in html and "bị bổ sung nội dung sau khi cấp" not in html
    html = text(upload(signing["clerk"], append_harmless_update(bytes(act.signed_pdf))))
    assert expected in html and "Tệp này là tài liệu đó nhưng đã bị bổ sung nội dung sau khi cấp." in html
    outsider = make_account("canbo.stc", unit=province["tai_chinh"], role=Role.HR_CLERK)
    html = text(upload(outsider, bytes(act.signed_pdf)))
    assert "Văn bản phê duyệt đã ký số của hệ thống này, ngoài phạm vi của bạn." in html
    assert "Sở Nội vụ tháng 11/2026" not in html


def test_who_may_use_the_page(signing, province):
    leader = make_account("lanhdao", unit=province["root"], role=Role.LEADER)
    assert admin_client_for(leader).get(URL).status_code == 200
    person = make_account("ca.nhan", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
    assert admin_client_for(person).get(URL).status_code == 403
    anonymous = admin_client_for().get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")


def test_the_result_page_reads_a_bounded_number_of_queries(signing, signed, act, django_assert_max_num_queries):
    client = admin_client_for(signing["clerk"])
    client.get(URL)  # the admin's first-visit work (menu, profile) is not the result's
    data = SimpleUploadedFile("syll.pdf", signed, content_type="application/pdf")
    # session, account, its permissions (2), grants, profile, trust roots, matching exports, the
    # reader's own dossier and the matching dossiers in scope (2), matching acts, the admin chrome
    # (locale, page and collection permissions, the approval menu's 3 checks), session save (3).
    # Independent of the file: the signatures are verified in memory.
    with django_assert_max_num_queries(20):
        response = client.post(URL, {"file": data})
    assert "Sơ yếu lý lịch của Nguyễn Văn Thắng" in text(response)
