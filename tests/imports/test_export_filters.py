"""Exporting a filtered dossier list in the import's columns: the list's filters read from its query
string (``records.forms.list_filters``), the export narrowed by them (rows, the page, the command),
the link under the dossier list that carries them, and a filter that cannot be used stopping the
export instead of widening it."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from imports.choices import ImportStatus, RowOutcome
from imports.exports.rows import export_rows
from imports.exports.xlsx import export_xlsx_stream
from imports.specs import import_spec
from portal.choices import Role
from portal.services.fields.definitions import field_definition_save
from records.forms import list_filters
from tests.imports.conftest import client_for, run_job
from tests.permissions import make_account
from tests.records.factories import BASE_CONTENT, make_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]

THANG, HOA, AN = "087090000301", "087185000302", "087088000303"
WORK = [{"period_from": "2013-03", "workplace": "Sở Nội vụ tỉnh Đồng Tháp", "title": "Chuyên viên"}]


@pytest.fixture
def people(province):
    """Three dossiers of Sở Nội vụ: two civil servants (one with a custom "Số thẻ đảng"), one public employee."""
    field_definition_save(
        values={"target": "dossier", "key": "so_the_dang", "label": "Số thẻ đảng", "field_type": "text"}
    )
    unit = province["noi_vu"]
    make_dossier(unit, personal_id=THANG, work_history=WORK, custom={"so_the_dang": "DT-001"})
    hoa = {**BASE_CONTENT["identity"], "full_name": "Trần Thị Hoa", "sex": "2", "birth_date": "1985-03-08"}
    make_dossier(unit, personal_id=HOA, identity=hoa, work_history=WORK, header={"personnel_category": "VC"})
    an = {**BASE_CONTENT["identity"], "full_name": "Lê Văn An", "birth_date": "1988-01-02"}
    make_dossier(unit, personal_id=AN, identity=an, work_history=WORK)
    return unit


@pytest.fixture
def clerk_client(province):
    return client_for(make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK))


def ids(rows) -> list[str]:
    return sorted({row[0] for row in rows})


def sheet_ids(data: bytes) -> list[str]:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    return sorted({str(row[0]) for row in rows[1:]})


# --- reading the list's filters -----------------------------------------------------------------


def test_the_lists_filters_are_read_shown_and_carried(people):
    chosen = list_filters({"personnel_category": "CC", "q": "thắng", "cf_so_the_dang": "DT-001", "p": "2"})
    assert (chosen.filters.personnel_category, chosen.filters.search, chosen.filters.custom) == (
        "CC",
        "thắng",
        {"so_the_dang": "DT-001"},
    )
    assert chosen.filters.unit is None
    assert ("Loại nhân sự", "Công chức") in chosen.shown and ("Số thẻ đảng", "DT-001") in chosen.shown
    assert dict(chosen.params) == {"personnel_category": "CC", "q": "thắng", "cf_so_the_dang": "DT-001"}
    assert list_filters({}).shown == ()


def test_a_filter_the_list_would_ignore_is_refused_with_its_name(people):
    with pytest.raises(ValidationError) as excinfo:
        list_filters({"status": "KHONG_CO", "cf_khong_co": "1"})
    errors = excinfo.value.message_dict
    assert errors["status"][0].startswith("Bộ lọc 'Trạng thái': ")
    assert errors["cf_khong_co"] == [
        "Không có bộ lọc 'cf_khong_co' (phải là một trường tùy biến đang dùng, không thuộc loại bí mật)."
    ]


# --- the export ---------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["dossiers", "work_history"])
def test_the_export_holds_only_the_filtered_dossiers_and_imports_back_unchanged(target, people, province):
    filters = list_filters({"personnel_category": "CC"}).filters
    columns, rows = export_rows(user=None, target=target, unit=people, filters=filters)
    rows = list(rows)
    assert ids(rows) == [AN, THANG]
    data = b"".join(export_xlsx_stream(columns, rows, sheet_name=import_spec(target).sheet_name))
    job, imported = run_job(actor=None, unit=people, target=target, content=data)
    assert job.status == ImportStatus.CHECKED, job.message
    assert [row.outcome for row in imported] == [RowOutcome.UNCHANGED] * len(rows)


def test_the_page_shows_the_filters_and_exports_that_list(people, clerk_client):
    query = {"target": "dossiers", "unit": people.pk, "personnel_category": "CC", "q": "an"}
    page = clerk_client.get(reverse("imports_exports:export"), query)
    body = page.content.decode()
    assert page.status_code == 200 and "Chỉ các hồ sơ của danh sách đã lọc" in body
    # The page's own filter controls hold the list's values (and carry them: no hidden copies).
    controls = body[body.index("data-export-filters") :]
    assert '<option value="CC" selected>Công chức</option>' in controls and 'name="q" value="an"' in controls
    assert 'type="hidden" name="personnel_category"' not in body and 'type="hidden" name="q"' not in body
    assert "Loại nhân sự: <strong>Công chức</strong>" in body
    response = clerk_client.get(
        reverse("imports_exports:export"), {**query, "columns": ["identity.full_name"], "fmt": "xlsx"}
    )
    assert response.status_code == 200
    assert sheet_ids(b"".join(response.streaming_content)) == [AN]


def test_a_filter_that_cannot_be_used_stops_the_export(people, clerk_client):
    query = {"target": "dossiers", "unit": people.pk, "status": "KHONG_CO", "fmt": "xlsx"}
    page = clerk_client.get(reverse("imports_exports:export"), query)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    body = page.content.decode()
    assert "Không dùng được bộ lọc của danh sách hồ sơ nên chưa xuất gì" in body
    assert "Bộ lọc &#x27;Trạng thái&#x27;" in body
    assert f'href="{reverse("imports_exports:export")}?target=dossiers&amp;unit={people.pk}"' in body


def test_the_dossier_list_links_to_this_export_with_its_filters(people, clerk_client, province):
    page = clerk_client.get(
        reverse("records_dossiers:index"), {"personnel_category": "VC", "p": "1", "columns": "unit"}
    )
    [link] = page.context["list_links"]
    assert link == (
        "Xuất theo các cột của mẫu nhập (để sửa và nhập lại)",
        f"{reverse('imports_exports:export')}?personnel_category=VC",
    )
    assert "data-list-link>Xuất theo các cột của mẫu nhập" in page.content.decode()
    approver = make_account("hieutruong", unit=province["noi_vu"], role=Role.APPROVER)
    listing = client_for(approver).get(reverse("records_dossiers:index"))
    assert listing.status_code == 200 and listing.context["list_links"] == []


# --- the command --------------------------------------------------------------------------------


def test_the_command_exports_the_filtered_list(people, tmp_path):
    out = tmp_path / "cc.xlsx"
    call_command("export_records", "--unit", people.code, "--out", str(out), "--filter", "personnel_category=CC")
    assert sheet_ids(out.read_bytes()) == [AN, THANG]
    call_command("export_records", "--unit", people.code, "--out", str(out), "--filter", "cf_so_the_dang=DT-001")
    assert sheet_ids(out.read_bytes()) == [THANG]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("personnel_category", "Hãy viết bộ lọc dạng TÊN=GIÁ_TRỊ: 'personnel_category'."),
        ("tuoi=30", "Không có bộ lọc 'tuoi' (chỉ có: q, personnel_category,"),
        ("status=KHONG_CO", "Bộ lọc 'Trạng thái': "),
    ],
)
def test_the_command_refuses_a_filter_it_cannot_use(given, message, people, tmp_path):
    out = tmp_path / "x.xlsx"
    with pytest.raises(CommandError) as excinfo:
        call_command("export_records", "--unit", people.code, "--out", str(out), "--filter", given)
    assert message in str(excinfo.value)
    assert not out.exists()


def test_the_page_has_the_lists_filters_of_its_own(people, clerk_client):
    """Filters chosen on the export page itself, a custom field's included, narrow the export as the
    list's do; the controls are there without any filter in use (closed until one is)."""
    url = reverse("imports_exports:export")
    body = clerk_client.get(url).content.decode()
    controls = body[body.index("data-export-filters") :]
    assert "data-export-filters open" not in body
    for name in ("q", "personnel_category", "status", "sex", "ethnicity", "party", "completeness", "cf_so_the_dang"):
        assert f'name="{name}"' in controls, name
    assert 'name="unit"' not in controls[: controls.index("</details>")]  # the export's own unit field serves
    query = {"target": "work_history", "unit": people.pk, "cf_so_the_dang": "DT-001", "fmt": "xlsx"}
    response = clerk_client.get(url, {**query, "columns": ["workplace"]})
    assert response.status_code == 200 and response.streaming
    assert sheet_ids(b"".join(response.streaming_content)) == [THANG]
    page = clerk_client.get(url, {key: value for key, value in query.items() if key != "fmt"}).content.decode()
    assert 'name="cf_so_the_dang" value="DT-001"' in page and "data-export-filters open" in page
