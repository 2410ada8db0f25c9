"""Values as Vietnamese documents print them, whatever the reader's interface language.

``portal.formatting`` follows the active locale (an English interface shows "3.33");
a legal document must not: these helpers always give dd/mm/yyyy, mm/yyyy, "3,33"
and "2.340.000".
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from records.services.content import month_text


def date_vi(value) -> str:
    """``yyyy-mm-dd`` (or a date) → ``dd/mm/yyyy``; anything else unchanged, empty → ''."""
    if not value:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%d/%m/%Y")
    try:
        return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def month_vi(value) -> str:
    """``yyyy-mm`` → ``mm/yyyy``, ``yyyy`` stays; a full date ``yyyy-mm-dd`` prints as its month."""
    if not value:
        return ""
    text = str(value)
    return month_text(text[:7] if len(text) == 10 else text)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return None


def decimal_vi(value, *, places: int | None = None) -> str:
    """``"3.33"`` → ``"3,33"``; with ``places`` rounded to that many decimals (coefficients: 2),
    without, trailing zeros dropped (``"85.50"`` → ``"85,5"``). Thousands grouped with dots."""
    number = _decimal(value)
    if number is None:
        return str(value or "")
    if places is None:
        text = format(number, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = format(number.quantize(Decimal(1).scaleb(-places)), "f")
    whole, _dot, fraction = text.partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    grouped = f"{int(digits or 0):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def money_vi(value) -> str:
    """2340000 → ``"2.340.000"`` (whole đồng)."""
    number = _decimal(value)
    if number is None:
        return str(value or "")
    return f"{int(number.quantize(Decimal(1))):,}".replace(",", ".")


def percent_vi(value) -> str:
    """``"85.50"`` → ``"85,5%"``."""
    text = decimal_vi(value)
    return f"{text}%" if text else ""


def place_date_vi(place: str = "", on: datetime.date | None = None) -> str:
    """``"Cao Lãnh, ngày 05 tháng 11 năm 2026"``; the parts not given are dotted leaders to fill by hand."""
    where = (place or "").strip() or "…………"
    if on is None:
        return f"{where}, ngày …… tháng …… năm ……"
    return f"{where}, ngày {on:%d} tháng {on:%m} năm {on:%Y}"
