"""The self-service portal (records/selfservice.py): the person reads their own dossier, declares a
section with evidence from a phone-sized form, follows the review, never sees anyone else's data."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.choices import Role
from portal.models import PasswordHistory, SecurityPolicy
from portal.models.audit import SecurityEvent, SecurityEventKind
from records.choices import DeclarationStatus
from records.models import Declaration, Evidence
from records.services.declarations import declaration_return
from tests.permissions import make_account
from tests.records.factories import BASE_CONTENT, make_dossier

pytestmark = pytest.mark.django_db
HOME = "/ca-nhan/"
PASSWORD_PAGE = "/ca-nhan/mat-khau/"
ADMIN_CHANGE_PAGE = "/admin/mat-khau/doi/"
PASSWORD = "Kq7!mzp2Rw-thang"
NEW_PASSWORD = "Hx4#tuvw9Pq"
CHANGED = "Mật khẩu của bạn đã được đổi."


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


# --- Changing the password in the portal ---------------------------------------------------------


def change(client, old: str, new: str, again: str | None = None, **extra):
    data = {"old_password": old, "new_password": new, "new_password_confirm": new if again is None else again}
    return client.post(PASSWORD_PAGE, {**data, **extra})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_password_page_is_the_vietnamese_path_and_the_portal_links_to_it(world):
    assert reverse("records_self:password") == PASSWORD_PAGE
    client = login(world["person"])
    home = text(client.get(HOME))
    assert f'href="{PASSWORD_PAGE}"' in home and ADMIN_CHANGE_PAGE not in home
    page = client.get(PASSWORD_PAGE)
    assert page.status_code == 200
    body = text(page)
    assert 'name="viewport"' in body and "wagtail" not in body.lower()  # the portal's look, not the admin's
    assert 'name="old_password"' in body and 'name="new_password_confirm"' in body
    # The policy's rules, from the validators the admin page lists too.
    assert "Mật khẩu của bạn phải có ít nhất 8 ký tự." in body
    assert "Mật khẩu của bạn phải khác 5 mật khẩu gần nhất." in body


def test_the_policy_rules_follow_the_security_policy(world):
    policy = SecurityPolicy.load()
    policy.password_min_length = 12
    policy.save()
    assert "Mật khẩu của bạn phải có ít nhất 12 ký tự." in text(login(world["person"]).get(PASSWORD_PAGE))


def test_a_person_changes_their_password_and_stays_signed_in(world):
    person = world["person"]
    client = login(person)
    # A ``next`` outside the portal is not followed: the person stays in the portal's look.
    response = change(client, PASSWORD, NEW_PASSWORD, next="/admin/")
    assert response.status_code == 302 and response["Location"] == HOME
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD) and not person.check_password(PASSWORD)
    assert person.password_changed_at is not None and person.must_change_password is False
    # The policy's service did it: the old hash joined the history, the change was audited.
    assert PasswordHistory.objects.filter(user=person).count() == 1
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_CHANGED, user_id=person.pk).count() == 1
    # Still signed in, and told so on the portal's home.
    assert signed_in(client)
    home = client.get(HOME)
    assert home.status_code == 200 and CHANGED in text(home)
    # Signing in again: the old password no longer works, the new one does.
    login_url = reverse("records_self:login")
    refused = Client().post(login_url, {"username": "nguyen.van.thang", "password": PASSWORD})
    assert refused.status_code == 200
    accepted = Client().post(login_url, {"username": "nguyen.van.thang", "password": NEW_PASSWORD})
    assert accepted.status_code == 302 and accepted["Location"] == HOME


def test_a_next_inside_the_portal_is_followed(world):
    target = reverse("records_self:declare", args=["health"])
    response = change(login(world["person"]), PASSWORD, NEW_PASSWORD, next=target)
    assert response.status_code == 302 and response["Location"] == target


@pytest.mark.parametrize(
    ("old", "new", "again", "field", "message"),
    [
        ("Sai-mat-khau#1", NEW_PASSWORD, None, "old_password", "Mật khẩu hiện tại không đúng."),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "new_password_confirm", "Hai mật khẩu mới không khớp nhau."),
        (PASSWORD, "Hx4#tu", None, "new_password", "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất 8 ký tự."),
        (PASSWORD, "hx4#tuvw9pq", None, "new_password", "Mật khẩu phải có ít nhất một chữ hoa."),
        (PASSWORD, PASSWORD, None, "new_password", "Mật khẩu phải khác 5 mật khẩu gần nhất của bạn."),
    ],
    ids=["wrong-current", "mismatch", "too-short", "no-uppercase", "reused"],
)
def test_errors_are_shown_on_their_field_and_nothing_changes(world, old, new, again, field, message):
    person = world["person"]
    stored = person.password
    client = login(person)
    response = change(client, old, new, again)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert f'<ul class="errorlist" id="id_{field}_error"><li>{message}</li></ul>' in text(response)
    person.refresh_from_db()
    assert person.password == stored and person.check_password(PASSWORD)
    assert not PasswordHistory.objects.filter(user=person).exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_CHANGED).exists()
    assert signed_in(client)


def test_an_anonymous_visitor_is_sent_to_the_portal_sign_in(world):
    client = Client()
    response = client.get(PASSWORD_PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('records_self:login')}?next={PASSWORD_PAGE}"
    response = client.post(
        PASSWORD_PAGE, {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("records_self:login"))
    world["person"].refresh_from_db()
    assert world["person"].check_password(PASSWORD)


def test_a_temporary_password_is_changed_in_the_portal_before_anything_else(world):
    person = world["person"]
    person.must_change_password = True
    person.save()
    client = login(person)
    # Every portal page leads to the portal's own change page, not the admin's.
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"] == f"{PASSWORD_PAGE}?next=%2Fca-nhan%2F"
    declare = reverse("records_self:declare", args=["health"])
    assert client.get(declare)["Location"] == f"{PASSWORD_PAGE}?next=%2Fca-nhan%2Fke-khai%2Fhealth%2F"
    assert client.post(declare, {})["Location"] == PASSWORD_PAGE
    # Outside the portal the admin's behaviour is kept.
    assert client.get("/admin/")["Location"].startswith(ADMIN_CHANGE_PAGE)
    page = client.get(f"{PASSWORD_PAGE}?next=%2Fca-nhan%2F")
    assert page.status_code == 200
    body = text(page)
    assert "Quản trị viên đã đặt mật khẩu tạm thời cho tài khoản của bạn." in body
    assert ">Hủy</a>" not in body  # no way around it
    assert 'name="next" value="/ca-nhan/"' in body
    response = change(client, PASSWORD, NEW_PASSWORD, next=HOME)
    assert response.status_code == 302 and response["Location"] == HOME
    person.refresh_from_db()
    assert person.must_change_password is False and person.check_password(NEW_PASSWORD)
    home = client.get(HOME)
    assert home.status_code == 200 and CHANGED in text(home) and "Nguyễn Văn Thắng" in text(home)


def test_an_expired_password_is_changed_in_the_portal(world):
    person = world["person"]
    policy = SecurityPolicy.load()
    policy.password_max_age_days = 90
    policy.save()
    person.password_changed_at = timezone.now() - datetime.timedelta(days=91)
    person.save()
    client = login(person)
    assert client.get(HOME)["Location"] == f"{PASSWORD_PAGE}?next=%2Fca-nhan%2F"
    page = text(client.get(PASSWORD_PAGE))
    assert "Mật khẩu của bạn đã hết hạn. Hãy đặt mật khẩu mới để tiếp tục." in page
    # A wrong attempt keeps the block; the right one lifts it.
    assert change(client, "Sai-mat-khau#1", NEW_PASSWORD).status_code == 200
    assert client.get(HOME).status_code == 302
    assert change(client, PASSWORD, NEW_PASSWORD)["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_a_person_who_must_change_can_still_sign_out_of_the_portal(world):
    person = world["person"]
    person.must_change_password = True
    person.save()
    client = login(person)
    response = client.post(reverse("records_self:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("records_self:login")
    assert not signed_in(client)
