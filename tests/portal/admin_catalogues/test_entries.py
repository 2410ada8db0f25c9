"""Catalogue entries in the admin: the list, typed attributes, validation messages, edits,
retire/reactivate and delete."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, override

from portal.models import CatalogueEntry
from portal.services.catalogues import entry_create
from tests.portal.admin_catalogues.conftest import (
    entry,
    kind,
    text_of,
)

pytestmark = pytest.mark.django_db


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
