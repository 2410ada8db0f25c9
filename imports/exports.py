"""Export of dossiers or of one repeating section, in the columns of the import spec, streamed.

The file an export writes is one the import reads back unchanged: the same headers
(``imports.specs.import_spec``), the personal id and every identifier as text, dates as
real dates shown dd/mm/yyyy (csv: dd/mm/yyyy), months as mm/yyyy or yyyy, decimals exactly
as stored with a decimal comma ("3,00"), catalogue values as their codes, custom fields
from ``Dossier.custom_fields``. Importing it again gives "unchanged" on every row: each
dossier is written as the import compares it, its latest version (the approved live rows,
or, for the few dossiers with a change awaiting approval, that version's content).

Reads go through ``records.selectors.dossier_list`` (the scoping primitive), narrowed to a
unit's subtree, and are streamed from the database in batches (a server-side cursor), so
memory stays flat whatever the number of dossiers. The xlsx writer writes the SpreadsheetML
itself (inline strings, no shared-string table to hold) into a zip on a write-through
buffer and yields the compressed bytes as they come: nothing is held but the current batch.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from imports.specs import (
    DATE,
    DECIMAL,
    DOSSIERS,
    INTEGER,
    MONTH,
    PERSON_NAME,
    PERSONAL_ID,
    UNIT,
    ColumnSpec,
    ImportSpec,
    UnknownTarget,
    import_spec,
    targets,
)
from portal import scoping
from portal.services.fields import hidden_custom_keys
from portal.text import fold
from records.models import Dossier, DossierVersion
from records.sections import SECTION_BY_KEY
from records.selectors import DossierFilters, dossier_list

BATCH = 2000  # rows fetched from the database at a time, and rows per chunk of output
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")
DEFAULT_SHEET = "Dữ liệu"
# Deflate level of the xlsx: 1 compresses SpreadsheetML about as well as 6 at a third of the time.
COMPRESS_LEVEL = 1
# Cells a spreadsheet would run as a formula when a csv is opened (the xlsx cells are inline
# strings, never formulas): prefixed with an apostrophe in the csv only.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Characters XML 1.0 cannot carry at all.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- reading -------------------------------------------------------------------------------------


def system_reader():
    """The actor of the command line and other system jobs (``actor=None`` elsewhere): an unsaved
    superuser account, so the system reads through the same selector with the primitive's
    superuser semantics (every dossier, secret custom fields included)."""
    return get_user_model()(username="system", is_superuser=True, is_active=True)


def _spec(target: str) -> ImportSpec:
    try:
        return import_spec(target)
    except UnknownTarget:
        raise ValidationError(
            {
                "target": _("There is nothing to export under the name '%(target)s'; the targets are: %(targets)s.")
                % {"target": target, "targets": ", ".join(name for name, _title in targets())}
            }
        ) from None


def export_columns(*, user, target: str, columns: list[str] | None = None) -> list[ColumnSpec]:
    """The columns of ``target`` to export, in template order: all of them, or those named in
    ``columns`` (column keys) plus the ones the file needs to be imported again (the personal id,
    and a section's natural key). Custom fields ``user`` may not read are left out.

    Raises ``ValidationError`` (keyed ``target`` or ``columns``) for an unknown target or column."""
    return _chosen(_spec(target), user=user, columns=columns)


def _chosen(spec: ImportSpec, *, user, columns: list[str] | None) -> list[ColumnSpec]:
    hidden = {f"custom.{key}" for key in hidden_custom_keys(target="dossier", user=user or system_reader())}
    available = [column for column in spec.columns if column.key not in hidden]
    if columns is None:
        return available
    wanted = [key.strip() for key in columns if key and key.strip()]
    known = {column.key for column in available}
    unknown = [key for key in wanted if key not in known]
    if unknown:
        raise ValidationError(
            {
                "columns": _("Unknown columns for '%(target)s': %(columns)s. The columns are: %(known)s.")
                % {
                    "target": spec.target,
                    "columns": ", ".join(unknown),
                    "known": ", ".join(column.key for column in available),
                }
            }
        )
    kept = {PERSONAL_ID, *spec.natural_key, *wanted}
    return [column for column in available if column.key in kept]


def export_rows(
    *,
    user,
    target: str,
    unit=None,
    columns: list[str] | None = None,
    filters: DossierFilters | None = None,
) -> tuple[list[ColumnSpec], Iterator[list]]:
    """The columns and the rows (lists of cell values) of an export of ``target``.

    ``user``: whose scope applies (``dossier_list``: what they may view); None is the system
    (every dossier). ``unit``: only dossiers in its subtree; ``filters``: the dossier list's
    filters. Rows come in the list's order (Vietnamese name order), a section's rows within a
    dossier in their order. Cell values: text, ``int``, ``datetime.date`` or None (empty).
    The rows are read lazily, in batches, when the iterator is consumed. Raises
    ``ValidationError`` for an unknown target or column."""
    spec = _spec(target)
    chosen = _chosen(spec, user=user, columns=columns)
    dossiers = dossier_list(user=user if user is not None else system_reader(), filters=filters)
    if unit is not None:
        dossiers = dossiers.filter(scoping.subtree_condition(Dossier, "unit_path", unit.path))
    if spec.target == DOSSIERS:
        return chosen, _dossier_rows(dossiers, chosen)
    return chosen, _section_rows(dossiers, spec, chosen)


def _cell_converter(column: ColumnSpec) -> Callable:
    """The function turning a stored value of ``column`` into its cell (None for empty)."""
    kind = column.kind
    if kind == DATE:
        return _date_cell
    if kind == MONTH:
        return _month_cell
    if kind == DECIMAL:
        return _decimal_cell
    if kind == INTEGER:
        return _integer_cell
    return _text_cell


def _date_cell(value):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


def _month_cell(value):
    # Stored "yyyy-mm" or "yyyy"; written as the clerk types it: mm/yyyy or yyyy.
    if not value:
        return None
    return f"{value[5:7]}/{value[:4]}" if len(value) == 7 else value


def _decimal_cell(value):
    # Exactly the stored digits (the column's scale: "3.00" stays "3,00"), with a decimal comma.
    if value is None or value == "":
        return None
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",")


def _integer_cell(value):
    if value is None or value == "":
        return None
    return int(value)


def _text_cell(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):  # a yes/no custom field
        return "Có" if value else "Không"
    if isinstance(value, list):  # a multiple-choice custom field: its codes
        return "; ".join(str(item) for item in value) or None
    return str(value)


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(rows, size)):
        yield batch


def _latest_contents(dossier_ids: list[int]) -> dict[int, dict]:
    """{dossier id: content of its latest version} (one query; empty list, no query)."""
    if not dossier_ids:
        return {}
    return dict(
        DossierVersion.objects.filter(dossier_id__in=dossier_ids, number=F("dossier__latest_version"))
        .values_list("dossier_id", "content")
        .order_by()
    )


# Read with every dossier row: which version the live row is, and the latest one.
_VERSION_FIELDS = ("pk", "live_version", "latest_version")


def _dossier_rows(dossiers, columns: list[ColumnSpec]) -> Iterator[list]:
    """One row per dossier: its live row, or the content of its latest version when a change
    awaits approval (what the import compares with), read a batch at a time."""
    fields = list(_VERSION_FIELDS)
    live_getters: list[Callable] = []
    content_getters: list[Callable] = []
    has_custom = any(column.section == "custom" for column in columns)
    for column in columns:
        convert = _cell_converter(column)
        if column.section == "custom":
            live_getters.append(_custom_getter(column.field, convert))
            content_getters.append(_content_getter("custom", column.field, convert))
            continue
        fields.append({PERSONAL_ID: "personal_id", UNIT: "unit__code"}.get(column.key, column.field))
        live_getters.append(_field_getter(len(fields) - 1, convert))
        if column.key in (PERSONAL_ID, UNIT):
            content_getters.append(live_getters[-1])
        else:
            content_getters.append(_content_getter(column.section, column.field, convert))
    if has_custom:
        fields.append("custom_fields")
    custom_index = len(fields) - 1
    rows = dossiers.values_list(*fields).iterator(chunk_size=BATCH)
    for batch in _batches(rows, BATCH):
        contents = _latest_contents([values[0] for values in batch if values[1] != values[2]])
        for values in batch:
            content = contents.get(values[0])
            if content is None:
                custom = (values[custom_index] or {}) if has_custom else {}
                yield [getter(values, custom) for getter in live_getters]
            else:
                yield [getter(values, content) for getter in content_getters]


def _field_getter(index: int, convert: Callable) -> Callable:
    return lambda values, extra: convert(values[index])


def _custom_getter(key: str, convert: Callable) -> Callable:
    return lambda values, custom: convert(custom.get(key))


def _content_getter(section: str, name: str, convert: Callable) -> Callable:
    return lambda values, content: convert((content.get(section) or {}).get(name))


def _section_rows(dossiers, spec: ImportSpec, columns: list[ColumnSpec]) -> Iterator[list]:
    """The section's rows of each scoped dossier, in the dossiers' order: the live rows (one
    query per batch of dossiers), or the latest version's rows when a change awaits approval."""
    section = SECTION_BY_KEY[spec.section]
    own = [(index, column.field, _cell_converter(column)) for index, column in enumerate(columns)]
    own = [item for item in own if columns[item[0]].key not in (PERSONAL_ID, PERSON_NAME)]
    fields = [name for _index, name, _convert in own]
    width = len(columns)
    id_at = next(i for i, column in enumerate(columns) if column.key == PERSONAL_ID)
    name_at = next((i for i, column in enumerate(columns) if column.key == PERSON_NAME), None)
    people = dossiers.values_list(*_VERSION_FIELDS, "personal_id", "full_name").iterator(chunk_size=BATCH)
    for batch in _batches(people, BATCH):
        live = [values[0] for values in batch if values[1] == values[2]]
        contents = _latest_contents([values[0] for values in batch if values[1] != values[2]])
        live_rows: dict[int, list[tuple]] = {}
        if live:
            query = (
                section.model.objects.filter(**section.row_filter, dossier_id__in=live)
                .order_by("dossier_id", "position", "pk")
                .values_list("dossier_id", *fields)
            )
            for values in query:
                live_rows.setdefault(values[0], []).append(values[1:])
        for pk, _live, _latest, personal_id, full_name, *_rest in batch:
            if pk in contents:
                stored = [tuple(row.get(name) for name in fields) for row in contents[pk].get(section.key) or []]
                # The import checks the name against the latest version: a renaming may be pending.
                full_name = (contents[pk].get("identity") or {}).get("full_name") or full_name
            else:
                stored = live_rows.get(pk, ())
            for values in stored:
                row = [None] * width
                row[id_at] = personal_id
                if name_at is not None:
                    row[name_at] = full_name
                for position, (index, _name, convert) in enumerate(own):
                    row[index] = convert(values[position])
                yield row


# --- writing: csv --------------------------------------------------------------------------------


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    return str(value)


def export_csv_stream(columns: list[ColumnSpec], rows: Iterable[list]) -> Iterator[bytes]:
    """The rows as csv in UTF-8 with a BOM (Excel needs it to read UTF-8), dates dd/mm/yyyy,
    yielded in chunks of ``BATCH`` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    yield codecs.BOM_UTF8 + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    count = 0
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
        count += 1
        if count % BATCH == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


# --- writing: xlsx -------------------------------------------------------------------------------


class _Sink:
    """A write-only, non-seekable buffer under the zip: ``zipfile`` then writes each member with a
    data descriptor instead of seeking back, and ``take`` hands over what was written so far."""

    def __init__(self):
        self._parts: list[bytes] = []
        self._position = 0

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


STYLE_HEADER, STYLE_DATE, STYLE_TEXT = 1, 2, 3
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
# Styles: 0 default, 1 header (bold, shaded), 2 date dd/mm/yyyy, 3 text "@".
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _letters(index: int) -> str:
    text = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        text = chr(65 + remainder) + text
    return text


def _workbook_xml(sheet_name: str) -> str:
    name = ILLEGAL_XML.sub("", re.sub(r"[\[\]:*?/\\]", "-", sheet_name))[:31] or DEFAULT_SHEET
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<bookViews><workbookView/></bookViews><sheets><sheet name={quoteattr(name)} sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )


def _inline(ref: str, text: str, style: str) -> str:
    if ILLEGAL_XML.search(text):
        text = ILLEGAL_XML.sub("", text)
    # A carriage return would be folded into a line feed by any XML reader: kept as a reference.
    body = escape(text).replace("\r", "&#13;")
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{body}</t></is></c>'


def _row_xml(number: int, refs: list[str], text_styles: list[str], row: list) -> str:
    cells = []
    for ref, style, value in zip(refs, text_styles, row, strict=False):
        if value is None:
            continue
        if isinstance(value, str):
            cells.append(_inline(f"{ref}{number}", value, style))
        elif isinstance(value, datetime.date):
            if isinstance(value, datetime.datetime):
                value = value.date()
            cells.append(f'<c r="{ref}{number}" s="{STYLE_DATE}"><v>{(value - EXCEL_EPOCH).days}</v></c>')
        elif isinstance(value, bool):
            cells.append(_inline(f"{ref}{number}", "Có" if value else "Không", style))
        elif isinstance(value, int | float | Decimal):
            cells.append(f'<c r="{ref}{number}"><v>{value}</v></c>')
        else:
            cells.append(_inline(f"{ref}{number}", str(value), style))
    return f'<row r="{number}">{"".join(cells)}</row>'


def _column_width(column: ColumnSpec) -> int:
    return max(12, min(40, len(column.header) + 2))


def export_xlsx_stream(
    columns: list[ColumnSpec], rows: Iterable[list], *, sheet_name: str = DEFAULT_SHEET
) -> Iterator[bytes]:
    """The rows as an xlsx workbook of one sheet, yielded in compressed chunks as they are
    produced (every ``BATCH`` rows). Header in row 1 (bold, shaded, frozen); text cells are
    inline strings formatted as Text in text columns (an edited id keeps its zeros); dates
    are date cells shown dd/mm/yyyy; integers are numbers."""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
    archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
    archive.writestr("_rels/.rels", _ROOT_RELS)
    archive.writestr("xl/workbook.xml", _workbook_xml(sheet_name))
    archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
    archive.writestr("xl/styles.xml", _STYLES)
    yield sink.take()
    refs = [_letters(index) for index in range(len(columns))]
    text_styles = [f' s="{STYLE_TEXT}"' if column.is_text else "" for column in columns]
    cols = "".join(
        f'<col min="{index}" max="{index}" width="{_column_width(column)}" customWidth="1"'
        + (f' style="{STYLE_TEXT}"' if column.is_text else (f' style="{STYLE_DATE}"' if column.kind == DATE else ""))
        + "/>"
        for index, column in enumerate(columns, start=1)
    )
    header = "".join(
        _inline(f"{ref}1", column.header, f' s="{STYLE_HEADER}"') for ref, column in zip(refs, columns, strict=True)
    )
    with archive.open("xl/worksheets/sheet1.xml", mode="w") as member:
        member.write(
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="1" topLeftCell="B2" '
                'activePane="bottomRight" state="frozen"/><selection pane="bottomRight"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData><row r="1">{header}</row>'
            ).encode()
        )
        number = 1
        pending: list[str] = []
        for row in rows:
            number += 1
            pending.append(_row_xml(number, refs, text_styles, row))
            if len(pending) >= BATCH:
                member.write("".join(pending).encode())
                pending.clear()
                yield sink.take()
        member.write(("".join(pending) + "</sheetData></worksheet>").encode())
    archive.close()
    yield sink.take()


# --- the response --------------------------------------------------------------------------------


def export_filename(*, target: str, unit=None, fmt: str = "xlsx", on: datetime.date | None = None) -> str:
    """``ho-so-<unit code>-<dd-mm-yyyy>.xlsx``; a section adds its name (``ho-so-<unit>-<section>-…``)."""
    day = (on or timezone.localdate()).strftime("%d-%m-%Y")
    parts = ["ho-so"]
    if unit is not None:
        parts.append(unit.code or slugify(fold(unit.name))[:40])
    if target != DOSSIERS:
        section = SECTION_BY_KEY.get(target)
        parts.append(slugify(fold(str(section.title)))[:40] if section else target)
    parts.append(day)
    return "-".join(part for part in parts if part) + f".{fmt}"


def export_response(*, user, target: str, unit, columns: list[str] | None, fmt: str) -> StreamingHttpResponse:
    """The export of ``target`` for ``user`` (``export_rows``) as a streamed download, xlsx or csv.

    Raises ``ValidationError`` for an unknown format, target or column (before anything is sent)."""
    if fmt not in FORMATS:
        raise ValidationError({"fmt": _("Unknown export format '%(format)s' (xlsx or csv).") % {"format": fmt}})
    chosen, rows = export_rows(user=user, target=target, unit=unit, columns=columns)
    if fmt == "xlsx":
        stream = export_xlsx_stream(chosen, rows, sheet_name=import_spec(target).sheet_name)
        content_type = XLSX_CONTENT_TYPE
    else:
        stream = export_csv_stream(chosen, rows)
        content_type = CSV_CONTENT_TYPE
    filename = export_filename(target=target, unit=unit, fmt=fmt)
    return StreamingHttpResponse(
        stream, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
