"""Helpers shared by the write services."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _


def actor_label(actor) -> str:
    """Who did it, as stored in history rows (kept even if the account goes away)."""
    if actor is None:
        return _("system")
    return actor.get_username()


def today():
    """Today's date in the project's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localdate()


def format_date(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""
