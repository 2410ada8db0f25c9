"""Erasing a stored value by import: a cell holding "[xóa]" (any case, with or without accents,
or "[clear]") erases the item; an empty cell still keeps it. The columns that identify the row
(personal id, unit, the person's name, a section's natural key) cannot be erased, and an item
the template requires cannot be left empty. A stored text that is itself the marker is exported
with an apostrophe in front and comes back unchanged."""

from __future__ import annotations

import pytest
from django.utils import translation

from imports.cells import is_clear
from imports.choices import ImportStatus, RowOutcome
from imports.exports.rows import export_rows
from imports.exports.xlsx import export_xlsx_stream
from imports.specs import import_spec
from records.choices import VersionStatus
from records.models import Dossier, DossierVersion, LabourContract, WorkHistory
from tests.imports.conftest import HEADERS, MAN_1990, person_id, person_row, row_messages, run_job, workbook
from tests.records.factories import BASE_CONTENT, make_dossier

pytestmark = pytest.mark.django_db

WORK_HEADERS = ["Số CCCD", "Họ và tên", "Từ", "Đến", "Cơ quan, đơn vị", "Chức danh, chức vụ"]
CONTRACT_HEADERS = ["Số CCCD", "Số hợp đồng", "Hiệu lực từ ngày", "Hiệu lực đến ngày", "Ngày ký"]
CONTRACT = {"number": "05/2024/HĐLĐ", "date_from": "2024-01-01", "date_to": "2024-12-31", "signed_on": "2023-12-20"}


@pytest.mark.parametrize("text", ["[xóa]", "[XÓA]", " [xoá] ", "[xoa]", "[Clear]", "[ xóa ]"])
def test_the_erase_marker_is_read_whatever_its_case_accents_and_spacing(text):
    assert is_clear(text)


@pytest.mark.parametrize("value", ["xóa", "[xóa] nhà", "[]", "", None, 0, "Xóa", "[x]"])
def test_other_values_are_not_the_erase_marker(value):
    assert not is_clear(value)


def test_an_erased_cell_removes_the_item_from_the_next_version(units, system_admin):
    identity = {**BASE_CONTENT["identity"], "phone": "0912345678"}
    dossier = make_dossier(units["a"], personal_id=MAN_1990, identity=identity)
    content = workbook([[MAN_1990, "", "", "", "", "", "[xóa]"]])
    _checked, [row] = run_job(actor=system_admin, unit=units["a"], content=content)
    assert (row.outcome, row.changes, row.errors) == (RowOutcome.UPDATE, ["Số điện thoại"], [])
    assert DossierVersion.objects.filter(dossier=dossier).count() == 1  # the dry run wrote nothing
    job, [row] = run_job(actor=system_admin, unit=units["a"], content=content, commit=True, publish=True)
    assert job.status == ImportStatus.DONE and row.outcome == RowOutcome.UPDATE
    dossier.refresh_from_db()
    version = dossier.versions.get(number=2)
    assert version.status == VersionStatus.PUBLISHED
    assert "phone" not in version.content["identity"]
    assert version.content["identity"]["full_name"] == "Nguyễn Văn Thắng"  # the rest is kept
    assert dossier.phone in ("", None)  # the live row follows


def test_erasing_an_item_already_empty_is_no_change(units, clerk, dossier_a):
    content = workbook([[MAN_1990, "", "", "", "", "", "[xóa]"]])
    _job, [row] = run_job(actor=clerk, unit=units["a"], content=content, commit=True)
    assert (row.outcome, row.errors) == (RowOutcome.UNCHANGED, [])
    assert Dossier.objects.get(pk=dossier_a.pk).latest_version == 1


def test_a_required_item_cannot_be_erased(units, clerk, dossier_a):
    content = workbook([[MAN_1990, "", "", "[xóa]", "", "", ""]])
    job, [row] = run_job(actor=clerk, unit=units["a"], content=content, commit=True)
    assert job.status == ImportStatus.FAILED and row.outcome == RowOutcome.ERROR
    assert [error["column"] for error in row.errors] == ["Ngày sinh"]
    assert "is required" in row_messages(row)[0]
    assert Dossier.objects.get(pk=dossier_a.pk).latest_version == 1


def test_the_personal_id_and_the_unit_cannot_be_erased(units, clerk, dossier_a):
    content = workbook(
        [["[xóa]", "", "", "", "", "", ""], [MAN_1990, "", "", "", "", "", "", "[xóa]"]], [*HEADERS, "Mã đơn vị"]
    )
    _job, rows = run_job(actor=clerk, unit=units["a"], content=content)
    assert [row.outcome for row in rows] == [RowOutcome.ERROR, RowOutcome.ERROR]
    assert row_messages(rows[0]) == [
        "Row 2, column 'Số CCCD': this column identifies the row and cannot be erased; '[xóa]' erases "
        "a value only in the other columns."
    ]
    assert row_messages(rows[1]) == [
        "Row 3, column 'Mã đơn vị': this column identifies the row and cannot be erased; '[xóa]' erases "
        "a value only in the other columns."
    ]


def test_a_new_dossier_takes_the_marker_as_an_empty_cell(units, clerk):
    from tests.imports.conftest import person_id

    content = workbook([person_row(person_id(5), phone="[xóa]")])
    job, [row] = run_job(actor=clerk, unit=units["a"], content=content, commit=True)
    assert (job.status, row.outcome, row.errors) == (ImportStatus.DONE, RowOutcome.NEW, [])
    version = Dossier.objects.get(personal_id=person_id(5)).versions.get()
    assert "phone" not in version.content["identity"]


def test_an_erased_cell_of_a_section_row_removes_that_item_of_the_matched_row(units, system_admin, dossier_a):
    existing = BASE_CONTENT["work_history"][0]  # 03/2013, Sở Nội vụ tỉnh Đồng Tháp, Chuyên viên
    content = workbook([[MAN_1990, "", "03/2013", "", existing["workplace"], "[XOÁ]"]], WORK_HEADERS)
    _job, [row] = run_job(actor=system_admin, unit=units["a"], content=content, target="work_history")
    assert (row.outcome, row.changes, row.errors) == (RowOutcome.UPDATE, ["Chức danh, chức vụ"], [])
    job, [row] = run_job(
        actor=system_admin, unit=units["a"], content=content, target="work_history", commit=True, publish=True
    )
    assert job.status == ImportStatus.DONE
    version = Dossier.objects.get(pk=dossier_a.pk).versions.get(number=2)
    assert version.content["work_history"] == [{"period_from": "2013-03", "workplace": existing["workplace"]}]
    assert list(WorkHistory.objects.filter(dossier=dossier_a).values_list("workplace", "title")) == [
        (existing["workplace"], "")
    ]


def test_a_natural_key_column_cannot_be_erased(units, clerk, dossier_a):
    content = workbook([[MAN_1990, "", "03/2013", "", "[xóa]", "Trưởng phòng"]], WORK_HEADERS)
    _job, [row] = run_job(actor=clerk, unit=units["a"], content=content, target="work_history")
    assert row.outcome == RowOutcome.ERROR
    assert row_messages(row) == [
        "Row 2, column 'Cơ quan, đơn vị': this column identifies the row and cannot be erased; '[xóa]' erases "
        "a value only in the other columns."
    ]


def test_an_item_a_section_row_requires_cannot_be_erased(units, system_admin):
    dossier = make_dossier(units["a"], personal_id=MAN_1990, contracts=[CONTRACT])
    content = workbook([[MAN_1990, CONTRACT["number"], "[xóa]", "", ""]], CONTRACT_HEADERS)
    _job, [row] = run_job(actor=system_admin, unit=units["a"], content=content, target="contracts")
    assert row.outcome == RowOutcome.ERROR
    assert [error["column"] for error in row.errors] == ["Hiệu lực từ ngày"]
    assert "is required" in row_messages(row)[0]
    content = workbook([[MAN_1990, CONTRACT["number"], "01/01/2024", "[xóa]", "[Clear]"]], CONTRACT_HEADERS)
    job, [row] = run_job(
        actor=system_admin, unit=units["a"], content=content, target="contracts", commit=True, publish=True
    )
    assert (job.status, row.outcome, sorted(row.changes)) == (
        ImportStatus.DONE,
        RowOutcome.UPDATE,
        ["Hiệu lực đến ngày", "Ngày ký"],
    )
    assert dossier.versions.get(number=2).content["contracts"] == [
        {"number": CONTRACT["number"], "date_from": "2024-01-01"}
    ]
    contract = LabourContract.objects.get(dossier=dossier)
    assert (contract.date_from.isoformat(), contract.date_to, contract.signed_on) == ("2024-01-01", None, None)


def test_the_template_tells_how_to_erase_and_which_columns_cannot_be(units):
    from imports.specs import import_spec
    from imports.template.instructions import _rules

    with translation.override("vi"):
        rules = _rules(import_spec("work_history"))
    assert (
        "Để xóa một giá trị đang lưu, hãy gõ [xóa] vào ô đó. Không thể xóa các cột xác định dòng "
        "('Số định danh cá nhân', 'Họ và tên cán bộ', 'Từ', 'Cơ quan, đơn vị'), và không thể để trống một mục bắt buộc."
    ) in rules


def test_erasing_in_a_section_the_dossier_lacks_leaves_no_empty_section(units, system_admin, dossier_a):
    assert "background" not in BASE_CONTENT  # the dossier has no item of section 2x (background)
    content = workbook(
        [[MAN_1990, "0912345678", "[xóa]"]], ["Số CCCD", "Số điện thoại", "Thành phần gia đình xuất thân"]
    )
    job, [row] = run_job(actor=system_admin, unit=units["a"], content=content, commit=True, publish=True)
    assert (job.status, row.outcome, row.changes) == (ImportStatus.DONE, RowOutcome.UPDATE, ["Số điện thoại"])
    version = Dossier.objects.get(pk=dossier_a.pk).versions.get(number=2)
    assert "background" not in version.content  # not an empty section: the canonical form leaves those out
    assert version.content["identity"]["phone"] == "0912345678"


def test_a_stored_text_that_is_the_marker_goes_out_with_an_apostrophe_and_comes_back_unchanged(units, system_admin):
    identity = {**BASE_CONTENT["identity"], "other_names": "[xóa]"}
    dossier = make_dossier(units["a"], personal_id=MAN_1990, identity=identity)
    columns, rows = export_rows(user=None, target="dossiers", unit=units["a"], columns=["identity.other_names"])
    rows = list(rows)
    assert dict(zip([column.key for column in columns], rows[0], strict=True))["identity.other_names"] == "'[xóa]"
    data = b"".join(export_xlsx_stream(columns, rows, sheet_name=import_spec("dossiers").sheet_name))
    job, [row] = run_job(actor=system_admin, unit=units["a"], content=data, commit=True, publish=True)
    assert (job.status, row.outcome, row.errors) == (ImportStatus.DONE, RowOutcome.UNCHANGED, [])
    assert dossier.versions.count() == 1
    assert dossier.versions.get().content["identity"]["other_names"] == "[xóa]"
    # A cell holding the apostrophe (as the export writes it) keeps the marker as text; without it, it erases.
    other = person_id(8)
    content = workbook([[*person_row(other), "'[XÓA]"]], [*HEADERS, "Các tên gọi khác"])
    job, [row] = run_job(actor=system_admin, unit=units["a"], content=content, commit=True, publish=True)
    assert job.status == ImportStatus.DONE, job.message
    assert Dossier.objects.get(personal_id=other).versions.get().content["identity"]["other_names"] == "[XÓA]"
    content = workbook([[other, "", "", "", "", "", "", "[xóa]"]], [*HEADERS, "Các tên gọi khác"])
    job, [row] = run_job(actor=system_admin, unit=units["a"], content=content, commit=True, publish=True)
    assert (row.outcome, row.changes) == (RowOutcome.UPDATE, ["Các tên gọi khác"])
    assert "other_names" not in Dossier.objects.get(personal_id=other).versions.get(number=2).content["identity"]
