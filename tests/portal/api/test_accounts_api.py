"""The accounts API (portal/api/views/accounts.py): scoped reads, writes through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

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
        "inside": make_account(
            "nguyen.van.a", unit=province["chi_cuc"], role=Role.INDIVIDUAL, first_name="An", last_name="Nguyễn Văn"
        ),
        "outside": make_account("tran.thi.b", unit=province["tai_chinh"], role=Role.INDIVIDUAL),
    }


@pytest.fixture
def api(actors):
    client = APIClient()
    client.force_login(actors["qt_noivu"])
    return client


def test_list_and_count_exclude_other_subtrees(api, actors, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        body = api.get("/api/v1/accounts/").json()
    assert body["count"] == 2
    assert {row["username"] for row in body["results"]} == {"qt.snv", "nguyen.van.a"}
    row = next(r for r in body["results"] if r["username"] == "nguyen.van.a")
    assert row["roles"][0]["role"] == Role.INDIVIDUAL and row["full_name"] == "Nguyễn Văn An"
    assert "password" not in row
    assert api.get("/api/v1/accounts/", {"search": "nguyen"}).json()["count"] == 1
    assert api.get("/api/v1/accounts/", {"search": "tran"}).json()["count"] == 0


def test_list_query_count_is_flat(api, actors, province, django_assert_max_num_queries):
    for index in range(10):
        make_account(f"nv{index}", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
    with django_assert_max_num_queries(12):
        assert api.get("/api/v1/accounts/").json()["count"] == 12


def test_url_guessing_answers_404(api, actors):
    outside = actors["outside"]
    grant = Grant.objects.get(user=outside)
    assert api.get(f"/api/v1/accounts/{outside.pk}/").status_code == 404
    assert api.get("/api/v1/accounts/999999/").status_code == 404
    for action in ("lock", "unlock", "reset-password", "revoke"):
        response = api.post(f"/api/v1/accounts/{outside.pk}/{action}/")
        assert response.status_code == 404 and "tran.thi.b" not in response.content.decode()
    assert api.get(f"/api/v1/accounts/{outside.pk}/grants/").status_code == 404
    assert api.post(f"/api/v1/accounts/{outside.pk}/grants/{grant.pk}/revoke/").status_code == 404
    assert api.post(f"/api/v1/accounts/{actors['inside'].pk}/grants/{grant.pk}/revoke/").status_code == 404
    outside.refresh_from_db()
    grant.refresh_from_db()
    assert outside.is_active and not outside.is_locked and grant.revoked_at is None


def test_create_returns_the_initial_password_once(api, province):
    response = api.post(
        "/api/v1/accounts/",
        {"username": "le.thi.c", "unit": province["chi_cuc"].pk, "birth_date": "03/04/1995", "last_name": "Lê Thị"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(username="le.thi.c")
    assert user.check_password(body["initial_password"]) and body["must_change_password"] is True
    assert body["birth_date"] == "1995-04-03"
    assert "initial_password" not in api.get(f"/api/v1/accounts/{user.pk}/").json()


def test_create_outside_the_subtree_is_403_with_the_message(api, province):
    before = User.objects.count()
    response = api.post("/api/v1/accounts/", {"username": "ngoai", "unit": province["tai_chinh"].pk}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn chỉ được quản lý tài khoản thuộc các đơn vị do mình quản trị."
    assert User.objects.count() == before


def test_create_bad_input_is_400_by_field(api, province):
    response = api.post("/api/v1/accounts/", {"username": "Có Dấu", "unit": province["noi_vu"].pk}, format="json")
    assert response.status_code == 400 and "username" in response.json()


def test_lock_unlock_reset_revoke(api, actors):
    inside = actors["inside"]
    body = api.post(f"/api/v1/accounts/{inside.pk}/lock/", {"reason": "Tạm nghỉ"}, format="json").json()
    assert body["is_locked"] is True and body["lock_reason"] == "Tạm nghỉ"
    assert api.post(f"/api/v1/accounts/{inside.pk}/unlock/").json()["is_locked"] is False
    response = api.post(f"/api/v1/accounts/{inside.pk}/reset-password/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    inside.refresh_from_db()
    assert inside.check_password(response.json()["password"]) and inside.must_change_password
    assert SecurityEvent.objects.filter(user_id=inside.pk, kind=SecurityEventKind.PASSWORD_RESET).exists()
    assert api.post(f"/api/v1/accounts/{inside.pk}/revoke/").json()["is_active"] is False


def test_delete_is_not_allowed(api, actors):
    assert api.delete(f"/api/v1/accounts/{actors['inside'].pk}/").status_code == 405
    assert User.objects.filter(pk=actors["inside"].pk).exists()


def test_grants_nested_create_and_revoke(api, actors, province):
    inside = actors["inside"]
    base = f"/api/v1/accounts/{inside.pk}/grants/"
    response = api.post(
        base, {"role": Role.HR_CLERK, "unit": province["chi_cuc"].pk, "ends_on": "2026-12-31"}, format="json"
    )
    assert response.status_code == 201
    grant_id = response.json()["id"]
    assert {g["role"] for g in api.get(base).json()["results"]} == {Role.INDIVIDUAL, Role.HR_CLERK}
    assert api.get(f"{base}{grant_id}/").json()["ends_on"] == "2026-12-31"
    revoked = api.post(f"{base}{grant_id}/revoke/").json()
    assert revoked["revoked_at"] is not None


def test_escalation_and_out_of_subtree_grants_are_refused(api, actors, province):
    inside = actors["inside"]
    base = f"/api/v1/accounts/{inside.pk}/grants/"
    before = Grant.objects.count()
    response = api.post(base, {"role": Role.SYSTEM_ADMIN, "unit": None}, format="json")
    assert response.status_code == 403 and response.json()["detail"]
    response = api.post(base, {"role": Role.HR_CLERK, "unit": province["tai_chinh"].pk}, format="json")
    assert response.status_code == 403
    own = f"/api/v1/accounts/{actors['qt_noivu'].pk}/grants/"
    response = api.post(own, {"role": Role.SYSTEM_ADMIN, "unit": None}, format="json")
    assert response.status_code == 403 and response.json()["detail"]
    assert Grant.objects.count() == before


def test_individual_sees_only_itself_and_cannot_write(actors, province):
    client = APIClient()
    client.force_login(actors["inside"])
    body = client.get("/api/v1/accounts/").json()
    assert [row["username"] for row in body["results"]] == ["nguyen.van.a"]
    assert client.get(f"/api/v1/accounts/{actors['qt_noivu'].pk}/").status_code == 404
    response = client.post("/api/v1/accounts/", {"username": "x", "unit": province["chi_cuc"].pk}, format="json")
    assert response.status_code == 403
