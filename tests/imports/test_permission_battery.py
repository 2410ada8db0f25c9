"""Every import and export screen (imports/views/, imports/viewsets.py), four ways (tests/permissions.py).

Actors: ``clerk`` is the HR clerk of Sở Nội vụ (the job and the dossier are in its subtree);
``clerk_tc`` the HR clerk of Sở Tài chính (same capability, another subtree: 404 on the job, and
the export of Sở Nội vụ's unit is refused without showing a row); ``leader`` may enter the admin
but has no import role (403).
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from imports.models import ColumnMapping
from imports.services.jobs import import_job_create, import_job_run
from portal.choices import Role
from tests.permissions import Entry, battery_cases, make_account, project_url_names
from tests.records.factories import make_dossier

pytestmark = pytest.mark.django_db
SECRETS = ["087090000123", "Nguyễn Văn Thắng", "bi-mat-snv.xlsx"]
IMPORTS_PREFIX = ("imports_",)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Số CCCD", "Họ và tên", "Ngày sinh", "Giới tính", "Loại cán bộ"])
    sheet.append(["087090000123", "Nguyễn Văn Thắng", "17/05/1990", "Nam", "CC"])
    sheet.append(["0870900001", "Lê Văn Tám", "01/01/1991", "Nam", "CC"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def scenario(province):
    clerk = make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK)
    job = import_job_create(
        actor=clerk, target="dossiers", unit=province["chi_cuc"], filename="bi-mat-snv.xlsx", content=_workbook()
    )
    job = import_job_run(job=job, commit=False)
    assert job.error_file  # the row with a short id failed: the error workbook exists
    make_dossier(province["chi_cuc"])  # what an export of Sở Nội vụ shows
    return {
        **province,
        "clerk": clerk,
        "clerk_tc": make_account("canbo.stc", unit=province["tai_chinh"], role=Role.HR_CLERK),
        "leader": make_account("lanhdao", unit=province["root"], role=Role.LEADER),
        "job": job,
        "mapping": ColumnMapping.objects.create(name="Mẫu cũ", target="dossiers", columns={"CMND": "personal_id"}),
    }


def url(name, *keys, query: str = ""):
    return lambda s: reverse(name, args=[s[key].pk for key in keys]) + query


def secrets(s):
    return SECRETS


def export_query(s):
    return {"target": "dossiers", "unit": s["noi_vu"].pk, "columns": ["identity.full_name"], "fmt": "csv"}


SCREEN = {"permitted": "clerk", "no_permission": "leader"}
JOB = {**SCREEN, "other_unit": "clerk_tc", "secrets": secrets}
JOB_ACTION = {**JOB, "method": "post", "expect_permitted": (302,)}

ENTRIES = [
    Entry("imports_jobs:upload", url("imports_jobs:upload"), **SCREEN),
    Entry(
        "imports_jobs:upload",
        url("imports_jobs:upload"),
        method="post",
        data=lambda s: {"target": "dossiers"},  # no file: the form answers with its errors
        variant="post",
        **SCREEN,
    ),
    Entry("imports_jobs:history", url("imports_jobs:history"), **SCREEN),
    Entry("imports_jobs:job", url("imports_jobs:job", "job"), **JOB),
    Entry("imports_jobs:job", url("imports_jobs:job", "job", query="?outcome=error"), variant="errors", **JOB),
    Entry("imports_jobs:progress", url("imports_jobs:progress", "job"), **JOB),
    Entry("imports_jobs:commit", url("imports_jobs:commit", "job"), **JOB_ACTION),
    Entry("imports_jobs:recheck", url("imports_jobs:recheck", "job"), **JOB_ACTION),
    Entry("imports_jobs:cancel", url("imports_jobs:cancel", "job"), **JOB_ACTION),
    Entry("imports_jobs:errors", url("imports_jobs:errors", "job"), **JOB),
    Entry("imports_jobs:original", url("imports_jobs:original", "job"), **JOB),
    Entry("imports_exports:export", url("imports_exports:export"), **SCREEN),
    # Another department's unit is not a choice: the form's error, no row of it.
    Entry(
        "imports_exports:export",
        url("imports_exports:export"),
        data=export_query,
        variant="download",
        other_unit="clerk_tc",
        expect_other_unit=(200,),
        secrets=secrets,
        **SCREEN,
    ),
    Entry("imports_exports:template", lambda s: reverse("imports_exports:template", args=["dossiers"]), **SCREEN),
    Entry("imports_mappings:index", url("imports_mappings:index"), **SCREEN),
    Entry("imports_mappings:index_results", url("imports_mappings:index_results"), **SCREEN),
    Entry("imports_mappings:add", url("imports_mappings:add"), **SCREEN),
    Entry(
        "imports_mappings:add",
        url("imports_mappings:add"),
        method="post",
        data=lambda s: {"name": "Mẫu Sở Y tế", "target": "dossiers", "lines": "Số CMND => personal_id"},
        expect_permitted=(302,),
        variant="post",
        **SCREEN,
    ),
    Entry("imports_mappings:edit", url("imports_mappings:edit", "mapping"), **SCREEN),
    Entry(
        "imports_mappings:edit",
        url("imports_mappings:edit", "mapping"),
        method="post",
        data=lambda s: {"name": "Mẫu cũ", "target": "dossiers", "lines": "Số CMND => personal_id"},
        expect_permitted=(302,),
        variant="post",
        **SCREEN,
    ),
]


@pytest.mark.parametrize(("entry", "way"), list(battery_cases(ENTRIES)))
def test_battery(scenario, entry, way):
    entry.run(way, scenario)


def test_every_imports_url_has_a_battery_entry():
    """The project-wide check (tests/test_permission_coverage.py) looks at the portal_, records_ and
    reports_ namespaces; this one covers the imports_ namespaces."""
    names = project_url_names(admin_namespaces_prefix=IMPORTS_PREFIX, api_prefix="\0")
    assert len(names) >= 15
    missing = names - {entry.name for entry in ENTRIES}
    assert not missing, f"imports views without a permission battery entry: {sorted(missing)}"


def test_the_permitted_clerk_gets_the_job_and_its_files(scenario):
    """What "permitted" returned, beyond the status: the job's rows, the error workbook, the original."""
    from tests.permissions import admin_client_for

    client = admin_client_for(scenario["clerk"])
    job = scenario["job"]
    page = client.get(reverse("imports_jobs:job", args=[job.pk]))
    assert "bi-mat-snv.xlsx" in page.content.decode() and "087090000123" in page.content.decode()
    errors = client.get(reverse("imports_jobs:errors", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["0870900001"]
    original = client.get(reverse("imports_jobs:original", args=[job.pk]))
    assert b"".join(original.streaming_content)[:2] == b"PK"
    progress = client.get(reverse("imports_jobs:progress", args=[job.pk])).json()
    assert (progress["status"], progress["done"], progress["total"], progress["finished"]) == ("checked", 2, 2, True)
