"""Exported cell values as the import reads them, the approved content only, the xlsx and csv files
parsed back, streaming while rows are read, and a query count that does not grow."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from imports.exports.csv_stream import export_csv_stream
from imports.exports.rows import BATCH, export_rows
from imports.exports.xlsx import export_xlsx_stream
from imports.specs import import_spec
from records.models import Dossier
from records.services.dossiers import dossier_change, dossier_create
from tests.imports.exports.conftest import (
    BINH,
    CUONG,
    THANG,
    by_id,
    identity,
    rows_of,
)
from tests.records.factories import content

# --- values ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cells_are_written_as_the_import_reads_them(people, province):
    columns, rows = rows_of(user=None, target="dossiers", unit=province["root"])
    thang = by_id(columns, rows)[THANG]
    assert thang["unit"] == "000.00.05.H20"
    assert thang["identity.birth_date"] == datetime.date(1990, 5, 17)
    assert thang["identity.phone"] == "0912000111"
    assert thang["identity.social_insurance_number"] == "0123456789"
    assert thang["salary.salary_step"] == 3
    assert thang["salary.salary_percent"] == "85,00"
    assert thang["salary.position_allowance"] == "0,30"
    assert thang["salary.job_salary_amount"] == 5200000
    assert thang["health.blood_group"] == "AB"
    assert thang["identity.ethnicity"] == "01"
    assert thang["custom.he_so_uu_dai"] == "2,5"
    assert thang["custom.ngay_vao_doan"] == datetime.date(2006, 3, 26)
    assert thang["custom.so_con"] == 2
    assert thang["custom.xep_loai_2024"] == "HTTNV"
    assert thang["identity.other_names"] is None
    rows = by_id(columns, rows)
    assert rows[CUONG]["unit"] is None  # a division without a code: the import's unit applies
    assert rows[CUONG]["identity.full_name"] == "Lê Minh Cường"
    # Bình's pending change is what the export shows (what an import compares with).
    assert (rows[BINH]["salary.salary_step"], rows[BINH]["salary.salary_coefficient"]) == (4, "3,66")
    assert Dossier.objects.get(personal_id=BINH).salary_step == 3
    _columns, history = rows_of(user=None, target="work_history", unit=province["root"])
    assert {row[1] for row in history if row[0] == CUONG} == {"Lê Minh Cường"}
    columns, rows = rows_of(user=None, target="salary_history", unit=province["root"])
    assert [row for row in rows if row[0] == THANG] == [
        [THANG, "Nguyễn Văn Thắng", datetime.date(2021, 1, 1), datetime.date(2023, 12, 31), "01.003", 2, "2,67", None],
        [THANG, "Nguyễn Văn Thắng", datetime.date(2024, 1, 1), None, "01.003", 3, "3,00", 5200000],
    ]


@pytest.mark.django_db
def test_the_approved_content_only_leaves_out_the_changes_awaiting_approval(people, province):
    columns, rows = rows_of(user=None, target="dossiers", unit=province["root"], approved=True)
    rows = by_id(columns, rows)
    # Bình's step 4 and Cường's new name await approval: the approved content is exported.
    assert (rows[BINH]["salary.salary_step"], rows[BINH]["salary.salary_coefficient"]) == (3, "3,00")
    assert rows[CUONG]["identity.full_name"] == Dossier.objects.get(personal_id=CUONG).full_name != "Lê Minh Cường"
    assert rows[THANG]["salary.salary_step"] == 3  # no pending change: the same either way
    _columns, history = rows_of(user=None, target="work_history", unit=province["root"], approved=True)
    assert {row[1] for row in history if row[0] == CUONG} == {Dossier.objects.get(personal_id=CUONG).full_name}
    # The default stays the latest content (what an import compares with).
    columns, rows = rows_of(user=None, target="dossiers", unit=province["root"])
    assert by_id(columns, rows)[BINH]["salary.salary_step"] == 4


@pytest.mark.django_db
def test_xlsx_parses_back(people, province):
    columns, rows = export_rows(user=None, target="dossiers", unit=province["root"])
    data = b"".join(export_xlsx_stream(columns, rows, sheet_name=import_spec("dossiers").sheet_name))
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert workbook.sheet_names == ["Hồ sơ"]
    sheet = workbook.get_sheet_by_index(0).to_python()
    header, body = sheet[0], sheet[1:]
    assert header == [column.header for column in columns]
    assert len(body) == 4
    thang = next(dict(zip(header, row, strict=True)) for row in body if row[0] == THANG)
    column = {c.key: c.header for c in columns}
    assert thang[column["identity.birth_date"]] == datetime.date(1990, 5, 17)
    assert thang[column["identity.phone"]] == "0912000111"
    assert thang[column["salary.salary_coefficient"]] == "3,33"
    assert thang[column["custom.so_the_dang"]] == "=79.123"  # a string cell, never a formula
    assert thang[column["remarks.remarks"]] == "Dòng một\nDòng hai & <ba>"
    # Excel-side readers agree: openpyxl sees text cells formatted as Text, dates as dd/mm/yyyy.
    sheet = load_workbook(io.BytesIO(data))["Hồ sơ"]
    assert sheet.freeze_panes == "B2"
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == THANG)
    assert (row[0].data_type, row[0].number_format) == ("s", "@")
    birth = [c.key for c in columns].index("identity.birth_date")
    assert (row[birth].value, row[birth].number_format) == (datetime.datetime(1990, 5, 17), "dd/mm/yyyy")


@pytest.mark.django_db
def test_csv_parses_back(people, province):
    columns, rows = export_rows(user=None, target="dossiers", unit=province["root"])
    data = b"".join(export_csv_stream(columns, rows))
    assert data.startswith(codecs.BOM_UTF8)
    table = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert table[0] == [column.header for column in columns]
    assert len(table) == 5
    keys = [column.key for column in columns]
    thang = dict(zip(keys, next(row for row in table if row[0] == THANG), strict=True))
    assert thang["identity.birth_date"] == "17/05/1990"
    assert thang["salary.salary_coefficient"] == "3,33"
    assert thang["salary.salary_step"] == "3"
    assert thang["identity.other_names"] == ""
    assert thang["custom.so_the_dang"] == "'=79.123"  # no formula when a spreadsheet opens the csv


@pytest.mark.django_db
def test_xlsx_is_streamed_while_rows_are_read():
    columns = list(import_spec("work_history").columns)
    consumed = []

    def rows():
        for number in range(3 * BATCH + 10):
            consumed.append(number)
            yield ["087090000201", "Nguyễn Văn Thắng", "01/2020", None, f"Nơi làm việc {number}", None]

    stream = export_xlsx_stream(columns, rows())
    chunks = [next(stream)]  # the workbook's fixed parts, before any row is read
    assert consumed == []
    chunks.append(next(stream))
    assert len(consumed) == BATCH  # one batch read, its bytes already out
    chunks += list(stream)
    assert len(chunks) >= 5 and all(chunks[1:-1])
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(chunks))).get_sheet_by_index(0).to_python()
    assert len(sheet) == 3 * BATCH + 11
    assert sheet[-1][4] == f"Nơi làm việc {3 * BATCH + 9}"


def query_count(**kwargs) -> tuple[int, int]:
    """(queries, rows) of one export, read to the end."""
    with CaptureQueriesContext(connection) as queries:
        rows = rows_of(**kwargs)[1]
    return len(queries), len(rows)


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_dossiers(people, province, clerk, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert len(rows_of(user=None, target="dossiers", unit=province["root"])[1]) == 4
    with django_assert_max_num_queries(4):
        assert len(rows_of(user=None, target="salary_history", unit=province["root"])[1]) == 2
    before = [query_count(user=clerk, target=target) for target in ("dossiers", "work_history")]
    assert [queries for queries, _rows in before] == [7, 7]
    for number in range(5, 9):
        person = dossier_create(
            unit=province["chi_cuc"],
            personal_id=f"08709000020{number}",
            content=content(identity=identity(f"Võ Văn Năm {number}")),
        )
        dossier_change(dossier=person, sections={"health": {"health_status": "Tốt"}}, actor=None, expected_version=1)
    after = [query_count(user=clerk, target=target) for target in ("dossiers", "work_history")]
    assert [rows for _queries, rows in after] == [7, 8]
    assert [queries for queries, _rows in after] == [7, 7]
