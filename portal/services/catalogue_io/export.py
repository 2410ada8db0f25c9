"""Export of a catalogue as an xlsx workbook, in the columns the import reads back."""

from __future__ import annotations

import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from portal.choices import AttributeType
from portal.models import CatalogueKind
from portal.services.catalogue_io.columns import SHEET_NAME, catalogue_columns


def _attribute_cell(spec: dict, value):
    if value in (None, ""):
        return None
    if spec["type"] in (AttributeType.DECIMAL_LIST, AttributeType.ENTRY_LIST):
        return "; ".join(str(item) for item in value)
    if spec["type"] == AttributeType.BOOLEAN:
        return _("Yes") if value else _("No")
    if spec["type"] == AttributeType.DATE:
        return datetime.date.fromisoformat(value)
    return str(value)


def catalogue_export_xlsx(*, kind: CatalogueKind) -> bytes:
    """All entries of a catalogue (retired ones included) as an xlsx workbook."""
    columns = catalogue_columns(kind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append([column.header for column in columns])
    header_font = Font(bold=True)
    for cell in sheet[1]:
        cell.font = header_font
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    sheet.freeze_panes = "A2"
    entries = kind.entries.select_related("parent").order_by("order", "code", "valid_from")
    for entry in entries:
        row = []
        for column in columns:
            if column.kind == "attribute":
                row.append(_attribute_cell(column.spec, entry.attributes.get(column.spec["key"])))
            elif column.key == "parent":
                row.append(entry.parent.code if entry.parent else None)
            elif column.key == "active":
                row.append(_("Yes") if entry.active else _("No"))
            else:
                value = getattr(entry, column.key)
                row.append(value if value != "" else None)
        sheet.append(row)
    # Codes are text (Excel must not turn "01" into 1); dates show dd/mm/yyyy.
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(50, len(column.header) + 4))
        number_format = "DD/MM/YYYY" if column.kind == "date" else ("@" if column.kind == "text" else None)
        if column.kind == "attribute" and column.spec["type"] == AttributeType.DATE:
            number_format = "DD/MM/YYYY"
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, max_row=max(sheet.max_row, 2), min_col=index, max_col=index):
                cell.number_format = number_format
    yes_no = DataValidation(type="list", formula1=f'"{_("Yes")},{_("No")}"', allow_blank=True)
    sheet.add_data_validation(yes_no)
    active_letter = get_column_letter([c.key for c in columns].index("active") + 1)
    yes_no.add(f"{active_letter}2:{active_letter}10000")

    notes = workbook.create_sheet(_("Instructions"))
    notes.append([_("Catalogue"), kind.name])
    notes.append([_("Code"), kind.code])
    notes.append([_("Code system"), kind.code_system])
    notes.append([])
    notes.append([_("Keep the header row. Rows are matched by code system, code and 'Valid from'.")])
    notes.append([_("Dates are dd/mm/yyyy. Codes are text: keep leading zeros (01, not 1).")])
    notes.append([_("Rows missing from the file are left unchanged; to stop using an entry, set 'In use' to No.")])
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 60
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
