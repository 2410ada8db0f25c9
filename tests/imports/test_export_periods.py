"""Exporting a section's rows of a period (``imports.exports.periods``): the period as typed, which
rows overlap it for months, dates and years, the latest content awaiting approval, the time fields
read even when not exported, the round trip, the refusals, the page and the command."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from imports.choices import ImportStatus, RowOutcome
from imports.exports.periods import Period, period_parse, section_period
from imports.exports.rows import export_rows
from imports.exports.xlsx import export_xlsx_stream
from imports.specs import import_spec
from portal.choices import Role
from records.services.dossiers import dossier_change
from tests.imports.conftest import client_for, run_job
from tests.permissions import make_account
from tests.records.factories import BASE_CONTENT, make_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]

THANG, HOA = "087090000401", "087185000402"
WORK = [
    {"period_from": "2008-09", "period_to": "2012-06", "workplace": "Trường Đại học Cần Thơ", "title": "Sinh viên"},
    {"period_from": "2012-07", "period_to": "2014", "workplace": "UBND xã Mỹ An", "title": "Công chức"},
    {"period_from": "2015-01", "workplace": "Sở Nội vụ tỉnh Đồng Tháp", "title": "Chuyên viên"},
]
SALARY = [
    {"date_from": "2019-01-01", "date_to": "2021-12-31", "grade": "01.003", "step": 2, "coefficient": "2.67"},
    {"date_from": "2022-01-01", "grade": "01.003", "step": 3, "coefficient": "3.00"},
]
REWARDS = [
    {"year": 2023, "professional_rating": "HTTNV"},
    {"year": 2024, "professional_rating": "HTXSNV"},
    {"year": 2025, "professional_rating": "HTXSNV"},
]


@pytest.fixture
def people(province):
    unit = province["noi_vu"]
    thang = make_dossier(unit, personal_id=THANG, work_history=WORK, salary_history=SALARY, rewards=REWARDS)
    make_dossier(
        unit,
        personal_id=HOA,
        identity={**BASE_CONTENT["identity"], "full_name": "Trần Thị Hoa", "sex": "2", "birth_date": "1985-03-08"},
        work_history=[{"period_from": "2010", "period_to": "2013", "workplace": "Huyện Cao Lãnh"}],
        rewards=[{"year": 2022, "professional_rating": "HTTNV"}],
    )
    return {"unit": unit, "thang": thang}


def exported(target: str, unit, period: Period | None, **kwargs) -> list[dict]:
    """The exported rows as {column key: cell}."""
    columns, rows = export_rows(user=None, target=target, unit=unit, period=period, **kwargs)
    keys = [column.key for column in columns]
    return [dict(zip(keys, row, strict=True)) for row in rows]


# --- the period as typed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("01/2025", "12/2025", Period("2025-01", "2025-12")),
        ("3/2024", "", Period("2024-03", None)),
        ("", "2020", Period(None, "2020-12")),
        ("2025", "2025", Period("2025-01", "2025-12")),
        ("2024-05", " 06/2024 ", Period("2024-05", "2024-06")),
        ("", "  ", None),
        (None, None, None),
    ],
)
def test_a_period_is_read_as_typed(first, last, expected):
    assert period_parse(first, last) == expected


def test_a_period_that_is_not_one_is_refused_at_its_field():
    with pytest.raises(ValidationError) as error:
        period_parse("13/2025", "tháng sáu")
    assert error.value.message_dict == {
        "period_from": ["'13/2025' không phải là tháng mm/yyyy hay năm yyyy (1900–2100)."],
        "period_to": ["'tháng sáu' không phải là tháng mm/yyyy hay năm yyyy (1900–2100)."],
    }
    with pytest.raises(ValidationError) as error:
        period_parse("06/2025", "01/2025")
    assert error.value.message_dict == {
        "period_to": ["Tháng cuối của khoảng thời gian (01/2025) trước tháng đầu (06/2025)."]
    }


def test_labels_and_file_names_of_a_period():
    assert Period("2025-01", "2025-12").label() == "01/2025 – 12/2025"
    assert Period("2024-03", None).label() == "từ 03/2024"
    assert Period(None, "2020-12").slug() == "den-12-2020"
    assert Period("2025-01", "2025-12").slug() == "01-2025-12-2025"


def test_which_sections_have_a_time():
    assert section_period("work_history") == ("period_from", "period_to", "months")
    assert section_period("salary_history") == ("date_from", "date_to", "dates")
    assert section_period("contracts") == ("date_from", "date_to", "dates")
    assert section_period("rewards") == ("year", None, "year")
    assert section_period("family_own") is None


# --- which rows -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "workplaces"),
    [
        # A row ending in a whole year (2014) runs to its December; a row without an end is still running.
        (Period("2014-06", "2014-12"), {"UBND xã Mỹ An"}),
        (Period("2013-01", "2013-12"), {"UBND xã Mỹ An", "Huyện Cao Lãnh"}),
        (Period("2025-01", None), {"Sở Nội vụ tỉnh Đồng Tháp"}),
        (Period(None, "2008-09"), {"Trường Đại học Cần Thơ"}),
        (Period("2012-06", "2012-07"), {"Trường Đại học Cần Thơ", "UBND xã Mỹ An", "Huyện Cao Lãnh"}),
        (Period("1990-01", "1999-12"), set()),
    ],
)
def test_work_history_rows_overlapping_the_period(people, period, workplaces):
    # The "to" column is not chosen: the period reads it all the same; the file keeps the chosen columns.
    rows = exported("work_history", people["unit"], period, columns=["workplace"])
    assert all("period_to" not in row for row in rows)
    assert {row["workplace"] for row in rows} == workplaces


def test_salary_steps_by_their_dates_and_ratings_by_their_year(people):
    def steps(period):
        return [row["step"] for row in exported("salary_history", people["unit"], period)]

    assert steps(Period("2021-12", "2021-12")) == [2]  # until 31/12/2021
    assert steps(Period("2022-01", "2022-01")) == [3]
    assert steps(Period("2026-01", None)) == [3]  # no end: still running
    assert steps(Period("2021-06", "2022-06")) == [2, 3]
    assert steps(Period(None, "2018-12")) == []

    def ratings(period):
        return sorted((row["personal_id"], row["year"]) for row in exported("rewards", people["unit"], period))

    assert ratings(Period("2024-01", "2025-12")) == [(THANG, 2024), (THANG, 2025)]
    assert ratings(Period("2022-06", "2022-06")) == [(HOA, 2022)]


def test_a_change_awaiting_approval_is_exported_by_its_period(people):
    """The latest version's rows (not the live ones) are narrowed, as an import compares with them."""
    dossier_change(
        dossier=people["thang"],
        sections={"rewards": [*REWARDS, {"year": 2026, "professional_rating": "HTTNV"}]},
        actor=None,
        expected_version=1,
        reason="Đánh giá năm 2026",
    )
    years = [row["year"] for row in exported("rewards", people["unit"], Period("2025-06", None))]
    assert years == [2025, 2026]
    years = [row["year"] for row in exported("rewards", people["unit"], Period("2025-06", None), approved=True)]
    assert years == [2025]


def test_a_period_for_what_has_no_time_is_refused(people):
    with pytest.raises(ValidationError) as error:
        export_rows(user=None, target="dossiers", unit=people["unit"], period=Period("2025-01", None))
    assert error.value.message_dict["period_from"] == [
        "Khoảng thời gian chỉ dùng để lọc các dòng khi xuất một mục của hồ sơ; thông tin chung của hồ sơ không có "
        "khoảng thời gian."
    ]
    with pytest.raises(ValidationError) as error:
        export_rows(user=None, target="family_own", unit=people["unit"], period=Period("2025-01", None))
    (message,) = error.value.message_dict["period_from"]
    assert message.startswith("Các dòng của mục '") and message.endswith("không lọc theo khoảng thời gian được.")


def test_the_rows_of_a_period_import_back_unchanged_and_leave_the_others(people, province):
    columns, rows = export_rows(user=None, target="work_history", unit=people["unit"], period=Period("2013-01", None))
    rows = list(rows)
    assert len(rows) == 3  # Thắng's two latest rows, Hoa's only row
    data = b"".join(export_xlsx_stream(columns, rows, sheet_name=import_spec("work_history").sheet_name))
    job, imported = run_job(
        actor=None, unit=people["unit"], content=data, target="work_history", commit=True, publish=True
    )
    assert job.status == ImportStatus.DONE, job.message
    assert [row.outcome for row in imported] == [RowOutcome.UNCHANGED] * 3
    people["thang"].refresh_from_db()
    assert people["thang"].latest_version == 1
    assert len(exported("work_history", people["unit"], None)) == 4


# --- the page and the command -------------------------------------------------------------------------


@pytest.fixture
def clerk_client(province):
    return client_for(make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK))


def test_the_export_page_offers_the_period_for_a_section_with_time(people, clerk_client):
    url = reverse("imports_exports:export")
    page = clerk_client.get(url, {"target": "rewards"}).content.decode()
    assert 'name="period_from"' in page and "Các dòng từ tháng" in page
    assert 'name="period_from"' not in clerk_client.get(url, {"target": "family_own"}).content.decode()
    assert 'name="period_from"' not in clerk_client.get(url).content.decode()


def test_the_export_page_downloads_the_rows_of_the_period(people, clerk_client):
    url = reverse("imports_exports:export")
    query = {
        "target": "rewards",
        "unit": people["unit"].pk,
        "columns": ["year", "professional_rating"],
        "period_from": "2025",
        "period_to": "2025",
        "fmt": "xlsx",
    }
    response = clerk_client.get(url, query)
    assert response.status_code == 200 and response.streaming
    day = timezone.localdate().strftime("%d-%m-%Y")
    assert response["Content-Disposition"].endswith(f'-01-2025-12-2025-{day}.xlsx"')
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = sheet.get_sheet_by_index(0).to_python()
    year_at = [str(cell) for cell in rows[0]].index("Năm")
    assert [(str(row[0]), int(row[year_at])) for row in rows[1:]] == [(THANG, 2025)]


def test_the_export_page_says_what_is_wrong_with_the_period(people, clerk_client):
    url = reverse("imports_exports:export")
    base = {"unit": people["unit"].pk, "fmt": "xlsx"}
    response = clerk_client.get(url, {**base, "target": "rewards", "period_from": "2025", "period_to": "2024"})
    assert response.status_code == 200 and not response.streaming
    assert "Tháng cuối của khoảng thời gian (12/2024) trước tháng đầu (01/2025)." in response.content.decode()
    # A period carried to a target without time (e.g. by hand in the address) is refused, not ignored.
    response = clerk_client.get(url, {**base, "target": "family_own", "period_from": "2025"})
    assert response.status_code == 200 and not response.streaming
    assert "không lọc theo khoảng thời gian được" in response.content.decode()


def test_the_command_exports_the_rows_of_a_period(people, tmp_path):
    out = tmp_path / "xep-loai.csv"
    code = people["unit"].code
    stdout = io.StringIO()
    call_command(
        "export_records", "--target", "rewards", "--unit", code, "--out", str(out), "--period-from", "01/2024",
        "--period-to", "12/2024", stdout=stdout,
    )  # fmt: skip
    assert "1 dòng 'rewards (01/2024 – 12/2024)'" in stdout.getvalue()
    header, *lines = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert [(line[0], line[header.index("Năm")]) for line in lines] == [(THANG, "2024")]
    with pytest.raises(CommandError) as error:
        call_command("export_records", "--target", "rewards", "--unit", code, "--out", str(out), "--period-to", "2024x")
    assert "'2024x' không phải là tháng mm/yyyy hay năm yyyy" in str(error.value)
    with pytest.raises(CommandError) as error:
        call_command("export_records", "--unit", code, "--out", str(tmp_path / "x.xlsx"), "--period-from", "2025")
    assert "thông tin chung của hồ sơ không có khoảng thời gian" in str(error.value)
    assert not (tmp_path / "x.xlsx").exists()
