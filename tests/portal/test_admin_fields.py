"""Admin screens of the field catalogue (portal/views/fields.py) and custom fields in the unit screens."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils.translation import override
from openpyxl import load_workbook

from portal.choices import Role
from portal.models import FieldDefinition, Grant, Unit
from portal.services.fields.definitions import field_definition_save
from portal.services.units.editing import unit_update
from tests.conftest import unit_type
from tests.permissions import perm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are checked by their English msgids (Vietnamese translations come later)."""
    with override("en"):
        yield


@pytest.fixture
def unit_admin(django_user_model):
    """May enter the admin and change units, but is not a system administrator."""
    user = django_user_model.objects.create_user(username="qtdv", password="Mk@2026-qtdv")
    user.user_permissions.add(perm("access_admin", "wagtailadmin"), perm("change_unit"))
    return user


@pytest.fixture
def system_admin(django_user_model):
    user = django_user_model.objects.create_user(username="htqt", password="Mk@2026-htqt")
    user.user_permissions.add(perm("access_admin", "wagtailadmin"))
    Grant.objects.create(user=user, role=Role.SYSTEM_ADMIN, unit=None, starts_on=datetime.date(2025, 1, 1))
    return user


def text(response) -> str:
    return response.content.decode()


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def definition_data(**extra) -> dict:
    return {
        "target": "unit",
        "key": "so_bien_che_giao",
        "label": "Số biên chế được giao",
        "label_en": "",
        "help_text": "Theo quyết định giao biên chế năm",
        "field_type": "integer",
        "regex": "",
        "min_value": "0",
        "max_value": "500",
        "catalogue": "",
        "section": "Biên chế",
        "sensitivity": "internal",
        "order": "1",
        **extra,
    }


def unit_edit_data(unit: Unit, **extra) -> dict:
    return {
        "name": unit.name,
        "short_name": unit.short_name,
        "unit_type": unit_type("SO").pk,
        "code": unit.code,
        "admin_area_code": "",
        "established_on": "01/07/2025",
        "quota_civil_servants": "0",
        "quota_public_employees": "0",
        "quota_contracts_111": "0",
        "effective_on": "15/08/2025",
        "decision_number": "",
        "decision_date": "",
        "note": "",
        **extra,
    }


# --- access --------------------------------------------------------------------------------


def test_field_screens_are_for_system_admins_only(client, unit_admin, system_admin):
    index = reverse("portal_fields:index")
    assert client.get(index).status_code == 302  # anonymous: to the login page
    client.force_login(unit_admin)
    assert client.get(index).status_code == 403
    assert client.post(reverse("portal_fields:add"), definition_data()).status_code == 403
    assert not FieldDefinition.objects.exists()
    client.force_login(system_admin)
    assert client.get(index).status_code == 200
    assert reverse("portal_fields:index") in text(client.get(reverse("wagtailadmin_home")))  # the menu item


# --- definitions ---------------------------------------------------------------------------


def test_create_edit_and_retire_a_definition(admin_client):
    response = admin_client.post(reverse("portal_fields:add"), definition_data())
    assert response.status_code == 302
    definition = FieldDefinition.objects.get(key="so_bien_che_giao")
    assert definition.max_value == 500 and definition.section == "Biên chế"
    listing = text(admin_client.get(reverse("portal_fields:index") + "?target=unit"))
    assert "Số biên chế được giao" in listing and "so_bien_che_giao" in listing
    response = admin_client.post(
        reverse("portal_fields:edit", args=[definition.pk]), definition_data(label="Biên chế giao")
    )
    assert response.status_code == 302
    definition.refresh_from_db()
    assert definition.label == "Biên chế giao"
    admin_client.post(reverse("portal_fields:retire", args=[definition.pk]))
    definition.refresh_from_db()
    assert definition.active is False


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"key": "name"}, "key", "trường có sẵn"),
        ({"key": "code"}, "key", "trường có sẵn"),
        ({"field_type": "text", "min_value": "", "max_value": "", "regex": "[0-9"}, "regex", "biểu thức chính quy"),
        ({"min_value": "10", "max_value": "2"}, "max_value", "không được nhỏ hơn giá trị nhỏ nhất"),
        ({"field_type": "choice", "min_value": "", "max_value": ""}, "catalogue", "cần có danh mục"),
    ],
)
def test_bad_definition_shows_the_message_and_saves_nothing(admin_client, extra, field, message):
    response = admin_client.post(reverse("portal_fields:add"), definition_data(**extra))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not FieldDefinition.objects.exists()


# --- unit forms ------------------------------------------------------------------------------


def test_new_definition_appears_in_the_unit_form_and_is_validated(admin_client, province):
    noi_vu = province["noi_vu"]
    admin_client.post(reverse("portal_fields:add"), definition_data(required="on"))
    edit_url = reverse("portal_units:edit", args=[noi_vu.pk])
    form_page = text(admin_client.get(edit_url))
    assert "Số biên chế được giao" in form_page and 'name="cf_so_bien_che_giao"' in form_page
    assert "Biên chế" in form_page  # the section heading

    response = admin_client.post(edit_url, unit_edit_data(noi_vu, cf_so_bien_che_giao="900"))
    assert response.status_code == 200
    assert "nhỏ hơn hoặc bằng 500" in str(response.context["form"].errors["cf_so_bien_che_giao"])
    assert fresh(noi_vu).custom_fields == {}

    response = admin_client.post(edit_url, unit_edit_data(noi_vu, cf_so_bien_che_giao="120"))
    assert response.status_code == 302
    assert fresh(noi_vu).custom_fields == {"so_bien_che_giao": 120}
    assert 'value="120"' in text(admin_client.get(edit_url))


def test_create_unit_with_choice_and_date_fields(admin_client, province):
    field_definition_save(
        values={
            "target": "unit",
            "key": "dan_toc_chinh",
            "label": "Dân tộc chủ yếu",
            "field_type": "choice",
            "catalogue": "dan_toc",
        }
    )
    field_definition_save(values={"target": "unit", "key": "ngay_qd", "label": "Ngày quyết định", "field_type": "date"})
    response = admin_client.post(
        reverse("portal_units:add_child", args=[province["noi_vu"].pk]),
        unit_edit_data(
            Unit(name="Phòng Công chức", short_name="", code=""),
            unit_type=unit_type("PHONG").pk,
            cf_dan_toc_chinh="01",
            cf_ngay_qd="05/09/2025",
        ),
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="Phòng Công chức")
    assert unit.custom_fields == {"dan_toc_chinh": "01", "ngay_qd": "2025-09-05"}


# --- list column, filter, export --------------------------------------------------------------


@pytest.fixture
def with_values(province):
    field_definition_save(values={"target": "unit", "key": "ma_qhns", "label": "Mã QHNS", "field_type": "text"})
    field_definition_save(
        values={
            "target": "unit",
            "key": "so_mat",
            "label": "Số hiệu mật",
            "field_type": "text",
            "sensitivity": "secret",
        }
    )
    unit_update(unit=province["noi_vu"], changes={"custom_fields": {"ma_qhns": "1052341", "so_mat": "M-01"}})
    unit_update(unit=province["tai_chinh"], changes={"custom_fields": {"ma_qhns": "=1+1"}})
    return province


def test_unit_list_shows_a_column_and_filters(client, unit_admin, with_values):
    client.force_login(unit_admin)
    unit_admin.user_permissions.add(perm("view_unit"))
    detail = reverse("portal_units:detail", args=[with_values["root"].pk])
    page = text(client.get(detail))
    assert "<th>Mã QHNS</th>" in page and "1052341" in page
    assert 'name="cf_ma_qhns"' in page
    assert "Số hiệu mật" not in page and "M-01" not in page  # secret: not a column
    filtered = client.get(detail + "?cf_ma_qhns=10523")
    names = [row["unit"].name for row in filtered.context["rows"]]
    assert names == ["Sở Nội vụ"]


def test_list_query_count_is_flat_with_custom_columns(admin_client, with_values, django_assert_max_num_queries):
    detail = reverse("portal_units:detail", args=[with_values["root"].pk])
    admin_client.get(detail)
    # 19: two of them are the records app's panel and column (people per unit; portal.extensions).
    with django_assert_max_num_queries(19):
        admin_client.get(detail)


def test_export_contains_custom_columns_and_guards_formulas(admin_client, with_values):
    response = admin_client.get(reverse("portal_units:export", args=[with_values["root"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    header = rows[0]
    assert "Mã QHNS" in header
    column = header.index("Mã QHNS")
    values = {row[0]: row[column] for row in rows[1:]}
    assert values["Sở Nội vụ"] == "1052341"
    assert values["Sở Tài chính"] == "'=1+1"
    # Secret fields are never listed or exported.
    assert "Số hiệu mật" not in header
    assert "M-01" not in {cell for row in rows for cell in row}


def test_export_follows_the_filter(admin_client, with_values):
    response = admin_client.get(reverse("portal_units:export", args=[with_values["root"].pk]) + "?cf_ma_qhns=1052")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["Sở Nội vụ"]


# --- one unit: its values, secret fields, files ---------------------------------------------------


@pytest.fixture
def noivu_admin(with_values):
    """A unit administrator over Sở Nội vụ (a grant, as in production)."""
    from tests.permissions import make_account

    return make_account("qt.snv", unit=with_values["noi_vu"], role=Role.UNIT_ADMIN)


def test_unit_detail_shows_the_values_secret_ones_only_to_system_admins(client, noivu_admin, system_admin, with_values):
    unit_admin = noivu_admin
    detail = reverse("portal_units:detail", args=[with_values["noi_vu"].pk])
    client.force_login(unit_admin)
    page = text(client.get(detail))
    assert "Mã QHNS" in page and "1052341" in page
    assert "Số hiệu mật" not in page and "M-01" not in page
    edit = text(client.get(reverse("portal_units:edit", args=[with_values["noi_vu"].pk])))
    assert 'name="cf_ma_qhns"' in edit and "cf_so_mat" not in edit and "M-01" not in edit
    client.force_login(system_admin)
    page = text(client.get(detail))
    assert "Số hiệu mật" in page and "M-01" in page


def test_a_unit_admin_edit_keeps_the_secret_value_it_cannot_see(client, noivu_admin, with_values):
    noi_vu = with_values["noi_vu"]
    client.force_login(noivu_admin)
    response = client.post(reverse("portal_units:edit", args=[noi_vu.pk]), unit_edit_data(noi_vu, cf_ma_qhns="2000001"))
    assert response.status_code == 302
    assert fresh(noi_vu).custom_fields == {"ma_qhns": "2000001", "so_mat": "M-01"}


@pytest.fixture
def with_file(admin_client, province, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    field_definition_save(
        values={"target": "unit", "key": "qd_thanh_lap", "label": "QĐ thành lập", "field_type": "file"}
    )
    noi_vu = province["noi_vu"]
    upload = SimpleUploadedFile("qd-thanh-lap.pdf", b"%PDF-1.4 quyet dinh", content_type="application/pdf")
    response = admin_client.post(
        reverse("portal_units:edit", args=[noi_vu.pk]), unit_edit_data(noi_vu, cf_qd_thanh_lap=upload)
    )
    assert response.status_code == 302, response.context["form"].errors
    return noi_vu


def test_a_stored_file_is_downloaded_through_the_scoped_view_only(admin_client, with_file):
    from django.test import Client

    path = fresh(with_file).custom_fields["qd_thanh_lap"]
    file_url = reverse("portal_units:custom_file", args=[with_file.pk, "qd_thanh_lap"])
    assert file_url in text(admin_client.get(reverse("portal_units:detail", args=[with_file.pk])))
    response = admin_client.get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 quyet dinh"
    assert "qd-thanh-lap.pdf" in response["Content-Disposition"]
    assert admin_client.get(reverse("portal_units:custom_file", args=[with_file.pk, "khong_co"])).status_code == 404
    # Not from /media/, and not for anonymous visitors.
    anonymous = Client()
    assert anonymous.get("/media/" + path).status_code == 404
    assert anonymous.get(file_url).status_code == 302


def test_a_stored_file_can_be_removed_from_the_form(admin_client, with_file):
    edit_url = reverse("portal_units:edit", args=[with_file.pk])
    page = text(admin_client.get(edit_url))
    assert 'name="cf_qd_thanh_lap__clear"' in page
    response = admin_client.post(edit_url, unit_edit_data(with_file))  # no upload, box not ticked: kept
    assert response.status_code == 302 and "qd_thanh_lap" in fresh(with_file).custom_fields
    response = admin_client.post(edit_url, unit_edit_data(with_file, cf_qd_thanh_lap__clear="on"))
    assert response.status_code == 302
    assert "qd_thanh_lap" not in fresh(with_file).custom_fields


def test_secret_values_stay_out_of_the_unit_history_and_audit_trail(client, noivu_admin, system_admin, with_values):
    unit_admin = noivu_admin
    unit_update(unit=with_values["noi_vu"], changes={"custom_fields": {"so_mat": "M-02"}})
    history = reverse("portal_audit:history", args=["unit", with_values["noi_vu"].pk])
    client.force_login(unit_admin)
    page = text(client.get(history))
    assert "1052341" in page
    assert "M-01" not in page and "M-02" not in page
    client.force_login(system_admin)
    page = text(client.get(history))
    assert "M-01" in page and "M-02" in page
