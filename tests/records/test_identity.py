"""records.identity: the 12-digit personal identification number is normalized, checked and decoded.

The birth-registration codes come from the standard catalogue loaded by tests/conftest.py; messages are asserted in
English (``override("en")``) so the tests do not depend on the Vietnamese catalogue.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from portal.models import CatalogueEntry, CatalogueKind
from portal.services.catalogues import entry_create, entry_delete, entry_retire
from records.identity import (
    BIRTH_PLACE_KIND,
    looks_mangled_by_excel,
    personal_id_birth_year,
    personal_id_clean,
    personal_id_sex,
)

pytestmark = pytest.mark.django_db

MALE_1990_HA_NOI = "001090000001"
FEMALE_2001_DONG_THAP = "087301000123"
SPREADSHEET = "mangled by a spreadsheet program"
FIX = "Format the column as Text, then type or paste the 12-digit number again."


def messages(value, **kwargs) -> dict[str, list[str]]:
    """The English messages ``personal_id_clean`` raises for ``value``, by field."""
    with override("en"), pytest.raises(ValidationError) as excinfo:
        personal_id_clean(value, **kwargs)
    return excinfo.value.message_dict


def only_message(value, **kwargs) -> str:
    [message] = messages(value, **kwargs)["personal_id"]
    return message


def test_the_birth_place_catalogue_is_shipped_with_the_63_former_provinces():
    kind = CatalogueKind.objects.get(code=BIRTH_PLACE_KIND)
    codes = list(kind.entries.values_list("code", flat=True))
    assert len(codes) == 63
    assert {"001", "079", "087", "096"} <= set(codes)
    assert all(len(code) == 3 and code.startswith("0") for code in codes)
    assert CatalogueEntry.objects.get(kind=kind, code="087").label == "Đồng Tháp"
    assert kind.code_system == "TT59/2021/TT-BCA"


@pytest.mark.parametrize(
    ("value", "birth_date", "sex"),
    [
        (MALE_1990_HA_NOI, datetime.date(1990, 5, 17), "1"),
        (FEMALE_2001_DONG_THAP, datetime.date(2001, 1, 1), "2"),
    ],
)
def test_valid_numbers_are_returned_unchanged(value, birth_date, sex):
    assert personal_id_clean(value) == value
    assert personal_id_clean(value, birth_date=birth_date, sex=sex) == value


@pytest.mark.parametrize(
    "typed",
    [
        "001 090 000 001",
        " 001090000001 ",
        "001.090.000.001",
        "001-090-000-001",
        "001\u00a0090\u00a0000\u00a0001",
        "001 – 090 – 000 – 001",
        "\t001090000001\n",
        "'001090000001",
    ],
)
def test_separators_whitespace_and_the_text_apostrophe_are_removed(typed):
    assert personal_id_clean(typed) == MALE_1990_HA_NOI


def test_unicode_digits_are_nfc_normalized_text_not_accepted_as_ascii_digits():
    # Fullwidth digits survive NFC: they are not the 12 ASCII digits the number is stored as.
    message = only_message("００１０９００００００１")
    assert "must be exactly 12 digits, without letters or other signs" in message


@pytest.mark.parametrize("empty", ["", "   ", None, float("nan"), "\u00a0"])
def test_an_empty_value_is_required(empty):
    assert only_message(empty) == "Enter the personal identification number (12 digits)."


@pytest.mark.parametrize(
    "mangled",
    ["1.2345E+11", "1,2345E+11", "1.23457e+11", "8.73010E+10", " 1.09E+09 ", "1.0900000001E+09"],
)
def test_scientific_notation_is_refused_as_mangled_by_a_spreadsheet(mangled):
    message = only_message(mangled)
    assert SPREADSHEET in message
    assert FIX in message
    assert f"'{mangled.strip()}'" in message
    assert "probably" not in message


@pytest.mark.parametrize(
    ("lost_zero", "original"),
    [
        ("1090000001", MALE_1990_HA_NOI),
        ("87301000123", FEMALE_2001_DONG_THAP),
        ("1 090 000 001", MALE_1990_HA_NOI),
        ("1090000001.0", MALE_1990_HA_NOI),
        ("87301000123,0", FEMALE_2001_DONG_THAP),
    ],
)
def test_a_lost_leading_zero_is_refused_with_the_likely_original(lost_zero, original):
    message = only_message(lost_zero)
    assert SPREADSHEET in message
    assert "dropped its leading zero(s)" in message
    assert f"it was probably {original}." in message
    assert FIX in message


@pytest.mark.parametrize(
    ("cell", "original"),
    [
        (1090000001, MALE_1990_HA_NOI),
        (87301000123, FEMALE_2001_DONG_THAP),
        (1090000001.0, MALE_1990_HA_NOI),
        (Decimal("87301000123"), FEMALE_2001_DONG_THAP),
    ],
)
def test_a_number_cell_is_refused_with_the_likely_original(cell, original):
    message = only_message(cell)
    assert SPREADSHEET in message
    assert f"'{cell}'" in message
    assert f"it was probably {original}." in message


@pytest.mark.parametrize("cell", [123450000000.0, 1.2345e11, 12.5, 187301000123, float("inf")])
def test_a_number_cell_that_cannot_be_recovered_is_still_refused_as_mangled(cell):
    message = only_message(cell)
    assert SPREADSHEET in message
    assert FIX in message
    assert "probably" not in message


def test_a_number_ending_in_point_zero_with_twelve_digits_is_refused_as_mangled():
    message = only_message("001090000001.0")
    assert SPREADSHEET in message
    assert "probably" not in message


@pytest.mark.parametrize(
    ("value", "count"),
    [
        ("00109000001", 11),  # starts with 0, so no spreadsheet stripped it
        ("0010900000012", 13),
        ("12345", 5),
        ("9876543210123", 13),
    ],
)
def test_a_wrong_number_of_digits_is_refused_with_the_count(value, count):
    assert only_message(value) == (
        f"The personal identification number must be exactly 12 digits (digits given: {count})."
    )


def test_eleven_digits_restoring_to_an_unknown_code_are_a_length_error_not_a_spreadsheet_one():
    # Zero-padded, "98765432101" would start with 098, which is no birth-registration code.
    assert only_message("98765432101") == (
        "The personal identification number must be exactly 12 digits (digits given: 11)."
    )


@pytest.mark.parametrize(
    ("value", "length"),
    [("00109000000A", 12), ("CCCD001090000001", 16), ("001/090/000/001", 15), ("---", 0)],
)
def test_letters_and_other_signs_are_refused(value, length):
    assert only_message(value) == (
        "The personal identification number must be exactly 12 digits, without letters or other signs "
        f"(given: '{value}', length {length})."
    )


def test_an_unknown_birth_registration_code_is_refused_naming_it():
    message = only_message("003090000001")
    assert message.startswith(
        "The first 3 digits of the personal identification number, 003, are not a known birth-registration place code."
    )
    assert "catalogue of birth-registration place codes" in message


def test_a_retired_birth_registration_code_is_still_accepted():
    entry = CatalogueEntry.objects.get(kind__code=BIRTH_PLACE_KIND, code="087")
    entry_retire(entry=entry)
    assert personal_id_clean(FEMALE_2001_DONG_THAP) == FEMALE_2001_DONG_THAP


def test_a_code_added_by_an_admin_applies_at_once():
    assert "003" in only_message("003090000001")
    kind = CatalogueKind.objects.get(code=BIRTH_PLACE_KIND)
    entry_create(kind=kind, values={"code": "003", "label": "Mã thử nghiệm", "order": 99})
    assert personal_id_clean("003090000001") == "003090000001"


def test_an_empty_catalogue_skips_the_code_check():
    for entry in CatalogueEntry.objects.filter(kind__code=BIRTH_PLACE_KIND):
        entry_delete(entry=entry)
    assert not CatalogueEntry.objects.filter(kind__code=BIRTH_PLACE_KIND).exists()
    assert personal_id_clean("003090000001") == "003090000001"
    # Without codes, any 10 or 11 digits not starting with 0 are taken for a lost leading zero.
    assert "it was probably 098765432101." in only_message("98765432101")


@pytest.mark.parametrize(
    ("value", "birth_date", "encoded"),
    [
        (MALE_1990_HA_NOI, datetime.date(1991, 1, 1), 1990),
        (MALE_1990_HA_NOI, datetime.date(2090, 1, 1), 1990),
        (FEMALE_2001_DONG_THAP, datetime.date(1901, 3, 8), 2001),
    ],
)
def test_a_birth_year_mismatch_is_refused_stating_both_years(value, birth_date, encoded):
    assert only_message(value, birth_date=birth_date) == (
        f"The personal identification number encodes the birth year {encoded}, "
        f"but the date of birth given is in {birth_date.year}."
    )


def test_a_datetime_birth_date_is_compared_by_its_year():
    birth = datetime.datetime(1990, 12, 31, 23, 0)
    assert personal_id_clean(MALE_1990_HA_NOI, birth_date=birth) == MALE_1990_HA_NOI


def test_a_man_entered_as_female_is_refused():
    assert only_message(MALE_1990_HA_NOI, sex="2") == (
        "The personal identification number belongs to a man (its 4th digit, 0, is even), but the sex given is female."
    )


def test_a_woman_entered_as_male_is_refused():
    assert only_message(FEMALE_2001_DONG_THAP, sex="1") == (
        "The personal identification number belongs to a woman (its 4th digit, 3, is odd), but the sex given is male."
    )


@pytest.mark.parametrize("sex", ["", "9", None])
def test_a_sex_outside_the_catalogue_is_not_checked(sex):
    assert personal_id_clean(FEMALE_2001_DONG_THAP, sex=sex) == FEMALE_2001_DONG_THAP


def test_code_year_and_sex_problems_are_reported_together():
    [code, year, sex] = messages("003090000001", birth_date=datetime.date(1991, 1, 1), sex="2")["personal_id"]
    assert "003" in code
    assert "birth year 1990" in year
    assert "belongs to a man" in sex


def test_errors_are_keyed_by_the_field_given():
    assert list(messages("", field="so_dinh_danh")) == ["so_dinh_danh"]
    assert list(messages("1090000001", field="cccd")) == ["cccd"]
    assert list(messages(MALE_1990_HA_NOI, sex="2", field="so_cccd")) == ["so_cccd"]


def test_the_default_field_is_personal_id():
    assert list(messages("12345")) == ["personal_id"]


@pytest.mark.parametrize(
    ("value", "year", "sex"),
    [
        (MALE_1990_HA_NOI, 1990, "1"),
        (FEMALE_2001_DONG_THAP, 2001, "2"),
        ("001 099 000 001", 1999, "1"),
        ("001100000001", 1900, "2"),
        ("001245000001", 2045, "1"),
        ("001445000001", 2145, "1"),
        ("001599000001", 2199, "2"),
        ("001600000001", 2200, "1"),
        ("001789000001", 2289, "2"),
        ("001812000001", 2312, "1"),
        ("001999000001", 2399, "2"),
    ],
)
def test_decode_helpers(value, year, sex):
    assert personal_id_birth_year(value) == year
    assert personal_id_sex(value) == sex


@pytest.mark.parametrize("value", ["", "1090000001", "00109000000A", "0010900000012"])
def test_decode_helpers_return_none_for_what_is_not_a_12_digit_number(value):
    assert personal_id_birth_year(value) is None
    assert personal_id_sex(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.2345E+11", True),
        ("1,2345E+11", True),
        ("1.23457e+11", True),
        (1090000001, True),
        (1090000001.0, True),
        ("1090000001", True),
        ("87301000123", True),
        ("1090000001.0", True),
        ("001090000001.0", True),
        (MALE_1990_HA_NOI, False),
        ("001 090 000 001", False),
        ("001.090.000.001", False),
        ("00109000001", False),
        ("12345", False),
        ("0010900000AB", False),
        ("", False),
        (None, False),
        (True, False),
    ],
)
def test_looks_mangled_by_excel(value, expected):
    assert looks_mangled_by_excel(value) is expected


def test_looks_mangled_by_excel_checks_the_restored_code_when_codes_are_given():
    assert looks_mangled_by_excel("98765432101") is True
    assert looks_mangled_by_excel("98765432101", known_codes={"001", "087"}) is False
    assert looks_mangled_by_excel("87301000123", known_codes={"001", "087"}) is True
    # Scientific notation and number cells cannot be restored, so the codes do not matter for them.
    assert looks_mangled_by_excel("1.2345E+11", known_codes={"001"}) is True
