"""Typed attributes of catalogue entries: normalisation, refusals, decimals and lists."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal.models import CatalogueEntry
from portal.services.catalogues import entry_create
from tests.portal.services.catalogues.conftest import (
    entry,
    kind,
)

pytestmark = pytest.mark.django_db


# --- typed attributes ------------------------------------------------------------------------


def test_entry_create_with_typed_attributes():
    ngach = kind("ngach_cdnn")
    created = entry_create(
        kind=ngach,
        values={
            "code": "99.901",
            "label": "  Chuyên viên thử nghiệm ",
            "attributes": {"salary_group": "A1", "personnel_category": "CC", "legacy": "Có", "rank": " CV "},
        },
    )
    created = CatalogueEntry.objects.get(pk=created.pk)
    assert created.kind == ngach
    assert created.code_system == "BNV-NGACH-CDNN"
    assert created.label == "Chuyên viên thử nghiệm"
    assert created.label_folded == "chuyen vien thu nghiem"
    assert created.attributes == {"salary_group": "A1", "personnel_category": "CC", "legacy": True, "rank": "CV"}
    assert created.active is True
    assert created.data_version == ""
    assert created.locally_modified is False


@pytest.mark.parametrize(
    ("attributes", "fragment"),
    [
        ({"salary_group": "Z9"}, "Z9"),
        ({"salary_group": "A1", "personnel_category": "XX"}, "XX"),
        ({}, "Nhóm lương"),  # required
        ({"salary_group": "A1", "legacy": "có lẽ"}, "Mã cũ"),
        ({"salary_group": "A1", "colour": "đỏ"}, "colour"),
    ],
)
def test_entry_create_refuses_wrong_attributes(attributes, fragment):
    count = CatalogueEntry.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        entry_create(kind=kind("ngach_cdnn"), values={"code": "99.902", "label": "Ngạch sai", "attributes": attributes})
    assert list(excinfo.value.message_dict) == ["attributes"]
    assert fragment in " ".join(excinfo.value.message_dict["attributes"])
    assert CatalogueEntry.objects.count() == count


def test_decimal_attribute_accepts_the_vietnamese_comma():
    created = entry_create(
        kind=kind("phu_cap_chuc_vu"),
        values={
            "code": "TEST_PC",
            "label": "Phụ cấp thử",
            "attributes": {"position": "GD_SO", "region": "Các địa phương còn lại", "coefficient": "2,34"},
        },
    )
    created.refresh_from_db()
    assert created.attributes == {"position": "GD_SO", "region": "KHAC", "coefficient": "2.34"}


def test_decimal_list_and_integer_attributes():
    created = entry_create(
        kind=kind("nhom_luong"),
        values={
            "code": "TN1",
            "label": "Nhóm thử",
            "attributes": {"coefficients": "2,34; 2,67  3", "step_interval_months": "36"},
        },
    )
    created.refresh_from_db()
    assert created.attributes == {"coefficients": ["2.34", "2.67", "3"], "step_interval_months": 36}


@pytest.mark.parametrize("value", ["hai phẩy ba", "2,3,4", "NaN", "Infinity"])
def test_decimal_attribute_refuses_what_is_not_a_number(value):
    with pytest.raises(ValidationError) as excinfo:
        entry_create(
            kind=kind("phu_cap_chuc_vu"),
            values={
                "code": "TEST_PC",
                "label": "Phụ cấp",
                "attributes": {"position": "GD_SO", "region": "KHAC", "coefficient": value},
            },
        )
    assert "Hệ số phụ cấp" in excinfo.value.message_dict["attributes"][0]
    assert not CatalogueEntry.objects.filter(code="TEST_PC").exists()


@pytest.mark.parametrize(("value", "stored"), [("10", "10"), ("10,00", "10.00"), ("100", "100")])
def test_whole_decimal_values_are_stored_in_plain_notation(value, stored):
    created = entry_create(
        kind=kind("phu_cap_chuc_vu"),
        values={
            "code": "TEST_PC",
            "label": "Phụ cấp",
            "attributes": {"position": "GD_SO", "region": "KHAC", "coefficient": value},
        },
    )
    created.refresh_from_db()
    assert created.attributes["coefficient"] == stored


def test_shipped_coefficients_keep_plain_notation():
    coefficients = entry("nhom_luong", "CVCC").attributes["coefficients"]
    assert [Decimal(value) for value in coefficients] == [Decimal("8.80"), Decimal("9.40"), Decimal("10")]
    assert not any("E" in value for value in coefficients)
