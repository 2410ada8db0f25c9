"""File-level problems of an imported workbook: damaged, OLE, zip bombs, size limits, missing
columns, empty workbooks; and header matching, trailing empty rows, a missing parent column,
closing and opening periods in one file, an English export."""

from __future__ import annotations

import datetime
import io
import os
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from portal import selectors
from portal.models import CatalogueEntry
from portal.services.catalogue_io.columns import SHEET_NAME
from portal.services.catalogue_io.export import catalogue_export_xlsx
from portal.services.catalogue_io.importing import catalogue_import_xlsx
from portal.services.catalogue_io.reading import OLE_MAGIC
from portal.services.catalogues import entry_create, kind_save
from tests.portal.services.catalogue_io.conftest import (
    append,
    catalogue_state,
    column_number,
    headers,
    kind,
    row_of,
    set_label,
    to_bytes,
    with_trailing_empty_rows,
    workbook_of,
)

pytestmark = pytest.mark.django_db


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
