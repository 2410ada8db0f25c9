"""The import and export screens (imports/views/, imports/viewsets.py): upload → check → preview →
import, cancel, the error workbook, the publish choice, scoping, the template, the export and the
column mappings, in Vietnamese. The Celery task runs eagerly here (tests/imports/test_tasks.py runs
it through a real worker and broker)."""

from __future__ import annotations

import datetime
import html
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.choices import ImportMode, ImportStatus
from imports.models import ColumnMapping, ImportJob
from imports.services.jobs import import_job_create, import_job_run
from imports.tasks import run_job_task
from portal.celery import app
from portal.choices import Role
from portal.models import Grant, Unit
from records.models import Dossier
from tests.imports.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]

HEADER = ["Số CCCD", "Họ và tên", "Ngày sinh", "Giới tính", "Loại cán bộ"]
THANG = ["087090000123", "Nguyễn Văn Thắng", "17/05/1990", "Nam", "CC"]
LAN = ["087190000456", "Trần Thị Lan", "03/02/1990", "Nữ", "VC"]
SHORT_ID = ["08709000012", "Lê Văn Tám", "01/01/1991", "Nam", "CC"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(*rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Hồ sơ"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str = "ho-so.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def text(response) -> str:
    """The page's text, tags dropped and entities decoded, spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def eager():
    """The task runs in the test's process when its ``on_commit`` fires."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def world(province, django_user_model, admin_user):
    def account(username, unit, role):
        user = django_user_model.objects.create_user(username=username, password=None, unit=unit)
        Grant.objects.create(user=user, role=role, unit=unit, starts_on=datetime.date(2025, 1, 1))
        return django_user_model.objects.get(pk=user.pk)

    return {
        **province,
        "clerk": account("canbo.snv", province["noi_vu"], Role.HR_CLERK),
        "clerk_tc": account("canbo.stc", province["tai_chinh"], Role.HR_CLERK),
        "unit_admin": account("quantri.snv", province["noi_vu"], Role.UNIT_ADMIN),
        "leader": account("lanhdao", province["root"], Role.LEADER),
        "admin": admin_user,
    }


def post_upload(client, world, data: bytes, *, mode=ImportMode.ALL, unit="noi_vu", **extra):
    fields = {"target": "dossiers", "unit": world[unit].pk, "mode": mode, "file": upload(data), **extra}
    return client.post(reverse("imports_jobs:upload"), fields)


def checked_job(world, data: bytes, *, mode=ImportMode.ALL, user="clerk", unit="noi_vu") -> ImportJob:
    """A job of ``user`` into ``unit``, checked synchronously (the service the task runs)."""
    job = import_job_create(
        actor=world[user], target="dossiers", unit=world[unit], filename="ho-so.xlsx", content=data, mode=mode
    )
    return import_job_run(job=job, commit=False)


# --- upload and check ------------------------------------------------------------------------------


def test_upload_checks_the_file_and_the_page_shows_each_row(world, eager, django_capture_on_commit_callbacks):
    client = client_for(world["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, world, workbook(THANG, LAN, SHORT_ID))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports_jobs:job", args=[job.pk])
    assert (job.status, job.created_by, job.rows_new, job.rows_error) == (ImportStatus.CHECKED, world["clerk"], 2, 1)
    assert not Dossier.objects.exists()  # a check writes nothing

    page = client.get(reverse("imports_jobs:job", args=[job.pk]))
    body = text(page)
    assert page.status_code == 200
    assert "Tệp đang được kiểm tra; chưa ghi dữ liệu nào cho đến khi bạn chọn nhập." in body
    assert "Kết quả kiểm tra (chưa ghi dữ liệu)" in body
    rows = page.context["table"].rows
    assert [(row.record.row_number, row.record.personal_id, row.record.outcome) for row in rows] == [
        (2, "087090000123", "new"),
        (3, "087190000456", "new"),
        (4, "08709000012", "error"),
    ]
    # The error is a Vietnamese sentence naming the row and the column, shown in the row.
    error = rows[2].record.errors[0]["message"]
    assert error.startswith("Dòng 4, cột 'Số CCCD':")
    assert error in body
    assert "Số CCCD → Số định danh cá nhân" in body  # the columns recognised
    # All-or-nothing with an error: no import, and why.
    assert 'id="import-commit"' not in page.content.decode()
    assert "Chế độ là nhập tất cả hoặc không nhập gì và có 1 dòng có lỗi, nên không nhập được." in body

    only_errors = client.get(reverse("imports_jobs:job", args=[job.pk]), {"outcome": "error"})
    assert [row.record.row_number for row in only_errors.context["table"].rows] == [4]


def test_upload_form_errors_are_per_field_in_vietnamese(world):
    client = client_for(world["clerk"])
    response = client.post(reverse("imports_jobs:upload"), {"target": "dossiers", "mode": "all"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["file"] == ["Trường này là bắt buộc."]
    assert errors["unit"] == ["Trường này là bắt buộc."]
    # A unit outside the clerk's subtree is not a choice.
    response = post_upload(client, world, workbook(THANG), unit="tai_chinh")
    assert response.context["form"].errors["unit"] == [
        "Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các lựa chọn khả thi."
    ]
    assert not ImportJob.objects.exists()


def test_a_mapping_of_another_target_is_refused_on_its_field(world):
    mapping = ColumnMapping.objects.create(name="Sổ lương cũ", target="salary_history", columns={"CMND": "personal_id"})
    response = post_upload(client_for(world["clerk"]), world, workbook(THANG), mapping=mapping.pk)
    assert response.status_code == 200
    assert response.context["form"].errors["mapping"] == ["Bảng ánh xạ cột 'Sổ lương cũ' dùng cho đối tượng nhập khác."]
    assert not ImportJob.objects.exists()


def test_a_refused_file_shows_the_jobs_message(world, eager, django_capture_on_commit_callbacks):
    client = client_for(world["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports_jobs:upload"),
            {"target": "dossiers", "unit": world["noi_vu"].pk, "mode": "all", "file": upload(b"%PDF-1.4 x", "a.xlsx")},
        )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.REFUSED
    assert job.message == "Tệp 'a.xlsx' không phải bảng tính: nội dung của tệp là PDF. Hãy tải lên tệp .xlsx hoặc .csv."
    body = text(client.get(reverse("imports_jobs:job", args=[job.pk])))
    assert job.message in body and "Tệp bị từ chối" in body


def test_a_saved_mapping_matches_other_headers(world, eager, django_capture_on_commit_callbacks):
    mapping = ColumnMapping.objects.create(
        name="Mẫu huyện cũ",
        target="dossiers",
        columns={"Mã số công dân": "personal_id", "Tên đầy đủ": "identity.full_name"},
    )
    data = workbook(THANG, header=["Mã số công dân", "Tên đầy đủ", "Ngày sinh", "Giới tính", "Loại cán bộ", "Ghi chú"])
    client = client_for(world["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client, world, data, mapping=mapping.pk)
    job = ImportJob.objects.get()
    assert (job.status, job.mapping, job.rows_new, job.rows_error) == (ImportStatus.CHECKED, mapping, 1, 0)
    assert job.columns_ignored == ["Ghi chú"]
    body = text(client.get(reverse("imports_jobs:job", args=[job.pk])))
    assert "Mã số công dân → Số định danh cá nhân" in body
    assert "Bị bỏ qua (không phải cột của đối tượng này):" in body and "Ghi chú" in body


# --- import, cancel, error workbook, original file ----------------------------------------------------


def test_import_of_the_valid_rows_and_the_error_workbook(world, eager, django_capture_on_commit_callbacks):
    client = client_for(world["clerk"])
    data = workbook(THANG, SHORT_ID, LAN)
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client, world, data, mode=ImportMode.VALID)
    job = ImportJob.objects.get()
    page = client.get(reverse("imports_jobs:job", args=[job.pk]))
    assert 'id="import-commit"' in page.content.decode()
    assert "Số dòng có lỗi sẽ không được nhập: 1." in text(page)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports_jobs:commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.rows_new, job.rows_error, job.dossiers_written) == (ImportStatus.DONE, 2, 1, 2)
    assert sorted(Dossier.objects.values_list("personal_id", "unit__name")) == [
        ("087090000123", "Sở Nội vụ"),
        ("087190000456", "Sở Nội vụ"),
    ]
    body = text(client.get(reverse("imports_jobs:job", args=[job.pk])))
    assert "Kết quả nhập" in body
    assert job.message == "Đã nhập 2 mới và 0 cập nhật; 1 dòng có lỗi được trả lại trong tệp lỗi."
    assert job.message in body

    # The error workbook: the failed row as uploaded, its row number and its error.
    response = client.get(reverse("imports_jobs:errors", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ho-so-loi.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:5] == HEADER
    assert values[1][:5] == SHORT_ID and values[1][5] == 3
    assert values[1][6].startswith("Dòng 3, cột 'Số CCCD':")
    assert len(values) == 2

    original = client.get(reverse("imports_jobs:original", args=[job.pk]))
    assert original["Content-Disposition"] == 'attachment; filename="ho-so.xlsx"'
    assert b"".join(original.streaming_content) == data

    # Imported once: a second import is refused with the reason.
    response = client.post(reverse("imports_jobs:commit", args=[job.pk]), follow=True)
    assert "Chưa bắt đầu nhập: Tệp này đã được nhập." in text(response)


def test_all_or_nothing_with_errors_cannot_be_imported(world):
    job = checked_job(world, workbook(THANG, SHORT_ID))
    client = client_for(world["clerk"])
    response = client.post(reverse("imports_jobs:commit", args=[job.pk]), follow=True)
    body = text(response)
    assert "Chưa bắt đầu nhập: 1 dòng có lỗi" in body
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and not Dossier.objects.exists()


def test_cancel_a_queued_job_and_the_worker_leaves_it(world, django_capture_on_commit_callbacks):
    client = client_for(world["clerk"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_upload(client, world, workbook(THANG))
    assert len(callbacks) == 1  # the check waits for the commit
    job = ImportJob.objects.get()
    page = client.get(reverse("imports_jobs:job", args=[job.pk]))
    assert reverse("imports_jobs:cancel", args=[job.pk]) in page.content.decode()
    assert "Đang chờ tiến trình chạy nền…" in text(page)
    # Without JavaScript the progress does not update itself: a link reloads the page.
    assert (
        f'<noscript><p><a href="{reverse("imports_jobs:job", args=[job.pk])}">Tải lại trang này'
        in page.content.decode()
    )

    response = client.post(reverse("imports_jobs:cancel", args=[job.pk]), follow=True)
    assert "Đã hủy; không ghi dữ liệu nào." in text(response)
    job.refresh_from_db()
    assert (job.status, job.cancel_requested) == (ImportStatus.CANCELLED, True)
    # The task delivered after the cancel does not run the job.
    assert run_job_task(job.pk, False) == ImportStatus.CANCELLED
    job.refresh_from_db()
    assert job.started_at is None and not job.rows.exists()
    # A finished job cannot be cancelled.
    response = client.post(reverse("imports_jobs:cancel", args=[job.pk]), follow=True)
    assert "Chưa hủy được lần nhập: Chỉ hủy được lần nhập đang chờ hoặc đang chạy." in text(response)


def test_progress_endpoint(world):
    job = import_job_create(
        actor=world["clerk"], target="dossiers", unit=world["noi_vu"], filename="a.xlsx", content=workbook(THANG)
    )
    now = datetime.datetime.now(datetime.UTC)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKING, rows_total=1000, rows_done=250, started_at=now - datetime.timedelta(seconds=10)
    )
    data = client_for(world["clerk"]).get(reverse("imports_jobs:progress", args=[job.pk])).json()
    assert (data["status"], data["done"], data["total"], data["percent"], data["finished"]) == (
        "checking",
        250,
        1000,
        25,
        False,
    )
    assert 29 <= data["eta_seconds"] <= 32 and data["eta"].startswith("0:3")
    assert data["status_label"] == "Đang kiểm tra"
    # Out of scope: 404 in JSON.
    response = client_for(world["clerk_tc"]).get(reverse("imports_jobs:progress", args=[job.pk]))
    assert response.status_code == 404 and "errors" in response.json()


# --- publish directly, scoping ------------------------------------------------------------------------


def test_publish_directly_is_offered_and_allowed_to_a_system_administrator_only(world):
    clerk = client_for(world["clerk"])
    assert 'name="publish"' not in clerk.get(reverse("imports_jobs:upload")).content.decode()
    response = post_upload(clerk, world, workbook(THANG), publish="on")
    assert response.status_code == 403
    assert "Chỉ quản trị hệ thống được công bố ngay dữ liệu nhập (chuyển đổi dữ liệu ban đầu)." in text(response)
    assert not ImportJob.objects.exists()

    admin = client_for(world["admin"])
    assert 'name="publish"' in admin.get(reverse("imports_jobs:upload")).content.decode()
    response = post_upload(admin, world, workbook(THANG), publish="on")
    assert response.status_code == 302
    assert ImportJob.objects.get().publish is True


def test_a_clerk_sees_only_the_jobs_of_their_subtree(world, django_assert_max_num_queries):
    other = checked_job(world, workbook(THANG), user="clerk_tc", unit="tai_chinh")
    own = [checked_job(world, workbook(LAN)), checked_job(world, workbook(THANG, LAN), mode=ImportMode.VALID)]
    clerk = client_for(world["clerk"])
    for name in ("job", "progress", "errors", "original"):
        assert clerk.get(reverse(f"imports_jobs:{name}", args=[other.pk])).status_code == 404, name
    for name in ("commit", "recheck", "cancel"):
        assert clerk.post(reverse(f"imports_jobs:{name}", args=[other.pk])).status_code == 404, name
    # The history: a constant number of queries (the admin's menu included), whatever the jobs.
    with django_assert_max_num_queries(17):
        response = clerk.get(reverse("imports_jobs:history"))
    assert [row.record.pk for row in response.context["table"].rows] == [own[1].pk, own[0].pk]
    body = text(response)
    assert f"Lần nhập số {own[0].pk}" in body and f"Lần nhập số {other.pk}" not in body
    assert "canbo.snv" in body and "Hồ sơ (thông tin chung)" in body and "0 / 0 / 0 / 0" not in body
    # The system administrator sees every job.
    response = client_for(world["admin"]).get(reverse("imports_jobs:history"))
    assert {row.record.pk for row in response.context["table"].rows} == {other.pk, *(job.pk for job in own)}


def test_a_job_from_the_command_line_in_another_unit_stays_hidden(world):
    cli_job = import_job_create(
        actor=None, target="dossiers", unit=world["tai_chinh"], filename="cli.xlsx", content=workbook(THANG)
    )
    clerk = client_for(world["clerk"])
    assert clerk.get(reverse("imports_jobs:job", args=[cli_job.pk])).status_code == 404
    assert cli_job.pk not in [row.record.pk for row in clerk.get(reverse("imports_jobs:history")).context["table"].rows]


def test_a_unit_administrator_reads_jobs_but_cannot_import(world):
    job = checked_job(world, workbook(THANG), mode=ImportMode.VALID)
    client = client_for(world["unit_admin"])
    assert client.get(reverse("imports_jobs:upload")).status_code == 403
    page = client.get(reverse("imports_jobs:job", args=[job.pk]))
    assert page.status_code == 200 and 'id="import-commit"' not in page.content.decode()
    response = client.post(reverse("imports_jobs:commit", args=[job.pk]))
    assert response.status_code == 403
    assert "Bạn không có quyền nhập hồ sơ vào đơn vị này." in text(response)


# --- template, export, mappings ------------------------------------------------------------------------


def test_template_download(world):
    response = client_for(world["clerk"]).get(reverse("imports_exports:template", args=["dossiers"]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = [cell.value for cell in next(book.worksheets[0].iter_rows(max_row=1))]
    assert "Số định danh cá nhân" in headers[0]
    assert client_for(world["clerk"]).get(reverse("imports_exports:template", args=["khong-co"])).status_code == 404


def test_export_of_the_clerks_unit(world):
    from tests.records.factories import make_dossier

    make_dossier(world["chi_cuc"])
    client = client_for(world["clerk"])
    page = client.get(reverse("imports_exports:export"))
    assert page.status_code == 200
    form = page.context["form"]
    assert set(form.fields["unit"].queryset) == set(Unit.objects.filter(path__startswith=world["noi_vu"].path))
    # A short default set of columns, in the template's order, out of the many offered.
    assert form["columns"].initial[:3] == ["personal_id", "unit", "header.personnel_category"]
    assert len(form["columns"].initial) == 10 and len(form.fields["columns"].choices) > 40

    response = client.get(
        reverse("imports_exports:export"),
        {"target": "dossiers", "unit": world["noi_vu"].pk, "columns": ["identity.full_name"], "fmt": "csv"},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "087090000123" in content and "Nguyễn Văn Thắng" in content
    # The approved content only: chosen on the page, named in the file.
    assert [value for value, _label in form.fields["content"].choices] == ["latest", "approved"]
    approved = client.get(
        reverse("imports_exports:export"),
        {
            "target": "dossiers",
            "unit": world["noi_vu"].pk,
            "columns": ["identity.full_name"],
            "fmt": "csv",
            "content": "approved",
        },
    )
    assert approved.status_code == 200 and "-da-duyet-" in approved["Content-Disposition"]
    assert "Nguyễn Văn Thắng" in b"".join(approved.streaming_content).decode("utf-8-sig")

    # Another department's unit is not a choice: the form says so and nothing is exported.
    refused = client.get(
        reverse("imports_exports:export"),
        {"target": "dossiers", "unit": world["tai_chinh"].pk, "columns": ["identity.full_name"], "fmt": "csv"},
    )
    assert refused.status_code == 200 and "unit" in refused.context["form"].errors
    # A section's columns when the target changes.
    section = client.get(reverse("imports_exports:export"), {"target": "training_language"})
    assert "language" in dict(section.context["form"].fields["columns"].choices)


def test_column_mapping_admin_saves_through_the_service(world):
    client = client_for(world["clerk"])
    url = reverse("imports_mappings:add")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Mẫu Sở Y tế",
            "target": "dossiers",
            "lines": "Số CMND => Số định danh cá nhân\nHọ tên cán bộ => identity.full_name\n",
            "note": "",
        },
    )
    assert response.status_code == 302
    mapping = ColumnMapping.objects.get()
    assert mapping.columns == {"Số CMND": "personal_id", "Họ tên cán bộ": "identity.full_name"}
    assert mapping.created_by == world["clerk"]
    # The edit form shows the lines back; an unknown column is refused on the field, in Vietnamese.
    edit = reverse("imports_mappings:edit", args=[mapping.pk])
    assert "Số CMND =&gt; Số định danh cá nhân" in client.get(edit).content.decode()
    response = client.post(
        edit, {"name": "Mẫu Sở Y tế", "target": "dossiers", "lines": "Số CMND => Số nhà", "note": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["lines"] == [
        "'Số nhà' (cho tiêu đề 'Số CMND') không phải là cột của Hồ sơ (thông tin chung)."
    ]
    mapping.refresh_from_db()
    assert mapping.columns == {"Số CMND": "personal_id", "Họ tên cán bộ": "identity.full_name"}
    # No delete screen; the leader has no mapping screens at all.
    assert client_for(world["leader"]).get(reverse("imports_mappings:index")).status_code == 403


def test_menu_shows_the_import_submenu_to_clerks_only(world):
    clerk_page = client_for(world["clerk"]).get(reverse("wagtailadmin_home")).content.decode()
    leader_page = client_for(world["leader"]).get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("imports_jobs:upload") in clerk_page
    assert reverse("imports_jobs:upload") not in leader_page and reverse("imports_jobs:history") not in leader_page
