"""The field catalogue (portal/services/fields/): definitions and the one validation function."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils.translation import override

from portal.models import CatalogueKind, FieldDefinition, Unit
from portal.services.fields.definitions import (
    field_definition_reactivate,
    field_definition_retire,
    field_definition_save,
)
from portal.services.fields.values import FieldBook, custom_fields_clean
from portal.services.units.editing import unit_update
from tests.conftest import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are checked by their English msgids (Vietnamese translations come later)."""
    with override("en"):
        yield


def define(**values) -> FieldDefinition:
    return field_definition_save(values={"target": "unit", "label": values.get("key", "x"), **values})


def errors_of(exc_info) -> dict[str, list[str]]:
    return exc_info.value.message_dict


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


# --- definitions ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["name", "code", "custom_fields", "path", "get_parent", "contains"])
def test_key_clashing_with_a_built_in_name_is_refused(key):
    with pytest.raises(ValidationError) as exc_info:
        define(key=key, field_type="text")
    assert "built-in" in errors_of(exc_info)["key"][0]
    assert not FieldDefinition.objects.exists()


@pytest.mark.parametrize("key", ["Ma_so", "so-quyet-dinh", "1abc", "a__b", ""])
def test_key_must_be_a_lowercase_slug(key):
    with pytest.raises(ValidationError) as exc_info:
        define(key=key, field_type="text")
    assert "key" in errors_of(exc_info)
    assert not FieldDefinition.objects.exists()


def test_key_is_unique_per_target_only():
    define(key="so_qd", field_type="text")
    with pytest.raises(ValidationError) as exc_info:
        define(key="so_qd", field_type="integer")
    assert "already exists" in errors_of(exc_info)["key"][0]
    define(key="so_qd", field_type="text", target="dossier")
    assert FieldDefinition.objects.filter(key="so_qd").count() == 2


def test_invalid_regex_is_refused():
    with pytest.raises(ValidationError) as exc_info:
        define(key="so_qd", field_type="text", regex="[0-9")
    assert "not a valid regular expression" in errors_of(exc_info)["regex"][0]
    assert not FieldDefinition.objects.exists()


def test_regex_only_for_text_and_min_max_only_for_numbers():
    with pytest.raises(ValidationError) as exc_info:
        define(key="so_nguoi", field_type="integer", regex=r"\d+")
    assert "regex" in errors_of(exc_info)
    with pytest.raises(ValidationError) as exc_info:
        define(key="ghi_chu", field_type="text", min_value="1")
    assert "min_value" in errors_of(exc_info)
    assert not FieldDefinition.objects.exists()


def test_min_greater_than_max_is_refused():
    with pytest.raises(ValidationError) as exc_info:
        define(key="so_nguoi", field_type="integer", min_value="10", max_value="2")
    assert "max_value" in errors_of(exc_info)
    assert not FieldDefinition.objects.exists()


def test_choice_needs_an_existing_catalogue():
    with pytest.raises(ValidationError) as exc_info:
        define(key="dan_toc_chinh", field_type="choice")
    assert "catalogue" in errors_of(exc_info)
    with pytest.raises(ValidationError) as exc_info:
        define(key="dan_toc_chinh", field_type="multiple_choice", catalogue="khong_co")
    assert "does not exist" in errors_of(exc_info)["catalogue"][0]
    assert not FieldDefinition.objects.exists()
    definition = define(key="dan_toc_chinh", field_type="choice", catalogue="dan_toc")
    assert definition.catalogue.code == "dan_toc"


def test_unknown_personnel_category_is_refused():
    with pytest.raises(ValidationError) as exc_info:
        define(key="bac_luong", field_type="text", target="dossier", personnel_categories=["CC", "XYZ"])
    assert "XYZ" in errors_of(exc_info)["personnel_categories"][0]
    assert not FieldDefinition.objects.exists()
    definition = define(key="bac_luong", field_type="text", target="dossier", personnel_categories=["CC", "VC"])
    assert definition.personnel_categories == ["CC", "VC"]


def test_several_problems_are_reported_together():
    with pytest.raises(ValidationError) as exc_info:
        field_definition_save(values={"target": "unit", "key": "name", "label": "", "field_type": "text", "regex": "("})
    assert {"key", "label", "regex"} <= set(errors_of(exc_info))


def test_type_of_a_field_with_stored_values_cannot_change(province):
    definition = define(key="so_bien_che", field_type="integer")
    unit_update(unit=province["noi_vu"], changes={"custom_fields": {"so_bien_che": 12}})
    with pytest.raises(ValidationError) as exc_info:
        field_definition_save(values={"field_type": "text"}, instance=definition)
    assert "already stored" in errors_of(exc_info)["field_type"][0]
    definition.refresh_from_db()
    assert definition.field_type == "integer"
    # Other changes are allowed.
    field_definition_save(values={"label": "Số biên chế được giao"}, instance=definition)
    definition.refresh_from_db()
    assert definition.label == "Số biên chế được giao"


def test_type_of_a_field_without_values_may_change():
    definition = define(key="so_bien_che", field_type="integer")
    field_definition_save(values={"field_type": "decimal"}, instance=definition)
    definition.refresh_from_db()
    assert definition.field_type == "decimal"


def test_retire_keeps_values_and_reactivate(province):
    definition = define(key="so_bien_che", field_type="integer")
    unit_update(unit=province["noi_vu"], changes={"custom_fields": {"so_bien_che": 12}})
    field_definition_retire(definition=definition)
    definition.refresh_from_db()
    assert definition.active is False
    assert fresh(province["noi_vu"]).custom_fields == {"so_bien_che": 12}
    with pytest.raises(ValidationError) as exc_info:
        custom_fields_clean(target="unit", values={"so_bien_che": 3}, instance=fresh(province["noi_vu"]))
    assert "no longer in use" in errors_of(exc_info)["custom_fields.so_bien_che"][0]
    field_definition_reactivate(definition=definition)
    definition.refresh_from_db()
    assert definition.active is True


# --- values ----------------------------------------------------------------------------------


def test_required_value():
    define(key="so_qd", field_type="text", required=True)
    with pytest.raises(ValidationError) as exc_info:
        custom_fields_clean(target="unit", values={})
    assert errors_of(exc_info) == {"custom_fields.so_qd": ["'so_qd' is required."]}
    with pytest.raises(ValidationError):
        custom_fields_clean(target="unit", values={"so_qd": "   "})
    assert custom_fields_clean(target="unit", values={"so_qd": " 12/QĐ "}) == {"so_qd": "12/QĐ"}


def test_regex_must_match_the_whole_value():
    define(key="so_qd", field_type="text", regex=r"\d+/QĐ-UBND")
    with pytest.raises(ValidationError) as exc_info:
        custom_fields_clean(target="unit", values={"so_qd": "abc 12/QĐ-UBND"})
    assert "required form" in errors_of(exc_info)["custom_fields.so_qd"][0]
    assert custom_fields_clean(target="unit", values={"so_qd": "12/QĐ-UBND"}) == {"so_qd": "12/QĐ-UBND"}


def test_min_max_and_number_conversion():
    define(key="so_nguoi", field_type="integer", min_value="1", max_value="1000")
    define(key="he_so", field_type="decimal", min_value="1", max_value="10")
    with pytest.raises(ValidationError) as exc_info:
        custom_fields_clean(target="unit", values={"so_nguoi": 0, "he_so": "10,5"})
    errors = errors_of(exc_info)
    assert "at least 1" in errors["custom_fields.so_nguoi"][0]
    assert "at most 10" in errors["custom_fields.he_so"][0]
    with pytest.raises(ValidationError) as exc_info:
        custom_fields_clean(target="unit", values={"so_nguoi": "2.5"})
    assert "whole number" in errors_of(exc_info)["custom_fields.so_nguoi"][0]
    assert custom_fields_clean(target="unit", values={"so_nguoi": "1.000", "he_so": "2,50"}) == {
        "so_nguoi": 1000,
        "he_so": "2.5",
    }


def test_dates_and_booleans_are_stored_json_ready():
    define(key="ngay_qd", field_type="date")
    define(key="tu_chu", field_type="boolean")
    assert custom_fields_clean(target="unit", values={"ngay_qd": "05/09/2025", "tu_chu": "Có"}) == {
        "ngay_qd": "2025-09-05",
        "tu_chu": True,
    }
    with pytest.raises(ValidationError) as exc_info:
        custom_fields_clean(target="unit", values={"ngay_qd": "31/02/2025"})
    assert "date" in errors_of(exc_info)["custom_fields.ngay_qd"][0]


def test_unique_among_other_units(province):
    define(key="ma_ngan_sach", field_type="text", unique=True)
    unit_update(unit=province["noi_vu"], changes={"custom_fields": {"ma_ngan_sach": "1234567"}})
    with pytest.raises(ValidationError) as exc_info:
        unit_update(unit=province["tai_chinh"], changes={"custom_fields": {"ma_ngan_sach": "1234567"}})
    assert "Sở Nội vụ" in errors_of(exc_info)["custom_fields.ma_ngan_sach"][0]
    assert fresh(province["tai_chinh"]).custom_fields == {}
    # The unit itself may keep its value.
    unit_update(unit=fresh(province["noi_vu"]), changes={"custom_fields": {"ma_ngan_sach": "1234567"}})
    assert fresh(province["noi_vu"]).custom_fields == {"ma_ngan_sach": "1234567"}


def test_a_field_book_answers_unique_checks_from_one_read(province, django_assert_num_queries):
    define(key="ma_so", field_type="integer", unique=True)
    unit_update(unit=province["noi_vu"], changes={"custom_fields": {"ma_so": 1000}})
    unit_update(unit=province["tai_chinh"], changes={"custom_fields": {"ma_so": 7}})
    book = FieldBook()
    book.of("unit")
    with django_assert_num_queries(1):  # the holders of the values asked, typed or stored
        book.hold("unit", {"ma_so": ["1.000", 7, 8, "not a number"]})
    assert (book.holders("unit", "ma_so", 1000), book.holders("unit", "ma_so", 8)) == ([province["noi_vu"].pk], [])
    assert book.holders("unit", "ma_so", 9) is None  # not asked: the check queries it
    with django_assert_num_queries(0):
        assert custom_fields_clean(target="unit", values={"ma_so": "8"}, book=book) == {"ma_so": 8}
        # The unit's own value is its own.
        assert custom_fields_clean(
            target="unit", values={"ma_so": 7}, owner_pk=province["tai_chinh"].pk, book=book
        ) == {"ma_so": 7}
    with django_assert_num_queries(1), pytest.raises(ValidationError) as exc_info:  # the holder, to name it
        custom_fields_clean(target="unit", values={"ma_so": "1000"}, owner_pk=province["tai_chinh"].pk, book=book)
    assert "Sở Nội vụ" in errors_of(exc_info)["custom_fields.ma_so"][0]
    with django_assert_num_queries(1):  # a value not read ahead
        assert custom_fields_clean(target="unit", values={"ma_so": 9}, book=book) == {"ma_so": 9}


def test_choice_codes_must_be_entries_in_use():
    define(key="dan_toc_chinh", field_type="choice", catalogue="dan_toc")
    with pytest.raises(ValidationError) as exc_info:
        custom_fields_clean(target="unit", values={"dan_toc_chinh": "999"})
    assert "999" in errors_of(exc_info)["custom_fields.dan_toc_chinh"][0]
    assert custom_fields_clean(target="unit", values={"dan_toc_chinh": "01"}) == {"dan_toc_chinh": "01"}
    kind = CatalogueKind.objects.get(code="dan_toc")
    kind.entries.filter(code="02").update(active=False)
    with pytest.raises(ValidationError):
        custom_fields_clean(target="unit", values={"dan_toc_chinh": "02"})


def test_multiple_choice_is_a_list_of_codes():
    define(key="loai_nhan_su_co", field_type="multiple_choice", catalogue="loai_nhan_su")
    assert custom_fields_clean(target="unit", values={"loai_nhan_su_co": ["CC", "VC", "CC"]}) == {
        "loai_nhan_su_co": ["CC", "VC"]
    }
    assert custom_fields_clean(target="unit", values={"loai_nhan_su_co": "CC; VC"}) == {"loai_nhan_su_co": ["CC", "VC"]}
    with pytest.raises(ValidationError) as exc_info:
        custom_fields_clean(target="unit", values={"loai_nhan_su_co": ["CC", "XX"]})
    assert "XX" in errors_of(exc_info)["custom_fields.loai_nhan_su_co"][0]


def test_unknown_keys_are_refused():
    with pytest.raises(ValidationError) as exc_info:
        custom_fields_clean(target="unit", values={"khong_co": 1})
    assert "no custom field 'khong_co'" in errors_of(exc_info)["custom_fields.khong_co"][0]


def test_personnel_category_limits_where_a_field_applies():
    define(key="bac_luong", field_type="integer", target="dossier", required=True, personnel_categories=["CC"])
    assert custom_fields_clean(target="dossier", values={}, personnel_category="VC") == {}
    with pytest.raises(ValidationError):
        custom_fields_clean(target="dossier", values={}, personnel_category="CC")
    with pytest.raises(ValidationError) as exc_info:
        custom_fields_clean(target="dossier", values={"bac_luong": 3}, personnel_category="VC")
    assert "does not apply" in errors_of(exc_info)["custom_fields.bac_luong"][0]


def test_values_not_sent_keep_the_stored_ones(province):
    define(key="so_qd", field_type="text", required=True)
    define(key="so_nguoi", field_type="integer")
    unit_update(unit=province["noi_vu"], changes={"custom_fields": {"so_qd": "1", "so_nguoi": 5}})
    unit_update(unit=fresh(province["noi_vu"]), changes={"custom_fields": {"so_nguoi": None}})
    assert fresh(province["noi_vu"]).custom_fields == {"so_qd": "1"}


def test_invalid_value_changes_nothing(province):
    define(key="so_nguoi", field_type="integer", max_value="10")
    unit = province["noi_vu"]
    with pytest.raises(ValidationError):
        unit_update(unit=unit, changes={"name": "Sở Nội vụ mới", "custom_fields": {"so_nguoi": 11}})
    unit = fresh(unit)
    assert unit.name == "Sở Nội vụ"
    assert unit.custom_fields == {}


def test_unit_create_checks_custom_fields(province):
    define(key="so_nguoi", field_type="integer", required=True)
    with pytest.raises(ValidationError) as exc_info:
        make_unit("Phòng mới", parent=province["noi_vu"], type_code="PHONG", custom_fields={})
    assert "custom_fields.so_nguoi" in errors_of(exc_info)
    unit = make_unit("Phòng mới", parent=fresh(province["noi_vu"]), type_code="PHONG", custom_fields={"so_nguoi": "7"})
    assert fresh(unit).custom_fields == {"so_nguoi": 7}


def test_file_upload_is_stored_and_paths_are_checked(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    define(key="quyet_dinh", field_type="file")
    upload = SimpleUploadedFile("qd 12.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    stored = custom_fields_clean(target="unit", values={"quyet_dinh": upload})
    path = stored["quyet_dinh"]
    assert path.startswith("custom_fields/unit/quyet_dinh/") and path.endswith(".pdf")
    assert default_storage.open(path).read() == b"%PDF-1.4 test"
    assert custom_fields_clean(target="unit", values={"quyet_dinh": path}) == {"quyet_dinh": path}
    with pytest.raises(ValidationError):
        custom_fields_clean(target="unit", values={"quyet_dinh": "custom_fields/unit/other/x.pdf"})
    with pytest.raises(ValidationError):
        custom_fields_clean(
            target="unit", values={"quyet_dinh": SimpleUploadedFile("x.exe", b"MZ", content_type="application/x")}
        )


def test_no_migration_is_needed(capsys):
    define(key="so_nguoi", field_type="integer")
    call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    assert "No changes detected" in capsys.readouterr().out
