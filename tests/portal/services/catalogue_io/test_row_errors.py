"""Row errors in an imported workbook: each reported with its row and column, in row order, and
nothing written."""

from __future__ import annotations

import datetime

import pytest

from portal.services.catalogue_io.importing import catalogue_import_xlsx
from tests.portal.services.catalogue_io.conftest import (
    append,
    catalogue_state,
    column_number,
    headers,
    kind,
    row_of,
    set_label,
    to_bytes,
    with_trailing_empty_rows,
    workbook_of,
)

pytestmark = pytest.mark.django_db


# --- row errors: reported with row and column, nothing written --------------------------------------


def _assert_nothing_written(result, before) -> None:
    assert result.applied is False
    assert (result.created, result.updated) == (0, 0)
    assert catalogue_state() == before


def test_code_typed_as_a_number_is_refused():
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    set_label(sheet, dan_toc, "02", "Tày (Thổ)")  # a valid change that must not be written
    sheet.cell(row=row_of(sheet, "01"), column=1, value=1)
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=dan_toc, content=to_bytes(workbook))
    [error] = result.errors
    assert (error.row, error.column) == (2, headers(dan_toc)["code"])
    assert "1" in error.message
    _assert_nothing_written(result, before)


def test_unknown_salary_group_is_refused_with_its_row():
    ngach = kind("ngach_cdnn")
    workbook, sheet = workbook_of(ngach)
    set_label(sheet, ngach, "01.001", "Chuyên viên cao cấp (sửa)")
    row = row_of(sheet, "01.003")
    sheet.cell(row=row, column=column_number(ngach, "attr:salary_group"), value="Z9")
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=ngach, content=to_bytes(workbook))
    [error] = result.errors
    assert error.row == row
    assert "Z9" in error.message
    assert "Nhóm lương" in error.message
    _assert_nothing_written(result, before)


def test_unknown_salary_group_is_reported_in_its_own_column():
    ngach = kind("ngach_cdnn")
    workbook, sheet = workbook_of(ngach)
    row = row_of(sheet, "01.003")
    sheet.cell(row=row, column=column_number(ngach, "attr:salary_group"), value="Z9")
    result = catalogue_import_xlsx(kind=ngach, content=to_bytes(workbook))
    [error] = result.errors
    assert (error.row, error.column) == (row, headers(ngach)["attr:salary_group"])


def test_two_rows_with_the_same_code_and_start_are_refused():
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    set_label(sheet, dan_toc, "02", "Tày (Thổ)")
    duplicate = append(sheet, dan_toc, code="57", label="Mới")
    again = append(sheet, dan_toc, code="57", label="Mới, lần hai")
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=dan_toc, content=to_bytes(workbook))
    [error] = result.errors
    assert (error.row, error.column) == (again, headers(dan_toc)["code"])
    assert str(duplicate) in error.message
    _assert_nothing_written(result, before)


def test_period_overlapping_an_existing_entry_is_refused():
    base = kind("luong_co_so")
    workbook, sheet = workbook_of(base)
    set_label(sheet, base, "2019-07", "1.490.000 đồng")
    row = append(
        sheet,
        base,
        code="2024-07",
        label="Mức sai",
        valid_from=datetime.datetime(2025, 1, 1),
        attr_amount="2500000",
    )
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=base, content=to_bytes(workbook))
    [error] = result.errors
    assert (error.row, error.column) == (row, headers(base)["valid_from"])
    assert "01/07/2024" in error.message
    _assert_nothing_written(result, before)


def test_overlapping_periods_within_the_file_are_refused():
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    append(sheet, dan_toc, code="T1", label="Từ 2020", valid_from=datetime.datetime(2020, 1, 1))
    second = append(sheet, dan_toc, code="T1", label="Từ 2021", valid_from=datetime.datetime(2021, 1, 1))
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=dan_toc, content=to_bytes(workbook))
    assert [error.row for error in result.errors] == [second]
    _assert_nothing_written(result, before)


def test_unknown_parent_code_is_refused():
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    set_label(sheet, dan_toc, "02", "Tày (Thổ)")
    row = row_of(sheet, "03")
    sheet.cell(row=row, column=column_number(dan_toc, "parent"), value="99")
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=dan_toc, content=to_bytes(workbook))
    [error] = result.errors
    assert (error.row, error.column) == (row, headers(dan_toc)["parent"])
    assert "99" in error.message
    _assert_nothing_written(result, before)


def test_every_bad_row_is_reported_in_row_order():
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    parent_row = row_of(sheet, "10")
    sheet.cell(row=parent_row, column=column_number(dan_toc, "parent"), value="XX")
    number_row = row_of(sheet, "05")
    sheet.cell(row=number_row, column=1, value=5)
    label_row = append(sheet, dan_toc, code="58", label="  ")
    date_row = append(sheet, dan_toc, code="59", label="Mới", valid_from="31/02/2026")
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=dan_toc, content=to_bytes(workbook))
    found = [(error.row, error.column) for error in result.errors]
    assert found == [
        (number_row, headers(dan_toc)["code"]),
        (parent_row, headers(dan_toc)["parent"]),
        (label_row, headers(dan_toc)["label"]),
        (date_row, headers(dan_toc)["valid_from"]),
    ]
    _assert_nothing_written(result, before)


def test_blank_rows_in_the_middle_are_skipped_and_rows_keep_their_sheet_numbers():
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    assert sheet.max_row == 57
    # rows 58 and 59 stay empty; row 60 holds a code typed as a number
    sheet.cell(row=60, column=column_number(dan_toc, "code"), value=60)
    sheet.cell(row=60, column=column_number(dan_toc, "label"), value="Số")
    content = with_trailing_empty_rows(to_bytes(workbook), 3)
    result = catalogue_import_xlsx(kind=dan_toc, content=content)
    [error] = result.errors
    assert (error.row, error.column) == (60, headers(dan_toc)["code"])
