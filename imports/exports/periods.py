"""An export of a section narrowed to a period: only the rows whose time overlaps it ("the rewards
of 2025", "the salary steps since 01/2024", "who was trained in 2023–2024").

A period is a first and a last month, either of which may be open. A row's time comes from its
section's own fields (``section_period``): months (``period_from`` / ``period_to``, "yyyy-mm" or
a whole year "yyyy"), dates (``date_from`` / ``date_to``: salary steps, contracts) or a year
(rewards and ratings). A row is kept when its time overlaps the period: it began no later than the
period's last month and ended (or is still running: no end) no earlier than its first month. A
row without a start is left out, since nothing says it belongs to the period. The family sections
have no time of their own and cannot be narrowed this way.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from imports.cells import month_text, parse_cell_month
from records.sections.registry import SECTION_BY_KEY

MONTHS, DATES, YEAR = "months", "dates", "year"


@dataclass(frozen=True)
class Period:
    """The months ``first`` … ``last`` ("yyyy-mm"), both included; None: open on that side."""

    first: str | None
    last: str | None

    def label(self) -> str:
        """'01/2025 – 12/2025', 'từ 01/2024', 'đến 12/2020' (the active language)."""
        if self.first and self.last:
            return f"{month_text(self.first)} – {month_text(self.last)}"
        if self.first:
            return _("from %(month)s") % {"month": month_text(self.first)}
        return _("until %(month)s") % {"month": month_text(self.last)}

    def slug(self) -> str:
        """For a file name: '01-2025-12-2025', 'tu-01-2024', 'den-12-2020'."""
        first = self.first and month_text(self.first).replace("/", "-")
        last = self.last and month_text(self.last).replace("/", "-")
        if first and last:
            return f"{first}-{last}"
        return f"tu-{first}" if first else f"den-{last}"


def period_parse(first, last) -> Period | None:
    """The period typed as two months (mm/yyyy, m/yyyy, yyyy-mm, or a year yyyy: from its January,
    until its December); None when both are empty. ``ValidationError`` keyed ``period_from`` /
    ``period_to`` (the export form's fields) with what is wrong."""
    errors: dict[str, str] = {}
    months = []
    for key, value, year_month in (("period_from", first, "01"), ("period_to", last, "12")):
        text = str(value).strip() if value is not None else ""
        if not text:
            months.append(None)
            continue
        try:
            month = parse_cell_month(text)
        except ValueError:
            errors[key] = _("'%(value)s' is not a month mm/yyyy or a year yyyy (1900–2100).") % {"value": text}
            months.append(None)
            continue
        months.append(month if len(month) == 7 else f"{month}-{year_month}")
    if errors:
        raise ValidationError(errors)
    first_month, last_month = months
    if first_month is None and last_month is None:
        return None
    if first_month and last_month and last_month < first_month:
        raise ValidationError(
            {
                "period_to": _("The end of the period (%(last)s) is before its start (%(first)s).")
                % {"last": month_text(last_month), "first": month_text(first_month)}
            }
        )
    return Period(first_month, last_month)


def section_period(section_key: str) -> tuple[str, str | None, str] | None:
    """(start field, end field or None, kind) of a section's rows, or None for a section without time."""
    section = SECTION_BY_KEY.get(section_key)
    if section is None:
        return None
    names = section.field_names
    if "period_from" in names:
        return "period_from", "period_to", MONTHS
    if "date_from" in names:
        return "date_from", "date_to" if "date_to" in names else None, DATES
    if "year" in names:
        return "year", None, YEAR
    return None


def period_check(section_key: str | None, period: Period | None) -> None:
    """``ValidationError`` (keyed ``period_from``) when ``period`` is given for what has no time:
    the dossiers themselves, or a section without dates (the family)."""
    if period is None:
        return
    if section_key is None:
        raise ValidationError(
            {"period_from": _("A period narrows the export of a section (its rows); the dossiers have no period.")}
        )
    if section_period(section_key) is None:
        raise ValidationError(
            {
                "period_from": _("The rows of '%(section)s' have no dates, so they cannot be narrowed to a period.")
                % {"section": SECTION_BY_KEY[section_key].title}
            }
        )


def _month_of(value, kind: str, year_month: str) -> str | None:
    """The month ("yyyy-mm") of a row's start or end; a whole year is its ``year_month`` (its
    January for a start, its December for an end)."""
    if value is None or value == "":
        return None
    if kind == YEAR:
        return f"{int(value):04d}-{year_month}"
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    return text[:7] if len(text) >= 7 else f"{text[:4]}-{year_month}"


def period_matcher(section_key: str, period: Period, fields: list[str]):
    """A function of a row's values (in the order of ``fields``, which must hold the section's time
    fields) telling whether the row overlaps ``period``."""
    start_name, end_name, kind = section_period(section_key)
    start_at = fields.index(start_name)
    end_at = fields.index(end_name if end_name else start_name)
    first, last = period.first, period.last

    def overlaps(values) -> bool:
        start = _month_of(values[start_at], kind, "01")
        if start is None:
            return False
        if last is not None and start > last:
            return False
        end = _month_of(values[end_at], kind, "12")
        return first is None or end is None or end >= first

    return overlaps
