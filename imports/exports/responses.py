"""An export as a download: the formats, the file name and the streamed response."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from imports.exports.csv_stream import CSV_CONTENT_TYPE, export_csv_stream
from imports.exports.periods import Period
from imports.exports.rows import export_rows
from imports.exports.xlsx import XLSX_CONTENT_TYPE, export_xlsx_stream
from imports.specs import DOSSIERS, import_spec
from portal.text import fold
from records.sections.registry import SECTION_BY_KEY

FORMATS = ("xlsx", "csv")


def export_filename(
    *,
    target: str,
    unit=None,
    fmt: str = "xlsx",
    on: datetime.date | None = None,
    approved: bool = False,
    period: Period | None = None,
) -> str:
    """``ho-so-<unit code>-<dd-mm-yyyy>.xlsx``; a section adds its name (``ho-so-<unit>-<section>-…``),
    a period its months (``…-01-2025-12-2025-…``), the approved content only ``da-duyet`` before the date."""
    day = (on or timezone.localdate()).strftime("%d-%m-%Y")
    parts = ["ho-so"]
    if unit is not None:
        parts.append(unit.code or slugify(fold(unit.name))[:40])
    if target != DOSSIERS:
        section = SECTION_BY_KEY.get(target)
        parts.append(slugify(fold(str(section.title)))[:40] if section else target)
    if period is not None:
        parts.append(period.slug())
    if approved:
        parts.append("da-duyet")
    parts.append(day)
    return "-".join(part for part in parts if part) + f".{fmt}"


def export_response(
    *,
    user,
    target: str,
    unit,
    columns: list[str] | None,
    fmt: str,
    approved: bool = False,
    filters=None,
    period: Period | None = None,
) -> StreamingHttpResponse:
    """The export of ``target`` for ``user`` (``export_rows``; ``approved``: the approved content
    only; ``filters``: the dossier list's, ``records.forms.list_filters``; ``period``: a section's rows
    of that period) as a streamed download, xlsx or csv.

    Raises ``ValidationError`` for an unknown format, target or column (before anything is sent)."""
    if fmt not in FORMATS:
        raise ValidationError({"fmt": _("Unknown export format '%(format)s' (xlsx or csv).") % {"format": fmt}})
    chosen, rows = export_rows(
        user=user, target=target, unit=unit, columns=columns, approved=approved, filters=filters, period=period
    )
    if fmt == "xlsx":
        stream = export_xlsx_stream(chosen, rows, sheet_name=import_spec(target).sheet_name)
        content_type = XLSX_CONTENT_TYPE
    else:
        stream = export_csv_stream(chosen, rows)
        content_type = CSV_CONTENT_TYPE
    filename = export_filename(target=target, unit=unit, fmt=fmt, approved=approved, period=period)
    return StreamingHttpResponse(
        stream, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
