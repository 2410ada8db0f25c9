"""imports/cells.py: one cell read tolerantly into a content value, or a ValueError that completes
"Row N, column 'X': the value …"."""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal

import pytest
from django.utils import translation

from imports.cells import (
    CatalogueBook,
    RetiredCode,
    convert,
    parse_cell_date,
    parse_cell_decimal,
    parse_cell_integer,
    parse_cell_month,
)
from imports.specs import CHOICE, CODE, DATE, DECIMAL, ID_KIND, INTEGER, MONTH, TEXT, ColumnSpec
from portal.models import CatalogueKind
from portal.services.catalogues import entry_create, entry_retire

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def column(kind: str, field: str = "value", **kwargs) -> ColumnSpec:
    return ColumnSpec(key=field, header=field, kind=kind, field=field, **kwargs)


def problem(col: ColumnSpec, value, *, book=None) -> str:
    with pytest.raises(ValueError) as exc:
        convert(col, value, book=book or CatalogueBook(), today=TODAY)
    return str(exc.value)


def converted(col: ColumnSpec, value, *, book=None):
    return convert(col, value, book=book or CatalogueBook(), today=TODAY)


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "serial, expected",
    [
        (1, datetime.date(1900, 1, 1)),
        (59, datetime.date(1900, 2, 28)),
        (61, datetime.date(1900, 3, 1)),  # Excel's serials after its fictitious 29/02/1900 are one day ahead
        (62, datetime.date(1900, 3, 2)),
        (33010, datetime.date(1990, 5, 17)),
        (36526, datetime.date(2000, 1, 1)),
        (45000, datetime.date(2023, 3, 15)),
        (45000.75, datetime.date(2023, 3, 15)),  # a date with a time of day
        (33010.0, datetime.date(1990, 5, 17)),  # calamine gives floats
    ],
)
def test_excel_serials_are_dates(serial, expected):
    assert parse_cell_date(serial) == expected


def test_serial_60_the_day_excel_invented_is_read_as_the_next_real_day():
    # Excel shows serial 60 as 29/02/1900, which never was; it cannot be read as 28/02 (serial 59).
    assert parse_cell_date(60) == datetime.date(1900, 3, 1)
    assert parse_cell_date(59) != parse_cell_date(60)


@pytest.mark.parametrize("serial", [0, -1, 0.5, 73051, 10**12, 10**400])
def test_numbers_that_are_no_date_serial_are_refused(serial):
    with pytest.raises(ValueError):
        parse_cell_date(serial)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), -0.25])
def test_a_float_that_is_no_number_of_days_is_not_a_date(value):
    with pytest.raises(ValueError) as exc:
        parse_cell_date(value)
    assert str(exc.value) == "is not a date"


def test_a_number_out_of_the_date_range_says_it_is_a_number():
    with pytest.raises(ValueError) as exc:
        parse_cell_date(1234567)
    assert str(exc.value) == "is a number (1234567), not a date dd/mm/yyyy"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("17/05/1990", datetime.date(1990, 5, 17)),
        ("7/5/1990", datetime.date(1990, 5, 7)),
        ("17-05-1990", datetime.date(1990, 5, 17)),
        ("17.05.1990", datetime.date(1990, 5, 17)),
        ("7/5/90", datetime.date(1990, 5, 7)),
        ("1/2/05", datetime.date(2005, 2, 1)),
        ("29/02/2024", datetime.date(2024, 2, 29)),
        ("1990-05-17", datetime.date(1990, 5, 17)),
        ("1990-5-7", datetime.date(1990, 5, 7)),
        ("1990-05-17 00:00:00", datetime.date(1990, 5, 17)),  # a datetime exported to csv
        ("1990-05-17T08:30", datetime.date(1990, 5, 17)),
    ],
)
def test_dates_as_text(text, expected):
    assert parse_cell_date(text) == expected


def test_date_and_datetime_cells():
    assert parse_cell_date(datetime.date(1990, 5, 17)) == datetime.date(1990, 5, 17)
    assert parse_cell_date(datetime.datetime(1990, 5, 17, 23, 59)) == datetime.date(1990, 5, 17)


@pytest.mark.parametrize(
    "text, message",
    [
        ("31/02/2020", "'31/02/2020' is not a date that exists"),
        ("29/02/2023", "'29/02/2023' is not a date that exists"),
        ("13/13/2020", "'13/13/2020' is not a date that exists"),
        ("2020-02-30", "'2020-02-30' is not a date that exists"),
        ("17/05/1850", "has a year outside 1900–2100"),
        ("17 tháng 5 năm 1990", "'17 tháng 5 năm 1990' is not a date dd/mm/yyyy"),
        ("05/1990", "'05/1990' is not a date dd/mm/yyyy"),
        ("mười bảy", "'mười bảy' is not a date dd/mm/yyyy"),
    ],
)
def test_invalid_dates_are_refused_with_the_value(text, message):
    with pytest.raises(ValueError) as exc:
        parse_cell_date(text)
    assert str(exc.value) == message


def test_a_date_in_the_future_is_refused_except_where_it_may_lie_ahead():
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert problem(column(DATE, "birth_date"), tomorrow) == "16/06/2026 is in the future"
    assert problem(column(DATE, "birth_date"), "01/01/2030") == "01/01/2030 is in the future"
    assert converted(column(DATE, "birth_date"), TODAY) == "2026-06-15"
    # The end of a pay period, a reappointment: may be planned ahead.
    assert converted(column(DATE, "date_to"), "31/12/2030") == "2030-12-31"
    assert converted(column(DATE, "position_reappointed_on"), "01/01/2031") == "2031-01-01"


def test_a_date_is_converted_to_iso():
    assert converted(column(DATE, "birth_date"), "7/5/90") == "1990-05-07"
    assert converted(column(DATE, "birth_date"), 33010.0) == "1990-05-17"
    assert converted(column(DATE, "birth_date"), "   ") is None
    assert converted(column(DATE, "birth_date"), None) is None


# --- months --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("05/2010", "2010-05"),
        ("5/2010", "2010-05"),
        ("5.2010", "2010-05"),
        ("5-2010", "2010-05"),
        ("2010-05", "2010-05"),
        ("2010", "2010"),
        (2010, "2010"),
        (2010.0, "2010"),
        ("17/05/2010", "2010-05"),
        ("2010-05-17", "2010-05"),
        (datetime.date(2010, 5, 17), "2010-05"),
        (datetime.datetime(2010, 5, 17, 8, 0), "2010-05"),
        (40000, "2009-07"),  # a date serial
    ],
)
def test_months(value, expected):
    assert parse_cell_month(value) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        ("13/2010", "has a month outside 1–12"),
        ("00/2010", "has a month outside 1–12"),
        ("1850", "has a year outside 1900–2100"),
        ("05/1850", "has a year outside 1900–2100"),
        ("tháng 5", "'tháng 5' is not a month mm/yyyy or a year yyyy"),
        ("31/02/2010", "'31/02/2010' is not a month mm/yyyy or a year yyyy"),
    ],
)
def test_invalid_months_are_refused(value, message):
    with pytest.raises(ValueError) as exc:
        parse_cell_month(value)
    assert str(exc.value) == message


def test_a_month_in_the_future_is_refused_except_for_an_end():
    assert problem(column(MONTH, "period_from"), "07/2026") == "07/2026 is in the future"
    assert problem(column(MONTH, "period_from"), "2027") == "2027 is in the future"
    assert converted(column(MONTH, "period_from"), "06/2026") == "2026-06"
    assert converted(column(MONTH, "period_from"), "2026") == "2026"
    assert converted(column(MONTH, "period_to"), "12/2030") == "2030-12"


# --- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2,34", Decimal("2.34")),
        ("2.34", Decimal("2.34")),
        ("4.680.000", Decimal("4680000")),
        ("4 680 000", Decimal("4680000")),
        ("4\u00a0680\u00a0000", Decimal("4680000")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("12.345", Decimal("12345")),  # a thousands dot
        ("-0,5", Decimal("-0.5")),
        (2.34, Decimal("2.34")),
        (3, Decimal("3")),
        (1e20, Decimal("1E+20")),
    ],
)
def test_vietnamese_decimals(value, expected):
    assert parse_cell_decimal(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "hai phẩy ba",
        "1,2,3",
        "2,34đ",
        "NaN",
        "inf",
        "-Infinity",
        float("nan"),
        float("inf"),
        float("-inf"),
        "1e999999999",  # a billion-digit number once written out
        "1E-999999999",
    ],
)
def test_what_is_no_usable_number_is_refused(value):
    with pytest.raises(ValueError):
        parse_cell_decimal(value)


def test_a_zero_with_a_huge_exponent_is_zero_not_a_billion_zeros():
    assert parse_cell_decimal("0E-70000000000") == 0
    assert converted(column(DECIMAL, "salary_coefficient"), "0E-70000000000") == "0"
    assert converted(column(DECIMAL, "salary_coefficient"), "0,00") == "0.00"


def test_a_number_past_any_column_is_too_large():
    with pytest.raises(ValueError) as exc:
        parse_cell_decimal("1e31")
    assert str(exc.value) == "is too large"
    assert parse_cell_decimal("1e30") == Decimal("1E+30")


def test_a_decimal_column_gives_plain_text():
    assert converted(column(DECIMAL, "salary_coefficient"), "2,34") == "2.34"
    assert converted(column(DECIMAL, "salary_coefficient"), 4.68) == "4.68"
    assert converted(column(DECIMAL, "salary_coefficient"), "4.680.000") == "4680000"
    assert problem(column(DECIMAL, "salary_coefficient"), "ba") == "'ba' is not a number"


@pytest.mark.parametrize(
    "value, expected",
    [("3", 3), (" 12 ", 12), (3, 3), (3.0, 3), ("1.000", 1000), ("1,000", 1000), ("45 000", 45000), ("-2", -2)],
)
def test_integers(value, expected):
    assert parse_cell_integer(value) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        (3.5, "'3.5' is not a whole number"),
        ("3,5", "'3,5' is not a whole number"),
        ("ba", "'ba' is not a whole number"),
        (float("nan"), "'nan' is not a whole number"),
        (float("inf"), "'inf' is not a whole number"),
    ],
)
def test_non_integers_are_refused(value, message):
    with pytest.raises(ValueError) as exc:
        parse_cell_integer(value)
    assert str(exc.value) == message


# --- catalogues and choices ---------------------------------------------------------------------

ETHNICITY = ColumnSpec(key="identity.ethnicity", header="Dân tộc", kind=CODE, field="ethnicity", catalogue="dan_toc")
SEX = ColumnSpec(key="identity.sex", header="Giới tính", kind=CODE, field="sex", catalogue="gioi_tinh")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value, expected",
    [
        ("01", "01"),  # the code
        ("Kinh", "01"),  # the label
        ("KINH", "01"),
        ("  kinh ", "01"),
        ("Khơ-me", "05"),
        ("KHƠ-ME", "05"),
        ("kho-me", "05"),  # without accents
        ("Khmer", "05"),  # the English label
        ("05 - Khơ-me", "05"),  # the template's dropdown
        ("05 - Khmer (Cambodian)", "05"),  # a code followed by any label
        (unicodedata.normalize("NFD", "Khơ-me"), "05"),  # decomposed accents (text from the web)
    ],
)
def test_catalogue_values_by_code_label_or_code_and_label(value, expected):
    assert converted(ETHNICITY, value) == expected


@pytest.mark.django_db
def test_sex_by_label_in_any_case_and_accents():
    book = CatalogueBook()
    assert [converted(SEX, value, book=book) for value in ("Nam", "nữ", "NU", "Female", "1", "2")] == [
        "1",
        "2",
        "2",
        "2",
        "1",
        "2",
    ]


@pytest.mark.django_db
def test_an_unknown_catalogue_value_is_refused_with_the_value():
    assert problem(ETHNICITY, "Sao Hỏa") == "'Sao Hỏa' is neither a code nor a label in use in the catalogue"
    assert problem(ETHNICITY, "99 - Sao Hỏa") == (
        "'99 - Sao Hỏa' is neither a code nor a label in use in the catalogue"
    )


@pytest.mark.django_db
def test_a_label_shared_by_two_codes_is_ambiguous_but_the_codes_still_work():
    kind = CatalogueKind.objects.get(code="dan_toc")
    entry_create(kind=kind, values={"code": "99X", "label": "Kinh"})
    book = CatalogueBook()
    assert problem(ETHNICITY, "kinh", book=book) == "'kinh' names several entries of the catalogue; give the code"
    assert converted(ETHNICITY, "01", book=book) == "01"
    assert converted(ETHNICITY, "99X", book=book) == "99X"


@pytest.mark.django_db
def test_a_retired_catalogue_entry_is_read_by_its_code_only_and_marked():
    # Whether the dossier may keep it is the dossier's check (tests/imports/services/test_retired_codes.py).
    kind = CatalogueKind.objects.get(code="dan_toc")
    entry = kind.entries.get(code="05")
    entry_retire(entry=entry)
    assert "neither a code nor a label in use" in problem(ETHNICITY, "Khơ-me")
    assert type(converted(ETHNICITY, "05")) is RetiredCode


def test_choices_by_key_or_label_in_any_case():
    blood = column(CHOICE, "blood_group", choices=(("A", "A"), ("B", "B"), ("AB", "AB"), ("O", "O")))
    assert converted(blood, "ab") == "AB"
    assert converted(blood, " O ".strip()) == "O"
    assert problem(blood, "Z") == "'Z' is not one of: A, B, AB, O"


# --- identifiers and text ---------------------------------------------------------------------


@pytest.mark.parametrize("field", ["phone", "social_insurance_number", "health_insurance_number"])
def test_an_identifier_turned_into_a_number_by_excel_is_refused(field):
    message = problem(column(ID_KIND, field, max_length=20), 912345678.0)
    assert message == (
        "was turned into a number (912345678) by Excel and may have lost its leading zeros; format the column as "
        "Text and type it again"
    )


def test_an_identifier_typed_as_text_keeps_its_leading_zero():
    assert converted(column(ID_KIND, "phone", max_length=20), "0912345678") == "0912345678"
    assert converted(column(ID_KIND, "phone", max_length=20), "'0912345678") == "'0912345678"


def test_a_staff_number_cell_may_be_a_number():
    assert converted(column(ID_KIND, "staff_number", max_length=30), 1234.0) == "1234"


def test_text_is_nfc_and_its_length_is_checked():
    name = column(TEXT, "full_name", max_length=150)
    assert converted(name, unicodedata.normalize("NFD", "Nguyễn Văn Thắng")) == "Nguyễn Văn Thắng"
    assert problem(name, "A" * 151) == "is 151 characters long, over the limit of 150"
    assert converted(name, "A" * 150) == "A" * 150


def test_a_number_in_a_text_column_is_written_without_decimals():
    assert converted(column(TEXT, "title", max_length=200), 12.0) == "12"
    assert converted(column(TEXT, "title", max_length=200), 12.5) == "12.5"
    assert converted(column(TEXT, "title", max_length=200), datetime.date(2020, 1, 2)) == "02/01/2020"


def test_an_integer_column_gives_an_int():
    assert converted(column(INTEGER, "salary_step"), "3") == 3
    assert converted(column(INTEGER, "salary_step"), 3.0) == 3
    assert problem(column(INTEGER, "salary_step"), "3,5") == "'3,5' is not a whole number"


@pytest.mark.parametrize(
    "value", [datetime.date(2101, 1, 1), datetime.datetime(1899, 12, 31, 8, 0), datetime.date(9999, 12, 31)]
)
def test_a_date_cell_is_held_to_the_years_of_a_typed_date(value):
    for parse in (parse_cell_date, parse_cell_month):
        with pytest.raises(ValueError) as exc:
            parse(value)
        assert str(exc.value) == "has a year outside 1900–2100"
    # Even where a date may lie ahead.
    assert problem(column(DATE, "date_to"), value) == "has a year outside 1900–2100"
