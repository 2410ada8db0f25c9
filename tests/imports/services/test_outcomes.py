"""imports/services/outcomes.py (and imports/writers.py): the error workbook of the failed rows."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from imports.choices import RowOutcome
from imports.writers import ERROR_FILL
from tests.imports.conftest import (
    HEADERS,
    person_id,
    person_row,
    row_messages,
    run_job,
    workbook,
)

pytestmark = pytest.mark.django_db


# --- the error workbook ---------------------------------------------------------------------------


def error_book(job):
    with default_storage.open(job.error_file, "rb") as handle:
        data = handle.read()
    return data, load_workbook(io.BytesIO(data)).active


def test_the_error_workbook_holds_the_failed_rows_as_uploaded(units, clerk):
    content = workbook(
        [
            person_row(person_id(1)),
            person_row(person_id(2), phone=912345678),
            person_row(person_id(3), birth="31/02/1990", ethnicity="Sao Hỏa"),
            person_row(person_id(4)),
        ],
        title_row=True,
    )
    job, rows = run_job(actor=clerk, unit=units["a"], content=content, filename="ds-2026.xlsx")
    assert job.error_file
    _data, sheet = error_book(job)
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == [*HEADERS, "Row in the uploaded file", "Errors"]
    assert len(values) == 3  # only the failed rows
    second, third = values[1], values[2]
    assert second[:7] == [person_id(2), "Nguyễn Văn Thắng", "Nam", "17/05/1990", "Kinh", "CC", 912345678]
    assert second[7] == 4
    assert second[8] == row_messages(rows[1])[0]
    assert third[:7] == [person_id(3), "Nguyễn Văn Thắng", "Nam", "31/02/1990", "Sao Hỏa", "CC", "0912345678"]
    assert third[7] == 5
    assert third[8].split("\n") == row_messages(rows[2]) and len(row_messages(rows[2])) == 2
    # The cells with an error are highlighted and carry their message.
    assert sheet["G2"].fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])
    assert "Excel" in sheet["G2"].comment.text
    assert sheet["D3"].comment and sheet["E3"].comment and sheet["A3"].comment is None
    assert sheet["A3"].number_format == "@"  # ids stay text when saved again


def test_the_error_workbook_keeps_formula_looking_text_as_text(units, clerk):
    text = (
        "Số CCCD,Họ và tên,Giới tính,Ngày sinh,Loại cán bộ,Số điện thoại\n"
        f'{person_id(1)},"=HYPERLINK(""http://x.example"",""Bấm"")",Nam,17/05/1990,Biệt phái,0912345678\n'
    )
    job, [row] = run_job(actor=clerk, unit=units["a"], content=text.encode("utf-8"), filename="ds.csv")
    assert row.outcome == RowOutcome.ERROR
    data, sheet = error_book(job)
    assert sheet["B2"].value == '=HYPERLINK("http://x.example","Bấm")'
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert all(b"<f>" not in archive.read(name) and b"<f " not in archive.read(name) for name in sheets)


def test_no_error_workbook_without_errors(units, clerk):
    job, _rows = run_job(actor=clerk, unit=units["a"], content=workbook([person_row(person_id(1))]))
    assert job.error_file == "" and job.rows_error == 0


def test_the_error_workbook_of_a_csv_with_an_odd_name_and_control_characters(units, clerk):
    text = (
        "Số CCCD;Họ và tên;Giới tính;Ngày sinh;Loại cán bộ;=Ghi chú\x07\n"
        f"{person_id(1)};Nguyễn\x08 Văn Thắng;Nam;17/05/1990;Biệt phái;x\x1b\n"
    )
    job, [row] = run_job(
        actor=clerk, unit=units["a"], content=text.encode("utf-8"), filename="Danh sách [2026]: đợt 1?.csv"
    )
    assert row.outcome == RowOutcome.ERROR and job.error_file
    _data, sheet = error_book(job)
    assert sheet.title == "Danh sách -2026-- đợt 1-.csv"
    assert [cell.value for cell in sheet[1]][:6] == [
        "Số CCCD",
        "Họ và tên",
        "Giới tính",
        "Ngày sinh",
        "Loại cán bộ",
        "=Ghi chú",
    ]
    assert [cell.value for cell in sheet[2]][:6] == [
        person_id(1),
        "Nguyễn Văn Thắng",
        "Nam",
        "17/05/1990",
        "Biệt phái",
        "x",
    ]
    assert sheet["E2"].comment is not None
