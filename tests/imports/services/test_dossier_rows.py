"""imports/services/dossier_rows.py (with the engine's load): scoping of the dossiers target — dossiers
of other units, unit codes outside the job's unit, no move by import, sub-unit clerks."""

from __future__ import annotations

import pytest

from imports.choices import ImportMode, RowOutcome
from imports.services import engine
from portal.services.fields.definitions import field_definition_save
from records.models import Dossier
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
from tests.imports.services.conftest import outcomes
from tests.records.factories import make_dossier

pytestmark = pytest.mark.django_db


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


# --- unique custom fields ---------------------------------------------------------------------------


@pytest.fixture
def party_card(units):
    """A unique custom field (the party card number), a counted one, and a dossier holding card T-1."""
    field_definition_save(
        values={"target": "dossier", "key": "so_the", "label": "Số thẻ đảng", "field_type": "text", "unique": True}
    )
    field_definition_save(values={"target": "dossier", "key": "so_con", "label": "Số con", "field_type": "integer"})
    return make_dossier(units["a"], personal_id=MAN_1990, custom={"so_the": "T-1"})


def test_a_dossier_keeps_its_own_unique_value_when_its_custom_fields_change(units, system_admin, party_card):
    content = workbook([[MAN_1990, "T-1", 3]], ["Số CCCD", "Số thẻ đảng", "Số con"])
    _job, [row] = run_job(actor=system_admin, unit=units["a"], content=content, commit=True, publish=True)
    assert (row.outcome, row_messages(row), row.changes) == ("update", [], ["Số con"])
    assert Dossier.objects.get(pk=party_card.pk).custom_fields == {"so_the": "T-1", "so_con": 3}


def test_a_unique_value_twice_in_the_file_or_already_taken_is_an_error(units, system_admin, party_card):
    headers = [*HEADERS, "Số thẻ đảng"]
    content = workbook(
        [
            [*person_row(person_id(5), "Trần Văn Bình"), "T-9"],
            [*person_row(person_id(6), "Lê Văn Cường"), "T-9"],  # the value of row 2
            [*person_row(person_id(7), "Phạm Văn Dũng"), "T-1"],  # the stored dossier's value
            [*person_row(person_id(8), "Võ Văn Em"), "T-8"],
        ],
        headers,
    )
    job, rows = run_job(actor=system_admin, unit=units["a"], content=content, commit=True, mode=ImportMode.VALID)
    assert job.columns_ignored == []
    assert outcomes(rows) == [(2, "new"), (3, "error"), (4, "error"), (5, "new")]
    assert row_messages(rows[1]) == [
        "Row 3, column 'Số thẻ đảng': row 2 has the same value T-9, and the values of this column must be unique."
    ]
    assert row_messages(rows[2]) == [
        f"Row 4, column 'Số thẻ đảng': 'Số thẻ đảng' must be unique: 'Nguyễn Văn Thắng ({MAN_1990})' already has "
        "the value T-1."
    ]
    assert sorted(
        Dossier.objects.filter(custom_fields__has_key="so_the").values_list("custom_fields__so_the", flat=True)
    ) == [
        "T-1",
        "T-8",
        "T-9",
    ]


def test_unique_values_are_checked_in_every_chunk(units, system_admin, party_card, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    headers = [*HEADERS, "Số thẻ đảng"]
    content = workbook(
        [
            [*person_row(person_id(5), "Trần Văn Bình"), "T-5"],
            [*person_row(person_id(6), "Lê Văn Cường"), "T-6"],
            [*person_row(person_id(7), "Phạm Văn Dũng"), "T-7"],
            [*person_row(person_id(8), "Võ Văn Em"), "  T-1 "],  # the stored dossier's value, spaced
        ],
        headers,
    )
    _job, rows = run_job(
        actor=system_admin, unit=units["a"], content=content, commit=True, mode=ImportMode.VALID, publish=True
    )
    assert outcomes(rows) == [(2, "new"), (3, "new"), (4, "new"), (5, "error")]
    assert row_messages(rows[3]) == [
        f"Row 5, column 'Số thẻ đảng': 'Số thẻ đảng' must be unique: 'Nguyễn Văn Thắng ({MAN_1990})' already has "
        "the value T-1."
    ]
    # In a later chunk of another file, the holder keeps its own value, and a dossier may not take
    # a value the first file wrote.
    content = workbook(
        [[person_id(6), None, 1], [person_id(7), None, 1], [MAN_1990, "T-1", 2], [person_id(5), "T-6", None]],
        ["Số CCCD", "Số thẻ đảng", "Số con"],
    )
    _job, rows = run_job(
        actor=system_admin, unit=units["a"], content=content, commit=True, mode=ImportMode.VALID, publish=True
    )
    assert outcomes(rows) == [(2, "update"), (3, "update"), (4, "update"), (5, "error")]
    assert row_messages(rows[3]) == [
        f"Row 5, column 'Số thẻ đảng': 'Số thẻ đảng' must be unique: 'Lê Văn Cường ({person_id(6)})' already has "
        "the value T-6."
    ]
    assert Dossier.objects.get(pk=party_card.pk).custom_fields == {"so_the": "T-1", "so_con": 2}
    assert Dossier.objects.get(personal_id=person_id(5)).custom_fields == {"so_the": "T-5"}
