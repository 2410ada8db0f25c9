"""Reading an uploaded table: xlsx (and legacy xls) through calamine, csv in UTF-8 or UTF-16.

The content decides what a file is, not its name: a PDF renamed ``.xlsx`` is refused as a
PDF, a password-protected workbook is recognised by its OLE encryption stream, a zip is
decompressed member by member and counted before anything parses it (a zip bomb is refused
whatever its headers claim). While counting, the sheet's XML is scanned for formulas and its
merged ranges are read, so a formula cell is reported at its row and column, and merged
header cells are refused with the range named.

``table_open`` returns a ``Table``: the chosen sheet's name, its header row (found among the
first rows: provinces' sheets often carry a title above the header) and an iterator over the
data rows with their sheet row numbers, trailing empty rows dropped. Every refusal is a
``FileRefused`` (a ``ValidationError``) with one Vietnamese sentence.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from portal.text import fold

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
HEADER_SEARCH_ROWS = 15
# Sheets the template adds (instructions, the lists behind the dropdowns) are never data.
SKIPPED_SHEETS = {"huongdan", "instructions", "danhmuc", "lists", "dsdanhmuc"}
FORMULA_RE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*?>(?:<f[ >/])')
CHUNK = 1024 * 1024
OTHER_SIGNATURES = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"MZ", "EXE"),
)


class FileRefused(ValidationError):
    """The file as a whole cannot be used (exit code 2 of ``import_records``)."""


@dataclass
class Table:
    """One sheet's rows: ``header`` (the header cells as text) at ``header_row`` (1-based), then
    ``rows()`` yields ``(row number, cells)`` for every non-empty data row."""

    name: str
    header: list[str]
    header_row: int
    sheet_names: list[str]
    row_count: int  # rows after the header (empty ones included): the progress bar's total
    formulas: dict[int, set[int]] = field(default_factory=dict)  # row number -> 0-based column indexes
    _rows: list | None = None
    _iter_factory: object = None

    def rows(self) -> Iterator[tuple[int, list]]:
        """(sheet row number, cells) of every data row that is not empty: empty rows in the
        middle and the trailing ones spreadsheet tools leave behind are skipped."""
        for number, cells in enumerate(self._iter_factory(), start=1):
            if number <= self.header_row or _is_blank(cells):
                continue
            yield number, cells


def _is_blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def _refuse(message: str) -> FileRefused:
    return FileRefused(message)


def table_open(*, content: bytes, filename: str = "", sheet: str | None = None, sheet_hint: str = "") -> Table:
    """The table to import from ``content`` (the uploaded bytes).

    ``sheet``: the sheet to read (by name, compared folded); otherwise the sheet named like
    ``sheet_hint`` (the target's sheet in our template), otherwise the only sheet with data.
    Raises ``FileRefused`` for an empty, oversized, renamed, encrypted, damaged or unsafe
    file, for several sheets with data and no choice, and for merged header cells.
    """
    if not content:
        raise _refuse(_("The file is empty."))
    if len(content) > max_bytes():
        raise _refuse(
            _("The file is %(size)s MB, over the limit of %(limit)s MB; split it into several files.")
            % {"size": round(len(content) / 1048576, 1), "limit": max_bytes() // 1048576}
        )
    if content.startswith(OLE_MAGIC):
        if ENCRYPTION_STREAM in content[:1048576] or ENCRYPTION_STREAM in content:
            raise _refuse(
                _("The workbook is password-protected; remove the password (File > Info > Protect) and upload again.")
            )
        return _calamine_table(content, filename=filename, sheet=sheet, sheet_hint=sheet_hint, legacy=True)
    if content.startswith(ZIP_MAGIC):
        scan = _zip_scan(content)
        return _calamine_table(content, filename=filename, sheet=sheet, sheet_hint=sheet_hint, scan=scan)
    for magic, name in OTHER_SIGNATURES:
        if content.startswith(magic):
            raise _refuse(
                _("The file '%(name)s' is not a spreadsheet: its content is %(kind)s. Upload an .xlsx or .csv file.")
                % {"name": filename or "?", "kind": name}
            )
    return _csv_table(content, filename=filename)


# --- xlsx / xls -------------------------------------------------------------------------------


@dataclass
class _ZipScan:
    sheet_paths: dict[str, str]  # sheet name -> member path
    formulas: dict[str, dict[int, set[int]]]  # member path -> row -> columns


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index - 1


def _zip_scan(content: bytes) -> _ZipScan:
    """Decompress every member in chunks, counting (zip bomb), and find formula cells in the sheets."""
    limit = settings.IMPORT_MAX_EXPANDED_BYTES
    unsafe = _("The workbook expands to more than %(limit)s MB when opened; it is refused as unsafe.") % {
        "limit": limit // 1048576
    }
    total = 0
    formulas: dict[str, dict[int, set[int]]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if "xl/workbook.xml" not in names:
                kind = {"word/document.xml": "Word", "ppt/presentation.xml": "PowerPoint"}
                kind = next((label for member, label in kind.items() if member in names), "")
                raise _refuse(
                    _("The file is a zip archive but not an Excel workbook%(kind)s. Upload an .xlsx or .csv file.")
                    % {"kind": f" ({kind})" if kind else ""}
                )
            for info in archive.infolist():
                if info.file_size > limit:
                    raise _refuse(unsafe)
                is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
                found: dict[int, set[int]] = {}
                tail = b""
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK):
                        total += len(chunk)
                        if total > limit:
                            raise _refuse(unsafe)
                        if is_sheet and b"<f" in tail + chunk:
                            data = tail + chunk
                            for match in FORMULA_RE.finditer(data):
                                found.setdefault(int(match.group(2)), set()).add(_column_index(match.group(1)))
                        if is_sheet:
                            tail = chunk[-200:]
                if found:
                    formulas[info.filename] = found
            sheet_paths = _sheet_paths(archive)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError, KeyError) as exc:
        raise _refuse(_("The workbook is damaged and cannot be opened (%(error)s).") % {"error": exc}) from exc
    return _ZipScan(sheet_paths=sheet_paths, formulas=formulas)


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    import xml.etree.ElementTree as ET

    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    rels = {}
    try:
        for rel in ET.fromstring(archive.read("xl/_rels/workbook.xml.rels")):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            rels[rel.get("Id")] = target
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    except (KeyError, ET.ParseError):
        return {}
    paths = {}
    for node in workbook.iterfind("m:sheets/m:sheet", ns):
        rid = node.get(f"{{{ns['r']}}}id")
        if rid in rels:
            paths[node.get("name")] = rels[rid]
    return paths


def _calamine_table(
    content: bytes, *, filename: str, sheet: str | None, sheet_hint: str, scan: _ZipScan | None = None, legacy=False
) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = list(workbook.sheet_names)
        hidden = {meta.name for meta in workbook.sheets_metadata if "Hidden" in str(meta.visible)}
    except Exception as exc:  # calamine raises several types for damaged files
        if legacy:
            raise _refuse(
                _("The file is not a readable Excel workbook (an old .xls or a damaged file: %(error)s).")
                % {"error": exc}
            ) from exc
        raise _refuse(_("The workbook is damaged and cannot be opened (%(error)s).") % {"error": exc}) from exc
    chosen = _choose_sheet(workbook, names, hidden, sheet=sheet, sheet_hint=sheet_hint)
    data = workbook.get_sheet_by_name(chosen)
    header_row, header = _find_header(data)
    for (top, left), (bottom, right) in data.merged_cell_ranges or []:
        if top <= header_row - 1 <= bottom and right > left:
            raise _refuse(
                _(
                    "Row %(row)s: the header cells %(range)s are merged. Unmerge them and give every column its own "
                    "header in one row."
                )
                % {
                    "row": header_row,
                    "range": f"{get_column_letter(left + 1)}{top + 1}:{get_column_letter(right + 1)}{bottom + 1}",
                }
            )
    formulas = {}
    if scan is not None:
        path = scan.sheet_paths.get(chosen)
        formulas = scan.formulas.get(path, {}) if path else {}
    return Table(
        name=chosen,
        header=header,
        header_row=header_row,
        sheet_names=names,
        row_count=max(0, (data.end[0] + 1 if data.end else 0) - header_row),
        formulas=formulas,
        _iter_factory=lambda: _sheet_rows(data),
    )


def _sheet_rows(data) -> Iterator[list]:
    """The sheet's rows from row 1 and column A: calamine's rows start at row 1 (leading empty
    rows included) but its cells at the first used column."""
    _top, left = data.start if data.start else (0, 0)
    pad = [None] * left
    for cells in data.iter_rows():
        yield pad + cells if left else cells


def _choose_sheet(workbook, names, hidden, *, sheet, sheet_hint) -> str:
    if sheet:
        wanted = fold(sheet)
        for name in names:
            if fold(name) == wanted:
                return name
        raise _refuse(
            _("The workbook has no sheet '%(sheet)s' (sheets: %(names)s).")
            % {"sheet": sheet, "names": ", ".join(names)}
        )
    if sheet_hint:
        for name in names:
            if fold(name) == fold(sheet_hint):
                return name
    candidates = []
    for name in names:
        if name in hidden or re.sub(r"[^a-z]", "", fold(name)) in SKIPPED_SHEETS:
            continue
        data = workbook.get_sheet_by_name(name)
        if data.height and data.width:
            candidates.append(name)
    if not candidates:
        raise _refuse(_("The workbook has no sheet with data."))
    if len(candidates) > 1:
        raise _refuse(
            _(
                "The workbook has several sheets with data (%(names)s). Keep only the sheet to import, or name it "
                "(the 'sheet' option)."
            )
            % {"names": ", ".join(f"'{name}'" for name in candidates)}
        )
    return candidates[0]


def _find_header(data) -> tuple[int, list[str]]:
    """The header: the first of the first rows with at least two non-empty text cells and the most
    cells filled (a title row above the header has one)."""
    best = None
    for number, cells in enumerate(_sheet_rows(data), start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        texts = [cell for cell in cells if isinstance(cell, str) and cell.strip()]
        if len(texts) >= 2 and (best is None or len(texts) > best[2]):
            best = (number, [_header_text(cell) for cell in cells], len(texts))
            if len(texts) == len([c for c in cells if c not in (None, "")]):
                break
    if best is None:
        raise _refuse(_("No header row found: the first rows of the sheet must name the columns."))
    return best[0], best[1]


def _header_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


# --- csv ----------------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-16 without a BOM: every other byte of ASCII text is NUL.
    if content[1:200:2].count(0) > 50 or content[0:200:2].count(0) > 50:
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise _refuse(
        _(
            "The file is neither an Excel workbook nor a CSV file in UTF-8 or UTF-16 (binary or another encoding). "
            "Save it as .xlsx, or as 'CSV UTF-8'."
        )
    )


def _csv_table(content: bytes, *, filename: str) -> Table:
    text = _decode(content)
    if "\x00" in text:
        raise _refuse(_("The file is not a spreadsheet (it holds binary data). Upload an .xlsx or .csv file."))
    # The first lines together, not the header alone: a ";" file's header may hold commas
    # ("Ngày, tháng, năm sinh"), and a title line above the header holds no delimiter at all.
    lines = text[:20000].splitlines()
    delimiter = ","
    for sample in ("\n".join(lines[: HEADER_SEARCH_ROWS + 5]), lines[0] if lines else ""):
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
            break
        except csv.Error:
            continue

    def iterate():
        return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    start_rows = []
    for offset, cells in enumerate(iterate()):
        if offset >= HEADER_SEARCH_ROWS:
            break
        start_rows.append(cells)
    header_row, header = None, None
    for offset, cells in enumerate(start_rows):
        texts = [cell for cell in cells if cell.strip()]
        if len(texts) >= 2:
            header_row, header = offset + 1, [cell.strip() for cell in cells]
            break
    if header is None:
        raise _refuse(_("No header row found: the first rows of the file must name the columns."))
    table = Table(
        name=filename or "csv",
        header=header,
        header_row=header_row,
        sheet_names=[],
        row_count=max(0, text.count("\n") + 1 - header_row),
        _iter_factory=iterate,
    )
    return table
