"""imports/services/engine.py and jobs.py: headers and mappings, per-cell errors, the dry run that
writes nothing, all-or-nothing and valid-rows imports, pending and published versions, scoping,
section targets, the error workbook, refused files, cancel, and the queries of a check."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from imports.choices import ImportMode, ImportStatus, RowOutcome
from imports.models import ColumnMapping
from imports.readers import FileRefused
from imports.services import engine
from imports.services.jobs import (
    ImportPermissionDenied,
    columns_match,
    import_job_cancel,
    import_job_create,
    import_job_run,
)
from imports.specs import import_spec
from imports.writers import ERROR_FILL
from records.choices import VersionSource, VersionStatus
from records.models import Dossier, DossierVersion, RewardRating, WorkHistory
from records.sections import ROWS, SECTIONS
from tests.imports.conftest import (
    HEADERS,
    MAN_1990,
    WOMAN_1985,
    person_id,
    person_row,
    row_messages,
    run_job,
    workbook,
)
from tests.records.factories import BASE_CONTENT, make_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English, the msgids' language.
    with translation.override("en"):
        yield


def written_counts() -> dict[str, int]:
    """Rows of every table an import writes: dossiers, versions and every repeating section."""
    models = {Dossier, DossierVersion} | {section.model for section in SECTIONS if section.kind == ROWS}
    return {model.__name__: model.objects.count() for model in models}


def outcomes(rows) -> list[tuple[int, str]]:
    return [(row.row_number, row.outcome) for row in rows]


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


# --- errors per row and cell ------------------------------------------------------------------


def test_a_file_checked_with_per_cell_errors(units, clerk, today):
    future = (today + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    content = workbook(
        [
            person_row(person_id(1)),
            person_row(person_id(2), ethnicity="Sao Hỏa"),
            person_row(person_id(3), birth=future),
            person_row(person_id(4), phone=912345678),
            person_row(person_id(1), "Nguyễn Văn Thắng"),
            person_row(person_id(5), category="Biệt phái"),
        ],
        title_row=True,
    )
    job, rows = run_job(actor=clerk, unit=units["a"], content=content)
    assert job.status == ImportStatus.CHECKED
    assert outcomes(rows) == [(3, "new"), (4, "error"), (5, "error"), (6, "error"), (7, "error"), (8, "error")]
    by_row = {row.row_number: row for row in rows}
    assert by_row[4].errors == [
        {
            "column": "Dân tộc",
            "message": "Row 4, column 'Dân tộc': the value 'Sao Hỏa' is neither a code nor a label in use in the "
            "catalogue.",
        }
    ]
    assert row_messages(by_row[5]) == [f"Row 5, column 'Ngày sinh': the value {future} is in the future."]
    assert row_messages(by_row[6]) == [
        "Row 6, column 'Số điện thoại': the value was turned into a number (912345678) by Excel and may have lost "
        "its leading zeros; format the column as Text and type it again."
    ]
    assert row_messages(by_row[7]) == [
        f"Row 7, column 'Số CCCD': the personal identification number {person_id(1)} is also on row 3."
    ]
    assert by_row[8].errors[0]["column"] == "Loại cán bộ"
    assert (job.rows_new, job.rows_error) == (1, 5)


def test_a_half_filled_new_row_names_every_missing_item(units, clerk):
    content = workbook([person_row(person_id(1), name="", sex="", birth="", category="", ethnicity="")])
    _job, [row] = run_job(actor=clerk, unit=units["a"], content=content)
    assert row.outcome == RowOutcome.ERROR
    assert [error["column"] for error in row.errors] == ["Họ và tên", "Giới tính", "Ngày sinh", "Loại cán bộ"]
    assert all("is required" in message for message in row_messages(row))


def test_an_update_needs_only_the_cells_that_change(units, clerk, dossier_a):
    content = workbook([[MAN_1990, "", "", "", "", "", "0912345678"]])
    _job, [row] = run_job(actor=clerk, unit=units["a"], content=content)
    assert (row.outcome, row.changes, row.errors) == (RowOutcome.UPDATE, ["Số điện thoại"], [])


@pytest.mark.parametrize(
    "raw, expected",
    [
        (87090000123, ["Excel", "087090000123"]),  # a number cell lost the leading zero
        ("87090000123", ["Excel", "087090000123"]),  # and was pasted back as text
        ("8.7090000123E+10", ["Excel"]),  # scientific notation
        ("8,709E+10", ["Excel"]),
        ("08709000012", ["exactly 12 digits", "11"]),
        ("08709000012A", ["exactly 12 digits"]),
        ("087190000123", ["belongs to a woman"]),  # the 4th digit says female, the row says male
        ("087085000123", ["birth year 1985"]),  # digits 5-6 say 1985, the row says 1990
        ("999090000123", ["999", "birth-registration place code"]),
    ],
)
def test_personal_id_problems_are_explained(units, clerk, raw, expected):
    content = workbook([person_row(raw)])
    _job, [row] = run_job(actor=clerk, unit=units["a"], content=content)
    assert row.outcome == RowOutcome.ERROR
    assert {error["column"] for error in row.errors} == {"Số CCCD"}
    text = " ".join(row_messages(row))
    assert text.startswith("Row 2, column 'Số CCCD': ")
    for part in expected:
        assert part in text


def test_a_missing_personal_id_is_a_row_error(units, clerk):
    _job, [row] = run_job(actor=clerk, unit=units["a"], content=workbook([person_row("  ")]))
    assert row_messages(row) == ["Row 2, column 'Số CCCD': the personal identification number is missing."]


def test_a_formula_cell_is_refused_at_its_cell(units, clerk):
    content = workbook([person_row(person_id(1), phone='="09"&"12345678"')])
    _job, [row] = run_job(actor=clerk, unit=units["a"], content=content)
    assert row_messages(row) == [
        "Row 2, column 'Số điện thoại': the cell holds a formula; copy the column and paste it back as values "
        "(Paste Special)."
    ]


def test_an_integer_beyond_its_column_is_a_row_error_not_a_crash(units, system_admin):
    """A pay step of 70000 fits no PositiveSmallIntegerField: the check must say so, and the
    import must not fail in the database after a clean check."""
    headers = ["Số CCCD", "Họ tên", "Giới tính", "Ngày sinh", "Loại cán bộ", "Bậc lương"]
    content = workbook([[person_id(1), "Lê Văn Bình", "Nam", "01/01/1990", "CC", 70000]], headers)
    job, [row] = run_job(actor=system_admin, unit=units["a"], content=content)
    assert row.outcome == RowOutcome.ERROR
    assert row.errors[0]["column"] == "Bậc lương"
    job, [row] = run_job(actor=system_admin, unit=units["a"], content=content, commit=True, mode=ImportMode.VALID)
    assert job.status == ImportStatus.DONE and row.outcome == RowOutcome.ERROR
    assert not Dossier.objects.filter(personal_id=person_id(1)).exists()


# --- the dry run ------------------------------------------------------------------------------


@pytest.fixture
def same_as_file(units):
    """A dossier in unit A whose values are exactly those of ``person_row(person_id(7), phone="")``."""
    return make_dossier(units["a"], personal_id=person_id(7))


def test_the_dry_run_writes_nothing_and_tells_new_update_unchanged(units, clerk, dossier_a, same_as_file):
    content = workbook(
        [
            person_row(person_id(1), "Lê Thị Mai", sex="Nữ", birth="02/09/1990"),
            person_row(MAN_1990, ethnicity="Tày", phone="0912345678"),
            person_row(person_id(7), phone=""),
            person_row(person_id(8), ethnicity="Sao Hỏa"),
        ]
    )
    before = written_counts()
    job, rows = run_job(actor=clerk, unit=units["a"], content=content)
    assert written_counts() == before
    assert job.status == ImportStatus.CHECKED and job.checked_at is not None and job.imported_at is None
    assert outcomes(rows) == [(2, "error"), (3, "update"), (4, "unchanged"), (5, "error")]
    # Row 2: a woman's row with a man's id digit — every check of a real import runs.
    assert "belongs to a man" in row_messages(rows[0])[0]
    assert rows[1].changes == ["Dân tộc", "Số điện thoại"]
    assert (job.rows_new, job.rows_updated, job.rows_unchanged, job.rows_error) == (0, 1, 1, 2)
    assert job.dossiers_written == 0
    assert job.message == "Checked, nothing written: 0 new, 1 updates, 1 unchanged, 2 with errors."
    dossier_a.refresh_from_db()
    assert (dossier_a.latest_version, dossier_a.live_version) == (1, 1)


def test_the_dry_run_of_new_dossiers_writes_nothing(units, clerk):
    content = workbook([person_row(person_id(n)) for n in range(1, 6)])
    before = written_counts()
    _job, rows = run_job(actor=clerk, unit=units["a"], content=content)
    assert {row.outcome for row in rows} == {RowOutcome.NEW} and len(rows) == 5
    assert written_counts() == before


def test_a_checked_job_is_then_imported_and_cannot_be_imported_twice(units, clerk):
    content = workbook([person_row(person_id(1)), person_row(person_id(2), "Phạm Văn Bảy")])
    job, _rows = run_job(actor=clerk, unit=units["a"], content=content, commit=True, check_first=True)
    assert job.status == ImportStatus.DONE and job.imported_at is not None
    assert job.message == "Imported: 2 new, 0 updates, 0 unchanged."
    assert set(Dossier.objects.values_list("personal_id", flat=True)) == {person_id(1), person_id(2)}
    with pytest.raises(ValidationError):
        import_job_run(job=job, commit=True)


# --- commit modes ---------------------------------------------------------------------------


def test_all_or_nothing_with_one_bad_row_writes_nothing(units, clerk, dossier_a):
    content = workbook(
        [
            person_row(person_id(1)),
            person_row(MAN_1990, phone="0912345678"),
            person_row(person_id(2), birth="31/02/1990"),
            person_row(person_id(3)),
        ]
    )
    before = written_counts()
    job, rows = run_job(actor=clerk, unit=units["a"], content=content, commit=True)
    assert written_counts() == before
    assert job.status == ImportStatus.FAILED and job.imported_at is None
    assert job.dossiers_written == 0 and job.rows_error == 1
    assert job.message.startswith("Nothing imported: 1 rows have errors (all-or-nothing).")
    assert outcomes(rows) == [(2, "new"), (3, "update"), (4, "error"), (5, "new")]
    assert job.error_file


def test_all_or_nothing_rolls_back_chunks_already_written(units, clerk, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    rows = [person_row(person_id(n)) for n in range(1, 6)] + [person_row(person_id(6), sex="Khác")]
    before = written_counts()
    job, results = run_job(actor=clerk, unit=units["a"], content=workbook(rows), commit=True)
    assert job.status == ImportStatus.FAILED
    assert written_counts() == before
    assert [row.outcome for row in results] == ["new"] * 5 + ["error"]


def test_valid_rows_mode_writes_the_valid_rows_and_returns_the_rest(units, clerk, dossier_a):
    content = workbook(
        [
            person_row(person_id(1), "Lê Văn Bình", phone="0912000111"),
            person_row(person_id(2), ethnicity="Sao Hỏa"),
            person_row(MAN_1990, phone="0988777666"),
            person_row(person_id(1), "Lê Văn Bình"),
        ]
    )
    before = written_counts()
    job, rows = run_job(actor=clerk, unit=units["a"], content=content, commit=True, mode=ImportMode.VALID)
    assert job.status == ImportStatus.DONE
    assert outcomes(rows) == [(2, "new"), (3, "error"), (4, "update"), (5, "error")]
    assert job.dossiers_written == 2 and job.rows_error == 2
    assert job.message == ("Imported 1 new and 1 updates; 2 rows with errors were returned in the error workbook.")
    after = written_counts()
    assert after["Dossier"] == before["Dossier"] + 1
    assert after["DossierVersion"] == before["DossierVersion"] + 2  # version 1 of the new one, 2 of the update
    assert not Dossier.objects.filter(personal_id=person_id(2)).exists()

    created = Dossier.objects.get(personal_id=person_id(1))
    assert created.unit == units["a"] and created.full_name == "Lê Văn Bình"
    assert (created.live_version, created.latest_version) == (1, 1)
    version = created.versions.get()
    assert version.status == VersionStatus.PUBLISHED and version.source == VersionSource.IMPORT
    assert f"import #{job.pk}" in version.reason and "danh-sach.xlsx" in version.reason
    assert version.content["identity"] == {
        "full_name": "Lê Văn Bình",
        "sex": "1",
        "birth_date": "1990-05-17",
        "ethnicity": "01",
        "phone": "0912000111",
    }
    assert version.content["header"] == {"personnel_category": "CC"}
    # The dossier row's audit events carry the import job.
    assert created.audit_events.filter(pgh_context__metadata__import_job=job.pk).exists()


# --- versions: pending for a clerk, published by the system administrator ----------------------


def test_a_clerks_update_waits_as_a_pending_version(units, clerk, dossier_a):
    content = workbook([person_row(MAN_1990, phone="0912345678")])
    job, [row] = run_job(actor=clerk, unit=units["a"], content=content, commit=True)
    assert job.status == ImportStatus.DONE and row.outcome == RowOutcome.UPDATE
    dossier = Dossier.objects.get(pk=dossier_a.pk)
    assert (dossier.live_version, dossier.latest_version) == (1, 2)
    assert dossier.phone in ("", None)  # the live row waits for the approval
    pending = dossier.versions.get(number=2)
    assert pending.status == VersionStatus.PENDING and pending.source == VersionSource.IMPORT
    assert pending.created_by == clerk
    assert pending.content["identity"]["phone"] == "0912345678"
    assert pending.content["identity"]["full_name"] == BASE_CONTENT["identity"]["full_name"]
    assert pending.content["work_history"] == BASE_CONTENT["work_history"]  # other sections kept
    assert pending.sections == ["identity"]


def test_the_system_administrator_may_publish_an_import_directly(units, system_admin, dossier_a):
    content = workbook([person_row(MAN_1990, phone="0912345678")])
    job, [_row] = run_job(actor=system_admin, unit=units["a"], content=content, commit=True, publish=True)
    assert job.status == ImportStatus.DONE and job.publish
    dossier = Dossier.objects.get(pk=dossier_a.pk)
    assert (dossier.live_version, dossier.latest_version) == (2, 2)
    assert dossier.phone == "0912345678"
    version = dossier.versions.get(number=2)
    assert version.status == VersionStatus.PUBLISHED and version.published_by == system_admin
    assert "published directly by a system administrator" in version.reason


def test_publishing_also_publishes_the_pending_versions_it_contains(units, clerk, system_admin, dossier_a):
    run_job(actor=clerk, unit=units["a"], content=workbook([person_row(MAN_1990, phone="0912345678")]), commit=True)
    content = workbook([person_row(MAN_1990, ethnicity="Tày")])
    _job, [row] = run_job(actor=system_admin, unit=units["a"], content=content, commit=True, publish=True)
    assert row.outcome == RowOutcome.UPDATE and row.changes == ["Dân tộc"]
    dossier = Dossier.objects.get(pk=dossier_a.pk)
    assert (dossier.live_version, dossier.latest_version) == (3, 3)
    assert (dossier.phone, dossier.ethnicity) == ("0912345678", "02")
    assert set(dossier.versions.values_list("status", flat=True)) == {VersionStatus.PUBLISHED}


def test_a_clerk_may_not_publish_directly_nor_import_into_another_unit(units, clerk):
    content = workbook([person_row(person_id(1))])
    with pytest.raises(ImportPermissionDenied):
        import_job_create(
            actor=clerk, target="dossiers", unit=units["a"], filename="a.xlsx", content=content, publish=True
        )
    with pytest.raises(ImportPermissionDenied):
        import_job_create(actor=clerk, target="dossiers", unit=units["b"], filename="a.xlsx", content=content)


# --- scoping --------------------------------------------------------------------------------------


def test_a_dossier_of_another_unit_is_a_row_error_and_is_not_written(units, clerk, dossier_b):
    content = workbook(
        [
            person_row(WOMAN_1985, "Trần Thị Hoa", sex="Nữ", birth="08/03/1985", phone="0912345678"),
            person_row(person_id(1)),
        ]
    )
    _job, rows = run_job(actor=clerk, unit=units["a"], content=content, commit=True, mode=ImportMode.VALID)
    assert outcomes(rows) == [(2, "error"), (3, "new")]
    assert row_messages(rows[0]) == [
        f"Row 2, column 'Số CCCD': the dossier with personal identification number {WOMAN_1985} belongs to a unit "
        "outside your scope; it can be moved only by a transfer."
    ]
    dossier = Dossier.objects.get(pk=dossier_b.pk)
    assert (dossier.unit, dossier.latest_version) == (units["b"], 1)
    assert dossier.versions.count() == 1


def test_a_unit_code_outside_the_jobs_unit_is_a_row_error(units, clerk):
    headers = [*HEADERS, "Mã đơn vị"]
    content = workbook(
        [
            [*person_row(person_id(1)), units["b"].code],  # Sở Tài chính: not under Sở Nội vụ
            [*person_row(person_id(2)), "000.99.99.H20"],  # no such unit
            [*person_row(person_id(3)), units["a_child"].code],  # Chi cục, under Sở Nội vụ
            [*person_row(person_id(4)), ""],  # the job's unit
        ],
        headers,
    )
    _job, rows = run_job(actor=clerk, unit=units["a"], content=content, commit=True, mode=ImportMode.VALID)
    assert outcomes(rows) == [(2, "error"), (3, "error"), (4, "new"), (5, "new")]
    assert row_messages(rows[0]) == [
        f"Row 2, column 'Mã đơn vị': there is no unit with code '{units['b'].code}' under Sở Nội vụ."
    ]
    assert row_messages(rows[1])[0].startswith("Row 3, column 'Mã đơn vị': there is no unit with code '000.99.99.H20'")
    assert dict(Dossier.objects.values_list("personal_id", "unit")) == {
        person_id(3): units["a_child"].pk,
        person_id(4): units["a"].pk,
    }


def test_an_import_does_not_move_a_dossier_to_another_unit(units, clerk, dossier_a):
    headers = [*HEADERS, "Mã đơn vị"]
    content = workbook([[*person_row(MAN_1990, phone="0912345678"), units["a_child"].code]], headers)
    _job, [row] = run_job(actor=clerk, unit=units["a"], content=content)
    assert row_messages(row) == [
        "Row 2, column 'Mã đơn vị': the dossier is in another unit; moving it is a transfer, not an import."
    ]


def test_a_clerk_of_a_sub_unit_cannot_reach_the_parent_units_dossiers(units, dossier_a):
    from portal.choices import Role
    from tests.permissions import make_account

    sub_clerk = make_account("tccb.chicuc", unit=units["a_child"], role=Role.HR_CLERK)
    content = workbook([person_row(MAN_1990, phone="0912345678")])
    _job, [row] = run_job(actor=sub_clerk, unit=units["a_child"], content=content, commit=True, mode=ImportMode.VALID)
    assert row.outcome == RowOutcome.ERROR and "outside your scope" in row_messages(row)[0]
    assert Dossier.objects.get(pk=dossier_a.pk).latest_version == 1


# --- section targets ----------------------------------------------------------------------------

WORK_HEADERS = ["Số CCCD", "Họ và tên", "Từ", "Đến", "Cơ quan, đơn vị", "Chức danh, chức vụ"]


def test_section_rows_are_matched_by_their_natural_key(units, clerk, dossier_a, same_as_file):
    existing = BASE_CONTENT["work_history"][0]  # 03/2013, Sở Nội vụ tỉnh Đồng Tháp, Chuyên viên
    content = workbook(
        [
            [MAN_1990, "NGUYEN VAN THANG", "03/2013", "", existing["workplace"], "Trưởng phòng"],
            [MAN_1990, "", "01/2020", "12/2022", "UBND xã Mỹ An", "Phó Chủ tịch"],
            [MAN_1990, "", "01/2020", "", "UBND xã Mỹ An", "Chủ tịch"],
            [MAN_1990, "Lê Văn Khác", "05/2023", "", "UBND tỉnh", "Chuyên viên"],
            [person_id(9), "", "05/2023", "", "UBND tỉnh", "Chuyên viên"],
            [person_id(7), "Nguyễn Văn Thắng", "3/2013", "", existing["workplace"], "Chuyên viên"],
        ],
        WORK_HEADERS,
    )
    before = written_counts()
    _job, rows = run_job(actor=clerk, unit=units["a"], content=content, target="work_history")
    assert written_counts() == before
    assert outcomes(rows) == [(2, "update"), (3, "new"), (4, "error"), (5, "error"), (6, "error"), (7, "unchanged")]
    assert rows[0].changes == ["Chức danh, chức vụ"]
    assert row_messages(rows[2]) == [
        "Row 4: row 3 has the same personal identification number and the same 'Từ', 'Cơ quan, đơn vị'."
    ]
    assert row_messages(rows[3]) == [
        f"Row 5, column 'Họ và tên': 'Lê Văn Khác' is not the name on the dossier {MAN_1990} (Nguyễn Văn Thắng); "
        "check the id."
    ]
    assert row_messages(rows[4]) == [
        f"Row 6, column 'Số CCCD': there is no dossier with personal identification number {person_id(9)}; "
        "import the dossier first."
    ]


def test_a_section_import_published_rewrites_the_sections_rows(units, system_admin, dossier_a):
    existing = BASE_CONTENT["work_history"][0]
    content = workbook(
        [
            [MAN_1990, "", "03/2013", "", existing["workplace"], "Trưởng phòng"],
            [MAN_1990, "", "01/2020", "12/2022", "UBND xã Mỹ An", "Phó Chủ tịch"],
        ],
        WORK_HEADERS,
    )
    job, _rows = run_job(
        actor=system_admin, unit=units["a"], content=content, target="work_history", commit=True, publish=True
    )
    assert job.status == ImportStatus.DONE and job.dossiers_written == 1
    assert sorted(
        WorkHistory.objects.filter(dossier=dossier_a).values_list("period_from", "period_to", "workplace", "title")
    ) == [
        ("2013-03", "", existing["workplace"], "Trưởng phòng"),
        ("2020-01", "2022-12", "UBND xã Mỹ An", "Phó Chủ tịch"),
    ]
    dossier = Dossier.objects.get(pk=dossier_a.pk)
    assert (dossier.live_version, dossier.latest_version) == (2, 2)
    assert dossier.versions.get(number=2).content["training_professional"] == BASE_CONTENT["training_professional"]


def test_a_clerks_section_import_waits_for_approval(units, clerk, dossier_a):
    content = workbook([[MAN_1990, "", "01/2020", "", "UBND xã Mỹ An", "Phó Chủ tịch"]], WORK_HEADERS)
    job, [row] = run_job(actor=clerk, unit=units["a"], content=content, target="work_history", commit=True)
    assert job.status == ImportStatus.DONE and row.outcome == RowOutcome.NEW
    assert WorkHistory.objects.filter(dossier=dossier_a).count() == 1  # the live rows wait
    pending = DossierVersion.objects.get(dossier=dossier_a, number=2)
    assert pending.status == VersionStatus.PENDING and pending.sections == ["work_history"]
    assert [item["workplace"] for item in pending.content["work_history"]] == [
        "Sở Nội vụ tỉnh Đồng Tháp",
        "UBND xã Mỹ An",
    ]


def test_several_rows_of_one_person_make_one_version(units, system_admin, dossier_a):
    headers = ["Số CCCD", "Năm", "Xếp loại chuyên môn", "Hình thức khen thưởng"]
    content = workbook(
        [
            [MAN_1990, 2023, "Hoàn thành tốt nhiệm vụ", ""],
            [MAN_1990, "2024", "HTXSNV", "giấy khen"],
            [MAN_1990, 2024.0, "HTNV", ""],
        ],
        headers,
    )
    _job, rows = run_job(
        actor=system_admin, unit=units["a"], content=content, target="rewards", commit=True, publish=True,
        mode=ImportMode.VALID,
    )  # fmt: skip
    assert outcomes(rows) == [(2, "new"), (3, "new"), (4, "error")]
    assert row_messages(rows[2]) == ["Row 4: row 3 has the same personal identification number and the same 'Năm'."]
    assert DossierVersion.objects.filter(dossier=dossier_a).count() == 2  # one version for both rows
    assert sorted(
        RewardRating.objects.filter(dossier=dossier_a).values_list("year", "professional_rating", "reward_form")
    ) == [(2023, "HTTNV", ""), (2024, "HTXSNV", "GIAY_KHEN")]


# --- the error workbook ---------------------------------------------------------------------------


def error_book(job):
    with default_storage.open(job.error_file, "rb") as handle:
        data = handle.read()
    return data, load_workbook(io.BytesIO(data)).active


def test_the_error_workbook_holds_the_failed_rows_as_uploaded(units, clerk):
    content = workbook(
        [
            person_row(person_id(1)),
            person_row(person_id(2), phone=912345678),
            person_row(person_id(3), birth="31/02/1990", ethnicity="Sao Hỏa"),
            person_row(person_id(4)),
        ],
        title_row=True,
    )
    job, rows = run_job(actor=clerk, unit=units["a"], content=content, filename="ds-2026.xlsx")
    assert job.error_file
    _data, sheet = error_book(job)
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == [*HEADERS, "Row in the uploaded file", "Errors"]
    assert len(values) == 3  # only the failed rows
    second, third = values[1], values[2]
    assert second[:7] == [person_id(2), "Nguyễn Văn Thắng", "Nam", "17/05/1990", "Kinh", "CC", 912345678]
    assert second[7] == 4
    assert second[8] == row_messages(rows[1])[0]
    assert third[:7] == [person_id(3), "Nguyễn Văn Thắng", "Nam", "31/02/1990", "Sao Hỏa", "CC", "0912345678"]
    assert third[7] == 5
    assert third[8].split("\n") == row_messages(rows[2]) and len(row_messages(rows[2])) == 2
    # The cells with an error are highlighted and carry their message.
    assert sheet["G2"].fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])
    assert "Excel" in sheet["G2"].comment.text
    assert sheet["D3"].comment and sheet["E3"].comment and sheet["A3"].comment is None
    assert sheet["A3"].number_format == "@"  # ids stay text when saved again


def test_the_error_workbook_keeps_formula_looking_text_as_text(units, clerk):
    text = (
        "Số CCCD,Họ và tên,Giới tính,Ngày sinh,Loại cán bộ,Số điện thoại\n"
        f'{person_id(1)},"=HYPERLINK(""http://x.example"",""Bấm"")",Nam,17/05/1990,Biệt phái,0912345678\n'
    )
    job, [row] = run_job(actor=clerk, unit=units["a"], content=text.encode("utf-8"), filename="ds.csv")
    assert row.outcome == RowOutcome.ERROR
    data, sheet = error_book(job)
    assert sheet["B2"].value == '=HYPERLINK("http://x.example","Bấm")'
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert all(b"<f>" not in archive.read(name) and b"<f " not in archive.read(name) for name in sheets)


def test_no_error_workbook_without_errors(units, clerk):
    job, _rows = run_job(actor=clerk, unit=units["a"], content=workbook([person_row(person_id(1))]))
    assert job.error_file == "" and job.rows_error == 0


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


# --- queries ----------------------------------------------------------------------------------


@pytest.fixture
def forty_dossiers(units):
    """40 dossiers in unit A (men born 1990, ids person_id(1001…1040)), written in bulk."""
    from records.services.dossiers import NewDossier, dossiers_bulk_create
    from tests.records.factories import content

    dossiers_bulk_create(
        people=[NewDossier(unit=units["a"], personal_id=person_id(n), content=content()) for n in range(1001, 1041)]
    )


def _many_rows(count: int, updates: int) -> bytes:
    """``count`` rows: every fifth changes the phone of an existing dossier (``updates`` of them), the
    others are new people, men and women alternately."""
    rows, done = [], 0
    for n in range(1, count + 1):
        if n % 5 == 1 and done < updates:
            rows.append(person_row(person_id(1001 + done), phone=f"09120000{done:02d}"))
            done += 1
        elif n % 2:
            rows.append(person_row(person_id(n, female=True), "Trần Thị Hoa", sex="Nữ"))
        else:
            rows.append(person_row(person_id(n)))
    return workbook(rows)


def _check(actor, unit, content: bytes, expected: tuple[int, int]) -> int:
    """Queries of one check of ``content``; ``expected``: (new, updates)."""
    job = import_job_create(actor=actor, target="dossiers", unit=unit, filename="nhieu.xlsx", content=content)
    with CaptureQueriesContext(connection) as queries:
        import_job_run(job=job, commit=False)
    job.refresh_from_db()
    assert (job.rows_new, job.rows_updated, job.rows_error) == (*expected, 0), job.message
    return len(queries)


# 23 once the update path reads the birth-registration codes once per run (the job, the actor, the
# spec, each catalogue once, per chunk the dossiers, the scope and their latest versions, the
# outcome rows), and a little headroom.
QUERIES_PER_CHECK = 25


def test_a_check_of_200_rows_costs_a_constant_number_of_queries(
    units, clerk, forty_dossiers, django_assert_max_num_queries
):
    job = import_job_create(
        actor=clerk, target="dossiers", unit=units["a"], filename="nhieu.xlsx", content=_many_rows(200, 40)
    )
    with django_assert_max_num_queries(QUERIES_PER_CHECK):
        import_job_run(job=job, commit=False)
    job.refresh_from_db()
    assert (job.rows_new, job.rows_updated, job.rows_error) == (160, 40, 0)
    # Not one query more per row: a tenth of the file costs the same.
    assert _check(clerk, units["a"], _many_rows(20, 4), (16, 4)) == _check(
        clerk, units["a"], _many_rows(200, 40), (160, 40)
    )


def test_each_chunk_costs_the_same_few_queries(units, clerk, forty_dossiers, monkeypatch):
    one = _check(clerk, units["a"], _many_rows(200, 40), (160, 40))
    monkeypatch.setattr(engine, "CHUNK_ROWS", 50)
    four = _check(clerk, units["a"], _many_rows(200, 40), (160, 40))
    monkeypatch.setattr(engine, "CHUNK_ROWS", 25)
    eight = _check(clerk, units["a"], _many_rows(200, 40), (160, 40))
    # Each chunk reads its dossiers, the actor's scope over them and their latest versions.
    per_chunk = (four - one) / 3
    assert per_chunk == (eight - four) / 4
    assert per_chunk <= 4


def test_the_error_workbook_of_a_csv_with_an_odd_name_and_control_characters(units, clerk):
    text = (
        "Số CCCD;Họ và tên;Giới tính;Ngày sinh;Loại cán bộ;=Ghi chú\x07\n"
        f"{person_id(1)};Nguyễn\x08 Văn Thắng;Nam;17/05/1990;Biệt phái;x\x1b\n"
    )
    job, [row] = run_job(
        actor=clerk, unit=units["a"], content=text.encode("utf-8"), filename="Danh sách [2026]: đợt 1?.csv"
    )
    assert row.outcome == RowOutcome.ERROR and job.error_file
    _data, sheet = error_book(job)
    assert sheet.title == "Danh sách -2026-- đợt 1-.csv"
    assert [cell.value for cell in sheet[1]][:6] == [
        "Số CCCD",
        "Họ và tên",
        "Giới tính",
        "Ngày sinh",
        "Loại cán bộ",
        "=Ghi chú",
    ]
    assert [cell.value for cell in sheet[2]][:6] == [
        person_id(1),
        "Nguyễn Văn Thắng",
        "Nam",
        "17/05/1990",
        "Biệt phái",
        "x",
    ]
    assert sheet["E2"].comment is not None
