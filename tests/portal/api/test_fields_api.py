"""The field catalogue API (portal/api/views/fields.py) and custom fields of the unit API."""

from __future__ import annotations

import datetime

import pytest
from django.utils.translation import override
from rest_framework.test import APIClient

from portal.choices import Role
from portal.models import FieldDefinition, Grant, Unit
from portal.services.fields.definitions import field_definition_save
from portal.services.units.editing import unit_update

pytestmark = pytest.mark.django_db

FIELDS = "/api/v1/custom-fields/"
UNITS = "/api/v1/units/"


@pytest.fixture(autouse=True)
def english():
    """Messages are checked by their English msgids (Vietnamese translations come later)."""
    with override("en"):
        yield


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def reader(plain_user):
    return api_client(plain_user)


@pytest.fixture
def admin(admin_user):
    return api_client(admin_user)


@pytest.fixture
def unit_writer(django_user_model, province):
    """A unit administrator of the province (unit changes come from grants, not model permissions)."""
    import datetime

    from portal.choices import Role
    from portal.models import Grant

    user = django_user_model.objects.create_user(username="qtdv", password="Mk@2026-qtdv", unit=province["root"])
    Grant.objects.create(user=user, role=Role.UNIT_ADMIN, unit=province["root"], starts_on=datetime.date(2025, 1, 1))
    return api_client(user)


@pytest.fixture
def system_admin(django_user_model):
    user = django_user_model.objects.create_user(username="htqt", password="Mk@2026-htqt")
    Grant.objects.create(user=user, role=Role.SYSTEM_ADMIN, unit=None, starts_on=datetime.date(2025, 1, 1))
    return api_client(user)


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


NEW_FIELD = {
    "target": "unit",
    "key": "so_bien_che_giao",
    "label": "Số biên chế được giao",
    "field_type": "integer",
    "min_value": "0",
    "max_value": "500",
    "section": "Biên chế",
}


# --- definitions ---------------------------------------------------------------------------


def test_definitions_are_read_by_signed_in_accounts_and_written_by_system_admins(reader, unit_writer, system_admin):
    assert api_client().get(FIELDS).status_code == 403
    assert reader.post(FIELDS, NEW_FIELD, format="json").status_code == 403
    assert unit_writer.post(FIELDS, NEW_FIELD, format="json").status_code == 403
    assert not FieldDefinition.objects.exists()
    response = system_admin.post(FIELDS, NEW_FIELD, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["key"] == "so_bien_che_giao"
    listing = reader.get(FIELDS + "?target=unit").json()
    assert [item["key"] for item in listing["results"]] == ["so_bien_che_giao"]
    assert reader.get(FIELDS + "?target=dossier").json()["results"] == []


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"key": "name"}, "key"),
        ({"key": "code"}, "key"),
        ({"field_type": "text", "min_value": None, "max_value": None, "regex": "(abc"}, "regex"),
        ({"min_value": "9", "max_value": "1"}, "max_value"),
        ({"field_type": "multiple_choice", "min_value": None, "max_value": None}, "catalogue"),
        ({"personnel_categories": ["CC", "NOPE"]}, "personnel_categories"),
    ],
)
def test_bad_definitions_answer_400_keyed_by_field(admin, extra, field):
    response = admin.post(FIELDS, {**NEW_FIELD, **extra}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not FieldDefinition.objects.exists()


def test_retire_and_patch_definition(admin):
    definition_id = admin.post(FIELDS, NEW_FIELD, format="json").json()["id"]
    response = admin.patch(f"{FIELDS}{definition_id}/", {"label": "Biên chế giao"}, format="json")
    assert response.status_code == 200 and response.json()["label"] == "Biên chế giao"
    assert admin.post(f"{FIELDS}{definition_id}/retire/").json()["active"] is False
    assert admin.get(FIELDS).json()["results"] == []
    assert len(admin.get(FIELDS + "?include_retired=true").json()["results"]) == 1


# --- unit values -------------------------------------------------------------------------------


def test_definition_added_then_used_by_the_unit_api(system_admin, unit_writer, province):
    noi_vu = province["noi_vu"]
    assert system_admin.post(FIELDS, NEW_FIELD, format="json").status_code == 201
    response = unit_writer.patch(f"{UNITS}{noi_vu.pk}/", {"custom_fields": {"so_bien_che_giao": 900}}, format="json")
    assert response.status_code == 400
    assert "nhỏ hơn hoặc bằng 500" in response.json()["custom_fields.so_bien_che_giao"][0]
    assert fresh(noi_vu).custom_fields == {}
    response = unit_writer.patch(f"{UNITS}{noi_vu.pk}/", {"custom_fields": {"so_bien_che_giao": "120"}}, format="json")
    assert response.status_code == 200
    assert response.json()["custom_fields"] == {"so_bien_che_giao": 120}
    assert fresh(noi_vu).custom_fields == {"so_bien_che_giao": 120}


def test_unknown_key_is_refused(unit_writer, province):
    response = unit_writer.patch(f"{UNITS}{province['noi_vu'].pk}/", {"custom_fields": {"khong_co": 1}}, format="json")
    assert response.status_code == 400
    assert "custom_fields.khong_co" in response.json()


def test_create_unit_with_custom_fields(unit_writer, province):
    field_definition_save(values={**NEW_FIELD, "required": True})
    body = {"name": "Phòng Công chức", "unit_type": "PHONG", "parent": province["noi_vu"].pk}
    response = unit_writer.post(UNITS, body, format="json")
    assert response.status_code == 400
    assert "custom_fields.so_bien_che_giao" in response.json()
    response = unit_writer.post(UNITS, {**body, "custom_fields": {"so_bien_che_giao": 15}}, format="json")
    assert response.status_code == 201, response.json()
    assert Unit.objects.get(pk=response.json()["id"]).custom_fields == {"so_bien_che_giao": 15}


def test_secret_values_are_read_only_by_system_admins(reader, system_admin, province, django_assert_max_num_queries):
    field_definition_save(values={"target": "unit", "key": "ma_qhns", "label": "Mã QHNS", "field_type": "text"})
    field_definition_save(
        values={"target": "unit", "key": "so_mat", "label": "Số mật", "field_type": "text", "sensitivity": "secret"}
    )
    unit_update(unit=province["noi_vu"], changes={"custom_fields": {"ma_qhns": "1052341", "so_mat": "M-01"}})
    url = f"{UNITS}{province['noi_vu'].pk}/"
    assert reader.get(url).json()["custom_fields"] == {"ma_qhns": "1052341"}
    assert system_admin.get(url).json()["custom_fields"] == {"ma_qhns": "1052341", "so_mat": "M-01"}
    listing = reader.get(f"{UNITS}?parent={province['root'].pk}").json()["results"]
    assert {row["name"]: row["custom_fields"] for row in listing}["Sở Nội vụ"] == {"ma_qhns": "1052341"}
    unit_update(unit=province["noi_vu"], changes={"custom_fields": {"so_mat": "M-02"}})
    events = reader.get(f"{url}events/").json()["results"]
    assert "M-01" not in str(events) and "M-02" not in str(events) and "1052341" in str(events)
    assert "M-02" in str(system_admin.get(f"{url}events/").json()["results"])


def test_only_system_admins_write_secret_values(unit_writer, system_admin, province):
    field_definition_save(
        values={"target": "unit", "key": "so_mat", "label": "Số mật", "field_type": "text", "sensitivity": "secret"}
    )
    url = f"{UNITS}{province['noi_vu'].pk}/"
    response = unit_writer.patch(url, {"custom_fields": {"so_mat": "M-09"}}, format="json")
    assert response.status_code == 400
    message = "Chỉ quản trị hệ thống mới được nhập trường này (bí mật nhà nước)."
    assert response.json()["custom_fields.so_mat"] == [message]
    assert Unit.objects.get(pk=province["noi_vu"].pk).custom_fields == {}
    assert system_admin.patch(url, {"custom_fields": {"so_mat": "M-09"}}, format="json").status_code == 200
    assert Unit.objects.get(pk=province["noi_vu"].pk).custom_fields == {"so_mat": "M-09"}


def test_unit_list_query_count_does_not_grow_with_rows(reader, province):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    root = province["root"]
    url = f"{UNITS}?parent={root.pk}"
    with CaptureQueriesContext(connection) as without_values:
        reader.get(url)
    field_definition_save(values={"target": "unit", "key": "ma_qhns", "label": "Mã QHNS", "field_type": "text"})
    field_definition_save(
        values={"target": "unit", "key": "so_mat", "label": "Số mật", "field_type": "text", "sensitivity": "secret"}
    )
    for number, unit in enumerate(Unit.objects.filter(depth=2)):
        unit_update(unit=unit, changes={"custom_fields": {"ma_qhns": f"10{number}", "so_mat": "M"}})
    with CaptureQueriesContext(connection) as with_values:
        response = reader.get(url)
    assert all(row["custom_fields"] for row in response.json()["results"])
    # The definitions and the user's grants are read once, whatever the number of rows.
    assert len(with_values.captured_queries) <= len(without_values.captured_queries) + 2
