"""Helpers of the demo steps: month arithmetic (days clamped to the 28th) and wording."""

from __future__ import annotations

import datetime
import random

DAY = datetime.timedelta(days=1)


def months(day: datetime.date, count: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 + count, 12)
    return datetime.date(year, month + 1, min(day.day, 28))


def span(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (by calendar month)."""
    return (end.year - start.year) * 12 + end.month - start.month


def between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    """The first of a month from ``start``'s to ``end``'s (``start``'s month if the span is empty)."""
    return months(start.replace(day=1), rng.randint(0, max(span(start, end), 0)))


def ym(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def division(commune: str) -> str:
    """ "Phường Mỹ Tho" → "phường" ("xã", "phường" or "đặc khu")."""
    return "đặc khu" if commune.startswith("Đặc khu") else commune.split()[0].lower()
