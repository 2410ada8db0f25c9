"""The admin's upload is checked, then imported, by a Celery worker through a real broker (Redis at
REDIS_URL in CI), after the request's transaction commits; the page's progress endpoint follows it."""

from __future__ import annotations

import datetime
import io
import time

import openpyxl
import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from imports.choices import ImportMode, ImportStatus
from imports.models import ImportJob
from portal.celery import app
from portal.choices import Role
from portal.models import CatalogueEntry, Grant
from records.choices import VersionSource
from records.models import Dossier, DossierVersion
from tests.conftest import make_unit

PEOPLE = [
    ["087090000123", "Nguyễn Văn Thắng", "17/05/1990", "Nam", "CC"],
    ["087190000456", "Trần Thị Lan", "03/02/1990", "Nữ", "VC"],
    ["087185000789", "Phạm Thị Ơn", "21/11/1985", "Nữ", "VC"],
]


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Số CCCD", "Họ và tên", "Ngày sinh", "Giới tính", "Loại cán bộ"])
    for row in PEOPLE:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _wait_for(job: ImportJob, status: str, seconds: float = 60) -> ImportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == status:
            return job
        time.sleep(0.2)
    return job


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_upload_check_and_import_through_a_worker(django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    if not CatalogueEntry.objects.exists():  # flushed by an earlier transactional test
        call_command("load_catalogues", verbosity=0)
    assert not app.conf.task_always_eager
    root = make_unit("Ủy ban nhân dân tỉnh Đồng Tháp", type_code="UBND_TINH")
    department = make_unit("Sở Nội vụ", parent=root, type_code="SO")
    clerk = django_user_model.objects.create_user(username="tccb", password="Mk@2026-x", unit=department)
    Grant.objects.create(user=clerk, role=Role.HR_CLERK, unit=department, starts_on=datetime.date(2025, 1, 1))
    client = Client()
    client.force_login(clerk)
    upload = io.BytesIO(_workbook())
    upload.name = "tuyen-dung-2026.xlsx"

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post(
            reverse("imports_jobs:upload"),
            {"target": "dossiers", "unit": department.pk, "mode": ImportMode.ALL, "file": upload},
        )
        job = ImportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("imports_jobs:job", args=[job.pk])
        job = _wait_for(job, ImportStatus.CHECKED)
        assert (job.status, job.rows_total, job.rows_new, job.rows_error) == (ImportStatus.CHECKED, 3, 3, 0)
        assert not Dossier.objects.exists()  # the check wrote nothing
        progress = client.get(reverse("imports_jobs:progress", args=[job.pk])).json()
        assert (progress["finished"], progress["done"], progress["total"], progress["percent"]) == (True, 3, 3, 100)

        response = client.post(reverse("imports_jobs:commit", args=[job.pk]))
        assert response.status_code == 302
        job = _wait_for(job, ImportStatus.DONE)

    assert (job.status, job.rows_new, job.dossiers_written, job.committed) == (ImportStatus.DONE, 3, 3, True)
    assert job.imported_at is not None and job.duration_seconds is not None
    people = {pid: unit for pid, unit in Dossier.objects.values_list("personal_id", "unit_id")}
    assert people == {row[0]: department.pk for row in PEOPLE}
    # The versions are imports by the clerk, naming the file and the job; a clerk's import awaits approval.
    versions = DossierVersion.objects.filter(dossier__personal_id__in=list(people))
    assert {(v.source, v.created_by_id) for v in versions} == {(VersionSource.IMPORT, clerk.pk)}
    assert {v.reason for v in versions} == {f"Nhập từ tệp 'tuyen-dung-2026.xlsx' (lần nhập số {job.pk})"}
