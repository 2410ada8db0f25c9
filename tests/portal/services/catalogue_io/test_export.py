"""Exporting a catalogue to xlsx: the spec headers, every entry, codes kept as text, dates and
retired entries."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from portal.models import CatalogueEntry
from portal.services.catalogue_io.columns import SHEET_NAME, catalogue_columns
from portal.services.catalogue_io.export import catalogue_export_xlsx
from tests.portal.services.catalogue_io.conftest import (
    column_number,
    kind,
    row_of,
    workbook_of,
)

pytestmark = pytest.mark.django_db


# --- export ------------------------------------------------------------------------------------


def test_export_has_the_spec_headers_and_every_entry(django_assert_max_num_queries):
    ngach = kind("ngach_cdnn")
    with django_assert_max_num_queries(2):
        content = catalogue_export_xlsx(kind=ngach)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames[0] == SHEET_NAME
    assert len(workbook.sheetnames) == 2  # the data and the instructions
    sheet = workbook[SHEET_NAME]
    header_row = [cell.value for cell in sheet[1]]
    assert header_row == [column.header for column in catalogue_columns(ngach)]
    assert len(header_row) == 10 + 5
    for key in ("salary_group", "personnel_category", "rank", "sector", "legacy"):
        assert any(f"[{key}]" in title for title in header_row)
    assert header_row[column_number(ngach, "attr:salary_group") - 1] == "Nhóm lương [salary_group]"
    assert sheet.max_row - 1 == ngach.entries.count() == 83
    row = row_of(sheet, "01.003")
    assert sheet.cell(row=row, column=column_number(ngach, "label")).value == "Chuyên viên"
    assert sheet.cell(row=row, column=column_number(ngach, "code_system")).value == "BNV-NGACH-CDNN"
    assert sheet.cell(row=row, column=column_number(ngach, "attr:salary_group")).value == "A1"
    assert sheet.cell(row=row, column=column_number(ngach, "attr:personnel_category")).value == "CC"


def test_export_keeps_codes_as_text():
    dan_toc = kind("dan_toc")
    _workbook, sheet = workbook_of(dan_toc)
    codes = [row[0] for row in sheet.iter_rows(min_row=2, max_col=1)]
    assert [cell.value for cell in codes[:3]] == ["01", "02", "03"]
    assert "00" in {cell.value for cell in codes}
    for cell in codes:
        assert isinstance(cell.value, str)
        assert cell.data_type == "s"
        assert cell.number_format == "@"
    assert len(codes) == dan_toc.entries.count() == 56


def test_export_writes_dates_and_includes_retired_entries():
    base = kind("luong_co_so")
    CatalogueEntry.objects.filter(kind=base, code="2019-07").update(active=False)
    _workbook, sheet = workbook_of(base)
    row = row_of(sheet, "2024-07")
    start = sheet.cell(row=row, column=column_number(base, "valid_from"))
    end = sheet.cell(row=row, column=column_number(base, "valid_to"))
    assert start.value.date() == datetime.date(2024, 7, 1)
    assert end.value.date() == datetime.date(2026, 7, 1)
    assert start.number_format == "DD/MM/YYYY"
    assert sheet.cell(row=row, column=column_number(base, "attr:amount")).value == "2340000"
    old = row_of(sheet, "2019-07")
    assert (
        sheet.cell(row=old, column=column_number(base, "active")).value
        != sheet.cell(row=row, column=column_number(base, "active")).value
    )
