"""The template workbook of an import target, generated from the spec that reads it back.

One workbook per target (``imports.specs.import_spec``), in the current language:

- the data sheet (``spec.sheet_name``): the column headers in row 1 (bold, shaded, frozen;
  required columns in red), identifier, code, text and month columns formatted as Text so
  Excel keeps leading zeros ("079…", "01"), date columns as dd/mm/yyyy, and a dropdown on
  every catalogue and choice column;
- "Hướng dẫn": the rules (create-or-update, empty cells, formats), every column with whether
  it is required, its format, its catalogue or allowed values and an example, then one
  complete example row ("Ví dụ") to copy. The example lives here and not on the data sheet,
  so it is never imported by mistake;
- "Danh mục" (hidden): the lists behind the dropdowns, one column per catalogue, as
  "code - label" (what ``imports.cells.CatalogueBook.code_for`` reads back). The lists are
  referenced by range (``'Danh mục'!$A$2:$A$57``): an inline list is limited to 255
  characters, which the grades or reward forms exceed.

The reader (``imports.readers.table_open``) skips the instructions and list sheets by name
and hidden sheets, so the template filled in is imported as it is.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import replace

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from imports.cells import CatalogueBook
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
    PERSON_NAME,
    PERSONAL_ID,
    TEXT,
    ColumnSpec,
    ImportSpec,
    import_spec,
)
from portal.models import CatalogueKind
from portal.services.fields import field_definitions

INSTRUCTIONS_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
EXAMPLE_LABEL = "Ví dụ"
TEXT_FORMAT = "@"
DATE_FORMAT = "DD/MM/YYYY"
# Formats and dropdowns reach this far down the data sheet (Excel's last row: whole columns).
LAST_ROW = 1_048_576
# Catalogues with at most this many entries are spelled out on the instructions sheet.
SPELLED_OUT = 15

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")
BOLD = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")

# The example person: a man born in 1990 whose birth was registered in Hồ Chí Minh City (079),
# so the example id, date of birth and sex agree (``records.identity.personal_id_clean``).
EXAMPLE_ID = "079090001234"
EXAMPLE_NAME = "Nguyễn Văn An"
EXAMPLE_CATEGORY = "CC"  # a civil servant (công chức)
# Example values by column key: "<section>.<field>" for the dossiers target, "<section>:<field>"
# for a section target, or the bare field name shared by the sections. Codes are written as the
# dropdown shows them ("code - label"), taken from the catalogue when the code is in use there.
EXAMPLES: dict[str, object] = {
    PERSONAL_ID: EXAMPLE_ID,
    PERSON_NAME: EXAMPLE_NAME,
    "header.personnel_category": EXAMPLE_CATEGORY,
    "header.staff_number": "SNV-0123",
    "identity.full_name": EXAMPLE_NAME,
    "identity.sex": "1",
    "identity.birth_date": datetime.date(1990, 3, 15),
    "identity.birth_place": "Phường Sài Gòn, Thành phố Hồ Chí Minh",
    "identity.hometown": "Xã Mỹ An, tỉnh Đồng Tháp",
    "identity.ethnicity": "01",
    "identity.religion": "00",
    "identity.id_issued_on": datetime.date(2021, 8, 10),
    "identity.phone": "0912345678",
    "identity.social_insurance_number": "7912345678",
    "identity.current_address": "Phường Cao Lãnh, tỉnh Đồng Tháp",
    "background.family_background": "Nông dân",
    "background.occupation_before_recruitment": "Sinh viên",
    "background.first_recruited_on": datetime.date(2013, 3, 1),
    "background.recruiting_body": "Sở Nội vụ tỉnh Đồng Tháp",
    "background.joined_current_agency_on": datetime.date(2013, 3, 1),
    "background.party_joined_on": datetime.date(2016, 5, 19),
    "background.party_official_on": datetime.date(2017, 5, 19),
    "background.socio_political_joined_on": datetime.date(2006, 3, 26),
    "background.socio_political_organisation": "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "education.general_education": "12_12",
    "education.highest_qualification": "DAI_HOC",
    "positions.main_work": "Tham mưu công tác tổ chức bộ máy, biên chế",
    "positions.strengths": "Tổng hợp, soạn thảo văn bản",
    "positions.longest_job": "Chuyên viên",
    "salary.grade": "01.003",
    "salary.grade_appointed_on": datetime.date(2014, 3, 1),
    "salary.salary_step": 3,
    "salary.salary_coefficient": "3,00",
    "salary.salary_effective_on": datetime.date(2022, 3, 1),
    "health.health_status": "Tốt",
    "health.height_cm": 168,
    "health.weight_kg": 62,
    "health.blood_group": "O",
    # Section targets.
    "training_professional:period_from": "09/2008",
    "training_professional:period_to": "06/2012",
    "training_professional:institution": "Trường Đại học Cần Thơ",
    "training_professional:major": "Luật",
    "training_professional:training_form": "Chính quy",
    "training_professional:qualification": "DAI_HOC",
    "training_professional:degree": "Cử nhân Luật",
    "training_political:period_from": "03/2018",
    "training_political:period_to": "09/2018",
    "training_political:institution": "Trường Chính trị tỉnh Đồng Tháp",
    "training_political:training_form": "Tập trung",
    "training_political:level": "TRUNG_CAP",
    "training_political:degree": "Bằng Trung cấp lý luận chính trị - hành chính",
    "training_management:period_from": "05/2019",
    "training_management:period_to": "07/2019",
    "training_management:institution": "Trường Chính trị tỉnh Đồng Tháp",
    "training_management:level": "CV",
    "training_management:certificate": "Chứng chỉ bồi dưỡng ngạch chuyên viên",
    "training_defence:period_from": "10/2020",
    "training_defence:period_to": "11/2020",
    "training_defence:institution": "Trường Quân sự tỉnh Đồng Tháp",
    "training_defence:certificate": "Chứng chỉ bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 4",
    "training_it:period_from": "06/2014",
    "training_it:period_to": "08/2014",
    "training_it:institution": "Trường Đại học Đồng Tháp",
    "training_it:level": "UD_CNTT_CO_BAN",
    "training_it:certificate": "Chứng chỉ ứng dụng CNTT cơ bản",
    "training_language:period_from": "2015",
    "training_language:institution": "Trường Đại học Cần Thơ",
    "training_language:language": "ANH",
    "training_language:level": "BAC_3",
    "training_language:certificate": "Chứng chỉ tiếng Anh bậc 3",
    "training_language:score": "6,5",
    "work_history:period_from": "03/2013",
    "work_history:workplace": "Sở Nội vụ tỉnh Đồng Tháp",
    "work_history:title": "Chuyên viên phòng Tổ chức - Biên chế",
    "former_regime:description": "Không",
    "foreign_organisations:description": "Không",
    "rewards:year": 2024,
    "rewards:professional_rating": "HTTNV",
    "rewards:emulation_rating": "Lao động tiên tiến",
    "rewards:reward_form": "GIAY_KHEN",
    "rewards:reward_detail": "Giấy khen của Giám đốc Sở Nội vụ",
    "discipline:period_from": "06/2020",
    "discipline:form": "KHIEN_TRACH",
    "discipline:violation": "Chậm nộp báo cáo định kỳ",
    "discipline:deciding_body": "Sở Nội vụ tỉnh Đồng Tháp",
    "family_own:relation": "CHA_DE",
    "family_own:full_name": "Nguyễn Văn Hai",
    "family_own:birth_year": 1960,
    "family_own:details": "Nông dân, xã Mỹ An, tỉnh Đồng Tháp",
    "family_spouse:relation": "CHA_VO_CHONG",
    "family_spouse:full_name": "Trần Văn Bình",
    "family_spouse:birth_year": 1962,
    "family_spouse:details": "Hưu trí, phường Cao Lãnh, tỉnh Đồng Tháp",
    "salary_history:date_from": datetime.date(2022, 3, 1),
    "salary_history:grade": "01.003",
    "salary_history:step": 3,
    "salary_history:coefficient": "3,00",
    "allowances:period_from": "01/2023",
    "allowances:allowance_type": "TRACH_NHIEM",
    "allowances:coefficient": "0,10",
    "allowances:form": "Hằng tháng",
    "contracts:number": "12/2025/HĐLĐ",
    "contracts:contract_type": "Hợp đồng lao động xác định thời hạn",
    "contracts:signed_on": datetime.date(2024, 12, 25),
    "contracts:date_from": datetime.date(2025, 1, 1),
    "contracts:date_to": datetime.date(2026, 12, 31),
    "contracts:work_type": "Lái xe",
    "contracts:job_position": "Lái xe cơ quan",
    "contracts:reference_grade": "01.010",
    "contracts:step": 2,
    "contracts:coefficient": "2,05",
    "contracts:pay_source": "Ngân sách nhà nước",
}
# Required custom fields have no example of their own; a value of the right kind stands in.
KIND_EXAMPLES: dict[str, object] = {
    TEXT: "Ví dụ",
    LONG_TEXT: "Ví dụ",
    ID_KIND: "0123",
    DATE: datetime.date(2024, 1, 1),
    MONTH: "01/2024",
    INTEGER: 1,
    DECIMAL: "1,5",
}


def template_workbook(*, target: str) -> bytes:
    """The xlsx template of ``target`` in the current language (see the module docstring).

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


def _list_key(column: ColumnSpec) -> str:
    """Columns sharing a catalogue share its list; a choice column has a list of its own."""
    return f"catalogue:{column.catalogue}" if column.kind == CODE else f"choice:{column.key}"


def _options(spec: ImportSpec, book: CatalogueBook) -> dict[str, list[str]]:
    """{list key: the values offered}: "code - label" for a catalogue, the labels for a choice."""
    options: dict[str, list[str]] = {}
    for column in spec.columns:
        key = _list_key(column)
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
        key = _list_key(column)
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
        list_range = ranges.get(_list_key(column)) if column.kind in (CODE, CHOICE) else None
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


# --- the instructions sheet -----------------------------------------------------------------------


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
        values = options.get(_list_key(column), [])
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


def example_value(spec: ImportSpec, column: ColumnSpec, book_options: dict[str, list[str]], custom_examples: set[str]):
    """The example of ``column``: a realistic value that the import accepts, or None."""
    if spec.target == DOSSIERS or column.key in (PERSONAL_ID, PERSON_NAME):
        value = EXAMPLES.get(column.key)
    else:
        value = EXAMPLES.get(f"{spec.section}:{column.field}")
    if value is None and column.key in custom_examples:
        if column.kind == CODE:
            values = book_options.get(_list_key(column)) or [None]
            return values[0]
        return KIND_EXAMPLES.get(column.kind, KIND_EXAMPLES[TEXT])
    if value is None:
        return None
    if column.kind == CODE:
        # "code - label" as in the dropdown; a code no longer in use falls back to the first entry.
        values = book_options.get(_list_key(column), [])
        shown = next((text for text in values if text.split(" - ", 1)[0] == value), None)
        return shown or (values[0] if values else None)
    return value


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
