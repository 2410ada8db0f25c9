"""The self-service portal (records/selfservice.py): the person reads their own dossier, declares a
section with evidence from a phone-sized form, follows the review, never sees anyone else's data."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portal.choices import Role
from records.choices import DeclarationStatus
from records.models import Declaration, Evidence
from records.services.declarations import declaration_return
from tests.permissions import make_account
from tests.records.factories import BASE_CONTENT, make_dossier

pytestmark = pytest.mark.django_db
HOME = "/ca-nhan/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(province):
    person = make_account("nguyen.van.thang", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
    person.set_password("Kq7!mzp2Rw-thang")
    person.save()
    thang = make_dossier(province["chi_cuc"], account=person)
    other = make_account("tran.thi.lan", unit=province["tai_chinh"], role=Role.INDIVIDUAL)
    lan = make_dossier(
        province["tai_chinh"],
        account=other,
        personal_id="087190000456",
        identity={**BASE_CONTENT["identity"], "full_name": "Trần Thị Lan", "sex": "2", "phone": "0909111222"},
    )
    clerk = make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK)
    return {"person": person, "thang": thang, "other": other, "lan": lan, "clerk": clerk}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def test_sign_in_through_the_portal_and_see_the_own_dossier_as_sections(world):
    client = Client()
    assert client.get(HOME).status_code == 302
    response = client.post(
        reverse("records_self:login"), {"username": "nguyen.van.thang", "password": "Kq7!mzp2Rw-thang"}
    )
    assert response.status_code == 302 and response["Location"] == HOME
    page = text(client.get(HOME))
    assert "Nguyễn Văn Thắng" in page and "087090000123" in page
    assert "Kinh" in page  # the ethnicity code printed as its label
    assert "Trường Đại học Cần Thơ" in page and "09/2008" in page  # 32.1 with a month
    assert 'name="viewport"' in page
    assert "Trần Thị Lan" not in page and "0909111222" not in page


def test_declare_a_row_section_with_evidence(world):
    client = login(world["person"])
    url = reverse("records_self:declare", args=["training_language"])
    form = client.get(url)
    assert form.status_code == 200 and 'type="file"' in text(form)
    data = {
        "training_language-TOTAL_FORMS": "2",
        "training_language-INITIAL_FORMS": "0",
        "training_language-0-period_from": "03/2019",
        "training_language-0-period_to": "06/2019",
        "training_language-0-institution": "Trường Đại học Cần Thơ",
        "training_language-0-language": "ANH",
        "training_language-0-level": "BAC_3",
        "note": "Chứng chỉ B1",
        "evidence": SimpleUploadedFile("b1.pdf", b"%PDF-1.4 b1"),
    }
    response = client.post(url, data)
    assert response.status_code == 302, text(response)
    declaration = Declaration.objects.get()
    assert declaration.proposed == [
        {
            "period_from": "2019-03",
            "period_to": "2019-06",
            "institution": "Trường Đại học Cần Thơ",
            "language": "ANH",
            "level": "BAC_3",
        }
    ]
    assert Evidence.objects.get().original_name == "b1.pdf"
    home = text(client.get(HOME))
    assert "b1.pdf" in home and "chờ" in home.lower()


def test_errors_are_shown_on_the_row_and_nothing_is_saved(world):
    client = login(world["person"])
    url = reverse("records_self:declare", args=["training_language"])
    data = {
        "training_language-TOTAL_FORMS": "1",
        "training_language-INITIAL_FORMS": "0",
        "training_language-0-period_from": "13/2019",
        "training_language-0-language": "ANH",
        "evidence": SimpleUploadedFile("anh.gif", b"GIF89a"),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = text(response)
    assert "tháng nằm ngoài 1–12" in page
    assert "anh.gif" in page  # the refused file is named
    assert not Declaration.objects.exists() and not Evidence.objects.exists()


def test_a_single_section_and_the_return_reason(world):
    client = login(world["person"])
    url = reverse("records_self:declare", args=["health"])
    response = client.post(url, {"health-health_status": "Tốt", "health-height_cm": "168", "health-blood_group": "O"})
    assert response.status_code == 302
    declaration = Declaration.objects.get()
    assert declaration.proposed == {"health_status": "Tốt", "height_cm": 168, "blood_group": "O"}
    declaration_return(declaration=declaration, actor=world["clerk"], reason="Cần giấy khám sức khỏe")
    page = text(client.get(HOME))
    assert "Cần giấy khám sức khỏe" in page


def test_clerk_sections_cannot_be_declared_and_others_are_unreachable(world):
    client = login(world["person"])
    assert client.get(reverse("records_self:declare", args=["salary"])).status_code == 404
    assert client.get(reverse("records_self:declare", args=["khong-co"])).status_code == 404
    declaration = Declaration.objects.create(
        dossier=world["lan"], section="health", proposed={"health_status": "Tốt"}, base_version=1, base_sha256="x"
    )
    assert client.post(reverse("records_self:withdraw", args=[declaration.pk])).status_code == 404
    assert Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.SUBMITTED


def test_an_account_without_a_dossier_is_told_to_contact_the_clerk(world, province):
    lonely = make_account("chua.co.ho.so", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
    page = text(login(lonely).get(HOME))
    assert "chưa được liên kết với hồ sơ" in page
    assert login(lonely).get(reverse("records_self:declare", args=["health"])).status_code == 404
