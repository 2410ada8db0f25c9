"""The export as a named, streamed download, and the ``export_records`` management command."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from python_calamine import CalamineWorkbook

from imports.exports.responses import export_response
from tests.imports.exports.conftest import (
    BINH,
    CUONG,
    DUNG,
    THANG,
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
