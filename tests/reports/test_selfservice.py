"""reports/selfservice.py: the person's own résumé in the self-service portal, outside the admin
(/ca-nhan/so-yeu-ly-lich/ and .pdf): their own dossier only, the approved version by default."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from portal.choices import Role
from records.choices import VersionStatus
from records.models import Dossier
from records.services.dossiers import dossier_change
from records.services.versions import version_publish
from tests.permissions import make_account
from tests.records.factories import BASE_CONTENT, PERSONAL_ID, make_dossier

pytestmark = pytest.mark.django_db
PAGE = "/ca-nhan/so-yeu-ly-lich/"
PDF = "/ca-nhan/so-yeu-ly-lich.pdf"
LAN_ID = "087190000456"


@pytest.fixture
def world(province):
    person = make_account("nguyen.van.thang", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
    thang = make_dossier(province["chi_cuc"], account=person)
    other = make_account("tran.thi.lan", unit=province["tai_chinh"], role=Role.INDIVIDUAL)
    lan = make_dossier(
        province["tai_chinh"],
        account=other,
        personal_id=LAN_ID,
        identity={**BASE_CONTENT["identity"], "full_name": "Trần Thị Lan", "sex": "2", "phone": "0909111222"},
    )
    clerk = make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK)
    return {"person": person, "thang": thang, "other": other, "lan": lan, "clerk": clerk}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_person_reads_their_own_resume_in_the_portal(world):
    response = login(world["person"]).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "NGUYỄN VĂN THẮNG" in html and PERSONAL_ID in html and "SƠ YẾU LÝ LỊCH" in html
    assert "Chi cục Văn thư - Lưu trữ" in html  # the unit line of the header
    # The portal's look and buttons, not the admin's.
    assert 'name="viewport"' in html and 'href="/ca-nhan/"' in html and "/admin/ho-so/" not in html
    assert f'href="{PDF}"' in html and "Tải PDF" in html
    assert 'onclick="window.print()"' in html and ">In</button>" in html
    assert "Trần Thị Lan" not in html and LAN_ID not in html and "0909111222" not in html


def test_the_person_downloads_their_own_resume_as_a_pdf(world):
    response = login(world["person"]).get(PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="SYLL_{PERSONAL_ID}_v1.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "SƠ YẾU LÝ LỊCH" in text and "NGUYỄN VĂN THẮNG" in text and f"Mã số định danh: {PERSONAL_ID}" in text
    assert "TRẦN THỊ LAN" not in text and LAN_ID not in text and "0909111222" not in text


def test_another_person_gets_their_own_resume_never_the_first_ones(world):
    client = login(world["other"])
    html = client.get(PAGE).content.decode()
    assert "TRẦN THỊ LAN" in html and LAN_ID in html
    assert "THẮNG" not in html and "Thắng" not in html and PERSONAL_ID not in html
    pdf = client.get(PDF)
    assert pdf["Content-Disposition"].endswith(f'SYLL_{LAN_ID}_v1.pdf"')
    text = pdf_text(pdf.content)
    assert "TRẦN THỊ LAN" in text and "THẮNG" not in text and PERSONAL_ID not in text


@pytest.mark.parametrize("url", [PAGE, PDF])
def test_anonymous_visitors_are_sent_to_the_portal_sign_in(world, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/ca-nhan/dang-nhap/?next={url}"


@pytest.mark.parametrize("url", [PAGE, PDF])
def test_an_account_without_a_dossier_gets_404(world, url):
    # A clerk reads many dossiers in the admin, but none of them is their own.
    response = login(world["clerk"]).get(url)
    assert response.status_code == 404
    body = response.content.decode(errors="replace")
    assert "Thắng" not in body and "THẮNG" not in body and PERSONAL_ID not in body


def test_the_approved_version_is_shown_while_a_change_awaits_approval(world):
    thang = world["thang"]
    changed = dossier_change(
        dossier=thang,
        sections={"identity": {**BASE_CONTENT["identity"], "phone": "0912000111"}},
        actor=world["clerk"],
        expected_version=1,
    )
    client = login(world["person"])
    html = client.get(PAGE).content.decode()
    assert "0912000111" not in html
    assert "đang chờ thủ trưởng đơn vị phê duyệt" in html  # the pending note
    assert client.get(PDF)["Content-Disposition"].endswith('_v1.pdf"')

    version_publish(version=changed, actor=world["clerk"])
    html = client.get(PAGE).content.decode()
    assert "0912000111" in html and "đang chờ thủ trưởng" not in html
    pdf = client.get(PDF)
    assert pdf["Content-Disposition"].endswith('_v2.pdf"')
    assert "SĐT liên hệ: 0912000111" in pdf_text(pdf.content)


def test_without_an_approved_version_the_latest_is_shown_with_a_note(world):
    # Every service publishes a new dossier's first version at once, so a dossier with no
    # approved version is made here by resetting the rows directly.
    thang = world["thang"]
    thang.versions.update(status=VersionStatus.PENDING, published_at=None)
    Dossier.objects.filter(pk=thang.pk).update(live_version=0)
    client = login(world["person"])
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Phiên bản 1 chưa được phê duyệt." in response.content.decode()
    assert client.get(PDF)["Content-Disposition"].endswith('_v1.pdf"')


def test_the_portal_home_links_to_the_portal_resume(world):
    html = login(world["person"]).get("/ca-nhan/").content.decode()
    assert f'href="{PAGE}"' in html and "/so-yeu-ly-lich/ban-in/" not in html


def test_the_pdf_reads_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    client = login(world["person"])
    # session, account, grants, own dossier with its unit, version, 7 catalogue kinds,
    # managing agency, the export service's scope check and its record, session save
    # (savepoint, update, release)
    with django_assert_max_num_queries(18):
        response = client.get(PDF)
    assert response.status_code == 200
