"""The template workbook: its data sheet and the hidden lists sheet behind the dropdowns.

- the data sheet (``spec.sheet_name``): the column headers in row 1 (bold, shaded, frozen;
  required columns in red), identifier, code, text and month columns formatted as Text so
  Excel keeps leading zeros ("079…", "01"), date columns as dd/mm/yyyy, and a dropdown on
  every catalogue and choice column;
- "Danh mục" (hidden): the lists behind the dropdowns, one column per catalogue, as
  "code - label" (what ``imports.cells.CatalogueBook.code_for`` reads back). The lists are
  referenced by range (``'Danh mục'!$A$2:$A$57``): an inline list is limited to 255
  characters, which the grades or reward forms exceed.

The instructions sheet is written by ``imports.template.instructions``.
"""

from __future__ import annotations

import io
from dataclasses import replace

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from imports.cells import CatalogueBook
from imports.specs import CHOICE, CODE, DATE, ColumnSpec, ImportSpec, import_spec
from imports.template.common import BOLD, DATE_FORMAT, HEADER_FILL, REQUIRED_FONT, TEXT_FORMAT, list_key
from imports.template.examples import EXAMPLE_CATEGORY
from imports.template.instructions import _format_text, _write_instructions
from portal.models import CatalogueKind
from portal.services.fields.access import field_definitions

INSTRUCTIONS_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
# Formats and dropdowns reach this far down the data sheet (Excel's last row: whole columns).
LAST_ROW = 1_048_576


def template_workbook(*, target: str) -> bytes:
    """The xlsx template of ``target`` in the current language (see ``imports.template``).

    Reads the catalogues in use (one query per catalogue the target names). Raises
    ``imports.specs.UnknownTarget`` for a name that is not a target."""
    spec, custom_examples = _with_required_custom_fields(import_spec(target))
    book = CatalogueBook()
    options = _options(spec, book)
    workbook = Workbook()
    data = workbook.active
    data.title = spec.sheet_name
    instructions = workbook.create_sheet(INSTRUCTIONS_SHEET)
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    ranges = _write_lists(lists, spec, options)
    _write_data_sheet(data, spec, ranges)
    _write_instructions(instructions, spec, options, custom_examples)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_required_custom_fields(spec: ImportSpec) -> tuple[ImportSpec, set[str]]:
    """``spec`` with its required custom fields marked required (for the personnel categories
    they apply to, named in the column's help), and the keys of those the example person, a
    civil servant, must fill in."""
    required = {
        f"custom.{definition.key}": definition.personnel_categories or []
        for definition in field_definitions(target="dossier")
        if definition.required
    }
    if not required:
        return spec, set()
    columns = []
    for column in spec.columns:
        categories = required.get(column.key)
        if categories is None or column.section != "custom":
            columns.append(column)
            continue
        note = str(column.help or "")
        if categories:
            limited = _("Required for the personnel categories %(codes)s.") % {"codes": ", ".join(categories)}
            note = f"{note} {limited}".strip()
        columns.append(replace(column, required=True, help=note))
    examples = {key for key, categories in required.items() if not categories or EXAMPLE_CATEGORY in categories}
    return replace(spec, columns=tuple(columns)), examples


# --- the lists behind the dropdowns ---------------------------------------------------------------


def _options(spec: ImportSpec, book: CatalogueBook) -> dict[str, list[str]]:
    """{list key: the values offered}: "code - label" for a catalogue, the labels for a choice."""
    options: dict[str, list[str]] = {}
    for column in spec.columns:
        key = list_key(column)
        if key in options:
            continue
        if column.kind == CODE and column.catalogue:
            seen: dict[str, str] = {}
            for code, label in book.options(column.catalogue):
                seen.setdefault(code, f"{code} - {label}")
            options[key] = list(seen.values())
        elif column.kind == CHOICE:
            options[key] = [str(label) for _value, label in column.choices]
    return options


def _write_lists(sheet, spec: ImportSpec, options: dict[str, list[str]]) -> dict[str, str]:
    """One column per list (its title in row 1); {list key: absolute range of its values}."""
    names = dict(
        CatalogueKind.objects.filter(code__in=[c.catalogue for c in spec.columns if c.catalogue]).values_list(
            "code", "name"
        )
    )
    titles = {}
    for column in spec.columns:
        key = list_key(column)
        if key not in titles:
            titles[key] = names.get(column.catalogue, column.catalogue) if column.kind == CODE else column.header
    ranges: dict[str, str] = {}
    position = 0
    for key, values in options.items():
        if not values:
            continue  # a catalogue with no entry in use: no dropdown
        position += 1
        letter = get_column_letter(position)
        title = sheet.cell(row=1, column=position, value=titles[key])
        title.font = BOLD
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=position, value=value).number_format = TEXT_FORMAT
        sheet.column_dimensions[letter].width = min(60, max(12, *(len(value) for value in values)))
        ranges[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


# --- the data sheet -------------------------------------------------------------------------------


def _width(header: str) -> float:
    return max(12, min(40, len(header) + 2))


def _write_data_sheet(sheet, spec: ImportSpec, ranges: dict[str, str]) -> None:
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = REQUIRED_FONT if column.required else BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.comment = Comment(_column_note(column), "Hồ sơ CBCCVC", width=320, height=140)
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = _width(column.header)
        # The column's own format: what Excel applies to every cell typed into it, so an id
        # or a code keeps its leading zeros and a date shows as dd/mm/yyyy.
        if column.is_text:
            dimension.number_format = TEXT_FORMAT
        elif column.kind == DATE:
            dimension.number_format = DATE_FORMAT
        list_range = ranges.get(list_key(column)) if column.kind in (CODE, CHOICE) else None
        if list_range:
            validation = DataValidation(
                type="list",
                formula1=list_range,
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=column.header[:32],
                error=_("Choose a value from the list, or type a code of the catalogue.")[:255],
            )
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "B2"
    sheet.row_dimensions[1].height = 45


def _column_note(column: ColumnSpec) -> str:
    parts = [_("Required") if column.required else _("Optional"), _format_text(column)]
    if column.help:
        parts.append(str(column.help))
    return "\n".join(parts)
