"""Catalogue round trip through xlsx: export a catalogue, import it back (all-or-nothing).

The workbook's columns are generated from the same spec that parses them
(``catalogue_columns``): fixed columns for the entry fields, then one column per
attribute of the kind's schema. Import matches rows to entries by (code system,
code, start of validity), validates every row through ``entry_clean`` and writes
nothing unless every row is valid.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from portal.choices import AttributeType
from portal.models import CatalogueEntry, CatalogueKind
from portal.services.catalogue_attributes import kind_entry_codes, parse_boolean, parse_date
from portal.services.catalogues import entry_assign, entry_clean, kind_lock, period_text
from portal.text import fold, nfc

SHEET_NAME = "Danh mục"
MAX_UNCOMPRESSED = 50 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Column:
    key: str  # entry field or "attr:<key>"
    header: str
    kind: str = "text"  # text, date, integer, boolean, attribute
    spec: dict | None = None


def catalogue_columns(kind: CatalogueKind) -> list[Column]:
    """The workbook columns for a kind: the spec shared by export and import."""
    columns = [
        Column("code", _("Code")),
        Column("code_system", _("Code system")),
        Column("label", _("Label")),
        Column("label_en", _("English label")),
        Column("parent", _("Parent code")),
        Column("valid_from", _("Valid from"), "date"),
        Column("valid_to", _("Valid until (exclusive)"), "date"),
        Column("order", _("Order"), "integer"),
        Column("active", _("In use"), "boolean"),
        Column("verification", _("Verification")),
    ]
    for spec in kind.attribute_schema or []:
        columns.append(Column(f"attr:{spec['key']}", f"{spec['label']} [{spec['key']}]", "attribute", spec))
    return columns


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


# --- export ---------------------------------------------------------------------------------


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


# --- import ---------------------------------------------------------------------------------


def _read_rows(content: bytes) -> list[list]:
    """Rows of the first sheet, or raise ``ValidationError`` for an unusable file."""
    if len(content) > settings.CATALOGUE_IMPORT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": settings.CATALOGUE_IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    if content.startswith(OLE_MAGIC):
        raise ValidationError(
            _("The file is password-protected or in the old .xls format; save it as an unprotected .xlsx workbook.")
        )
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ValidationError(_("The file is not a valid Excel workbook (.xlsx)."))
    _check_expanded_size(content)
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet_name = SHEET_NAME if SHEET_NAME in workbook.sheet_names else workbook.sheet_names[0]
        rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several types for damaged files
        raise ValidationError(_("The workbook cannot be read: %(error)s") % {"error": exc}) from exc
    # Spreadsheet tools leave trailing empty rows behind.
    while rows and _is_blank(rows[-1]):
        rows.pop()
    return rows


def _is_blank(row: list) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def _check_expanded_size(content: bytes) -> None:
    """Refuse a zip bomb: members are decompressed in chunks and counted, whatever their headers claim."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in archive.infolist():
                if info.file_size > MAX_UNCOMPRESSED:
                    raise ValidationError(_("The workbook expands to more than 50 MB; it is refused as unsafe."))
                with archive.open(info) as member:
                    while chunk := member.read(1024 * 1024):
                        total += len(chunk)
                        if total > MAX_UNCOMPRESSED:
                            raise ValidationError(
                                _("The workbook expands to more than 50 MB; it is refused as unsafe.")
                            )
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as exc:
        raise ValidationError(_("The file is not a valid Excel workbook (.xlsx).")) from exc


def _header_map(header: list, columns: list[Column], kind: CatalogueKind) -> dict[int, Column]:
    wanted = {fold(column.header): column for column in columns}
    # A workbook exported in the other language imports too: headers are known in every language.
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for column, translated in zip(columns, catalogue_columns(kind), strict=True):
                wanted.setdefault(fold(translated.header), column)
    # Attribute columns are also recognised by their bare key ("[salary_group]" or "salary_group").
    for column in columns:
        if column.spec:
            wanted.setdefault(fold(column.spec["key"]), column)
    mapping: dict[int, Column] = {}
    for index, title in enumerate(header):
        column = wanted.get(fold(str(title or "")))
        if column is not None:
            mapping[index] = column
    missing = [
        column.header for column in columns if column.key in ("code", "label") and column not in mapping.values()
    ]
    if missing:
        raise ValidationError(
            _("Row 1: the required columns %(columns)s are missing.")
            % {"columns": ", ".join(f"'{m}'" for m in missing)}
        )
    return mapping


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def _parse_row(row: list, mapping: dict[int, Column], row_number: int, errors: list[RowError]) -> dict:
    values: dict = {"attributes": {}}
    for index, column in mapping.items():
        raw = row[index] if index < len(row) else None
        try:
            if column.key == "code":
                if isinstance(raw, float | int) and not isinstance(raw, bool):
                    raise ValueError(
                        _(
                            "the code was turned into a number (%(value)s) by Excel; format the column as Text and "
                            "type the code again with its leading zeros"
                        )
                        % {"value": _cell_text(raw)}
                    )
                values["code"] = _cell_text(raw)
            elif column.kind == "attribute":
                text = raw if isinstance(raw, datetime.date) else _cell_text(raw)
                if text not in ("", None):
                    values["attributes"][column.spec["key"]] = text
            elif column.kind == "date":
                values[column.key] = parse_date(raw) if raw not in (None, "") else None
            elif column.kind == "integer":
                values[column.key] = int(float(raw)) if raw not in (None, "") else 0
            elif column.kind == "boolean":
                values[column.key] = True if raw in (None, "") else parse_boolean(raw)
            else:
                values[column.key] = _cell_text(raw)
        except (ValueError, TypeError) as exc:
            errors.append(RowError(row_number, column.header, str(exc)))
    return values


def catalogue_import_xlsx(*, kind: CatalogueKind, content: bytes, actor=None, dry_run: bool = False) -> ImportResult:
    """Import entries of ``kind`` from an xlsx workbook (as produced by the export).

    Every row is checked first (the same ``entry_clean`` as the admin and API, plus
    duplicates within the file and parents that must exist in the file or the
    catalogue). If any row is wrong, nothing is written and every error is
    returned with its row and column. With ``dry_run`` nothing is written either.
    Raises ``ValidationError`` for a file that cannot be used at all.
    """
    rows = _read_rows(content)
    if not rows:
        raise ValidationError(_("The workbook is empty."))
    columns = catalogue_columns(kind)
    mapping = _header_map(rows[0], columns, kind)
    header_of = {column.key: column.header for column in columns}
    result = ImportResult()
    with transaction.atomic():
        kind_lock(kind)
        existing = {(entry.code_system, entry.code, entry.valid_from): entry for entry in kind.entries.all()}
        codes_in_catalogue = {entry.code: entry for entry in kind.entries.all()}
        entry_codes = kind_entry_codes({spec["kind"] for spec in kind.attribute_schema if "kind" in spec})
        parsed: list[tuple[int, dict, CatalogueEntry | None]] = []
        seen: dict[tuple, int] = {}
        file_codes: set[str] = set()
        for offset, row in enumerate(rows[1:], start=2):
            if _is_blank(row):
                continue
            row_errors: list[RowError] = []
            values = _parse_row(row, mapping, offset, row_errors)
            result.errors.extend(row_errors)
            if row_errors:
                continue
            values["code_system"] = values.get("code_system") or kind.code_system
            key = (values["code_system"], values.get("code", ""), values.get("valid_from"))
            if key in seen:
                result.errors.append(
                    RowError(
                        offset,
                        header_of["code"],
                        _("the same code and start of validity already appear in row %(row)s") % {"row": seen[key]},
                    )
                )
                continue
            seen[key] = offset
            file_codes.add(values.get("code", ""))
            parsed.append((offset, values, existing.get(key)))
        # Entry-typed attributes may refer to codes of this same catalogue that the file adds.
        if kind.code in entry_codes:
            entry_codes[kind.code] |= file_codes
        has_parent_column = any(column.key == "parent" for column in mapping.values())
        result.errors.extend(_overlaps_in_final_state(parsed, kind, header_of))
        overlapping_rows = {error.row for error in result.errors}
        cleaned_rows = []
        for offset, values, entry in parsed:
            if offset in overlapping_rows:
                continue
            # Without a parent column the parents stay as they are (None = keep).
            parent_code = values.pop("parent", "") if has_parent_column else None
            if parent_code and parent_code not in codes_in_catalogue and parent_code not in file_codes:
                result.errors.append(
                    RowError(
                        offset, header_of["parent"], _("parent code %(code)s does not exist") % {"code": parent_code}
                    )
                )
                continue
            try:
                cleaned = entry_clean(
                    kind=kind,
                    values={k: v for k, v in values.items() if k != "parent"},
                    instance=entry,
                    entry_codes=entry_codes,
                    check_overlap=False,  # checked above on the state after the whole file
                )
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    for message in messages:
                        result.errors.append(
                            RowError(offset, _error_column(field_name, message, kind, header_of), message)
                        )
                continue
            cleaned_rows.append((entry, cleaned, parent_code))
        if result.errors:
            result.errors.sort(key=lambda error: error.row)
            return result
        written: dict[str, CatalogueEntry] = dict(codes_in_catalogue)
        pending_parents = []
        for entry, cleaned, parent_code in cleaned_rows:
            target = entry or CatalogueEntry(kind=kind)
            before = _fingerprint(target) if entry else None
            entry_assign(target, cleaned)
            changed_parent = parent_code is not None and parent_code != (target.parent.code if target.parent_id else "")
            if entry is None:
                result.created += 1
            elif before != _fingerprint(target) or changed_parent:
                result.updated += 1
                if target.data_version:
                    target.locally_modified = True
            else:
                result.unchanged += 1
                continue
            if not dry_run:
                target.save()
                written[target.code] = target
                pending_parents.append((target, parent_code))
        if dry_run:
            return result
        for target, parent_code in pending_parents:
            if parent_code is None:
                continue
            parent = written.get(parent_code) if parent_code else None
            if (parent.pk if parent else None) != target.parent_id:
                target.parent = parent
                target.save(update_fields=["parent", "updated_at"])
        result.applied = result.created + result.updated > 0
    return result


def _error_column(field_name: str, message: str, kind: CatalogueKind, header_of: dict[str, str]) -> str:
    """The workbook column an ``entry_clean`` error belongs to (attribute errors name their label)."""
    if field_name == "attributes":
        for spec in kind.attribute_schema or []:
            if f"'{spec['label']}'" in message:
                return header_of.get(f"attr:{spec['key']}", spec["label"])
    return header_of.get(field_name, field_name)


def _overlaps_in_final_state(parsed, kind: CatalogueKind, header_of: dict[str, str]) -> list[RowError]:
    """Periods of one code that would overlap once the whole file is applied.

    Compares the file's rows with each other and with the entries the file does not
    touch, so a file may close an old period and open the next one in the same go.
    """
    periods: dict[tuple, list[tuple]] = {}
    touched = {entry.pk for _offset, _values, entry in parsed if entry is not None}
    for offset, values, _entry in parsed:
        key = (values["code_system"], values.get("code", ""))
        periods.setdefault(key, []).append((values.get("valid_from"), values.get("valid_to"), offset))
    untouched = kind.entries.exclude(pk__in=touched).filter(code__in=[code for _system, code in periods])
    for entry in untouched:
        key = (entry.code_system, entry.code)
        if key in periods:
            periods[key].append((entry.valid_from, entry.valid_to, None))
    errors = []
    for (_system, code), items in periods.items():
        items.sort(key=lambda item: (item[2] is None, item[2] or 0))  # file rows in row order, then existing
        for index, (start, end, row) in enumerate(items):
            for other_start, other_end, other_row in items[:index]:
                if row is None or not _overlap(start, end, other_start, other_end):
                    continue
                values = {
                    "code": code,
                    "period": period_text(start, end),
                    "other": period_text(other_start, other_end),
                    "row": other_row,
                }
                if other_row is None:
                    message = _("code %(code)s: the period %(period)s overlaps the existing entry valid %(other)s")
                else:
                    message = _("code %(code)s: the period %(period)s overlaps the period %(other)s in row %(row)s")
                errors.append(RowError(row, header_of["valid_from"], message % values))
                break
    # An existing entry the file does not touch is compared against every row of the file.
    for (_system, code), items in periods.items():
        existing_periods = [item for item in items if item[2] is None]
        for start, end, row in (item for item in items if item[2] is not None):
            if any(error.row == row for error in errors):
                continue
            for other_start, other_end, _none in existing_periods:
                if _overlap(start, end, other_start, other_end):
                    values = {
                        "code": code,
                        "period": period_text(start, end),
                        "other": period_text(other_start, other_end),
                    }
                    message = _("code %(code)s: the period %(period)s overlaps the existing entry valid %(other)s")
                    errors.append(RowError(row, header_of["valid_from"], message % values))
                    break
    return errors


def _overlap(start, end, other_start, other_end) -> bool:
    """Half-open periods [start, end) with None as unbounded."""
    starts_before_other_ends = other_end is None or start is None or start < other_end
    other_starts_before_end = end is None or other_start is None or other_start < end
    return starts_before_other_ends and other_starts_before_end


def _fingerprint(entry: CatalogueEntry) -> tuple:
    return (
        entry.code,
        entry.code_system,
        entry.label,
        entry.label_en,
        entry.valid_from,
        entry.valid_to,
        entry.order,
        entry.active,
        entry.verification,
        tuple(sorted((k, str(v)) for k, v in entry.attributes.items())),
    )
