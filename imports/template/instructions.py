"""The instructions sheet "Hướng dẫn" of the template.

The rules (create-or-update, empty cells, formats), every column with whether it is
required, its format, its catalogue or allowed values and an example, then one complete
example row ("Ví dụ") to copy. The example lives here and not on the data sheet, so it is
never imported by mistake.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from imports.cells import CLEAR_MARKER
from imports.specs import (
    CHOICE,
    CODE,
    DATE,
    DECIMAL,
    DOSSIERS,
    ID_KIND,
    INTEGER,
    LONG_TEXT,
    MONTH,
    PERSONAL_ID,
    ColumnSpec,
    ImportSpec,
)
from imports.template.common import BOLD, DATE_FORMAT, HEADER_FILL, REQUIRED_FONT, TEXT_FORMAT, list_key
from imports.template.examples import example_value
from portal.models import CatalogueKind

EXAMPLE_LABEL = "Ví dụ"
# Catalogues with at most this many entries are spelled out on the instructions sheet.
SPELLED_OUT = 15

EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")


def _format_text(column: ColumnSpec) -> str:
    """The expected content of a column, in one phrase."""
    if column.key == PERSONAL_ID:
        return _("12 digits, typed as text (leading zeros kept)")
    kind = column.kind
    if kind == ID_KIND:
        return _("Text (leading zeros kept)")
    if kind == DATE:
        return _("Date dd/mm/yyyy")
    if kind == MONTH:
        return _("Month mm/yyyy, or only the year yyyy")
    if kind == INTEGER:
        return _("Whole number")
    if kind == DECIMAL:
        if column.decimal_places is not None:
            return _("Number with a decimal comma, at most %(places)s decimal places (e.g. 2,34)") % {
                "places": column.decimal_places
            }
        return _("Number with a decimal comma (e.g. 2,34)")
    if kind == CODE:
        return _("Catalogue code: choose from the list, or type the code or the label")
    if kind == CHOICE:
        return _("One of the allowed values (choose from the list)")
    if kind == LONG_TEXT:
        return _("Text (several lines allowed)")
    if column.max_length:
        return _("Text, at most %(max)s characters") % {"max": column.max_length}
    return _("Text")


def _allowed_text(column: ColumnSpec, options: dict[str, list[str]], names: dict[str, str]) -> str:
    if column.kind == CODE:
        values = options.get(list_key(column), [])
        name = names.get(column.catalogue, column.catalogue)
        if not values:
            return _("Catalogue '%(name)s' (no entry in use)") % {"name": name}
        if len(values) <= SPELLED_OUT:
            return _("Catalogue '%(name)s': %(values)s") % {"name": name, "values": "; ".join(values)}
        return _("Catalogue '%(name)s' (%(count)s entries in the dropdown list)") % {
            "name": name,
            "count": len(values),
        }
    if column.kind == CHOICE:
        return "; ".join(str(label) for _value, label in column.choices)
    return ""


def _rules(spec: ImportSpec) -> list[str]:
    sheet = spec.sheet_name
    rules = [
        _(
            "Fill in the sheet '%(sheet)s' from row 2, one row per line of data; keep its header row as it is "
            "(columns may be left out or reordered)."
        )
        % {"sheet": sheet}
    ]
    if spec.target == DOSSIERS:
        rules.append(
            _(
                "Each row is one dossier, recognised by the personal identification number: a number that already "
                "has a dossier updates it, any other number creates a new dossier."
            )
        )
    else:
        keys = ", ".join(f"'{spec.column(name).header}'" for name in spec.natural_key)
        rules.append(
            _(
                "Each row is one line of '%(section)s' of the dossier with that personal identification number "
                "(the dossier must already exist). A row with the same %(keys)s as a line of the dossier updates "
                "that line; any other row adds a line."
            )
            % {"section": spec.title, "keys": keys}
        )
    rules += [
        _("An empty cell keeps the value stored in the dossier; it never erases it."),
        _(
            "To erase a stored value, type %(marker)s in its cell. The columns that identify the row (%(columns)s) "
            "cannot be erased, and a required item cannot be left empty."
        )
        % {
            "marker": CLEAR_MARKER,
            "columns": ", ".join(f"'{c.header}'" for c in spec.columns if c.key in spec.identifying_keys),
        },
        _("Dates as dd/mm/yyyy (15/03/1990); months as mm/yyyy (09/2008) or only the year (2008)."),
        _(
            "Personal identification numbers, phone and insurance numbers are text: the columns are formatted as "
            "Text so that Excel keeps the leading zeros. Do not type them as numbers or in scientific notation."
        ),
        _("Numbers use a decimal comma (3,00); no formulas: paste values only."),
        _("Catalogue columns have a dropdown list; the code alone or the label is accepted as well."),
        _("Headers in red are required: %(columns)s.")
        % {"columns": ", ".join(f"'{c.header}'" for c in spec.columns if c.required)},
        _(
            "Upload the file and run the check first: every row is checked and nothing is written. Then import; "
            "the rows with errors come back in an error workbook to correct and upload again."
        ),
        _(
            "The row '%(example)s' at the bottom of this sheet is only an example and is never imported; copy it "
            "to the sheet '%(sheet)s' only as a model."
        )
        % {"example": EXAMPLE_LABEL, "sheet": sheet},
    ]
    return rules


def _write_instructions(sheet, spec: ImportSpec, options: dict[str, list[str]], custom_examples: set[str]) -> None:
    names = dict(
        CatalogueKind.objects.filter(code__in=[c.catalogue for c in spec.columns if c.catalogue]).values_list(
            "code", "name"
        )
    )
    sheet.cell(row=1, column=1, value=_("Import template: %(title)s") % {"title": spec.title}).font = TITLE_FONT
    row = 3
    sheet.cell(row=row, column=1, value=_("Rules")).font = BOLD
    for number, rule in enumerate(_rules(spec), start=1):
        row += 1
        sheet.cell(row=row, column=1, value=f"{number}. {rule}")
    row += 2
    titles = [
        _("Column"),
        _("Header"),
        _("Required"),
        _("Format"),
        _("Catalogue or allowed values"),
        EXAMPLE_LABEL,
        _("Notes"),
    ]
    for index, title in enumerate(titles, start=1):
        cell = sheet.cell(row=row, column=index, value=title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
    examples = [example_value(spec, column, options, custom_examples) for column in spec.columns]
    for index, column in enumerate(spec.columns, start=1):
        row += 1
        values = [
            get_column_letter(index),
            column.header,
            _("Yes") if column.required else _("No"),
            _format_text(column),
            _allowed_text(column, options, names),
            examples[index - 1],
            str(column.help or ""),
        ]
        for position, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=position, value=value)
            cell.alignment = WRAP
            if position == 2 and column.required:
                cell.font = REQUIRED_FONT
            if position == 6:
                _format_example(cell, column)
    for letter, width in zip("ABCDEFG", (8, 36, 10, 40, 60, 28, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    # The example row laid out as on the data sheet, ready to copy (never imported from here).
    row += 2
    sheet.cell(
        row=row,
        column=1,
        value=_("%(example)s: one complete row, laid out as on the sheet '%(sheet)s'.")
        % {"example": EXAMPLE_LABEL, "sheet": spec.sheet_name},
    ).font = BOLD
    row += 1
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=row, column=index + 1, value=column.header)
        cell.font = REQUIRED_FONT if column.required else BOLD
        cell.fill = HEADER_FILL
    row += 1
    sheet.cell(row=row, column=1, value=EXAMPLE_LABEL).font = BOLD
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=row, column=index + 1, value=examples[index - 1])
        cell.fill = EXAMPLE_FILL
        _format_example(cell, column)


def _format_example(cell, column: ColumnSpec) -> None:
    if isinstance(cell.value, datetime.date):
        cell.number_format = DATE_FORMAT
    elif column.is_text:
        cell.number_format = TEXT_FORMAT
