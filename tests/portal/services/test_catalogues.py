"""Catalogue services: standard data loading, typed attributes, periods, retire-not-delete
(portal/services/catalogues.py) and the catalogue selectors."""

from __future__ import annotations

import datetime
import io
import json
import shutil
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from portal import selectors
from portal.models import CatalogueEntry, CatalogueKind
from portal.services.catalogue_data import STANDARD_DATA_DIR, catalogues_load_standard
from portal.services.catalogues import (
    entry_create,
    entry_delete,
    entry_retire,
    entry_update,
    kind_save,
)
from tests.conftest import make_unit

pytestmark = pytest.mark.django_db


def entry(kind: str, code: str) -> CatalogueEntry:
    return CatalogueEntry.objects.get(kind__code=kind, code=code)


def kind(code: str) -> CatalogueKind:
    return CatalogueKind.objects.get(code=code)


def standard_entry_count() -> int:
    return sum(
        len(json.loads(path.read_text(encoding="utf-8"))["entries"]) for path in STANDARD_DATA_DIR.glob("*.json")
    )


def catalogue_state() -> list[dict]:
    return list(CatalogueEntry.objects.order_by("pk").values())


@pytest.fixture
def data_dir(tmp_path):
    """A private copy of a few shipped catalogue files, for the ``directory=`` argument."""
    for name in ("dan_toc", "gioi_tinh", "nhom_luong"):
        shutil.copy(STANDARD_DATA_DIR / f"{name}.json", tmp_path / f"{name}.json")
    return tmp_path


def edit_json(directory, name: str, change) -> None:
    path = directory / f"{name}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def test_kind():
    """A locally defined catalogue without attributes, for period rules."""
    return kind_save(values={"code": "thu_nghiem", "name": "Danh mục thử nghiệm"})


def d(year: int, month: int = 1, day: int = 1) -> datetime.date:
    return datetime.date(year, month, day)


# --- loading the standard data ----------------------------------------------------------------


def test_loading_twice_changes_nothing():
    before = catalogue_state()
    report = catalogues_load_standard()
    assert report.kinds_created == []
    assert report.created == 0
    assert report.updated == 0
    assert report.retired == 0
    assert report.kept_local == []
    assert report.unchanged == standard_entry_count()
    assert report.unchanged > 400
    assert catalogue_state() == before


def test_load_catalogues_command_reports_the_same():
    out = io.StringIO()
    call_command("load_catalogues", stdout=out)
    text = out.getvalue()
    assert "mục mới: 0;" in text
    assert "cập nhật: 0;" in text
    assert f"không đổi: {standard_entry_count()};" in text


def test_standard_kinds_are_marked_and_typed():
    ngach = kind("ngach_cdnn")
    assert ngach.is_standard is True
    assert ngach.data_version
    assert ngach.code_system == "BNV-NGACH-CDNN"
    chuyen_vien = entry("ngach_cdnn", "01.003")
    assert chuyen_vien.attributes["salary_group"] == "A1"
    assert chuyen_vien.data_version == ngach.data_version
    assert chuyen_vien.locally_modified is False
    assert entry("luong_co_so", "2024-07").attributes["amount"] == 2340000


def test_locally_edited_entry_is_kept_by_a_later_load():
    kinh = entry("dan_toc", "01")
    entry_update(entry=kinh, values={"label": "Kinh (Việt)"})
    kinh.refresh_from_db()
    assert kinh.label == "Kinh (Việt)"
    assert kinh.label_folded == "kinh (viet)"
    assert kinh.locally_modified is True

    report = catalogues_load_standard()

    assert report.kept_local == ["dan_toc:01"]
    assert report.updated == 0
    assert report.unchanged == standard_entry_count() - 1
    kinh.refresh_from_db()
    assert kinh.label == "Kinh (Việt)"
    assert kinh.locally_modified is True


def test_update_without_a_change_does_not_mark_the_entry_edited():
    kinh = entry("dan_toc", "01")
    entry_update(entry=kinh, values={"label": "Kinh"})
    kinh.refresh_from_db()
    assert kinh.locally_modified is False


def test_shipped_entry_removed_from_the_data_is_retired_not_deleted(data_dir):
    edit_json(data_dir, "dan_toc", lambda doc: doc.update(entries=[e for e in doc["entries"] if e["code"] != "55"]))
    count = CatalogueEntry.objects.count()

    report = catalogues_load_standard(directory=data_dir)

    assert report.retired == 1
    assert report.created == 0
    assert report.updated == 0
    assert CatalogueEntry.objects.count() == count
    foreigner = entry("dan_toc", "55")
    assert foreigner.active is False
    assert foreigner.retired_at is not None
    # kinds that are not in the directory are left alone
    assert not CatalogueEntry.objects.filter(kind__code="ngach_cdnn", active=False).exists()
    assert "55" not in {e.code for e in selectors.catalogue_entries(kind="dan_toc")}
    assert "55" in {e.code for e in selectors.catalogue_entries(kind="dan_toc", include_retired=True)}

    # back in the data: back in use
    shutil.copy(STANDARD_DATA_DIR / "dan_toc.json", data_dir / "dan_toc.json")
    report = catalogues_load_standard(directory=data_dir)
    assert report.updated == 1
    assert report.retired == 0
    foreigner.refresh_from_db()
    assert foreigner.active is True
    assert foreigner.retired_at is None


def test_changed_shipped_label_and_new_version_update_entries(data_dir):
    def change(doc):
        doc["version"] = "2027.1"
        doc["entries"][0]["label"] = "Giới tính nam"
        doc["entries"].append({"code": "3", "label": "Khác", "order": 3})

    edit_json(data_dir, "gioi_tinh", change)
    report = catalogues_load_standard(directory=data_dir)
    assert report.created == 1
    assert report.updated == 2  # the renamed entry and the one whose version changed
    assert kind("gioi_tinh").data_version == "2027.1"
    assert entry("gioi_tinh", "1").label == "Giới tính nam"
    assert entry("gioi_tinh", "2").data_version == "2027.1"
    assert entry("gioi_tinh", "3").data_version == "2027.1"


def test_a_corrected_start_date_in_the_data_updates_the_shipped_entry_in_place(tmp_path):
    shutil.copy(STANDARD_DATA_DIR / "luong_co_so.json", tmp_path / "luong_co_so.json")

    def change(doc):
        by_code = {item["code"]: item for item in doc["entries"]}
        by_code["2024-07"]["valid_to"] = "2026-08-01"
        by_code["2026-07"]["valid_from"] = "2026-08-01"

    edit_json(tmp_path, "luong_co_so", change)
    before = CatalogueEntry.objects.get(kind__code="luong_co_so", code="2026-07")
    report = catalogues_load_standard(directory=tmp_path)
    # The same entry (same row, so references to it stay valid) gets its corrected start date.
    assert (report.created, report.updated, report.retired) == (0, 2, 0)
    moved = CatalogueEntry.objects.get(kind__code="luong_co_so", code="2026-07")
    assert moved.pk == before.pk and moved.valid_from == d(2026, 8, 1) and moved.active
    [base] = selectors.catalogue_entries(kind="luong_co_so", on=d(2026, 7, 15))
    assert base.attributes["amount"] == 2340000
    [base] = selectors.catalogue_entries(kind="luong_co_so", on=d(2026, 8, 1))
    assert (base.code, base.valid_from, base.attributes["amount"]) == ("2026-07", d(2026, 8, 1), 2530000)


def test_invalid_standard_data_is_refused_as_a_whole(data_dir):
    edit_json(data_dir, "gioi_tinh", lambda doc: doc["entries"][0].update(label="Đã đổi"))
    edit_json(data_dir, "nhom_luong", lambda doc: doc["entries"][1]["attributes"].update(step_interval_months="ba"))
    before = catalogue_state()
    with pytest.raises(ValidationError) as excinfo:
        catalogues_load_standard(directory=data_dir)
    assert "nhom_luong" in excinfo.value.messages[0]
    assert "A3.1" in excinfo.value.messages[0]
    assert catalogue_state() == before
    assert entry("gioi_tinh", "1").label == "Nam"


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


# --- validity periods ------------------------------------------------------------------------


def make(kind_obj, code, start=None, end=None, **values):
    return entry_create(
        kind=kind_obj,
        values={"code": code, "label": f"{code} {start}–{end}", "valid_from": start, "valid_to": end, **values},
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (d(2020, 6), d(2020, 9)),  # inside
        (d(2019), d(2020, 6)),  # across the start
        (d(2020, 12, 31), d(2022)),  # across the end
        (d(2020, 12, 31), None),  # open-ended, starting inside
        (None, d(2020, 1, 2)),  # open start, ending inside
        (None, None),  # no limits at all
        (d(2020), d(2021)),  # the very same period
        (d(2019), d(2022)),  # around it
    ],
)
def test_overlapping_periods_of_the_same_code_are_refused(test_kind, start, end):
    make(test_kind, "T1", d(2020), d(2021))
    with pytest.raises(ValidationError) as excinfo:
        make(test_kind, "T1", start, end)
    assert list(excinfo.value.message_dict) == ["valid_from"]
    message = excinfo.value.message_dict["valid_from"][0]
    assert "T1" in message
    assert "01/01/2020" in message
    assert "01/01/2021" in message
    assert CatalogueEntry.objects.filter(kind=test_kind, code="T1").count() == 1


def test_two_open_ended_periods_of_the_same_code_are_refused(test_kind):
    make(test_kind, "T1", d(2021), None)
    with pytest.raises(ValidationError) as excinfo:
        make(test_kind, "T1", d(2030), None)
    assert "01/01/2021" in excinfo.value.message_dict["valid_from"][0]
    # an entry without any period is open-ended on both sides
    make(test_kind, "T2")
    with pytest.raises(ValidationError):
        make(test_kind, "T2", d(2010), d(2011))
    with pytest.raises(ValidationError):
        make(test_kind, "T2", d(2030), None)
    assert CatalogueEntry.objects.filter(kind=test_kind).count() == 2


def test_adjacent_periods_are_accepted(test_kind):
    make(test_kind, "T1", d(2020), d(2021))
    make(test_kind, "T1", d(2021), None)  # starts the day the first one stops applying
    make(test_kind, "T1", d(2019), d(2020))  # stops applying the day the first one starts
    make(test_kind, "T1", None, d(2019))
    periods = sorted(
        CatalogueEntry.objects.filter(kind=test_kind, code="T1").values_list("valid_from", "valid_to"),
        key=lambda period: period[0] or d(1900),
    )
    assert periods == [(None, d(2019)), (d(2019), d(2020)), (d(2020), d(2021)), (d(2021), None)]


def test_same_code_in_another_code_system_or_catalogue_does_not_overlap(test_kind):
    make(test_kind, "T1")
    make(test_kind, "T1", code_system="KHAC")
    make(kind("dan_toc"), "T1")
    assert CatalogueEntry.objects.filter(code="T1").count() == 3


@pytest.mark.parametrize(("start", "end"), [(d(2021), d(2020)), (d(2020), d(2020))])
def test_end_of_validity_must_be_after_its_start(test_kind, start, end):
    with pytest.raises(ValidationError) as excinfo:
        make(test_kind, "T1", start, end)
    assert list(excinfo.value.message_dict) == ["valid_to"]
    assert not CatalogueEntry.objects.filter(kind=test_kind).exists()


def test_update_checks_periods_against_the_other_entries_only(test_kind):
    first = make(test_kind, "T1", d(2020), d(2021))
    second = make(test_kind, "T1", d(2021), None)
    entry_update(entry=first, values={"valid_from": d(2019, 6)})  # its own old period is no obstacle
    first.refresh_from_db()
    assert first.valid_from == d(2019, 6)
    with pytest.raises(ValidationError) as excinfo:
        entry_update(entry=first, values={"valid_to": d(2021, 6)})
    assert list(excinfo.value.message_dict) == ["valid_from"]
    with pytest.raises(ValidationError) as excinfo:
        entry_update(entry=second, values={"valid_to": d(2020, 6)})
    assert list(excinfo.value.message_dict) == ["valid_to"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.valid_from, first.valid_to) == (d(2019, 6), d(2021))
    assert (second.valid_from, second.valid_to) == (d(2021), None)


@pytest.mark.parametrize("code", ["", "A B", "-01", "mã", "01;02"])
def test_entry_code_format_is_checked(test_kind, code):
    with pytest.raises(ValidationError) as excinfo:
        make(test_kind, code)
    assert "code" in excinfo.value.message_dict


# --- base salary by date -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "code", "amount"),
    [
        (d(2025), "2024-07", 2340000),
        (d(2024, 7, 1), "2024-07", 2340000),
        (d(2024, 6, 30), "2023-07", 1800000),
        (d(2026, 6, 30), "2024-07", 2340000),
        (d(2026, 7, 1), "2026-07", 2530000),
        (d(2020), "2019-07", 1490000),
    ],
)
def test_base_salary_valid_on_a_day(day, code, amount):
    [base] = selectors.catalogue_entries(kind="luong_co_so", on=day)
    assert base.code == code
    assert base.attributes["amount"] == amount
    assert selectors.catalogue_entry_get(kind="luong_co_so", code=code, on=day).pk == base.pk


def test_no_base_salary_before_the_first_period():
    assert list(selectors.catalogue_entries(kind="luong_co_so", on=d(2019, 6, 30))) == []


# --- retire and delete ---------------------------------------------------------------------------


def test_retire_keeps_the_row_and_closes_the_period():
    foreigner = entry("dan_toc", "55")
    count = CatalogueEntry.objects.count()
    entry_retire(entry=foreigner, retired_on=d(2026))
    foreigner.refresh_from_db()
    assert CatalogueEntry.objects.count() == count
    assert foreigner.active is False
    assert foreigner.retired_at is not None
    assert foreigner.valid_to == d(2026)
    assert foreigner.locally_modified is True  # a later load must not bring it back
    assert "55" not in {e.code for e in selectors.catalogue_entries(kind="dan_toc")}
    report = catalogues_load_standard()
    assert "dan_toc:55" in report.kept_local
    foreigner.refresh_from_db()
    assert foreigner.active is False


def test_retire_without_a_date_keeps_the_period():
    female = entry("gioi_tinh", "2")
    entry_retire(entry=female)
    female.refresh_from_db()
    assert female.active is False
    assert female.valid_to is None


def test_retire_date_must_be_after_the_start():
    base = entry("luong_co_so", "2024-07")
    with pytest.raises(ValidationError) as excinfo:
        entry_retire(entry=base, retired_on=d(2024, 7, 1))
    assert list(excinfo.value.message_dict) == ["retired_on"]
    base.refresh_from_db()
    assert base.active is True
    assert base.valid_to == d(2026, 7, 1)


def test_delete_refused_when_a_unit_uses_the_entry(province):
    so = entry("loai_don_vi", "SO")
    with pytest.raises(ValidationError) as excinfo:
        entry_delete(entry=so)
    assert "2" in excinfo.value.messages[0]  # Sở Nội vụ and Sở Tài chính
    assert CatalogueEntry.objects.filter(pk=so.pk).exists()


def test_delete_refused_when_used_by_an_entry_attribute_of_another_catalogue():
    a1 = entry("nhom_luong", "A1")
    users = CatalogueEntry.objects.filter(kind__code="ngach_cdnn", attributes__salary_group="A1").count()
    assert users > 0
    with pytest.raises(ValidationError) as excinfo:
        entry_delete(entry=a1)
    message = excinfo.value.messages[0]
    assert "Ngạch công chức, chức danh nghề nghiệp viên chức" in message
    assert "Nhóm lương" in message
    assert f": {users}" in message
    assert CatalogueEntry.objects.filter(pk=a1.pk).exists()


def test_delete_refused_when_used_by_an_entry_list_attribute():
    category = entry_create(kind=kind("loai_nhan_su"), values={"code": "TN", "label": "Thử nghiệm"})
    entry_create(
        kind=kind("hinh_thuc_ky_luat"),
        values={"code": "TN_KL", "label": "Kỷ luật thử", "attributes": {"applies_to": "CC; TN"}},
    )
    assert entry("hinh_thuc_ky_luat", "TN_KL").attributes["applies_to"] == ["CC", "TN"]
    with pytest.raises(ValidationError) as excinfo:
        entry_delete(entry=category)
    assert "Hình thức kỷ luật".lower() in excinfo.value.messages[0].lower()
    assert CatalogueEntry.objects.filter(pk=category.pk).exists()


def test_delete_refused_when_the_entry_has_sub_entries(test_kind):
    parent = make(test_kind, "P")
    make(test_kind, "P.1", parent=parent)
    with pytest.raises(ValidationError):
        entry_delete(entry=parent)
    assert CatalogueEntry.objects.filter(pk=parent.pk).exists()


def test_delete_allowed_when_unused(test_kind):
    unused = make(test_kind, "T1")
    entry_delete(entry=unused)
    assert not CatalogueEntry.objects.filter(pk=unused.pk).exists()
    # the same for a type no unit uses
    hoi = entry("loai_don_vi", "HOI")
    entry_delete(entry=hoi)
    assert not CatalogueEntry.objects.filter(kind__code="loai_don_vi", code="HOI").exists()


def test_a_type_in_use_can_be_retired(province):
    truong = entry("loai_don_vi", "TRUONG_THPT")
    make_unit("Trường THPT Lấp Vò 1", parent=province["root"], type_code="TRUONG_THPT")
    entry_retire(entry=truong)
    truong.refresh_from_db()
    assert truong.active is False
    assert CatalogueEntry.objects.filter(pk=truong.pk).exists()


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
