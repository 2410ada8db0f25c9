"""Admin screens of the catalogues and the dashboard panel: access four ways, kinds, entries
with typed attributes, retire/reactivate/delete, xlsx export and import
(portal/views/catalogues.py, portal/wagtail_hooks.py)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, override

from portal.models import CatalogueEntry, CatalogueKind, SystemHeartbeat
from portal.services.catalogues import entry_create
from portal.services.system import heartbeat_record

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def perm(codename: str, app_label: str = "portal") -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def kind(code: str) -> CatalogueKind:
    return CatalogueKind.objects.get(code=code)


def entry(kind_code: str, code: str) -> CatalogueEntry:
    return CatalogueEntry.objects.get(kind__code=kind_code, code=code)


def text_of(response) -> str:
    return response.content.decode()


def vi(message: str) -> str:
    """A msgid as the Vietnamese admin shows it (English until the catalogue is compiled)."""
    with override("vi"):
        return escape(gettext(message))


@pytest.fixture
def admin_access_user(django_user_model):
    user = django_user_model.objects.create_user(username="canbo", password="Mk@2026-canbo")
    user.user_permissions.add(perm("access_admin", "wagtailadmin"))
    return user


@pytest.fixture
def reader(django_user_model):
    """May read catalogues but not change them."""
    user = django_user_model.objects.create_user(username="doc", password="Mk@2026-doc")
    user.user_permissions.add(
        perm("access_admin", "wagtailadmin"), perm("view_cataloguekind"), perm("view_catalogueentry")
    )
    return user


def pages() -> dict[str, str]:
    """Every catalogue screen, on the ethnicity catalogue and its first entry."""
    dan_toc = kind("dan_toc")
    kinh = entry("dan_toc", "01")
    return {
        "index": reverse("portal_catalogues:index"),
        "kind_add": reverse("portal_catalogues:kind_add"),
        "kind": reverse("portal_catalogues:kind", args=[dan_toc.pk]),
        "kind_edit": reverse("portal_catalogues:kind_edit", args=[dan_toc.pk]),
        "entry_add": reverse("portal_catalogues:entry_add", args=[dan_toc.pk]),
        "entry_edit": reverse("portal_catalogues:entry_edit", args=[dan_toc.pk, kinh.pk]),
        "entry_delete": reverse("portal_catalogues:entry_delete", args=[dan_toc.pk, kinh.pk]),
        "import": reverse("portal_catalogues:import", args=[dan_toc.pk]),
        "export": reverse("portal_catalogues:export", args=[dan_toc.pk]),
    }


MISSING = {
    "kind": lambda k, e: reverse("portal_catalogues:kind", args=[999_999]),
    "kind_edit": lambda k, e: reverse("portal_catalogues:kind_edit", args=[999_999]),
    "entry_add": lambda k, e: reverse("portal_catalogues:entry_add", args=[999_999]),
    "entry_edit": lambda k, e: reverse("portal_catalogues:entry_edit", args=[k.pk, 999_999]),
    "entry_edit_other_kind": lambda k, e: reverse("portal_catalogues:entry_edit", args=[kind("ton_giao").pk, e.pk]),
    "entry_delete": lambda k, e: reverse("portal_catalogues:entry_delete", args=[k.pk, 999_999]),
    "import": lambda k, e: reverse("portal_catalogues:import", args=[999_999]),
    "export": lambda k, e: reverse("portal_catalogues:export", args=[999_999]),
}
PAGE_NAMES = ["index", "kind_add", "kind", "kind_edit", "entry_add", "entry_edit", "entry_delete", "import", "export"]


# --- access, four ways --------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(pages()[name])
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_account_without_admin_access_is_sent_to_login(client, plain_user, name):
    client.force_login(plain_user)
    response = client.get(pages()[name])
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "Kinh" not in text_of(response)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_admin_user_without_catalogue_permission_gets_403_without_data(client, admin_access_user, name):
    client.force_login(admin_access_user)
    response = client.get(pages()[name])
    assert response.status_code == 403
    assert "Kinh" not in text_of(response)
    assert "dan_toc" not in text_of(response)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_admin_gets_200(admin_client, name):
    response = admin_client.get(pages()[name])
    assert response.status_code == 200


@pytest.mark.parametrize("name", sorted(MISSING))
def test_missing_object_is_404(admin_client, name):
    target = MISSING[name](kind("dan_toc"), entry("dan_toc", "01"))
    assert admin_client.get(target).status_code == 404


@pytest.mark.parametrize(
    "name,allowed",
    [
        ("index", 200),
        ("kind", 200),
        ("export", 200),
        ("kind_add", 403),
        ("kind_edit", 403),
        ("entry_add", 403),
        ("entry_edit", 403),
        ("entry_delete", 403),
        ("import", 403),
    ],
)
def test_reader_can_read_but_not_write(client, reader, name, allowed):
    client.force_login(reader)
    assert client.get(pages()[name]).status_code == allowed


def post_pages(entry_pk: int | None = None) -> dict[str, str]:
    """The POST-only endpoints, on the religion catalogue's last entry."""
    ton_giao = kind("ton_giao")
    pk = entry_pk or ton_giao.entries.order_by("order").last().pk
    return {
        "entry_retire": reverse("portal_catalogues:entry_retire", args=[ton_giao.pk, pk]),
        "entry_reactivate": reverse("portal_catalogues:entry_reactivate", args=[ton_giao.pk, pk]),
        "import_apply": reverse("portal_catalogues:import_apply", args=[ton_giao.pk]),
    }


@pytest.mark.parametrize("name", ["entry_retire", "entry_reactivate", "import_apply"])
def test_post_endpoints_four_ways(client, plain_user, admin_access_user, admin_user, name):
    target = post_pages()[name]
    anonymous = client.post(target)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    client.force_login(plain_user)
    assert client.post(target)["Location"].startswith("/admin/login/")
    client.force_login(admin_access_user)
    assert client.post(target).status_code == 403
    client.force_login(admin_user)
    assert client.post(target).status_code == 302  # done, or sent back with a message
    assert client.get(target).status_code == 405
    if name != "import_apply":
        assert client.post(post_pages(entry_pk=999_999)[name]).status_code == 404
    else:
        assert client.post(reverse("portal_catalogues:import_apply", args=[999_999])).status_code == 404


def test_post_endpoints_change_nothing_for_accounts_without_permission(client, admin_access_user):
    client.force_login(admin_access_user)
    target = kind("ton_giao").entries.order_by("order").last()
    client.post(post_pages(target.pk)["entry_retire"])
    target.refresh_from_db()
    assert target.active


def test_reader_sees_no_write_buttons_and_cannot_post(client, reader):
    client.force_login(reader)
    urls = pages()
    text = text_of(client.get(urls["kind"]))
    assert "Kinh" in text
    for name in ("entry_add", "entry_edit", "entry_delete", "import", "kind_edit"):
        assert urls[name] not in text
    kinh = entry("dan_toc", "01")
    dan_toc = kind("dan_toc")
    response = client.post(reverse("portal_catalogues:entry_retire", args=[dan_toc.pk, kinh.pk]))
    assert response.status_code == 403
    assert client.post(urls["entry_delete"]).status_code == 403
    kinh.refresh_from_db()
    assert kinh.active


def test_catalogue_menu_item_only_for_permitted_accounts(client, admin_access_user, reader):
    index = reverse("portal_catalogues:index")
    client.force_login(admin_access_user)
    assert index not in text_of(client.get(reverse("wagtailadmin_home")))
    client.force_login(reader)
    assert index in text_of(client.get(reverse("wagtailadmin_home")))


# --- kinds --------------------------------------------------------------------------------------


def test_kind_list_shows_counts_origin_and_version(admin_client):
    response = admin_client.get(reverse("portal_catalogues:index"))
    text = text_of(response)
    ngach = kind("ngach_cdnn")
    assert escape(ngach.name) in text
    assert reverse("portal_catalogues:kind", args=[ngach.pk]) in text
    row = next(k for k in response.context["kinds"] if k.code == "ngach_cdnn")
    assert row.entry_count == ngach.entries.count()
    assert f"{row.active_count} / {row.entry_count}" in text
    assert ngach.data_version in text
    assert vi("Standard") in text


def test_new_catalogue_with_attribute_schema(admin_client):
    response = admin_client.post(
        reverse("portal_catalogues:kind_add"),
        {
            "code": "chuc_danh_khoa_hoc",
            "name": "Chức danh khoa học",
            "code_system": "HSCBCCVC",
            "attribute_schema": '[{"key": "bac", "label": "Bậc", "type": "integer", "required": true}]',
        },
    )
    assert response.status_code == 302
    created = kind("chuc_danh_khoa_hoc")
    assert created.attribute_schema[0]["key"] == "bac"
    assert created.attribute_schema[0]["type"] == "integer"
    assert not created.is_standard
    assert response["Location"] == reverse("portal_catalogues:kind", args=[created.pk])


def test_new_catalogue_with_broken_json_shows_the_error(admin_client):
    response = admin_client.post(
        reverse("portal_catalogues:kind_add"),
        {"code": "thu", "name": "Thử", "attribute_schema": '[{"key": "a", "type": "text"'},
    )
    assert response.status_code == 200
    assert "attribute_schema" in response.context["form"].errors
    assert not CatalogueKind.objects.filter(code="thu").exists()


def test_new_catalogue_with_unknown_attribute_type_shows_the_service_message(admin_client):
    response = admin_client.post(
        reverse("portal_catalogues:kind_add"),
        {"code": "thu", "name": "Thử", "attribute_schema": '[{"key": "so_tien", "type": "money"}]'},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["attribute_schema"]
    assert "money" in errors[0]
    assert escape(errors[0]) in text_of(response)
    assert not CatalogueKind.objects.filter(code="thu").exists()


def test_edit_catalogue_code_with_entries_is_refused(admin_client):
    dan_toc = kind("dan_toc")
    response = admin_client.post(
        reverse("portal_catalogues:kind_edit", args=[dan_toc.pk]),
        {"code": "dan_toc_moi", "name": dan_toc.name, "attribute_schema": "[]"},
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert kind("dan_toc").pk == dan_toc.pk


# --- entries ------------------------------------------------------------------------------------


def test_entry_list_renders_attributes_and_verification(admin_client):
    ngach = kind("ngach_cdnn")
    response = admin_client.get(reverse("portal_catalogues:kind", args=[ngach.pk]), {"q": "chuyen vien cao cap"})
    text = text_of(response)
    assert "Chuyên viên cao cấp" in text
    assert "01.001" in text
    # Entry-typed attribute shown with the referenced entry's label.
    a31 = entry("nhom_luong", "A3.1")
    assert escape(f"A3.1 – {a31.label}") in text
    assert "Nhóm lương" in text
    # Verification badge with its label.
    with override("vi"):
        assert escape(str(gettext("Verified by two or more sources"))) in text
    assert [row["entry"].code for row in response.context["rows"]] == ["01.001"]


def test_entry_list_renders_decimal_lists_the_vietnamese_way(admin_client):
    response = admin_client.get(reverse("portal_catalogues:kind", args=[kind("nhom_luong").pk]), {"q": "A3.1"})
    assert "6,20; 6,56; 6,92" in text_of(response)


def test_entry_list_is_paginated(admin_client):
    ngach = kind("ngach_cdnn")
    total = ngach.entries.filter(active=True).count()
    assert total > 50
    first = admin_client.get(reverse("portal_catalogues:kind", args=[ngach.pk]))
    second = admin_client.get(reverse("portal_catalogues:kind", args=[ngach.pk]), {"p": 2})
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == total - 50


def test_entry_list_query_count_is_bounded(admin_client, django_assert_max_num_queries):
    ngach = kind("ngach_cdnn")
    admin_client.get(reverse("portal_catalogues:kind", args=[ngach.pk]))
    with django_assert_max_num_queries(14):
        admin_client.get(reverse("portal_catalogues:kind", args=[ngach.pk]))


def test_create_entry_with_typed_attributes(admin_client):
    ngach = kind("ngach_cdnn")
    response = admin_client.post(
        reverse("portal_catalogues:entry_add", args=[ngach.pk]),
        {
            "code": "99.901",
            "code_system": ngach.code_system,
            "label": "Chuyên viên thử nghiệm",
            "order": "500",
            "valid_from": "01/01/2026",
            "verification": "U",
            "attr_salary_group": "A1",
            "attr_personnel_category": "CC",
            "attr_rank": "CV",
            "attr_legacy": "false",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    created = entry("ngach_cdnn", "99.901")
    assert created.attributes == {"salary_group": "A1", "personnel_category": "CC", "rank": "CV", "legacy": False}
    assert created.valid_from == datetime.date(2026, 1, 1)
    assert created.verification == "U"


def test_create_entry_with_numbers_typed_the_vietnamese_way(admin_client):
    nhom_luong = kind("nhom_luong")
    response = admin_client.post(
        reverse("portal_catalogues:entry_add", args=[nhom_luong.pk]),
        {
            "code": "X9",
            "label": "Nhóm thử",
            "order": "0",
            "attr_coefficients": "2,34; 2,67; 3,00",
            "attr_step_interval_months": "36",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    coefficients = entry("nhom_luong", "X9").attributes["coefficients"]
    assert [Decimal(value) for value in coefficients] == [Decimal("2.34"), Decimal("2.67"), Decimal("3")]
    amount = admin_client.post(
        reverse("portal_catalogues:entry_add", args=[kind("luong_co_so").pk]),
        {"code": "2027-07", "label": "Thử", "valid_from": "01/07/2027", "order": "9", "attr_amount": "2.730.000"},
    )
    assert amount.status_code == 302, amount.context["form"].errors
    assert entry("luong_co_so", "2027-07").attributes["amount"] == 2730000


ALL_TYPES_SCHEMA = [
    {"key": "ghi_chu", "label": "Ghi chú", "type": "text"},
    {"key": "so_nam", "label": "Số năm", "type": "integer"},
    {"key": "he_so", "label": "Hệ số", "type": "decimal"},
    {"key": "cac_bac", "label": "Các bậc", "type": "decimal_list"},
    {"key": "ngay_ap_dung", "label": "Ngày áp dụng", "type": "date"},
    {"key": "bat_buoc", "label": "Bắt buộc", "type": "boolean"},
    {"key": "vung", "label": "Vùng", "type": "choice", "choices": [["I", "Vùng I"], ["II", "Vùng II"]]},
    {"key": "nhom_luong", "label": "Nhóm lương", "type": "entry", "kind": "nhom_luong"},
    {"key": "doi_tuong", "label": "Đối tượng", "type": "entry_list", "kind": "loai_nhan_su"},
]


def test_every_attribute_type_gets_a_typed_field_and_round_trips(admin_client):
    from portal.services.catalogues import kind_save

    custom = kind_save(values={"code": "thu_kieu", "name": "Thử các kiểu", "attribute_schema": ALL_TYPES_SCHEMA})
    add_url = reverse("portal_catalogues:entry_add", args=[custom.pk])
    form = admin_client.get(add_url).context["form"]
    field_types = {name: type(form.fields[name]).__name__ for name in form.fields if name.startswith("attr_")}
    assert field_types == {
        "attr_ghi_chu": "CharField",
        "attr_so_nam": "CharField",
        "attr_he_so": "CharField",
        "attr_cac_bac": "CharField",
        "attr_ngay_ap_dung": "VietnameseDateField",
        "attr_bat_buoc": "BooleanChoiceField",
        "attr_vung": "ChoiceField",
        "attr_nhom_luong": "ChoiceField",
        "attr_doi_tuong": "MultipleChoiceField",
    }
    assert ("A1", f"A1 – {entry('nhom_luong', 'A1').label}") in form.fields["attr_nhom_luong"].choices
    response = admin_client.post(
        add_url,
        {
            "code": "K1",
            "label": "Mục đủ kiểu",
            "order": "1",
            "attr_ghi_chu": "Ghi chú thử",
            "attr_so_nam": "1.200",
            "attr_he_so": "4,74",
            "attr_cac_bac": "2,34; 2,67",
            "attr_ngay_ap_dung": "01/07/2026",
            "attr_bat_buoc": "true",
            "attr_vung": "II",
            "attr_nhom_luong": "A1",
            "attr_doi_tuong": ["CC", "VC"],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    saved = entry("thu_kieu", "K1")
    assert saved.attributes == {
        "ghi_chu": "Ghi chú thử",
        "so_nam": 1200,
        "he_so": "4.74",
        "cac_bac": ["2.34", "2.67"],
        "ngay_ap_dung": "2026-07-01",
        "bat_buoc": True,
        "vung": "II",
        "nhom_luong": "A1",
        "doi_tuong": ["CC", "VC"],
    }
    edit = admin_client.get(reverse("portal_catalogues:entry_edit", args=[custom.pk, saved.pk]))
    text = text_of(edit)
    assert 'value="4,74"' in text
    assert 'value="2,34; 2,67"' in text
    assert 'value="01/07/2026"' in text
    listing = text_of(admin_client.get(reverse("portal_catalogues:kind", args=[custom.pk])))
    assert "01/07/2026" in listing
    assert "Vùng II" in listing
    assert "1.200" in listing


def test_required_attribute_missing_is_refused(admin_client):
    ngach = kind("ngach_cdnn")
    response = admin_client.post(
        reverse("portal_catalogues:entry_add", args=[ngach.pk]),
        {"code": "99.902", "label": "Thiếu nhóm lương", "order": "0"},
    )
    assert response.status_code == 200
    assert "attr_salary_group" in response.context["form"].errors
    assert not CatalogueEntry.objects.filter(code="99.902").exists()


def test_bad_attribute_value_shows_the_service_message(admin_client):
    nhom_luong = kind("nhom_luong")
    response = admin_client.post(
        reverse("portal_catalogues:entry_add", args=[nhom_luong.pk]),
        {
            "code": "X8",
            "label": "Sai hệ số",
            "order": "0",
            "attr_coefficients": "hai",
            "attr_step_interval_months": "36",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors and "Hệ số lương theo bậc" in errors[0]
    assert escape(errors[0]) in text_of(response)
    assert not CatalogueEntry.objects.filter(kind=nhom_luong, code="X8").exists()


def test_overlapping_validity_is_refused_with_the_message_on_the_form(admin_client):
    luong = kind("luong_co_so")
    before = luong.entries.count()
    response = admin_client.post(
        reverse("portal_catalogues:entry_add", args=[luong.pk]),
        {"code": "2024-07", "label": "Trùng kỳ", "valid_from": "01/01/2025", "order": "0", "attr_amount": "1"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["valid_from"]
    assert "2024-07" in errors[0]
    assert "01/07/2024" in errors[0]
    assert escape(errors[0]) in text_of(response)
    assert luong.entries.count() == before


def test_edit_entry_shows_and_saves_values(admin_client):
    ngach = kind("ngach_cdnn")
    chuyen_vien = entry("ngach_cdnn", "01.003")
    edit_url = reverse("portal_catalogues:entry_edit", args=[ngach.pk, chuyen_vien.pk])
    form = admin_client.get(edit_url).context["form"]
    assert form.initial["attr_salary_group"] == "A1"
    assert form["label"].value() == "Chuyên viên"
    response = admin_client.post(
        edit_url,
        {
            "code": "01.003",
            "code_system": chuyen_vien.code_system,
            "label": "Chuyên viên (sửa)",
            "order": str(chuyen_vien.order),
            "verification": "V2",
            "attr_salary_group": "A1",
            "attr_personnel_category": "CC",
            "attr_rank": "CV",
            "attr_sector": "Hành chính",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    chuyen_vien.refresh_from_db()
    assert chuyen_vien.label == "Chuyên viên (sửa)"
    assert chuyen_vien.locally_modified


def test_retire_hides_the_entry_and_reactivate_brings_it_back(admin_client):
    ton_giao = kind("ton_giao")
    target = ton_giao.entries.order_by("order").last()
    list_url = reverse("portal_catalogues:kind", args=[ton_giao.pk])
    response = admin_client.post(reverse("portal_catalogues:entry_retire", args=[ton_giao.pk, target.pk]))
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.active
    assert target.retired_at is not None
    assert target.pk not in [row["entry"].pk for row in admin_client.get(list_url).context["rows"]]
    assert target.pk in [row["entry"].pk for row in admin_client.get(list_url, {"retired": "1"}).context["rows"]]
    admin_client.post(reverse("portal_catalogues:entry_reactivate", args=[ton_giao.pk, target.pk]))
    target.refresh_from_db()
    assert target.active


def test_retire_with_a_date_closes_validity(admin_client):
    luong = kind("luong_co_so")
    latest = entry("luong_co_so", "2026-07")
    admin_client.post(
        reverse("portal_catalogues:entry_retire", args=[luong.pk, latest.pk]), {"retired_on": "01/01/2030"}
    )
    latest.refresh_from_db()
    assert not latest.active
    assert latest.valid_to == datetime.date(2030, 1, 1)


def test_delete_of_an_entry_in_use_is_refused(admin_client):
    nhom_luong = kind("nhom_luong")
    a1 = entry("nhom_luong", "A1")  # used by grades' salary_group attribute
    confirm = admin_client.get(reverse("portal_catalogues:entry_delete", args=[nhom_luong.pk, a1.pk]))
    assert confirm.context["usages"]
    response = admin_client.post(reverse("portal_catalogues:entry_delete", args=[nhom_luong.pk, a1.pk]), follow=True)
    assert response.status_code == 200
    assert CatalogueEntry.objects.filter(pk=a1.pk).exists()
    shown = [str(message) for message in response.context["messages"]]
    assert any(a1.label in message for message in shown)
    assert shown[0].strip() in text_of(response)  # Wagtail messages are already escaped


def test_delete_of_an_unused_entry(admin_client):
    ton_giao = kind("ton_giao")
    spare = entry_create(kind=ton_giao, values={"code": "TG_THU", "label": "Tôn giáo thử"})
    response = admin_client.post(reverse("portal_catalogues:entry_delete", args=[ton_giao.pk, spare.pk]))
    assert response.status_code == 302
    assert not CatalogueEntry.objects.filter(pk=spare.pk).exists()


# --- xlsx ---------------------------------------------------------------------------------------


def test_export_returns_a_workbook(admin_client, django_assert_max_num_queries):
    ngach = kind("ngach_cdnn")
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("portal_catalogues:export", args=[ngach.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="ngach_cdnn.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == ngach.entries.count() + 1
    assert "01.001" in [row[0] for row in rows]


def _edited_workbook(admin_client, kind_obj: CatalogueKind, edit) -> bytes:
    response = admin_client.get(reverse("portal_catalogues:export", args=[kind_obj.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    edit(workbook.worksheets[0])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _upload(content: bytes, name: str = "ton_giao.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=XLSX)


def test_import_dry_run_then_apply(admin_client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ton_giao = kind("ton_giao")
    first = ton_giao.entries.order_by("order", "code", "valid_from").first()
    count = ton_giao.entries.count()

    def edit(sheet):
        sheet.cell(row=2, column=3, value="Nhãn đã sửa")
        sheet.append(["TG_MOI", None, "Tôn giáo mới", None, None, None, None, 99])

    content = _edited_workbook(admin_client, ton_giao, edit)
    import_url = reverse("portal_catalogues:import", args=[ton_giao.pk])
    response = admin_client.post(import_url, {"file": _upload(content), "dry_run": "on"})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated, result.errors) == (1, 1, [])
    # Nothing written by the dry run.
    first.refresh_from_db()
    assert first.label != "Nhãn đã sửa"
    assert ton_giao.entries.count() == count
    token = response.context["token"]
    assert token and token not in content.decode("latin-1")
    assert list(tmp_path.glob("uploads/catalogue-import/*.xlsx"))
    apply_url = reverse("portal_catalogues:import_apply", args=[ton_giao.pk])
    assert apply_url in text_of(response)
    applied = admin_client.post(apply_url, {"token": token})
    assert applied.status_code == 302
    first.refresh_from_db()
    assert first.label == "Nhãn đã sửa"
    assert entry("ton_giao", "TG_MOI").label == "Tôn giáo mới"
    assert ton_giao.entries.count() == count + 1
    assert not list(tmp_path.glob("uploads/catalogue-import/*.xlsx"))
    # The token cannot be used twice.
    again = admin_client.post(apply_url, {"token": token})
    assert again.status_code == 302
    assert again["Location"] == import_url


def test_import_with_errors_shows_the_error_table_and_writes_nothing(admin_client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ton_giao = kind("ton_giao")
    count = ton_giao.entries.count()

    def edit(sheet):
        sheet.append(["TG_LOI", None, None, None, None, None, None, 1])  # no label

    content = _edited_workbook(admin_client, ton_giao, edit)
    response = admin_client.post(
        reverse("portal_catalogues:import", args=[ton_giao.pk]), {"file": _upload(content)}
    )  # dry run unchecked: a real import, refused as a whole
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.ok
    error = result.errors[0]
    assert error.row == count + 2
    text = text_of(response)
    assert escape(error.message) in text
    assert f"<td>{error.row}</td>" in text
    assert ton_giao.entries.count() == count
    assert not response.context["token"]


def test_import_of_a_file_that_is_not_a_workbook(admin_client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ton_giao = kind("ton_giao")
    response = admin_client.post(
        reverse("portal_catalogues:import", args=[ton_giao.pk]), {"file": _upload(b"not a workbook"), "dry_run": "on"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_apply_with_a_token_from_another_session_is_refused(admin_client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ton_giao = kind("ton_giao")
    response = admin_client.post(
        reverse("portal_catalogues:import_apply", args=[ton_giao.pk]), {"token": "../../etc/passwd-aaaaaaaaaaaaaaa"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_catalogues:import", args=[ton_giao.pk])


def test_import_form_has_dry_run_checked_by_default(admin_client):
    response = admin_client.get(reverse("portal_catalogues:import", args=[kind("ton_giao").pk]))
    assert response.context["form"]["dry_run"].value() is True
    assert 'name="dry_run"' in text_of(response)
    assert "checked" in text_of(response).split('name="dry_run"')[1].split(">")[0]


# --- dashboard ---------------------------------------------------------------------------------


def test_homepage_panel_shows_counts_and_heartbeats(admin_client, province):
    heartbeat_record(component="worker")
    SystemHeartbeat.objects.create(component="beat", last_seen=timezone.now() - datetime.timedelta(minutes=12))
    response = admin_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    text = text_of(response)
    assert vi("System status") in text
    assert "worker" in text and "beat" in text
    stale_beat = SystemHeartbeat.objects.get(component="beat")
    shown = timezone.localtime(stale_beat.last_seen).strftime("%d/%m/%Y %H:%M")
    assert shown in text
    beat_row = text.split("beat")[-1].split("</tr>")[0] if "beat" in text else ""
    assert vi("stale") in beat_row
    worker_row = text.split(">worker")[1].split("</tr>")[0]
    assert vi("stale") not in worker_row
    assert ">6<" in text.replace(" ", "").replace("\n", "")  # six active units in the province fixture


def test_homepage_panel_hidden_from_accounts_without_permission(client, admin_access_user):
    heartbeat_record(component="worker")
    client.force_login(admin_access_user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "portal-system-status" not in text_of(response)
