"""The accounts admin (portal/views/accounts.py): scoped list, detail, create, bulk, grants, actions."""

from __future__ import annotations

import base64
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from portal.choices import Role
from portal.models import Grant
from portal.models.audit import SecurityEvent, SecurityEventKind
from tests.permissions import make_account

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def actors(province):
    return {
        "qt_noivu": make_account("qt.snv", unit=province["noi_vu"], role=Role.UNIT_ADMIN),
        "qt_taichinh": make_account("qt.stc", unit=province["tai_chinh"], role=Role.UNIT_ADMIN),
        "inside": make_account(
            "nguyen.van.a", unit=province["chi_cuc"], role=Role.INDIVIDUAL, first_name="An", last_name="Nguyễn Văn"
        ),
        "outside": make_account(
            "tran.thi.b", unit=province["tai_chinh"], role=Role.INDIVIDUAL, first_name="Bình", last_name="Trần Thị"
        ),
    }


@pytest.fixture
def as_noivu(client, actors):
    client.force_login(actors["qt_noivu"])
    return client


def url(name, *args):
    return reverse(f"portal_accounts:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


# --- list ------------------------------------------------------------------------------------------


def test_list_shows_only_the_subtree(as_noivu, actors):
    response = as_noivu.get(url("index"))
    assert response.status_code == 200
    body = text(response)
    assert "nguyen.van.a" in body and "qt.snv" in body
    assert "tran.thi.b" not in body and "qt.stc" not in body
    assert response.context["page"].paginator.count == 2  # the counts exclude them too


def test_list_search_ignores_accents_and_filters_by_unit(as_noivu, actors, province):
    make_account("le.dang", unit=province["noi_vu"], first_name="Đăng", last_name="Lê Hải")
    names = lambda response: {u.username for u in response.context["accounts"]}  # noqa: E731
    assert names(as_noivu.get(url("index"), {"q": "nguyen van"})) == {"nguyen.van.a"}
    assert names(as_noivu.get(url("index"), {"q": "NGUYỄN"})) == {"nguyen.van.a"}
    assert names(as_noivu.get(url("index"), {"q": "dang"})) == {"le.dang"}
    assert names(as_noivu.get(url("index"), {"q": "tran"})) == set()  # out of scope stays out
    assert names(as_noivu.get(url("index"), {"unit": province["chi_cuc"].pk})) == {"nguyen.van.a"}
    # A unit outside the subtree is not a valid filter: no widening.
    response = as_noivu.get(url("index"), {"unit": province["tai_chinh"].pk})
    assert "tran.thi.b" not in names(response)


def test_list_query_count_is_flat(as_noivu, actors, province, django_assert_max_num_queries):
    as_noivu.get(url("index"))  # warm caches (site, settings)
    with django_assert_max_num_queries(30) as few:
        as_noivu.get(url("index"))
    for index in range(15):
        account = make_account(f"nv{index}", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
        Grant.objects.create(user=account, role=Role.HR_CLERK, unit=province["chi_cuc"], starts_on="2025-01-01")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = as_noivu.get(url("index"))
    assert response.context["page"].paginator.count == 17


# --- URL guessing: out of scope is 404 -------------------------------------------------------------


@pytest.mark.parametrize("name", ["detail", "lock", "unlock", "reset_password", "revoke", "grant_add"])
def test_accounts_outside_the_subtree_answer_404(as_noivu, actors, name):
    outside = actors["outside"]
    for method in ("get", "post"):
        response = getattr(as_noivu, method)(url(name, outside.pk))
        assert response.status_code == 404
        assert "tran.thi.b" not in text(response)
    missing = as_noivu.get(url(name, 999_999))
    assert missing.status_code == 404
    outside.refresh_from_db()
    assert outside.is_active and not outside.is_locked


def test_grant_revoke_outside_answers_404(as_noivu, actors):
    grant = Grant.objects.get(user=actors["outside"])
    assert as_noivu.post(url("grant_revoke", actors["outside"].pk, grant.pk)).status_code == 404
    # A grant id under the wrong account is not found either.
    assert as_noivu.post(url("grant_revoke", actors["inside"].pk, grant.pk)).status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_hr_clerk_gets_403_without_data(client, actors, province):
    clerk = make_account("cb.snv", unit=province["noi_vu"], role=Role.HR_CLERK)
    client.force_login(clerk)
    for target in (url("index"), url("detail", actors["inside"].pk), url("add")):
        response = client.get(target)
        assert response.status_code == 403
        assert "nguyen.van.a" not in text(response)


# --- detail and actions ------------------------------------------------------------------------------


def test_detail_shows_grants_actions_and_the_audit_link(as_noivu, actors):
    response = as_noivu.get(url("detail", actors["inside"].pk))
    body = text(response)
    assert response.status_code == 200
    assert "nguyen.van.a" in body
    assert f"/admin/audit/user/{actors['inside'].pk}/" in body
    assert url("lock", actors["inside"].pk) in body
    grant = Grant.objects.get(user=actors["inside"])
    assert url("grant_revoke", actors["inside"].pk, grant.pk) in body


def test_lock_unlock_and_revoke_through_the_admin(as_noivu, actors):
    inside = actors["inside"]
    response = as_noivu.post(url("lock", inside.pk), {"reason": "Nghỉ việc"})
    assert response.status_code == 302
    inside.refresh_from_db()
    assert inside.is_locked and inside.lock_reason == "Nghỉ việc"
    as_noivu.post(url("unlock", inside.pk))
    inside.refresh_from_db()
    assert not inside.is_locked
    as_noivu.post(url("revoke", inside.pk))
    inside.refresh_from_db()
    assert not inside.is_active
    assert not Grant.objects.filter(user=inside, revoked_at__isnull=True).exists()


def test_reset_password_is_shown_once(as_noivu, actors):
    inside = actors["inside"]
    response = as_noivu.post(url("reset_password", inside.pk))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = re.search(r'<code class="portal-password">([^<]+)</code>', text(response)).group(1)
    inside.refresh_from_db()
    from html import unescape

    assert inside.check_password(unescape(password)) and inside.must_change_password
    assert SecurityEvent.objects.filter(user_id=inside.pk, kind=SecurityEventKind.PASSWORD_RESET).exists()
    assert unescape(password) not in text(as_noivu.get(url("detail", inside.pk)))


def test_higher_ranked_account_gives_a_403_with_the_message(as_noivu, actors, province):
    boss = make_account("qt.snv2", unit=province["chi_cuc"], role=Role.SYSTEM_ADMIN, over=None)
    response = as_noivu.post(url("lock", boss.pk), {"reason": "x"})
    assert response.status_code == 403
    assert "Tài khoản này có vai trò cao hơn vai trò của bạn" in text(response)
    boss.refresh_from_db()
    assert not boss.is_locked


# --- create ------------------------------------------------------------------------------------------


def test_create_account_shows_the_initial_password_once(as_noivu, province):
    form = as_noivu.get(url("add"))
    choices = {str(pk) for pk, _label in form.context["form"].fields["unit"].choices if pk}
    assert str(province["chi_cuc"].pk) in choices and str(province["tai_chinh"].pk) not in choices
    response = as_noivu.post(
        url("add"),
        {
            "username": "pham.van.c",
            "last_name": "Phạm Văn",
            "first_name": "Cường",
            "unit": province["chi_cuc"].pk,
            "birth_date": "02/03/1991",
            "personal_id": "001091000003",
            "email": "",
        },
    )
    assert response.status_code == 200
    user = User.objects.get(username="pham.van.c")
    created = response.context["created"]
    assert created[0].user == user and user.check_password(created[0].initial_password)
    assert user.birth_date.isoformat() == "1991-03-02"
    workbook = load_workbook(io.BytesIO(base64.b64decode(response.context["workbook"])))
    assert list(workbook.active.iter_rows(values_only=True))[1][3] == created[0].initial_password
    assert created[0].initial_password not in text(as_noivu.get(url("detail", user.pk)))


def test_create_outside_the_subtree_is_refused_and_writes_nothing(as_noivu, province):
    before = User.objects.count()
    response = as_noivu.post(url("add"), {"username": "ngoai", "unit": province["tai_chinh"].pk})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert User.objects.count() == before


def test_create_shows_service_errors_on_the_form(as_noivu, province):
    response = as_noivu.post(url("add"), {"username": "Có Dấu", "unit": province["noi_vu"].pk})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors


# --- bulk individuals --------------------------------------------------------------------------------


def test_bulk_from_pasted_lines(as_noivu, province):
    lines = "username,full name\nvo.van.e,Võ Văn Em,05/06/1992,001092000005,e@example.vn\nho.thi.g,Hồ Thị Giang,,,"
    response = as_noivu.post(url("bulk"), {"unit": province["chi_cuc"].pk, "lines": lines})
    assert response.status_code == 200, response.context["form"].errors
    created = response.context["created"]
    assert [c.user.username for c in created] == ["vo.van.e", "ho.thi.g"]
    em = User.objects.get(username="vo.van.e")
    assert em.birth_date.isoformat() == "1992-06-05" and em.email == "e@example.vn"
    assert Grant.objects.get(user=em).role == Role.INDIVIDUAL
    rows = list(load_workbook(io.BytesIO(base64.b64decode(response.context["workbook"]))).active.values)
    assert {row[0]: row[3] for row in rows[1:]} == {c.user.username: c.initial_password for c in created}
    assert 'download="tai-khoan-' in text(response)


def test_bulk_from_an_xlsx_file(as_noivu, province):
    book = Workbook()
    book.active.append(["Tên đăng nhập", "Họ và tên", "Ngày sinh", "Số CCCD", "Email"])
    book.active.append(["dinh.van.h", "Đinh Văn Hùng", "07/08/1993", "001093000007", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("ds.xlsx", buffer.getvalue())
    response = as_noivu.post(url("bulk"), {"unit": province["noi_vu"].pk, "upload": upload})
    assert response.status_code == 200, response.context["form"].errors
    assert User.objects.get(username="dinh.van.h").personal_id == "001093000007"


def test_bulk_is_all_or_nothing_with_row_errors(as_noivu, province):
    make_account("da.co", unit=province["noi_vu"])
    before = User.objects.count()
    lines = "moi.mot,Mới Một,,,\nda.co,Đã Có,,,\nmoi.ba,Mới Ba,31/02/1990,,"
    response = as_noivu.post(url("bulk"), {"unit": province["chi_cuc"].pk, "lines": lines})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "Dòng 3" in errors  # the unreadable date
    assert User.objects.count() == before
    lines = "moi.mot,Mới Một,,,\nda.co,Đã Có,,,"
    response = as_noivu.post(url("bulk"), {"unit": province["chi_cuc"].pk, "lines": lines})
    assert "da.co" in " ".join(response.context["form"].non_field_errors())
    assert User.objects.count() == before


def test_bulk_service_errors_name_the_file_row_and_the_field_label(as_noivu, province):
    """With a header row, the second person is on row 3 of the file, and the field is named in Vietnamese."""
    make_account("da.co", unit=province["noi_vu"])
    before = User.objects.count()
    lines = "Tên đăng nhập,Họ và tên,Ngày sinh,Số CCCD,Email\nmoi.mot,Mới Một,,,\nda.co,Đã Có,,,"
    response = as_noivu.post(url("bulk"), {"unit": province["chi_cuc"].pk, "lines": lines})
    errors = " ".join(response.context["form"].non_field_errors())
    assert "Dòng 3, Tên đăng nhập:" in errors, errors
    assert "Dòng 2" not in errors
    assert User.objects.count() == before


# --- grants --------------------------------------------------------------------------------------------


def test_grant_form_offers_only_grantable_roles_and_managed_units(as_noivu, actors, province):
    form = as_noivu.get(url("grant_add", actors["inside"].pk)).context["form"]
    roles = {value for value, _label in form.fields["role"].choices}
    assert Role.SYSTEM_ADMIN not in roles and Role.UNIT_ADMIN in roles and Role.HR_CLERK in roles
    response = as_noivu.post(
        url("grant_add", actors["inside"].pk),
        {"role": Role.SYSTEM_ADMIN, "unit": province["chi_cuc"].pk, "starts_on": "01/01/2026"},
    )
    assert response.status_code == 200 and "role" in response.context["form"].errors
    response = as_noivu.post(
        url("grant_add", actors["inside"].pk),
        {"role": Role.HR_CLERK, "unit": province["tai_chinh"].pk, "starts_on": "01/01/2026"},
    )
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert Grant.objects.filter(user=actors["inside"]).count() == 1


def test_grant_and_revoke_through_the_admin(as_noivu, actors, province):
    inside = actors["inside"]
    response = as_noivu.post(
        url("grant_add", inside.pk),
        {"role": Role.HR_CLERK, "unit": province["chi_cuc"].pk, "starts_on": "01/01/2026", "ends_on": "31/12/2026"},
    )
    assert response.status_code == 302
    grant = Grant.objects.get(user=inside, role=Role.HR_CLERK)
    assert grant.ends_on.isoformat() == "2026-12-31" and grant.granted_by == actors["qt_noivu"]
    assert as_noivu.post(url("grant_revoke", inside.pk, grant.pk)).status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_grant_end_before_start_is_a_form_error(as_noivu, actors, province):
    response = as_noivu.post(
        url("grant_add", actors["inside"].pk),
        {"role": Role.HR_CLERK, "unit": province["chi_cuc"].pk, "starts_on": "01/06/2026", "ends_on": "01/01/2026"},
    )
    assert response.status_code == 200 and "ends_on" in response.context["form"].errors


def test_menu_item_only_for_account_managers(client, actors, province):
    client.force_login(actors["qt_noivu"])
    assert url("index") in text(client.get("/admin/"))
    clerk = make_account("cb.snv", unit=province["noi_vu"], role=Role.HR_CLERK)
    client.force_login(clerk)
    assert url("index") not in text(client.get("/admin/"))
