"""Retired catalogue codes in an import: an exported dossier holding codes retired since it was
written re-imports (unchanged, or updated elsewhere while the codes stay); a retired code given to
a dossier or a row that does not hold it is refused at its cell with its own message; the label of
a retired entry is not read at all."""

from __future__ import annotations

from collections import Counter

import pytest

from imports.cells import CatalogueBook, RetiredCode
from imports.choices import ImportStatus, RowOutcome
from imports.exports.rows import export_rows
from imports.exports.xlsx import export_xlsx_stream
from imports.specs import import_spec
from portal.models import CatalogueEntry
from portal.services.catalogues import entry_retire
from records.models import Dossier
from tests.imports.conftest import MAN_1990, person_id, person_row, row_messages, run_job, workbook
from tests.records.factories import BASE_CONTENT, make_dossier

pytestmark = pytest.mark.django_db

KHMER, GRADE = "05", "01.003"  # dan_toc Khơ-me, ngach_cdnn Chuyên viên
PAY = [
    {"date_from": "2014-03-01", "date_to": "2017-02-28", "grade": GRADE, "step": 1, "coefficient": "2.34"},
    {"date_from": "2017-03-01", "grade": GRADE, "step": 2, "coefficient": "2.67"},
]
OTHER_SALARY = {**BASE_CONTENT["salary"], "grade": "01.002"}  # BASE_CONTENT's grade is retired here
RETIRED = "is a retired code of the catalogue: it stays where the dossier already holds it, but cannot be entered anew"


@pytest.fixture
def holder(units):
    """MAN_1990 in unit A: Khơ-me, a pay history in grade 01.003; both entries retired afterwards."""
    identity = {**BASE_CONTENT["identity"], "ethnicity": KHMER}
    dossier = make_dossier(units["a"], personal_id=MAN_1990, identity=identity, salary_history=PAY)
    for kind, code in (("dan_toc", KHMER), ("ngach_cdnn", GRADE)):
        entry_retire(entry=CatalogueEntry.objects.get(kind__code=kind, code=code, active=True))
    return dossier


def exported(target: str, unit, change=None) -> bytes:
    columns, rows = export_rows(user=None, target=target, unit=unit)
    rows = [list(row) for row in rows]
    if change:
        change([column.key for column in columns], rows)
    return b"".join(export_xlsx_stream(columns, rows, sheet_name=import_spec(target).sheet_name))


def test_the_book_reads_a_retired_code_marked_and_not_its_label(holder):
    book = CatalogueBook()
    code = book.code_for("dan_toc", KHMER)
    assert type(code) is RetiredCode and code == KHMER
    with pytest.raises(ValueError, match="neither a code nor a label in use"):
        book.code_for("dan_toc", "Khơ-me")
    assert type(book.code_for("dan_toc", "01")) is str


@pytest.mark.parametrize("target", ["dossiers", "salary_history"])
def test_an_export_holding_retired_codes_imports_back_unchanged(target, holder, units, clerk):
    job, rows = run_job(actor=clerk, unit=units["a"], target=target, content=exported(target, units["a"]))
    assert job.status == ImportStatus.CHECKED, job.message
    assert Counter(row.outcome for row in rows) == {RowOutcome.UNCHANGED: len(rows)}, [row.errors for row in rows]


def test_another_cell_changes_while_the_retired_codes_stay(holder, units, clerk):
    def new_phone(keys, rows):
        rows[0][keys.index("identity.phone")] = "0912999888"

    job, [row] = run_job(actor=clerk, unit=units["a"], content=exported("dossiers", units["a"], new_phone), commit=True)
    assert (job.status, row.outcome, row.errors) == (ImportStatus.DONE, RowOutcome.UPDATE, [])
    version = Dossier.objects.get(pk=holder.pk).versions.get(number=2)
    assert (version.content["identity"]["phone"], version.content["identity"]["ethnicity"]) == ("0912999888", KHMER)
    assert [row["grade"] for row in version.content["salary_history"]] == [GRADE, GRADE]


def test_a_retired_code_is_refused_on_a_new_dossier_and_on_one_that_does_not_hold_it(holder, units, clerk):
    make_dossier(units["a"], personal_id=person_id(8), salary=OTHER_SALARY)  # ethnicity 01 (Kinh)
    content = workbook(
        [
            person_row(person_id(7), "Lê Văn Bảy", ethnicity=KHMER),  # new
            person_row(person_id(8), "Nguyễn Văn Thắng", ethnicity=KHMER),  # holds 01
            person_row(MAN_1990, "Nguyễn Văn Thắng", ethnicity=KHMER, phone=""),  # holds 05: unchanged
        ]
    )
    _job, rows = run_job(actor=clerk, unit=units["a"], content=content, commit=True, mode="valid")
    assert [row.outcome for row in rows] == [RowOutcome.ERROR, RowOutcome.ERROR, RowOutcome.UNCHANGED]
    for row in rows[:2]:
        assert row_messages(row) == [f"Row {row.row_number}, column 'Dân tộc': the value '05' {RETIRED}."]
    assert not Dossier.objects.filter(personal_id=person_id(7)).exists()
    assert Dossier.objects.get(personal_id=person_id(8)).latest_version == 1


def test_a_retired_grade_is_refused_in_the_pay_rows_of_a_dossier_that_does_not_hold_it(holder, units, clerk):
    make_dossier(units["a"], personal_id=person_id(8), salary=OTHER_SALARY)  # no pay history

    def to_the_other(keys, rows):
        for row in rows:
            row[keys.index("personal_id")] = person_id(8)

    _job, rows = run_job(
        actor=clerk,
        unit=units["a"],
        target="salary_history",
        content=exported("salary_history", units["a"], to_the_other),
    )
    assert [row.outcome for row in rows] == [RowOutcome.ERROR, RowOutcome.ERROR]
    assert all(RETIRED in " ".join(row_messages(row)) for row in rows), [row_messages(row) for row in rows]
