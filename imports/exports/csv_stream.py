"""An export's rows as csv: UTF-8 with a BOM, dates dd/mm/yyyy, formulas defused."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from collections.abc import Iterable, Iterator

from imports.exports.rows import BATCH
from imports.specs import ColumnSpec

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# Cells a spreadsheet would run as a formula when a csv is opened (the xlsx cells are inline
# strings, never formulas): prefixed with an apostrophe in the csv only.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
