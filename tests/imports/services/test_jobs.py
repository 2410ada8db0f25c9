"""imports/services/jobs.py: headers and saved mappings, refused files, cancel, runs that cannot
run twice, unexpected errors."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from imports.choices import ImportStatus
from imports.models import ColumnMapping
from imports.readers import FileRefused
from imports.services import engine
from imports.services.jobs import (
    columns_match,
    import_job_cancel,
    import_job_create,
    import_job_run,
)
from imports.specs import import_spec
from records.models import Dossier
from tests.imports.conftest import (
    MAN_1990,
    person_id,
    person_row,
    run_job,
    workbook,
)
from tests.imports.services.conftest import written_counts

pytestmark = pytest.mark.django_db


# --- headers and mappings ------------------------------------------------------------------------


def matched(header: list[str], mapping=None) -> dict[str, str]:
    columns, _ignored = columns_match(spec=import_spec("dossiers"), header=header, mapping=mapping)
    return {header[index]: column.key for index, column in columns.items()}


def test_headers_match_ignoring_case_accents_spacing_and_punctuation():
    header = ["  SỐ cccd: ", "ho-va-ten", "GIOI   TINH", "Ngày sinh (dd/mm/yyyy)", "dân tộc.", "LOẠI CÁN BỘ"]
    assert matched(header) == {
        "  SỐ cccd: ": "personal_id",
        "ho-va-ten": "identity.full_name",
        "GIOI   TINH": "identity.sex",
        "dân tộc.": "identity.ethnicity",
        "LOẠI CÁN BỘ": "header.personnel_category",
    }  # "Ngày sinh (dd/mm/yyyy)" is another text: ignored, not guessed


@pytest.mark.parametrize(
    "title, key",
    [
        ("Họ tên", "identity.full_name"),
        ("Họ và tên khai sinh", "identity.full_name"),
        ("Họ và tên", "identity.full_name"),
        ("Số CCCD", "personal_id"),
        ("Số định danh cá nhân", "personal_id"),
        ("CMND/CCCD", "personal_id"),
        ("Ngày sinh", "identity.birth_date"),
        ("Sinh ngày", "identity.birth_date"),
        ("Date of birth", "identity.birth_date"),  # the English header
        ("identity.birth_date", "identity.birth_date"),  # the column key
        ("HSL", "salary.salary_coefficient"),
        ("Mã đơn vị", "unit"),
    ],
)
def test_synonyms_and_headers_in_either_language(title, key):
    other = "Họ tên" if key == "personal_id" else "Số CCCD"
    assert matched([other, title])[title] == key


def test_unknown_headers_are_listed_as_ignored():
    columns, ignored = columns_match(
        spec=import_spec("dossiers"), header=["STT", "Số CCCD", "Họ tên", "", None, "Ghi chú"]
    )
    assert sorted(column.key for column in columns.values()) == ["identity.full_name", "personal_id"]
    assert ignored == ["STT", "Ghi chú"]


def test_a_header_without_the_personal_id_or_with_a_column_twice_is_refused():
    with pytest.raises(FileRefused) as exc:
        matched(["Họ tên", "Ngày sinh"])
    assert "rows cannot be matched" in exc.value.messages[0]
    with pytest.raises(FileRefused) as exc:
        matched(["Số CCCD", "Họ tên", "Họ và tên"])
    assert exc.value.messages[0].startswith("Row 1: the columns 'Họ tên' and 'Họ và tên' are both")
    with pytest.raises(FileRefused) as exc:
        matched(["Số CCCD", "STT"])
    assert exc.value.messages[0] == "Apart from the personal identification number, no column of the header is known."


def test_a_saved_mapping_reads_a_sheet_with_other_headers(units, clerk):
    mapping = ColumnMapping.objects.create(
        name="Mẫu của huyện Cao Lãnh",
        target="dossiers",
        columns={
            "Mã số dân": "personal_id",
            "Tên đầy đủ": "identity.full_name",
            "Phái": "identity.sex",
            "NS": "identity.birth_date",
            "Đối tượng quản lý": "header.personnel_category",
            # A mapping wins over the synonyms: here "Điện thoại" is the social insurance number.
            "Điện thoại": "identity.social_insurance_number",
        },
    )
    headers = ["MÃ SỐ DÂN", "Tên đầy đủ", "Phái", "NS", "Đối tượng quản lý", "Điện thoại"]
    content = workbook([[MAN_1990, "Nguyễn Văn Thắng", "Nam", "17/05/1990", "CC", "8712345678"]], headers)
    job, rows = run_job(actor=clerk, unit=units["a"], content=content, mapping=mapping, commit=True)
    assert job.status == ImportStatus.DONE, job.message
    assert {used["header"]: used["key"] for used in job.columns_used}["Điện thoại"] == (
        "identity.social_insurance_number"
    )
    dossier = Dossier.objects.get(personal_id=MAN_1990)
    identity = dossier.versions.get(number=1).content["identity"]
    assert identity["social_insurance_number"] == "8712345678" and "phone" not in identity
    assert (identity["full_name"], identity["sex"], identity["birth_date"]) == ("Nguyễn Văn Thắng", "1", "1990-05-17")

    # Without the mapping the same sheet cannot be matched.
    job, rows = run_job(actor=clerk, unit=units["a"], content=content)
    assert job.status == ImportStatus.REFUSED and rows == []


def test_a_mapping_of_another_target_is_refused(units, clerk):
    mapping = ColumnMapping.objects.create(name="Khen thưởng", target="rewards", columns={"CCCD": "personal_id"})
    with pytest.raises(ValidationError) as exc:
        run_job(actor=clerk, unit=units["a"], content=workbook([person_row(MAN_1990)]), mapping=mapping)
    assert "mapping" in exc.value.message_dict


# --- refused files, cancel ----------------------------------------------------------------------


def test_an_unusable_file_ends_the_job_refused_with_the_reason(units, clerk):
    job, rows = run_job(actor=clerk, unit=units["a"], content=b"%PDF-1.4 not a sheet", filename="hoso.xlsx")
    assert job.status == ImportStatus.REFUSED and rows == []
    assert job.message == (
        "The file 'hoso.xlsx' is not a spreadsheet: its content is PDF. Upload an .xlsx or .csv file."
    )
    assert job.finished_at is not None


def test_a_file_over_the_limit_ends_the_job_refused(units, clerk, settings):
    settings.IMPORT_MAX_BYTES = 1024
    content = workbook([person_row(person_id(n)) for n in range(1, 50)])
    job, _rows = run_job(actor=clerk, unit=units["a"], content=content)
    assert job.status == ImportStatus.REFUSED and "over the limit" in job.message


def test_a_sheet_without_a_personal_id_column_ends_the_job_refused(units, clerk):
    content = workbook([["Nguyễn Văn Thắng", "17/05/1990"]], ["Họ tên", "Ngày sinh"])
    job, _rows = run_job(actor=clerk, unit=units["a"], content=content)
    assert job.status == ImportStatus.REFUSED and "rows cannot be matched" in job.message


def test_a_queued_job_that_is_cancelled_does_not_run(units, clerk):
    content = workbook([person_row(person_id(1))])
    job = import_job_create(actor=clerk, target="dossiers", unit=units["a"], filename="a.xlsx", content=content)
    import_job_cancel(job=job, actor=clerk)
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and job.cancel_requested
    assert job.message == "Cancelled; nothing written."
    # The worker picks the task up after the cancel (the task's body): the job stays cancelled
    # and writes nothing.
    from imports.services.jobs_queue import import_job_run_queued

    import_job_run_queued(job_id=job.pk, commit=True, actor_id=clerk.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    assert not Dossier.objects.exists()


def test_a_finished_job_cannot_be_cancelled(units, clerk):
    job, _rows = run_job(actor=clerk, unit=units["a"], content=workbook([person_row(person_id(1))]))
    with pytest.raises(ValidationError):
        import_job_cancel(job=job, actor=clerk)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_a_running_import_cancelled_rolls_back(units, clerk, monkeypatch):
    from imports.services import jobs

    monkeypatch.setattr(jobs._Progress, "__call__", lambda self, done, total, force=False: True)
    before = written_counts()
    job, _rows = run_job(actor=clerk, unit=units["a"], content=workbook([person_row(person_id(1))]), commit=True)
    assert job.status == ImportStatus.CANCELLED and job.message == "Cancelled; nothing written."
    assert written_counts() == before


def test_a_cancelled_job_cannot_be_run_afterwards(units, clerk):
    job = import_job_create(
        actor=clerk, target="dossiers", unit=units["a"], filename="a.xlsx", content=workbook([person_row(person_id(1))])
    )
    import_job_cancel(job=job, actor=clerk)
    with pytest.raises(ValidationError) as caught:
        import_job_run(job=job, commit=True)
    assert caught.value.messages == ["This import was cancelled; upload the file again to import it."]
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and not Dossier.objects.exists()


def test_a_job_running_elsewhere_is_not_run_twice_but_a_stale_one_is(units, clerk):
    """Claiming a job is one conditional UPDATE: a second worker (a task delivered twice, the CLI
    beside the admin) is refused while the first runs; a run left behind by a killed worker for
    longer than ``STALE_AFTER`` may be started again."""
    from imports.models import ImportJob
    from imports.services import jobs

    job = import_job_create(
        actor=clerk, target="dossiers", unit=units["a"], filename="a.xlsx", content=workbook([person_row(person_id(1))])
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, started_at=timezone.now())
    with pytest.raises(ValidationError) as caught:
        import_job_run(job=job, commit=True)
    assert caught.value.messages == ["This import is already running."]
    assert not Dossier.objects.exists()
    long_ago = timezone.now() - jobs.STALE_AFTER - datetime.timedelta(minutes=1)
    ImportJob.objects.filter(pk=job.pk).update(started_at=long_ago)
    job = import_job_run(job=job, commit=True)
    assert job.status == ImportStatus.DONE
    assert Dossier.objects.filter(personal_id=person_id(1)).exists()


def test_an_unexpected_error_ends_the_job_failed_not_running(units, clerk, monkeypatch):
    def broken(self):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(engine.ImportRun, "execute", broken)
    job = import_job_create(
        actor=clerk, target="dossiers", unit=units["a"], filename="a.xlsx", content=workbook([person_row(person_id(1))])
    )
    with pytest.raises(RuntimeError):
        import_job_run(job=job, commit=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at is not None
    assert job.message.startswith("The import stopped because of an unexpected error; nothing was written.")
    assert not Dossier.objects.exists()
