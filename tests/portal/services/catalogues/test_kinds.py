"""Catalogue kinds: the attribute schema, the code format and when the code may change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal.models import CatalogueKind
from portal.services.catalogues import kind_save
from tests.portal.services.catalogues.conftest import (
    kind,
    make,
)

pytestmark = pytest.mark.django_db


# --- catalogue kinds and their attribute schema -------------------------------------------------


def test_kind_save_normalises_a_valid_schema():
    created = kind_save(
        values={
            "code": "chuc_danh_khoa_hoc",
            "name": "Chức danh khoa học",
            "attribute_schema": [
                {"key": "he_so", "type": "decimal"},
                {"key": "nhom", "type": "entry", "kind": "nhom_luong", "label": "Nhóm", "required": 1},
                {"key": "vung", "type": "choice", "choices": [["1", "Vùng I"], ["2", "Vùng II"]]},
            ],
        }
    )
    created.refresh_from_db()
    assert created.code_system == "HSCBCCVC"
    assert created.is_standard is False
    assert created.attribute_schema == [
        {"key": "he_so", "label": "he_so", "label_en": "", "type": "decimal", "required": False},
        {"key": "nhom", "label": "Nhóm", "label_en": "", "type": "entry", "required": True, "kind": "nhom_luong"},
        {
            "key": "vung",
            "label": "vung",
            "label_en": "",
            "type": "choice",
            "required": False,
            "choices": [["1", "Vùng I"], ["2", "Vùng II"]],
        },
    ]


@pytest.mark.parametrize(
    ("schema", "fragment"),
    [
        ([{"key": "He So", "type": "decimal"}], "He So"),
        ([{"key": "1he_so", "type": "decimal"}], "1he_so"),
        ([{"type": "decimal"}], "''"),
        ([{"key": "he_so", "type": "money"}], "money"),
        ([{"key": "he_so"}], "None"),
        ([{"key": "nhom", "type": "entry"}], "nhom"),
        ([{"key": "nhom", "type": "entry_list", "kind": ""}], "nhom"),
        ([{"key": "vung", "type": "choice"}], "vung"),
        ([{"key": "vung", "type": "choice", "choices": [["1"]]}], "vung"),
        ([{"key": "a", "type": "text"}, {"key": "a", "type": "integer"}], "'a'"),
        ({"key": "a", "type": "text"}, ""),
        (["a"], "1"),
    ],
)
def test_kind_save_refuses_a_bad_attribute_schema(schema, fragment):
    count = CatalogueKind.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        kind_save(values={"code": "thu_nghiem", "name": "Thử nghiệm", "attribute_schema": schema})
    assert list(excinfo.value.message_dict) == ["attribute_schema"]
    assert fragment in excinfo.value.message_dict["attribute_schema"][0]
    assert CatalogueKind.objects.count() == count


@pytest.mark.parametrize("code", ["Dan_Toc", "dân_tộc", "1abc", "thu-nghiem", ""])
def test_kind_code_format(code):
    with pytest.raises(ValidationError) as excinfo:
        kind_save(values={"code": code, "name": "Thử nghiệm"})
    assert list(excinfo.value.message_dict) == ["code"]


def test_kind_code_is_unique_and_fixed_once_it_has_entries(test_kind):
    with pytest.raises(ValidationError) as excinfo:
        kind_save(values={"code": "dan_toc", "name": "Dân tộc 2"})
    assert "dan_toc" in excinfo.value.message_dict["code"][0]
    renamed = kind_save(values={"code": "thu_nghiem_2", "name": "Đổi mã khi chưa có mục"}, instance=test_kind)
    assert renamed.code == "thu_nghiem_2"
    make(renamed, "T1")
    with pytest.raises(ValidationError) as excinfo:
        kind_save(values={"code": "thu_nghiem_3"}, instance=renamed)
    assert list(excinfo.value.message_dict) == ["code"]
    assert kind("thu_nghiem_2").pk == test_kind.pk
