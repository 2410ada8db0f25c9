"""Every problem of a row at once: a row with cells that could not be read is still checked on its
other cells (catalogue values, custom fields, the dossier's own rules, the name on the dossier), so
the clerk corrects the row in one pass; a cell already reported gets no second message, the row
stays an error and nothing of it is written. A row whose identifying cells could not be read is not
checked further."""

from __future__ import annotations

import pytest

from imports.choices import ImportMode, ImportStatus, RowOutcome
from portal.services.fields.definitions import field_definition_save
from tests.imports.conftest import HEADERS, MAN_1990, person_id, person_row, row_messages, run_job, workbook
from tests.imports.services.conftest import written_counts
from tests.records.factories import BASE_CONTENT, make_dossier

pytestmark = pytest.mark.django_db

CUSTOM_HEADERS = [*HEADERS, "Số con", "Số thẻ đảng"]


@pytest.fixture
def custom_fields(db):
    field_definition_save(
        values={"target": "dossier", "key": "so_con", "label": "Số con", "field_type": "integer", "max_value": 20}
    )
    field_definition_save(
        values={
            "target": "dossier",
            "key": "so_the_dang",
            "label": "Số thẻ đảng",
            "field_type": "text",
            "regex": r"^DT-\d+$",
        }
    )


def test_a_new_row_reports_every_problem_not_only_the_unreadable_cell(units, system_admin, custom_fields):
    row = [*person_row(person_id(1), birth="31/02/1990", ethnicity="Sao Hỏa"), "hai", "X-1"]
    before = written_counts()
    job, [outcome] = run_job(
        actor=system_admin, unit=units["a"], content=workbook([row], CUSTOM_HEADERS), commit=True, mode=ImportMode.VALID
    )
    assert outcome.outcome == RowOutcome.ERROR
    columns = [error["column"] for error in outcome.errors]
    # The two cells that could not be read, then the other cells' problems; "a value is required"
    # is not said again of the date of birth, which was given but is not a date.
    assert sorted(columns) == ["Dân tộc", "Ngày sinh", "Số con", "Số thẻ đảng"], row_messages(outcome)
    messages = dict(zip(columns, row_messages(outcome), strict=True))
    assert messages["Ngày sinh"] == "Row 2, column 'Ngày sinh': the value '31/02/1990' is not a date that exists."
    assert messages["Số con"].startswith("Row 2, column 'Số con': ")
    assert messages["Dân tộc"].startswith("Row 2, column 'Dân tộc': the value 'Sao Hỏa'")
    # A custom field's problem is said once at its cell, without its label a second time.
    assert messages["Số thẻ đảng"] == "Row 2, column 'Số thẻ đảng': the value does not have the required form."
    assert written_counts() == before
    assert job.rows_error == 1 and job.rows_new == 0


def test_an_update_row_reports_every_problem_and_is_not_written(units, system_admin, custom_fields):
    dossier = make_dossier(units["a"], personal_id=MAN_1990)
    row = [MAN_1990, "", "", "", "Sao Hỏa", "", "0912000999", "35", "X-9"]
    job, [outcome] = run_job(
        actor=system_admin,
        unit=units["a"],
        content=workbook([row], CUSTOM_HEADERS),
        commit=True,
        publish=True,
        mode=ImportMode.VALID,
    )
    assert job.status == ImportStatus.DONE, job.message
    assert (outcome.outcome, outcome.changes) == (RowOutcome.ERROR, [])
    # "Sao Hỏa" cannot be read; 35 and "X-9" are read, then refused by the custom fields' rules.
    columns = sorted(error["column"] for error in outcome.errors)
    assert columns == ["Dân tộc", "Số con", "Số thẻ đảng"], row_messages(outcome)
    assert "Row 2, column 'Số con': the value must be at most 20." in row_messages(outcome)
    dossier.refresh_from_db()
    assert dossier.latest_version == 1  # the new phone number, valid, is not written either: the row is one change


def test_a_row_whose_id_cannot_be_read_is_not_checked_further(units, system_admin, custom_fields):
    row = [*person_row("08709000012", ethnicity="Sao Hỏa"), "hai", "X-1"]
    _job, [outcome] = run_job(actor=system_admin, unit=units["a"], content=workbook([row], CUSTOM_HEADERS))
    # The cells that could not be read are reported as they are read; the dossier's checks ("X-1"
    # does not match the custom field's pattern) need the person, so they are not run.
    assert sorted(error["column"] for error in outcome.errors) == ["Dân tộc", "Số CCCD", "Số con"]


WORK_HEADERS = ["Số CCCD", "Họ và tên", "Từ", "Đến", "Cơ quan, đơn vị", "Chức danh, chức vụ"]


def test_a_section_row_reports_the_name_on_the_dossier_beside_an_unreadable_date(units, system_admin, dossier_a):
    existing = BASE_CONTENT["work_history"][0]
    rows = [
        [MAN_1990, "Lê Văn Khác", "01/2020", "tháng 13", "UBND xã Mỹ An", "Chủ tịch"],
        # The natural key ("Từ") cannot be read: the row cannot be matched, so nothing more is said.
        [MAN_1990, "Lê Văn Khác", "13/2020", "", existing["workplace"], "Chủ tịch"],
    ]
    before = written_counts()
    job, (first, second) = run_job(
        actor=system_admin,
        unit=units["a"],
        content=workbook(rows, WORK_HEADERS),
        target="work_history",
        commit=True,
        mode=ImportMode.VALID,
    )
    assert [error["column"] for error in first.errors] == ["Đến", "Họ và tên"], row_messages(first)
    assert "'Lê Văn Khác' is not the name on the dossier" in row_messages(first)[1]
    assert [error["column"] for error in second.errors] == ["Từ"]
    assert (first.outcome, second.outcome) == (RowOutcome.ERROR, RowOutcome.ERROR)
    assert written_counts() == before and job.rows_error == 2
