"""What the catalogue xlsx tests share: readers of kinds and of the catalogue state, the column
spec's headers and numbers, an exported workbook and its bytes, finding, adding and relabelling
rows, and trailing empty rows as spreadsheet tools leave them."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import openpyxl

from portal.models import CatalogueEntry, CatalogueKind
from portal.services.catalogue_io.columns import SHEET_NAME, catalogue_columns
from portal.services.catalogue_io.export import catalogue_export_xlsx


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
