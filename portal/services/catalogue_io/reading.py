"""Reading a catalogue workbook: the file's safety checks, its header and its rows.

A file that cannot be used at all raises ``ValidationError``; a cell that does not
convert becomes a ``RowError`` with its row and column.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from portal.models import CatalogueKind
from portal.services.catalogue_attributes import parse_boolean, parse_date
from portal.services.catalogue_io.columns import SHEET_NAME, Column, catalogue_columns
from portal.text import fold, nfc

MAX_UNCOMPRESSED = 50 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class RowError:
    row: int
    column: str
    message: str


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
