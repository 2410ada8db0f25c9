"""The xlsx round trip: importing the export changes nothing, a bounded query count, dry run then
import, typed attributes, retiring, new periods and parents from codes in the file."""

from __future__ import annotations

import datetime

import pytest

from portal.models import CatalogueEntry
from portal.services.catalogue_io.export import catalogue_export_xlsx
from portal.services.catalogue_io.importing import catalogue_import_xlsx
from portal.services.catalogues import entry_create, kind_save
from tests.portal.services.catalogue_io.conftest import (
    append,
    catalogue_state,
    column_number,
    kind,
    row_of,
    set_label,
    to_bytes,
    workbook_of,
)

pytestmark = pytest.mark.django_db


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
