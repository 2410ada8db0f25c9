"""imports/services/outcomes.py (and imports/writers.py): the error workbook of the failed rows."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from imports.choices import RowOutcome
from imports.readers import Table
from imports.services.results import RowResult
from imports.writers import ERROR_FILL, error_workbook_write
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
    assert sheet["G2"].fill.fgColor.rgb.endswith(ERROR_FILL)
    assert sheet["A2"].fill.fill_type is None and sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert sheet["I2"].alignment.wrap_text and sheet.freeze_panes == "A2"
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


def _written(table: Table, results: list[RowResult]):
    out = io.BytesIO()
    error_workbook_write(table=table, results=results, out=out)
    data = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        vml = archive.read("xl/drawings/vmlDrawing1.vml").decode() if "xl/drawings/vmlDrawing1.vml" in names else ""
    return names, vml, load_workbook(io.BytesIO(data)).active


def test_the_error_workbook_keeps_each_kind_of_cell_and_every_comment():
    # 1,500 failed rows: more comment boxes than one block of VML shape ids holds (1,024).
    moment = datetime.datetime(2024, 5, 17, 8, 30)
    rows = [
        [f"00{n:010d}", n, 2.5, True, datetime.date(1990, 5, 17), moment, datetime.time(7, 5), "=1+1", None]
        for n in range(1, 1601)
    ]
    header = ["Số CCCD", "Số", "Hệ số", "Đảng viên", "Ngày sinh", "Lúc", "Giờ", "Ghi chú", "Trống"]
    table = Table(
        name="Hồ sơ",
        header=header,
        header_row=1,
        sheet_names=["Hồ sơ"],
        row_count=1600,
        _iter_factory=lambda: iter([header, *rows]),
    )
    results = [
        RowResult(row=n + 1, outcome="error", errors=[("Ngày sinh", f"Dòng {n + 1}: sai"), ("Trống", "bắt buộc")])
        for n in range(1, 1501)
    ]
    names, vml, sheet = _written(table, results)
    assert {"xl/comments1.xml", "xl/worksheets/_rels/sheet1.xml.rels"} <= names
    assert sheet.max_row == 1501 and sheet.title == "Hồ sơ"
    first = [cell.value for cell in sheet[2]]
    assert first == [
        "000000000001",
        1,
        2.5,
        True,
        datetime.datetime(1990, 5, 17),
        moment,
        "07:05:00",
        "=1+1",
        None,
        2,
        "Dòng 2: sai\nbắt buộc",
    ]
    assert sheet["A2"].number_format == "@" and sheet["E2"].number_format == "DD/MM/YYYY"
    assert sheet["H2"].data_type == "s"  # text that looks like a formula stays text
    comments = [(cell.coordinate, cell.comment.text) for row in sheet.iter_rows() for cell in row if cell.comment]
    assert len(comments) == 3000
    assert comments[:2] == [("E2", "Dòng 2: sai"), ("I2", "bắt buộc")]
    assert comments[-1] == ("I1501", "bắt buộc")
    assert sheet["I1501"].fill.fgColor.rgb.endswith(ERROR_FILL) and sheet["E1501"].fill.fgColor.rgb.endswith(ERROR_FILL)
    # One shape per comment, their ids in the blocks the drawing declares.
    assert vml.count("<v:shape ") == 3000 and 'data="1,2,3"' in vml and "_x0000_s4024" in vml


def test_an_error_workbook_without_cell_errors_has_no_comment_parts():
    table = Table(
        name="x",
        header=["A", "B"],
        header_row=1,
        sheet_names=[],
        row_count=1,
        _iter_factory=lambda: iter([["A", "B"], ["1", "2"]]),
    )
    names, _vml, sheet = _written(table, [RowResult(row=2, outcome="error", errors=[("", "Dòng 2: thiếu cột")])])
    assert "xl/comments1.xml" not in names and "xl/drawings/vmlDrawing1.vml" not in names
    assert [cell.value for cell in sheet[2]] == ["1", "2", 2, "Dòng 2: thiếu cột"]


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
