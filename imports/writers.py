"""The error workbook: the rows that failed, as they were uploaded, with their errors.

Horilla's habit, which clerks like: they fix the rows in this workbook and upload it again
(the header is the uploaded one, so the same column mapping applies). Each failed row keeps
its cells as read and gains two columns: its row number in the uploaded sheet and the errors,
one sentence per line. Cells with an error are highlighted and carry the message as a comment.
"""

from __future__ import annotations

import datetime
import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from imports.readers import Table
from imports.services.results import RowResult

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def error_workbook(*, table: Table, results: list[RowResult]) -> bytes:
    """An xlsx of the rows of ``table`` named in ``results`` (failed rows), in sheet order."""
    by_row = {result.row: result for result in results}
    header = list(table.header)
    workbook = Workbook(write_only=True)
    # A csv's sheet is named after the file, whose name may hold what a sheet title may not.
    sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", table.name)[:31].strip("' ") or _("Errors"))
    sheet.freeze_panes = "A2"
    title_cells = []
    for text in [*header, _("Row in the uploaded file"), _("Errors")]:
        cell = WriteOnlyCell(sheet, value=_cell_value(text))
        if isinstance(text, str) and text.startswith("="):
            cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        title_cells.append(cell)
    sheet.append(title_cells)
    column_of = {text: index for index, text in enumerate(header) if text}
    width = len(header)
    for number, cells in table.rows():
        result = by_row.get(number)
        if result is None:
            continue
        errors_by_column: dict[int, list[str]] = {}
        for column, message in result.errors:
            if column in column_of:
                errors_by_column.setdefault(column_of[column], []).append(message)
        row = []
        for index in range(max(width, len(cells))):
            value = cells[index] if index < len(cells) else None
            cell = WriteOnlyCell(sheet, value=_cell_value(value))
            if isinstance(value, datetime.date | datetime.datetime):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, str):
                cell.number_format = "@"
                if value.startswith("="):
                    cell.data_type = "s"  # text that looks like a formula stays text
            if index in errors_by_column:
                cell.fill = ERROR_FILL
                cell.comment = Comment(_cell_value("\n".join(errors_by_column[index])), "Hồ sơ CBCCVC")
            row.append(cell)
        row = row[:width] + [None] * (width - len(row))
        message = WriteOnlyCell(sheet, value=_cell_value("\n".join(msg for _column, msg in result.errors)))
        message.alignment = Alignment(wrap_text=True, vertical="top")
        message.font = Font(color="9C0006")
        row += [WriteOnlyCell(sheet, value=number), message]
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_value(value):
    """A value openpyxl can store: times as text, strings without control characters."""
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    if isinstance(value, str):
        # Control characters (from a csv) cannot be stored in a workbook: they are dropped.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
