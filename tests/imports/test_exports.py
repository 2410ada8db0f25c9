"""The export (imports/exports/) and ``export_records``: scoping, chosen columns, cell values,
the xlsx and csv files parsed back, streaming, and the round trip through the import."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from imports.choices import ImportStatus, RowOutcome
from imports.exports.csv_stream import export_csv_stream
from imports.exports.responses import export_response
from imports.exports.rows import BATCH, export_rows
from imports.exports.xlsx import export_xlsx_stream
from imports.models import ImportRow
from imports.services.jobs import import_job_create, import_job_run
from imports.specs import import_spec
from portal.choices import Role
from portal.models import Grant, Unit
from portal.services.fields.definitions import field_definition_save
from records.models import Dossier
from records.services.dossiers import dossier_change, dossier_create
from tests.records.factories import BASE_CONTENT, content

THANG, BINH, CUONG, DUNG = "087090000201", "087190000202", "087090000203", "087090000204"


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def custom_fields(db):
    for values in (
        {"key": "so_the_dang", "label": "Số thẻ đảng", "field_type": "text"},
        {"key": "ngay_vao_doan", "label": "Ngày vào Đoàn", "field_type": "date"},
        {"key": "he_so_uu_dai", "label": "Hệ số ưu đãi", "field_type": "decimal"},
        {"key": "so_con", "label": "Số con", "field_type": "integer"},
        {"key": "xep_loai_2024", "label": "Xếp loại 2024", "field_type": "choice", "catalogue": "xep_loai_danh_gia"},
        {"key": "ma_bi_mat", "label": "Mã bí mật", "field_type": "text", "sensitivity": "secret"},
    ):
        field_definition_save(values={"target": "dossier", **values})


def identity(name: str, *, sex: str = "1", **extra) -> dict:
    return {**BASE_CONTENT["identity"], "full_name": name, "sex": sex, **extra}


@pytest.fixture
def people(province, custom_fields):
    """Four dossiers: three in Sở Nội vụ's subtree (one in its coded sub-unit, one in a division
    without a code), one in Sở Tài chính; varied content (a natural key two family rows share), and
    one change awaiting approval."""
    division = Unit.objects.get(name="Phòng Tổ chức biên chế")
    thang = dossier_create(
        unit=province["noi_vu"],
        personal_id=THANG,
        content=content(
            identity=identity(
                "Nguyễn Văn Thắng",
                phone="0912000111",
                social_insurance_number="0123456789",
                id_issued_on="2021-08-10",
            ),
            background={
                "first_recruited_on": "2013-03-01",
                "recruiting_body": "Sở Nội vụ tỉnh Đồng Tháp",
                "joined_current_agency_on": "2013-03-01",
                "party_joined_on": "2016-05-19",
            },
            salary={
                "grade": "01.003",
                "salary_step": 3,
                "salary_coefficient": "3.33",
                "salary_effective_on": "2024-01-01",
                "salary_percent": "85.00",
                "position_allowance": "0.30",
                "job_salary_amount": 5200000,
            },
            health={"health_status": "Tốt", "height_cm": 168, "blood_group": "AB"},
            remarks={"remarks": "Dòng một\nDòng hai & <ba>"},
            custom={
                "so_the_dang": "=79.123",
                "ngay_vao_doan": "2006-03-26",
                "he_so_uu_dai": "2,5",
                "so_con": 2,
                "xep_loai_2024": "HTTNV",
                "ma_bi_mat": "BM-01",
            },
            work_history=[
                {"period_from": "2013", "workplace": "Sở Nội vụ tỉnh Đồng Tháp", "title": "Chuyên viên"},
                {"period_from": "2010-09", "period_to": "2013-02", "workplace": "UBND xã Mỹ An"},
            ],
            salary_history=[
                {
                    "date_from": "2021-01-01",
                    "date_to": "2023-12-31",
                    "grade": "01.003",
                    "step": 2,
                    "coefficient": "2.67",
                },
                {
                    "date_from": "2024-01-01",
                    "grade": "01.003",
                    "step": 3,
                    "coefficient": "3.00",
                    "job_position_amount": 5200000,
                },
            ],
            rewards=[
                {"year": 2023, "professional_rating": "HTTNV", "emulation_rating": "Lao động tiên tiến"},
                {
                    "year": 2024,
                    "professional_rating": "HTXSNV",
                    "reward_form": "GIAY_KHEN",
                    "reward_detail": "Giấy khen",
                },
            ],
            contracts=[
                {
                    "number": "01/2024/HĐLĐ",
                    "signed_on": "2023-12-25",
                    "date_from": "2024-01-01",
                    "date_to": "2026-12-31",
                    "coefficient": "2.05",
                    "amount": 7000000,
                }
            ],
        ),
    )
    binh = dossier_create(
        unit=province["chi_cuc"],
        personal_id=BINH,
        content=content(identity=identity("Trần Thị Bình", sex="2"), header={"personnel_category": "VC"}),
    )
    cuong = dossier_create(unit=division, personal_id=CUONG, content=content(identity=identity("Lê Văn Cường")))
    # Two family rows with the same relation and name (the section's natural key), as migrated data
    # has: the round trip must bring both back unchanged.
    twins = [
        {"relation": "CON", "full_name": "Phạm Văn An", "birth_year": 2015, "details": "Học sinh"},
        {"relation": "CON", "full_name": "Phạm Văn An", "birth_year": 2018},
    ]
    dung = dossier_create(
        unit=province["tai_chinh"],
        personal_id=DUNG,
        content=content(identity=identity("Phạm Văn Dũng"), family_own=[*BASE_CONTENT["family_own"], *twins]),
    )
    # A change awaiting approval: Bình's salary step 4 (live row: step 3).
    dossier_change(
        dossier=binh,
        sections={"salary": {**BASE_CONTENT["salary"], "salary_step": 4, "salary_coefficient": "3.66"}},
        actor=None,
        expected_version=1,
        reason="Nâng bậc lương",
    )
    # A renaming awaiting approval: the import checks a section row's name against it.
    dossier_change(
        dossier=cuong,
        sections={"identity": identity("Lê Minh Cường")},
        actor=None,
        expected_version=1,
        reason="Cải chính họ tên",
    )
    return {"thang": thang, "binh": binh, "cuong": cuong, "dung": dung}


@pytest.fixture
def clerk(province, django_user_model):
    user = django_user_model.objects.create_user(username="tccb.snv", password="Mk@2026-x", unit=province["noi_vu"])
    Grant.objects.create(user=user, role=Role.HR_CLERK, unit=province["noi_vu"], starts_on=datetime.date(2025, 1, 1))
    return user


def rows_of(**kwargs) -> tuple[list, list[list]]:
    columns, rows = export_rows(**kwargs)
    return columns, list(rows)


def by_id(columns, rows) -> dict[str, dict]:
    keys = [column.key for column in columns]
    return {row[0]: dict(zip(keys, row, strict=True)) for row in rows}


# --- scope and columns ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_clerk_exports_only_their_subtree(people, clerk, province):
    _columns, rows = rows_of(user=clerk, target="dossiers")
    assert sorted(row[0] for row in rows) == sorted([THANG, BINH, CUONG])
    assert rows_of(user=clerk, target="dossiers", unit=province["tai_chinh"])[1] == []
    assert [row[0] for row in rows_of(user=clerk, target="dossiers", unit=province["chi_cuc"])[1]] == [BINH]
    _columns, history = rows_of(user=clerk, target="work_history", unit=province["root"])
    assert {row[0] for row in history} == {THANG, BINH, CUONG}
    assert DUNG not in {row[0] for row in rows_of(user=clerk, target="salary_history")[1]}


@pytest.mark.django_db
def test_system_reads_every_dossier_of_the_unit(people, province):
    assert [row[0] for row in rows_of(user=None, target="dossiers", unit=province["tai_chinh"])[1]] == [DUNG]
    assert len(rows_of(user=None, target="dossiers", unit=province["root"])[1]) == 4


@pytest.mark.django_db
def test_a_user_without_grant_exports_nothing(people, plain_user):
    assert rows_of(user=plain_user, target="dossiers")[1] == []


@pytest.mark.django_db
def test_chosen_columns_keep_what_reimport_needs(people, province):
    columns, rows = rows_of(
        user=None,
        target="dossiers",
        unit=province["noi_vu"],
        columns=["salary.salary_coefficient", "identity.full_name"],
    )
    assert [column.key for column in columns] == ["personal_id", "identity.full_name", "salary.salary_coefficient"]
    assert by_id(columns, rows)[THANG] == {
        "personal_id": THANG,
        "identity.full_name": "Nguyễn Văn Thắng",
        "salary.salary_coefficient": "3,33",
    }
    columns, rows = rows_of(user=None, target="work_history", unit=province["noi_vu"], columns=["title"])
    assert [column.key for column in columns] == ["personal_id", "period_from", "workplace", "title"]
    assert [row for row in rows if row[0] == THANG] == [
        [THANG, "2013", "Sở Nội vụ tỉnh Đồng Tháp", "Chuyên viên"],
        [THANG, "09/2010", "UBND xã Mỹ An", None],
    ]


@pytest.mark.django_db
def test_unknown_target_or_column_is_refused(people):
    with pytest.raises(ValidationError) as error:
        export_rows(user=None, target="luong", columns=None)
    assert "luong" in error.value.message_dict["target"][0]
    with pytest.raises(ValidationError) as error:
        export_rows(user=None, target="dossiers", columns=["identity.full_name", "khong_co"])
    assert "khong_co" in error.value.message_dict["columns"][0]


@pytest.mark.django_db
def test_secret_custom_field_only_for_the_system(people, clerk):
    columns, rows = rows_of(user=clerk, target="dossiers")
    assert "custom.ma_bi_mat" not in [column.key for column in columns]
    with pytest.raises(ValidationError):
        export_rows(user=clerk, target="dossiers", columns=["custom.ma_bi_mat"])
    columns, rows = rows_of(user=None, target="dossiers", columns=["custom.ma_bi_mat"])
    assert by_id(columns, rows)[THANG]["custom.ma_bi_mat"] == "BM-01"


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


# --- the round trip -------------------------------------------------------------------------------


def reimport(target: str, unit, data: bytes, filename: str, actor=None):
    job = import_job_create(actor=actor, target=target, unit=unit, filename=filename, content=data)
    job = import_job_run(job=job, commit=False)
    return job, Counter(ImportRow.objects.filter(job=job).values_list("outcome", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "target",
    ["dossiers", "work_history", "salary_history", "rewards", "contracts", "training_professional", "family_own"],
)
def test_export_imports_back_unchanged(target, fmt, people, province):
    columns, rows = export_rows(user=None, target=target, unit=province["root"])
    rows = list(rows)
    assert rows
    if fmt == "xlsx":
        data = b"".join(export_xlsx_stream(columns, rows, sheet_name=import_spec(target).sheet_name))
    else:
        data = b"".join(export_csv_stream(columns, rows))
    job, outcomes = reimport(target, province["root"], data, f"xuat.{fmt}")
    assert job.status == ImportStatus.CHECKED, job.message
    assert job.columns_ignored == []
    # Text a spreadsheet would run as a formula ("=79.123") is written to csv with an apostrophe in
    # front; the import takes the apostrophe off again, so the csv round trip is lossless too.
    assert outcomes == {RowOutcome.UNCHANGED: len(rows)}


@pytest.mark.django_db
def test_clerk_export_imports_back_unchanged_as_that_clerk(people, province, clerk):
    response = export_response(user=clerk, target="dossiers", unit=province["noi_vu"], columns=None, fmt="xlsx")
    data = b"".join(response.streaming_content)
    job, outcomes = reimport("dossiers", province["noi_vu"], data, "xuat.xlsx", actor=clerk)
    assert outcomes == {RowOutcome.UNCHANGED: 3}, job.message


@pytest.mark.django_db
def test_a_changed_cell_is_the_only_update(people, province):
    columns, rows = export_rows(user=None, target="dossiers", unit=province["noi_vu"])
    rows = list(rows)
    keys = [column.key for column in columns]
    row = next(row for row in rows if row[0] == CUONG)
    row[keys.index("health.health_status")] = "Trung bình"
    data = b"".join(export_xlsx_stream(columns, rows, sheet_name=import_spec("dossiers").sheet_name))
    job, outcomes = reimport("dossiers", province["noi_vu"], data, "xuat.xlsx")
    assert outcomes == {RowOutcome.UNCHANGED: 2, RowOutcome.UPDATE: 1}
    update = ImportRow.objects.get(job=job, outcome=RowOutcome.UPDATE)
    assert (update.personal_id, update.changes) == (
        CUONG,
        [import_spec("dossiers").column("health.health_status").header],
    )


# --- the response and the command -----------------------------------------------------------------


@pytest.mark.django_db
def test_response_is_a_named_streamed_download(people, province, admin_user):
    response = export_response(user=admin_user, target="dossiers", unit=province["noi_vu"], columns=None, fmt="xlsx")
    day = timezone.localdate().strftime("%d-%m-%Y")
    assert response.streaming
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="ho-so-000.00.05.H20-{day}.xlsx"'
    assert CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).sheet_names == ["Hồ sơ"]
    response = export_response(user=admin_user, target="work_history", unit=province["root"], columns=None, fmt="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="ho-so-000.00.00.H20-tom-tat-qua-trinh-cong-tac-{day}.csv"'
    )
    with pytest.raises(ValidationError):
        export_response(user=admin_user, target="dossiers", unit=province["root"], columns=None, fmt="pdf")
    response = export_response(
        user=admin_user, target="dossiers", unit=province["noi_vu"], columns=None, fmt="csv", approved=True
    )
    assert response["Content-Disposition"] == f'attachment; filename="ho-so-000.00.05.H20-da-duyet-{day}.csv"'


@pytest.mark.django_db
def test_command_writes_the_file(people, province, tmp_path):
    out = tmp_path / "ho-so.xlsx"
    stdout = io.StringIO()
    call_command("export_records", "--target", "dossiers", "--unit", "000.00.05.H20", "--out", str(out), stdout=stdout)
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert sorted(row[0] for row in sheet[1:]) == sorted([THANG, BINH, CUONG])
    assert "3" in stdout.getvalue() and str(out) in stdout.getvalue()
    assert not (tmp_path / "ho-so.xlsx.part").exists()
    out = tmp_path / "qua-trinh.csv"
    call_command(
        "export_records", "--target", "work_history", "--unit", "000.00.07.H20", "--out", str(out), "--columns", "title"
    )
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith(DUNG)
    assert lines[0].count(",") >= 3  # id, from, workplace (quoted header with a comma) and title
    out = tmp_path / "da-duyet.csv"
    for flags, step in (([], "4"), (["--approved"], "3")):
        call_command(
            "export_records", "--unit", "000.00.05.H20", "--out", str(out), "--columns", "salary.salary_step", *flags
        )
        lines = dict(line.split(",", 1) for line in out.read_bytes().decode("utf-8-sig").splitlines()[1:])
        assert lines[BINH] == step  # Bình's step 4 awaits approval


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--unit", "999.99.99.H99"], "999.99.99.H99"),
        (["--unit", "000.00.05.H20", "--target", "luong"], "luong"),
        (["--unit", "000.00.05.H20", "--columns", "khong_co"], "khong_co"),
        (["--unit", "000.00.05.H20", "--format", "pdf"], "pdf"),
    ],
)
def test_command_refuses_unknown_names(arguments, expected, people, tmp_path):
    out = tmp_path / "x.xlsx"
    with pytest.raises(CommandError) as error:
        call_command("export_records", "--out", str(out), *arguments)
    assert expected in str(error.value)
    assert not out.exists()
