"""Catalogue xlsx round trip (portal/services/catalogue_io/): export, import, all-or-nothing."""

from __future__ import annotations

import datetime
import io
import os
import re
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from portal import selectors
from portal.models import CatalogueEntry, CatalogueKind
from portal.services.catalogue_io.columns import SHEET_NAME, catalogue_columns
from portal.services.catalogue_io.export import catalogue_export_xlsx
from portal.services.catalogue_io.importing import catalogue_import_xlsx
from portal.services.catalogue_io.reading import OLE_MAGIC
from portal.services.catalogues import entry_create, kind_save

pytestmark = pytest.mark.django_db


def kind(code: str) -> CatalogueKind:
    return CatalogueKind.objects.get(code=code)


def catalogue_state() -> list[dict]:
    return list(CatalogueEntry.objects.order_by("pk").values())


def headers(kind_obj: CatalogueKind) -> dict[str, str]:
    """{column key: header text}, from the spec shared by export and import."""
    return {column.key: column.header for column in catalogue_columns(kind_obj)}


def column_number(kind_obj: CatalogueKind, key: str) -> int:
    return [column.key for column in catalogue_columns(kind_obj)].index(key) + 1


def workbook_of(kind_obj: CatalogueKind):
    workbook = openpyxl.load_workbook(io.BytesIO(catalogue_export_xlsx(kind=kind_obj)))
    return workbook, workbook[SHEET_NAME]


def to_bytes(workbook) -> bytes:
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def row_of(sheet, code: str, valid_from: datetime.date | None = None) -> int:
    for (row,) in sheet.iter_rows(min_row=2, max_col=1):
        if row.value == code:
            if valid_from is None or sheet.cell(row=row.row, column=6).value.date() == valid_from:
                return row.row
    raise AssertionError(f"code {code} not in the sheet")


def append(sheet, kind_obj: CatalogueKind, **values) -> int:
    """Add a row with the given column values (by key); return its row number."""
    row = sheet.max_row + 1
    for key, value in values.items():
        sheet.cell(row=row, column=column_number(kind_obj, key.replace("attr_", "attr:")), value=value)
    return row


def set_label(sheet, kind_obj: CatalogueKind, code: str, label: str) -> None:
    sheet.cell(row=row_of(sheet, code), column=column_number(kind_obj, "label"), value=label)


def with_trailing_empty_rows(content: bytes, count: int) -> bytes:
    """Rows whose cells hold empty strings (what spreadsheet tools leave behind);
    openpyxl cannot write those, so they are added to the sheet XML directly."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                last = max(int(number) for number in re.findall(r'<row r="(\d+)"', text))
                extra = "".join(
                    f'<row r="{number}">'
                    + "".join(f'<c r="{letter}{number}" t="inlineStr"><is><t></t></is></c>' for letter in "ABC")
                    + "</row>"
                    for number in range(last + 1, last + 1 + count)
                )
                text = text.replace("</sheetData>", extra + "</sheetData>")
                text = re.sub(r'<dimension ref="A1:([A-Z]+)\d+"/>', rf'<dimension ref="A1:\g<1>{last + count}"/>', text)
                data = text.encode("utf-8")
            target.writestr(item, data)
    return output.getvalue()


# --- export ------------------------------------------------------------------------------------


def test_export_has_the_spec_headers_and_every_entry(django_assert_max_num_queries):
    ngach = kind("ngach_cdnn")
    with django_assert_max_num_queries(2):
        content = catalogue_export_xlsx(kind=ngach)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames[0] == SHEET_NAME
    assert len(workbook.sheetnames) == 2  # the data and the instructions
    sheet = workbook[SHEET_NAME]
    header_row = [cell.value for cell in sheet[1]]
    assert header_row == [column.header for column in catalogue_columns(ngach)]
    assert len(header_row) == 10 + 5
    for key in ("salary_group", "personnel_category", "rank", "sector", "legacy"):
        assert any(f"[{key}]" in title for title in header_row)
    assert header_row[column_number(ngach, "attr:salary_group") - 1] == "Nhóm lương [salary_group]"
    assert sheet.max_row - 1 == ngach.entries.count() == 83
    row = row_of(sheet, "01.003")
    assert sheet.cell(row=row, column=column_number(ngach, "label")).value == "Chuyên viên"
    assert sheet.cell(row=row, column=column_number(ngach, "code_system")).value == "BNV-NGACH-CDNN"
    assert sheet.cell(row=row, column=column_number(ngach, "attr:salary_group")).value == "A1"
    assert sheet.cell(row=row, column=column_number(ngach, "attr:personnel_category")).value == "CC"


def test_export_keeps_codes_as_text():
    dan_toc = kind("dan_toc")
    _workbook, sheet = workbook_of(dan_toc)
    codes = [row[0] for row in sheet.iter_rows(min_row=2, max_col=1)]
    assert [cell.value for cell in codes[:3]] == ["01", "02", "03"]
    assert "00" in {cell.value for cell in codes}
    for cell in codes:
        assert isinstance(cell.value, str)
        assert cell.data_type == "s"
        assert cell.number_format == "@"
    assert len(codes) == dan_toc.entries.count() == 56


def test_export_writes_dates_and_includes_retired_entries():
    base = kind("luong_co_so")
    CatalogueEntry.objects.filter(kind=base, code="2019-07").update(active=False)
    _workbook, sheet = workbook_of(base)
    row = row_of(sheet, "2024-07")
    start = sheet.cell(row=row, column=column_number(base, "valid_from"))
    end = sheet.cell(row=row, column=column_number(base, "valid_to"))
    assert start.value.date() == datetime.date(2024, 7, 1)
    assert end.value.date() == datetime.date(2026, 7, 1)
    assert start.number_format == "DD/MM/YYYY"
    assert sheet.cell(row=row, column=column_number(base, "attr:amount")).value == "2340000"
    old = row_of(sheet, "2019-07")
    assert (
        sheet.cell(row=old, column=column_number(base, "active")).value
        != sheet.cell(row=row, column=column_number(base, "active")).value
    )


# --- the round trip --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["ngach_cdnn", "dan_toc", "nhom_luong", "luong_co_so", "phu_cap_chuc_vu", "hinh_thuc_ky_luat"]
)
def test_importing_the_export_back_changes_nothing(code):
    kind_obj = kind(code)
    content = catalogue_export_xlsx(kind=kind_obj)
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=kind_obj, content=content)
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, kind_obj.entries.count())
    assert result.applied is False
    assert catalogue_state() == before


def test_import_query_count_is_bounded(django_assert_max_num_queries):
    dan_toc = kind("dan_toc")
    content = catalogue_export_xlsx(kind=dan_toc)
    # a fixed number of reads plus one period check per row
    with django_assert_max_num_queries(dan_toc.entries.count() + 10):
        result = catalogue_import_xlsx(kind=dan_toc, content=content)
    assert result.unchanged == 56


def test_changed_label_and_new_row_dry_run_then_import(admin_user):
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    set_label(sheet, dan_toc, "02", "Tày (Thổ)")
    new_row = append(sheet, dan_toc, code="56", label="Dân tộc bổ sung", order=56)
    content = to_bytes(workbook)
    before = catalogue_state()

    preview = catalogue_import_xlsx(kind=dan_toc, content=content, dry_run=True)

    assert preview.errors == []
    assert (preview.created, preview.updated, preview.unchanged) == (1, 1, 55)
    assert preview.applied is False
    assert catalogue_state() == before
    assert new_row == 58

    result = catalogue_import_xlsx(kind=dan_toc, content=content, actor=admin_user)

    assert (result.created, result.updated, result.unchanged) == (1, 1, 55)
    assert result.applied is True
    tay = CatalogueEntry.objects.get(kind=dan_toc, code="02")
    assert tay.label == "Tày (Thổ)"
    assert tay.label_folded == "tay (tho)"
    assert tay.locally_modified is True
    added = CatalogueEntry.objects.get(kind=dan_toc, code="56")
    assert added.label == "Dân tộc bổ sung"
    assert added.code_system == "GSO-QD121-1979"
    assert added.active is True
    assert added.order == 56
    assert added.data_version == ""
    assert dan_toc.entries.count() == 57
    # and the same file again is now a no-op
    again = catalogue_import_xlsx(kind=dan_toc, content=content)
    assert (again.created, again.updated, again.unchanged, again.applied) == (0, 0, 57, False)


def test_import_updates_typed_attributes_and_retires_through_in_use():
    ngach = kind("ngach_cdnn")
    workbook, sheet = workbook_of(ngach)
    row = row_of(sheet, "01.003")
    sheet.cell(row=row, column=column_number(ngach, "attr:salary_group"), value="A2.2")
    other = row_of(sheet, "01.002")
    sheet.cell(row=other, column=column_number(ngach, "active"), value="Không")
    result = catalogue_import_xlsx(kind=ngach, content=to_bytes(workbook))
    assert result.errors == []
    assert result.updated == 2
    assert CatalogueEntry.objects.get(kind=ngach, code="01.003").attributes["salary_group"] == "A2.2"
    retired = CatalogueEntry.objects.get(kind=ngach, code="01.002")
    assert retired.active is False
    assert retired.retired_at is not None


def test_import_of_a_new_period_with_a_decimal_comma():
    allowance = kind("phu_cap_chuc_vu")
    workbook, sheet = workbook_of(allowance)
    append(
        sheet,
        allowance,
        code="GD_SO_TEST",
        label="Giám đốc sở (thử)",
        valid_from=datetime.datetime(2027, 1, 1),
        attr_position="GD_SO",
        attr_region="KHAC",
        attr_coefficient="1,05",
    )
    result = catalogue_import_xlsx(kind=allowance, content=to_bytes(workbook))
    assert result.errors == []
    added = CatalogueEntry.objects.get(kind=allowance, code="GD_SO_TEST")
    assert added.valid_from == datetime.date(2027, 1, 1)
    assert added.attributes == {"position": "GD_SO", "region": "KHAC", "coefficient": "1.05"}


def test_import_sets_parents_from_codes_in_the_file():
    tree_kind = kind_save(values={"code": "thu_nghiem", "name": "Thử nghiệm", "hierarchical": True})
    entry_create(kind=tree_kind, values={"code": "P", "label": "Cha"})
    workbook, sheet = workbook_of(tree_kind)
    append(sheet, tree_kind, code="P.1", label="Con", parent="P")
    append(sheet, tree_kind, code="Q", label="Cha mới")
    append(sheet, tree_kind, code="Q.1", label="Con mới", parent="Q")
    result = catalogue_import_xlsx(kind=tree_kind, content=to_bytes(workbook))
    assert result.errors == []
    assert result.created == 3
    assert CatalogueEntry.objects.get(kind=tree_kind, code="P.1").parent.code == "P"
    assert CatalogueEntry.objects.get(kind=tree_kind, code="Q.1").parent.code == "Q"


# --- row errors: reported with row and column, nothing written --------------------------------------


def _assert_nothing_written(result, before) -> None:
    assert result.applied is False
    assert (result.created, result.updated) == (0, 0)
    assert catalogue_state() == before


def test_code_typed_as_a_number_is_refused():
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    set_label(sheet, dan_toc, "02", "Tày (Thổ)")  # a valid change that must not be written
    sheet.cell(row=row_of(sheet, "01"), column=1, value=1)
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=dan_toc, content=to_bytes(workbook))
    [error] = result.errors
    assert (error.row, error.column) == (2, headers(dan_toc)["code"])
    assert "1" in error.message
    _assert_nothing_written(result, before)


def test_unknown_salary_group_is_refused_with_its_row():
    ngach = kind("ngach_cdnn")
    workbook, sheet = workbook_of(ngach)
    set_label(sheet, ngach, "01.001", "Chuyên viên cao cấp (sửa)")
    row = row_of(sheet, "01.003")
    sheet.cell(row=row, column=column_number(ngach, "attr:salary_group"), value="Z9")
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=ngach, content=to_bytes(workbook))
    [error] = result.errors
    assert error.row == row
    assert "Z9" in error.message
    assert "Nhóm lương" in error.message
    _assert_nothing_written(result, before)


def test_unknown_salary_group_is_reported_in_its_own_column():
    ngach = kind("ngach_cdnn")
    workbook, sheet = workbook_of(ngach)
    row = row_of(sheet, "01.003")
    sheet.cell(row=row, column=column_number(ngach, "attr:salary_group"), value="Z9")
    result = catalogue_import_xlsx(kind=ngach, content=to_bytes(workbook))
    [error] = result.errors
    assert (error.row, error.column) == (row, headers(ngach)["attr:salary_group"])


def test_two_rows_with_the_same_code_and_start_are_refused():
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    set_label(sheet, dan_toc, "02", "Tày (Thổ)")
    duplicate = append(sheet, dan_toc, code="57", label="Mới")
    again = append(sheet, dan_toc, code="57", label="Mới, lần hai")
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=dan_toc, content=to_bytes(workbook))
    [error] = result.errors
    assert (error.row, error.column) == (again, headers(dan_toc)["code"])
    assert str(duplicate) in error.message
    _assert_nothing_written(result, before)


def test_period_overlapping_an_existing_entry_is_refused():
    base = kind("luong_co_so")
    workbook, sheet = workbook_of(base)
    set_label(sheet, base, "2019-07", "1.490.000 đồng")
    row = append(
        sheet,
        base,
        code="2024-07",
        label="Mức sai",
        valid_from=datetime.datetime(2025, 1, 1),
        attr_amount="2500000",
    )
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=base, content=to_bytes(workbook))
    [error] = result.errors
    assert (error.row, error.column) == (row, headers(base)["valid_from"])
    assert "01/07/2024" in error.message
    _assert_nothing_written(result, before)


def test_overlapping_periods_within_the_file_are_refused():
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    append(sheet, dan_toc, code="T1", label="Từ 2020", valid_from=datetime.datetime(2020, 1, 1))
    second = append(sheet, dan_toc, code="T1", label="Từ 2021", valid_from=datetime.datetime(2021, 1, 1))
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=dan_toc, content=to_bytes(workbook))
    assert [error.row for error in result.errors] == [second]
    _assert_nothing_written(result, before)


def test_unknown_parent_code_is_refused():
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    set_label(sheet, dan_toc, "02", "Tày (Thổ)")
    row = row_of(sheet, "03")
    sheet.cell(row=row, column=column_number(dan_toc, "parent"), value="99")
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=dan_toc, content=to_bytes(workbook))
    [error] = result.errors
    assert (error.row, error.column) == (row, headers(dan_toc)["parent"])
    assert "99" in error.message
    _assert_nothing_written(result, before)


def test_every_bad_row_is_reported_in_row_order():
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    parent_row = row_of(sheet, "10")
    sheet.cell(row=parent_row, column=column_number(dan_toc, "parent"), value="XX")
    number_row = row_of(sheet, "05")
    sheet.cell(row=number_row, column=1, value=5)
    label_row = append(sheet, dan_toc, code="58", label="  ")
    date_row = append(sheet, dan_toc, code="59", label="Mới", valid_from="31/02/2026")
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=dan_toc, content=to_bytes(workbook))
    found = [(error.row, error.column) for error in result.errors]
    assert found == [
        (number_row, headers(dan_toc)["code"]),
        (parent_row, headers(dan_toc)["parent"]),
        (label_row, headers(dan_toc)["label"]),
        (date_row, headers(dan_toc)["valid_from"]),
    ]
    _assert_nothing_written(result, before)


def test_blank_rows_in_the_middle_are_skipped_and_rows_keep_their_sheet_numbers():
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    assert sheet.max_row == 57
    # rows 58 and 59 stay empty; row 60 holds a code typed as a number
    sheet.cell(row=60, column=column_number(dan_toc, "code"), value=60)
    sheet.cell(row=60, column=column_number(dan_toc, "label"), value="Số")
    content = with_trailing_empty_rows(to_bytes(workbook), 3)
    result = catalogue_import_xlsx(kind=dan_toc, content=content)
    [error] = result.errors
    assert (error.row, error.column) == (60, headers(dan_toc)["code"])


# --- file-level problems -----------------------------------------------------------------------------


def _assert_refused(content: bytes, fragment: str = "") -> None:
    before = catalogue_state()
    with pytest.raises(ValidationError) as excinfo:
        catalogue_import_xlsx(kind=kind("dan_toc"), content=content)
    if fragment:
        assert fragment in " ".join(excinfo.value.messages)
    assert catalogue_state() == before


def test_random_bytes_are_refused():
    _assert_refused(os.urandom(4096))
    _assert_refused(b"")


def test_a_damaged_zip_is_refused():
    content = catalogue_export_xlsx(kind=kind("dan_toc"))
    _assert_refused(content[: len(content) // 2])


def test_an_ole_file_is_refused():
    _assert_refused(OLE_MAGIC + os.urandom(4096), ".xlsx")


def test_a_zip_bomb_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    content = output.getvalue()
    assert len(content) < 1024 * 1024  # small on disk, 60 MB expanded
    _assert_refused(content, "50 MB")


def test_a_zip_whose_members_together_expand_beyond_the_limit_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(3):
            archive.writestr(f"xl/worksheets/sheet{number + 1}.xml", b"\0" * (20 * 1024 * 1024))
    _assert_refused(output.getvalue(), "50 MB")


def test_a_file_above_the_size_limit_is_refused(settings):
    settings.CATALOGUE_IMPORT_MAX_BYTES = 1024 * 1024
    _assert_refused(b"PK" + b"\0" * (1024 * 1024), "1 MB")


def test_a_workbook_without_the_required_columns_is_refused():
    dan_toc = kind("dan_toc")
    workbook = openpyxl.Workbook()
    workbook.active.append(["Mã số", "Tên gọi", headers(dan_toc)["valid_from"]])
    workbook.active.append(["01", "Kinh", None])
    before = catalogue_state()
    with pytest.raises(ValidationError) as excinfo:
        catalogue_import_xlsx(kind=dan_toc, content=to_bytes(workbook))
    message = " ".join(excinfo.value.messages)
    assert headers(dan_toc)["code"] in message
    assert headers(dan_toc)["label"] in message
    assert catalogue_state() == before


def test_an_empty_workbook_is_refused():
    _assert_refused(to_bytes(openpyxl.Workbook()))


def test_headers_are_matched_without_accents_case_or_attribute_labels():
    ngach = kind("ngach_cdnn")
    workbook = openpyxl.Workbook()
    workbook.active.append([headers(ngach)["code"].upper(), headers(ngach)["label"], "salary_group"])
    workbook.active.append(["99.903", "Ngạch mới", "A1"])
    result = catalogue_import_xlsx(kind=ngach, content=to_bytes(workbook))
    assert result.errors == []
    assert result.created == 1
    assert CatalogueEntry.objects.get(kind=ngach, code="99.903").attributes == {"salary_group": "A1"}


def test_trailing_empty_rows_are_ignored():
    dan_toc = kind("dan_toc")
    workbook, sheet = workbook_of(dan_toc)
    set_label(sheet, dan_toc, "02", "Tày (Thổ)")
    content = with_trailing_empty_rows(to_bytes(workbook), 40)
    result = catalogue_import_xlsx(kind=dan_toc, content=content)
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 1, 55)
    assert result.applied is True
    assert CatalogueEntry.objects.get(kind=dan_toc, code="02").label == "Tày (Thổ)"


def test_a_workbook_with_only_a_header_and_empty_rows_changes_nothing():
    dan_toc = kind("dan_toc")
    workbook = openpyxl.Workbook()
    workbook.active.title = SHEET_NAME
    workbook.active.append([headers(dan_toc)["code"], headers(dan_toc)["label"]])
    content = with_trailing_empty_rows(to_bytes(workbook), 5)
    before = catalogue_state()
    result = catalogue_import_xlsx(kind=dan_toc, content=content)
    assert (result.created, result.updated, result.unchanged, result.errors, result.applied) == (0, 0, 0, [], False)
    assert catalogue_state() == before


def test_a_workbook_without_the_parent_column_keeps_parents():
    tree_kind = kind_save(values={"code": "thu_nghiem", "name": "Thử nghiệm", "hierarchical": True})
    parent = entry_create(kind=tree_kind, values={"code": "P", "label": "Cha"})
    entry_create(kind=tree_kind, values={"code": "P.1", "label": "Con", "parent": parent})
    workbook, sheet = workbook_of(tree_kind)
    sheet.delete_cols(column_number(tree_kind, "parent"))
    result = catalogue_import_xlsx(kind=tree_kind, content=to_bytes(workbook))
    assert (result.updated, result.unchanged) == (0, 2)
    assert CatalogueEntry.objects.get(kind=tree_kind, code="P.1").parent_id == parent.pk


def test_a_file_may_close_a_period_and_open_the_next_one():
    """The overlap rule applies to the state after the whole file, not row by row against the database."""
    base = kind("luong_co_so")
    workbook, sheet = workbook_of(base)
    last = row_of(sheet, "2026-07")
    sheet.cell(row=last, column=column_number(base, "valid_to"), value=datetime.datetime(2027, 7, 1))
    append(
        sheet,
        base,
        code="2027-07",
        label="2.700.000 đồng",
        valid_from=datetime.datetime(2027, 7, 1),
        attr_amount="2700000",
    )
    result = catalogue_import_xlsx(kind=base, content=to_bytes(workbook))
    assert result.errors == []
    assert (result.created, result.updated) == (1, 1)
    current = selectors.catalogue_entries(kind="luong_co_so", on=datetime.date(2027, 8, 1))
    assert [entry.attributes["amount"] for entry in current] == [2700000]


def test_a_workbook_exported_in_english_imports_under_vietnamese():
    from django.utils import translation

    dan_toc = kind("dan_toc")
    with translation.override("en"):
        content = catalogue_export_xlsx(kind=dan_toc)
    assert openpyxl.load_workbook(io.BytesIO(content))[SHEET_NAME].cell(row=1, column=1).value == "Code"
    with translation.override("vi"):
        result = catalogue_import_xlsx(kind=dan_toc, content=content)
    assert result.errors == []
    assert result.unchanged == dan_toc.entries.count() and not result.applied
