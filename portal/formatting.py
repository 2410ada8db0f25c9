"""Formatting of money and numbers the Vietnamese way."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, translation


def format_vnd(amount, *, with_unit: bool = True) -> str:
    """2340000 → '2.340.000 ₫' in Vietnamese, '2,340,000 ₫' in English."""
    if amount is None or amount == "":
        return ""
    value = Decimal(str(amount)).quantize(Decimal(1))
    text = formats.number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)
    return f"{text} ₫" if with_unit else text


def format_decimal(value, places: int = 2) -> str:
    """Coefficients such as 2,34 (vi) / 2.34 (en)."""
    if value is None or value == "":
        return ""
    return formats.number_format(Decimal(str(value)), decimal_pos=places, use_l10n=True)


def current_language() -> str:
    return translation.get_language() or "vi"
