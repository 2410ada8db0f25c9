"""End to end in real headless Chromium: an HR clerk uploads a province's sheet (a new person, an
update of a dossier of their unit, a row with an error, and a row and header typed in the old TCVN3
encoding) to the bulk import screen; a Celery worker checks it while the page follows the progress;
the clerk reads the preview (nothing written), imports the valid rows, downloads the error workbook,
then exports the unit's dossiers twice: the approved content only, and the latest with the change
awaiting approval; then the dossier list filtered to women, exported through its link in the import's
columns; last, a section's rows of a period (the period kept when the target changes, a wrong one
refused at its field, hidden for the family); and the export page's own filters.

The database shows nothing written by the check, then the new dossiers (the TCVN3 name stored in
Unicode) and the update as a version awaiting the head of unit's approval.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from playwright.sync_api import expect

from imports.choices import ImportMode, ImportStatus, RowOutcome
from imports.models import ImportJob, ImportRow
from portal.celery import app
from portal.choices import Role
from records.choices import VersionSource, VersionStatus
from records.models import Dossier, DossierVersion
from tests.browser.test_declare_and_review import account, sign_in
from tests.imports.conftest import HEADERS, MAN_1990, person_id, person_row, workbook
from tests.portal.test_legacy_text import tcvn3
from tests.records.factories import BASE_CONTENT, make_dossier

WORKER_TIMEOUT_MS = 60_000
FILENAME = "danh-sach-so-noi-vu.xlsx"
OLD_PHONE, NEW_PHONE = "0912000111", "0987654321"
LAN = person_id(11, year=1992, female=True)  # a new person, typed in Unicode
TAM = person_id(12, year=1988)  # a new person, typed in TCVN3 (.VnTime)
ON = person_id(13, year=1995, female=True)  # an unknown ethnicity: an error
TAM_TYPED = tcvn3("Lê Văn Tám")
TCVN3_NOTE = (
    f"2 ô được gõ bằng bảng mã cũ TCVN3 (ABC, phông .VnTime) và đã được đọc thành Unicode, ví dụ dòng 3, "
    f"cột 'Họ và tên': '{TAM_TYPED}' thành 'Lê Văn Tám'."
)
ERROR_MESSAGE = "Dòng 5, cột 'Dân tộc':"
APPROVED_ONLY = re.compile(r"Chỉ nội dung đã được thủ trưởng đơn vị phê duyệt")
LATEST = re.compile(r"Mới nhất, kể cả các thay đổi đang chờ phê duyệt")


def sheet() -> bytes:
    """An old provincial sheet: its header typed in TCVN3, one person typed in TCVN3 (name and
    ethnicity), the others in Unicode after it (the columns shown to be TCVN3 must leave them)."""
    rows = [
        person_row(LAN, "Trần Thị Lan", sex="Nữ", birth="03/02/1992", category="VC", phone="0987000111"),
        person_row(TAM, TAM_TYPED, birth="12/08/1988", ethnicity=tcvn3("Tày"), phone="0903000222"),
        person_row(MAN_1990, phone=NEW_PHONE),  # Nguyễn Văn Thắng as stored, a new phone number
        person_row(ON, "Phạm Thị Ơn", sex="Nữ", birth="21/11/1995", ethnicity="Sao Hỏa"),
    ]
    return workbook(rows, [tcvn3(title) for title in HEADERS])


def outcome_row(page, personal_id: str):
    return page.locator("#import-rows tbody tr").filter(has_text=personal_id)


def saved(download, directory) -> Path:
    """The downloaded file under its suggested name (openpyxl reads a workbook by its extension)."""
    path = directory / download.suggested_filename
    download.save_as(path)
    return path


def figures(page) -> dict[str, int]:
    """The counts the job's page shows ("2 mới", "1 có lỗi", …), by their label."""
    shown = {}
    for figure in page.locator("#import-counts > div").all():
        number = figure.locator("strong").inner_text()
        shown[figure.inner_text().removeprefix(number).strip()] = int(number)
    return shown


def counts(job: ImportJob) -> tuple:
    return job.rows_total, job.rows_new, job.rows_updated, job.rows_unchanged, job.rows_error


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_clerk_checks_imports_and_exports_a_sheet_through_a_worker(live_server, new_page, province, tmp_path):
    unit = province["noi_vu"]
    clerk = account("tccb.snv", unit, Role.HR_CLERK)
    identity = {**BASE_CONTENT["identity"], "phone": OLD_PHONE}
    thang = make_dossier(unit, personal_id=MAN_1990, identity=identity)
    upload = tmp_path / FILENAME
    upload.write_bytes(sheet())
    # Job numbers restart with the test database: a task an interrupted earlier run left in the
    # queue would be taken by this test's worker for this test's job.
    app.control.purge()
    assert (Dossier.objects.count(), DossierVersion.objects.count()) == (1, 1)

    page = new_page()
    sign_in(page, f"{live_server.url}/admin/login/", "tccb.snv")
    expect(page).not_to_have_url(re.compile(r"/admin/login/"))

    # 1. The upload: target, unit, the file, the mode that imports the valid rows.
    page.goto(live_server.url + reverse("imports_jobs:upload"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nhập dữ liệu")
    page.get_by_label("Dữ liệu trong tệp").select_option("dossiers")
    page.locator('select[name="unit"]').select_option(str(unit.pk))
    page.locator('input[name="file"]').set_input_files(upload)
    expect(page.get_by_label("Nhập tất cả hoặc không nhập gì")).to_be_checked()  # the default mode
    page.get_by_label("Nhập các dòng hợp lệ, trả lại các dòng lỗi").check()
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    # Queued (no worker yet): the job's page says it waits, nothing is written.
    expect(page).to_have_url(re.compile(r"/admin/imports/\d+/$"))
    job = ImportJob.objects.get()
    assert (job.created_by_id, job.unit_id, job.mode, job.filename) == (clerk.pk, unit.pk, ImportMode.VALID, FILENAME)
    expect(page.get_by_text("Tệp đang được kiểm tra; chưa ghi dữ liệu nào cho đến khi bạn chọn nhập.")).to_be_visible()
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text("Đang chờ tiến trình chạy nền…")
    expect(page.locator("#import-status")).to_have_text("Đang chờ")
    expect(page.locator("#import-result")).to_have_count(0)

    # 2. A worker checks the file; the page follows the progress, then shows the preview.
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        expect(page.locator("#import-result-title")).to_have_text(
            "Kết quả kiểm tra (chưa ghi dữ liệu)", timeout=WORKER_TIMEOUT_MS
        )
    expect(progress).to_have_count(0)
    expect(page.locator("#import-status")).to_have_text("Đã kiểm tra (chưa ghi dữ liệu)")
    expect(page.locator("#import-rows tbody tr")).to_have_count(4)
    assert figures(page) == {"mới": 2, "cập nhật": 1, "không đổi": 0, "có lỗi": 1}
    expect(outcome_row(page, LAN).locator(".imports-badge")).to_have_text("Mới")
    expect(outcome_row(page, TAM).locator(".imports-badge")).to_have_text("Mới")
    update = outcome_row(page, MAN_1990)
    expect(update.locator(".imports-badge")).to_have_text("Cập nhật")
    expect(update.locator("td").last).to_have_text("Số điện thoại")  # the one field that changes
    failed = outcome_row(page, ON)
    expect(failed.locator(".imports-badge")).to_have_text("Lỗi")
    [error] = ImportRow.objects.get(job=job, personal_id=ON).errors
    assert error["column"] == "Dân tộc" and error["message"].startswith(ERROR_MESSAGE), error
    assert "'Sao Hỏa'" in error["message"]
    expect(failed.locator(".imports-errors li")).to_have_text(error["message"])
    message = page.locator("#import-message")
    expect(message).to_contain_text("Đã kiểm tra, chưa ghi dữ liệu: 2 mới, 1 cập nhật, 0 không đổi, 1 có lỗi.")
    expect(message).to_contain_text(TCVN3_NOTE)
    expect(page.locator("#import-columns")).to_contain_text("Họ và tên →")  # the TCVN3 header, matched
    expect(page.locator("#import-commit")).to_be_visible()
    expect(page.get_by_text("Số dòng có lỗi sẽ không được nhập: 1.")).to_be_visible()
    # The rows with errors only, then all of them again.
    page.get_by_role("link", name="Lỗi (1)").click()
    expect(page.locator("#import-rows tbody tr")).to_have_count(1)
    expect(page.locator("#import-rows tbody tr")).to_contain_text(ON)
    page.get_by_role("link", name="Tất cả các dòng (4)").click()
    expect(page.locator("#import-rows tbody tr")).to_have_count(4)
    job.refresh_from_db()
    assert (job.status, counts(job), job.columns_ignored) == (ImportStatus.CHECKED, (4, 2, 1, 0, 1), [])
    assert list(ImportRow.objects.filter(job=job).order_by("row_number").values_list("personal_id", "outcome")) == [
        (LAN, RowOutcome.NEW),
        (TAM, RowOutcome.NEW),
        (MAN_1990, RowOutcome.UPDATE),
        (ON, RowOutcome.ERROR),
    ]
    assert (Dossier.objects.count(), DossierVersion.objects.count()) == (1, 1)  # the check wrote nothing

    # 3. Import the valid rows: queued until a worker runs it, then the counts of the import.
    page.get_by_role("button", name="Nhập", exact=True).click()
    expect(page.get_by_text("Lần nhập đã được xếp hàng; trang này hiển thị tiến độ.")).to_be_visible()
    expect(progress).to_contain_text("Đang chờ tiến trình chạy nền…")
    expect(page.locator("#import-status")).to_have_text("Đang chờ")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        expect(page.locator("#import-result-title")).to_have_text("Kết quả nhập", timeout=WORKER_TIMEOUT_MS)
    expect(page.locator("#import-status")).to_have_text("Đã nhập")
    expect(page.locator("#import-counts")).to_contain_text("số hồ sơ đã ghi")
    assert figures(page) == {"mới": 2, "cập nhật": 1, "không đổi": 0, "có lỗi": 1, "số hồ sơ đã ghi": 3}
    expect(message).to_contain_text("Đã nhập 2 mới và 1 cập nhật; 1 dòng có lỗi được trả lại trong tệp lỗi.")
    expect(message).to_contain_text(TCVN3_NOTE)
    expect(page.locator("#import-commit")).to_have_count(0)
    job.refresh_from_db()
    assert (job.status, counts(job), job.dossiers_written) == (ImportStatus.DONE, (4, 2, 1, 0, 1), 3)

    # The outcome, in the database: two new dossiers, and the update awaiting the head of unit's approval.
    assert set(Dossier.objects.values_list("personal_id", flat=True)) == {MAN_1990, LAN, TAM}
    tam = DossierVersion.objects.get(dossier__personal_id=TAM)
    assert tam.content["identity"]["full_name"] == "Lê Văn Tám"
    assert tam.content["identity"]["ethnicity"] == "02"  # "Tày", typed in TCVN3, by its label
    assert Dossier.objects.get(personal_id=TAM).full_name == "Lê Văn Tám"
    lan = DossierVersion.objects.get(dossier__personal_id=LAN)
    assert lan.content["identity"]["full_name"] == "Trần Thị Lan"  # Unicode after a TCVN3 row: as typed
    thang = Dossier.objects.get(pk=thang.pk)
    assert (thang.live_version, thang.latest_version) == (1, 2)
    pending = DossierVersion.objects.get(dossier=thang, number=2)
    assert (pending.status, pending.source, pending.created_by_id) == (
        VersionStatus.PENDING,
        VersionSource.IMPORT,
        clerk.pk,
    )
    assert pending.content["identity"]["phone"] == NEW_PHONE
    assert DossierVersion.objects.get(dossier=thang, number=1).content["identity"]["phone"] == OLD_PHONE
    # A new dossier's first version is published at once (nothing to approve against).
    assert {(version.number, version.status) for version in (tam, lan)} == {(1, VersionStatus.PUBLISHED)}
    assert not Dossier.objects.filter(personal_id=ON).exists()

    # The error workbook: the failed row as uploaded, its row number and its error.
    with page.expect_download() as download_info:
        page.locator("#import-error-file").click()
    download = download_info.value
    assert download.suggested_filename == "danh-sach-so-noi-vu-loi.xlsx"
    values = [list(row) for row in openpyxl.load_workbook(saved(download, tmp_path)).active.iter_rows(values_only=True)]
    assert len(values) == 2, values
    assert values[0] == [*HEADERS, "Dòng trong tệp đã tải lên", "Lỗi"]  # the header read as Unicode
    assert values[1][: len(HEADERS)] == person_row(ON, "Phạm Thị Ơn", sex="Nữ", birth="21/11/1995", ethnicity="Sao Hỏa")
    assert values[1][len(HEADERS)] == 5
    assert values[1][len(HEADERS) + 1] == error["message"]

    # 4. The export: the approved content only (csv), then the latest content (xlsx).
    page.goto(live_server.url + reverse("imports_exports:export"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xuất dữ liệu")
    page.locator('select[name="unit"]').select_option(str(unit.pk))
    page.locator('input[name="columns"][value="identity.phone"]').check()
    expect(page.get_by_label(LATEST)).to_be_checked()  # the default
    page.get_by_label(APPROVED_ONLY).check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Xuất csv").click()
    approved = download_info.value
    assert approved.suggested_filename.startswith(f"ho-so-{unit.code}-da-duyet-"), approved.suggested_filename
    assert approved.suggested_filename.endswith(".csv")
    with open(approved.path(), encoding="utf-8-sig", newline="") as file:
        approved_rows = list(csv.DictReader(file))
    by_id = {row["Số định danh cá nhân"]: row for row in approved_rows}
    assert set(by_id) == {MAN_1990, LAN, TAM}
    assert by_id[MAN_1990]["Điện thoại"] == OLD_PHONE  # the approved value, not the pending one

    page.get_by_label(LATEST).check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Xuất xlsx").click()
    latest = download_info.value
    assert "da-duyet" not in latest.suggested_filename and latest.suggested_filename.endswith(".xlsx")
    rows = list(openpyxl.load_workbook(saved(latest, tmp_path)).worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    by_id = {row[header.index("Số định danh cá nhân")]: row for row in rows[1:]}
    assert set(by_id) == {MAN_1990, LAN, TAM}
    assert by_id[MAN_1990][header.index("Điện thoại")] == NEW_PHONE
    assert by_id[TAM][header.index("Họ và tên khai sinh")] == "Lê Văn Tám"

    # 5. A filtered list, exported in the import's columns: the dossier list filtered to women, its
    # "export in the import template's columns" link, the export page listing the filter, the file.
    page.goto(live_server.url + reverse("records_dossiers:index") + "?sex=2")
    page.get_by_text("Xuất danh sách này").click()
    page.get_by_role("link", name="Xuất theo các cột của mẫu nhập (để sửa và nhập lại)").click()
    expect(page.get_by_role("heading", name="Chỉ các hồ sơ của danh sách đã lọc")).to_be_visible()
    expect(page.locator("[data-list-filters]")).to_contain_text("Giới tính: Nữ")
    page.locator('select[name="unit"]').select_option(str(unit.pk))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Xuất xlsx").click()
    rows = list(openpyxl.load_workbook(saved(download_info.value, tmp_path)).worksheets[0].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [LAN]

    # 6. A section's rows of a period: the period is offered for a section with dates, kept when
    # another target is chosen (the page reloads with its columns), hidden for the family.
    page.goto(live_server.url + reverse("imports_exports:export"))
    expect(page.locator('input[name="period_from"]')).to_have_count(0)  # the dossiers have no period
    page.locator('select[name="target"]').select_option("work_history")
    page.wait_for_url("**target=work_history**")
    page.locator('input[name="period_from"]').fill("01/2025")
    page.locator('select[name="target"]').select_option("rewards")
    page.wait_for_url("**target=rewards**")
    expect(page.locator('input[name="period_from"]')).to_have_value("01/2025")
    page.locator('input[name="period_to"]').fill("12/2024")
    page.locator('select[name="unit"]').select_option(str(unit.pk))
    page.get_by_role("button", name="Xuất xlsx").click()
    expect(page.locator("#id_period_to").locator("xpath=ancestor::li[1]")).to_contain_text(
        "Tháng cuối của khoảng thời gian (12/2024) trước tháng đầu (01/2025)."
    )
    page.locator('input[name="period_to"]').fill("12/2025")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Xuất xlsx").click()
    assert "-01-2025-12-2025-" in download_info.value.suggested_filename
    page.locator('select[name="target"]').select_option("family_own")
    page.wait_for_url("**target=family_own**")
    expect(page.locator('input[name="period_from"]')).to_have_count(0)

    # 7. The export page's own filters (the dossier list's): women only, kept when the target changes.
    page.goto(live_server.url + reverse("imports_exports:export"))
    page.locator("[data-export-filters] summary").click()
    page.locator('[data-export-filters] select[name="sex"]').select_option("2")
    page.locator('select[name="unit"]').select_option(str(unit.pk))
    page.locator('select[name="target"]').select_option("work_history")
    page.wait_for_url("**target=work_history**")
    expect(page.locator('[data-export-filters] select[name="sex"]')).to_have_value("2")
    page.locator('select[name="target"]').select_option("dossiers")
    page.wait_for_url("**target=dossiers**")
    expect(page.locator("[data-list-filters]")).to_contain_text("Giới tính: Nữ")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Xuất xlsx").click()
    rows = list(openpyxl.load_workbook(saved(download_info.value, tmp_path)).worksheets[0].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [LAN]
