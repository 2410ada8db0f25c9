"""An old sheet typed in TCVN3 (ABC, .VnTime fonts) or VNI (VNI-Times): its header is matched and its
cells are read as Unicode (portal/legacy_text.py), the job's message says how many cells and shows
one; a sheet in Unicode is read as it is."""

from __future__ import annotations

import pytest

from imports.choices import ImportStatus, RowOutcome
from records.models import Dossier
from tests.imports.conftest import HEADERS, person_id, person_row, run_job, workbook
from tests.portal.test_legacy_text import tcvn3
from tests.portal.test_legacy_vni import vni

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("encode", "typed_header", "encoding", "other_names"),
    [
        # "Hồ" is "Hå" in TCVN3: no evidence on its own ("å"), converted beside the others.
        (tcvn3, ["Sè CCCD", "Hä vµ tªn"], "TCVN3 (ABC, .VnTime)", "Hồ"),
        # "Số CCCD" is "Soá CCCD" in VNI: no evidence on its own, matched beside the other headers.
        (vni, ["Soá CCCD", "Hoï vaø teân"], "VNI (VNI-Times)", "Đinh Hải"),
    ],
)
def test_a_sheet_typed_in_an_old_encoding_is_matched_and_imported_in_unicode(
    units, system_admin, encode, typed_header, encoding, other_names
):
    header = [encode(title) for title in HEADERS]
    assert header[:2] == typed_header  # what the clerk's old .VnTime or VNI-Times sheet holds
    row = person_row(person_id(3), name=encode("Nguyễn Văn Thắng"), ethnicity=encode("Tày"))
    row.append(encode(other_names))
    content = workbook([row], [*header, encode("Các tên gọi khác")])
    checked, [outcome] = run_job(actor=system_admin, unit=units["a"], content=content)
    assert checked.status == ImportStatus.CHECKED, checked.message
    assert (outcome.outcome, outcome.errors) == (RowOutcome.NEW, [])
    assert checked.columns_ignored == []  # every header was matched
    assert checked.message.endswith(
        f"3 cells were typed in the old {encoding} encoding and were read as Unicode, e.g. row 2, "
        f"column 'Họ và tên': '{encode('Nguyễn Văn Thắng')}' became 'Nguyễn Văn Thắng'."
    )
    job, [outcome] = run_job(actor=system_admin, unit=units["a"], content=content, commit=True, publish=True)
    assert job.status == ImportStatus.DONE and outcome.outcome == RowOutcome.NEW
    identity = Dossier.objects.get(personal_id=person_id(3)).versions.get().content["identity"]
    assert (identity["full_name"], identity["ethnicity"]) == ("Nguyễn Văn Thắng", "02")  # "Tày" by its label
    assert identity["other_names"] == other_names


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


def test_ambiguous_cells_are_converted_only_in_rows_with_evidence_and_columns_shown_to_be_tcvn3(units, system_admin):
    headers = [*HEADERS, "Các tên gọi khác", "Nơi sinh"]
    rows = [
        # Clear evidence in the name and other-names columns; "Müller" in this row was typed in
        # TCVN3 as well, so its "ü" is the letter ỹ.
        [*person_row(person_id(5), name=tcvn3("Nguyễn Văn Thắng")), tcvn3("Văn Hai"), "Müller"],
        # "Lý Tó" (Lý Tú) alone is no evidence, but the row has some ("Hµ Néi") and the name column
        # was shown to be TCVN3 above: converted. The erase marker is left as typed.
        [*person_row(person_id(6), name=tcvn3("Lý Tú")), "[xóa]", tcvn3("Hà Nội")],
        # A row typed in Unicode below: no evidence in it, so nothing is converted, although "Tô Hoài"
        # would read as TCVN3 in a column known to be TCVN3 (it would become "Tụ HoỔi").
        [*person_row(person_id(7), name="Tô Hoài"), "Hà Tiên", "Müller"],
    ]
    assert (rows[1][1], rows[1][8]) == ("Lý Tó", "Hµ Néi")
    job, (first, second, third) = import_three(system_admin, units["a"], workbook(rows, headers))
    assert (first["full_name"], first["other_names"], first["birth_place"]) == ("Nguyễn Văn Thắng", "Văn Hai", "Mỹller")
    assert (second["full_name"], second["birth_place"]) == ("Lý Tú", "Hà Nội")
    assert "other_names" not in second
    assert (third["full_name"], third["other_names"], third["birth_place"]) == ("Tô Hoài", "Hà Tiên", "Müller")
    assert "5 cells were typed in the old TCVN3" in job.message


def test_ambiguous_vni_cells_are_converted_only_in_rows_with_evidence_and_columns_shown_to_be_vni(
    units, system_admin, vietnamese
):
    headers = [*HEADERS, "Nơi sinh"]
    rows = [
        [*person_row(person_id(5), name=vni("Nguyễn Văn Thắng")), vni("Đồng Tháp")],
        # "Hoàng Anh" is Unicode for Hoàng Anh and VNI for Hồng Anh: in a row with evidence ("Haø
        # Noäi") and a column shown to be VNI above, it is VNI.
        [*person_row(person_id(6), name="Hoàng Anh"), vni("Hà Nội")],
        # A row without evidence is left as typed.
        [*person_row(person_id(7), name="Hoàng Anh"), "Hà Tiên"],
    ]
    job, (first, second, third) = import_three(system_admin, units["a"], workbook(rows, headers))
    assert (first["full_name"], first["birth_place"]) == ("Nguyễn Văn Thắng", "Đồng Tháp")
    assert (second["full_name"], second["birth_place"]) == ("Hồng Anh", "Hà Nội")
    assert (third["full_name"], third["birth_place"]) == ("Hoàng Anh", "Hà Tiên")
    assert "4 ô được gõ bằng bảng mã cũ VNI (phông VNI-Times) và đã được đọc thành Unicode" in job.message
    assert "TCVN3" not in job.message


def import_three(actor, unit, content: bytes):
    """Import (published) a sheet of three new people numbered 5, 6, 7: the job and their identities."""
    job, outcomes = run_job(actor=actor, unit=unit, content=content, commit=True, publish=True)
    assert job.status == ImportStatus.DONE, job.message
    assert [outcome.outcome for outcome in outcomes] == [RowOutcome.NEW] * 3
    return job, [
        Dossier.objects.get(personal_id=person_id(number)).versions.get().content["identity"] for number in (5, 6, 7)
    ]
