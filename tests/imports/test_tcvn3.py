"""An old sheet typed in TCVN3 (ABC, .VnTime fonts): its header is matched and its cells are read
as Unicode (portal/legacy_text.py), the job's message says how many cells and shows one; a sheet in
Unicode is read as it is."""

from __future__ import annotations

import pytest
from django.utils import translation

from imports.choices import ImportStatus, RowOutcome
from records.models import Dossier
from tests.imports.conftest import HEADERS, person_id, person_row, run_job, workbook
from tests.portal.test_legacy_text import tcvn3

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_sheet_typed_in_tcvn3_is_matched_and_imported_in_unicode(units, system_admin):
    header = [tcvn3(title) for title in HEADERS]
    assert header[1] == "Hä vµ tªn"  # what the clerk's old .VnTime sheet holds
    row = person_row(person_id(3), name=tcvn3("Nguyễn Văn Thắng"), ethnicity=tcvn3("Tày"))
    row.append(tcvn3("Hồ"))  # no evidence on its own ("å"), converted beside the others
    content = workbook([row], [*header, tcvn3("Các tên gọi khác")])
    checked, rows = run_job(actor=system_admin, unit=units["a"], content=content)
    assert checked.status == ImportStatus.CHECKED, checked.message
    [outcome] = rows
    assert (outcome.outcome, outcome.errors) == (RowOutcome.NEW, [])
    assert checked.columns_ignored == []  # every header typed in TCVN3 was matched
    assert checked.message.endswith(
        "3 cells were typed in the old TCVN3 (ABC, .VnTime) encoding and were read as Unicode, e.g. row 2, "
        "column 'Họ và tên': 'NguyÔn V¨n Th¾ng' became 'Nguyễn Văn Thắng'."
    )
    job, [outcome] = run_job(actor=system_admin, unit=units["a"], content=content, commit=True, publish=True)
    assert job.status == ImportStatus.DONE and outcome.outcome == RowOutcome.NEW
    identity = Dossier.objects.get(personal_id=person_id(3)).versions.get().content["identity"]
    assert identity["full_name"] == "Nguyễn Văn Thắng"
    assert identity["ethnicity"] == "02"  # "Tày" by its label
    assert identity["other_names"] == "Hồ"


def test_a_unicode_sheet_is_read_as_it_is(units, system_admin):
    row = person_row(person_id(4), name="Müller Văn An")
    row.append("Tô Hoài")
    job, [_outcome] = run_job(
        actor=system_admin,
        unit=units["a"],
        content=workbook([row], [*HEADERS, "Các tên gọi khác"]),
        commit=True,
        publish=True,
    )
    assert job.status == ImportStatus.DONE and "TCVN3" not in job.message
    identity = Dossier.objects.get(personal_id=person_id(4)).versions.get().content["identity"]
    assert (identity["full_name"], identity["other_names"]) == ("Müller Văn An", "Tô Hoài")


def test_only_the_columns_shown_to_be_tcvn3_are_converted_in_rows_without_evidence(units, system_admin):
    headers = [*HEADERS, "Các tên gọi khác", "Nơi sinh"]
    rows = [
        [*person_row(person_id(5), name=tcvn3("Nguyễn Văn Thắng")), tcvn3("Văn Hai"), "Müller"],
        # No clear evidence in this row: "Tó" (Tú) in the name column, shown to be TCVN3 by the row
        # above, is converted; the erase marker is left as typed; "Müller" in a column never shown
        # to be TCVN3 stays.
        [*person_row(person_id(6), name=tcvn3("Lý Tú")), "[xóa]", "Müller"],
    ]
    assert rows[1][1] == "Lý Tó"
    job, outcomes = run_job(
        actor=system_admin, unit=units["a"], content=workbook(rows, headers), commit=True, publish=True
    )
    assert job.status == ImportStatus.DONE, job.message
    assert [outcome.outcome for outcome in outcomes] == [RowOutcome.NEW, RowOutcome.NEW]
    first = Dossier.objects.get(personal_id=person_id(5)).versions.get().content["identity"]
    second = Dossier.objects.get(personal_id=person_id(6)).versions.get().content["identity"]
    # In the row with clear evidence "Müller" is converted too: typed beside TCVN3, its "ü" is ỹ.
    assert (first["full_name"], first["other_names"], first["birth_place"]) == ("Nguyễn Văn Thắng", "Văn Hai", "Mỹller")
    assert (second["full_name"], second["birth_place"]) == ("Lý Tú", "Müller")
    assert "other_names" not in second
    assert "4 cells were typed in the old TCVN3" in job.message
