"""The round trip: an export, xlsx or csv, imports back unchanged, and a changed cell is the only
update."""

from __future__ import annotations

from collections import Counter

import pytest

from imports.choices import ImportStatus, RowOutcome
from imports.exports.csv_stream import export_csv_stream
from imports.exports.responses import export_response
from imports.exports.rows import export_rows
from imports.exports.xlsx import export_xlsx_stream
from imports.models import ImportRow
from imports.services.jobs import import_job_create, import_job_run
from imports.specs import import_spec
from tests.imports.exports.conftest import CUONG

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
