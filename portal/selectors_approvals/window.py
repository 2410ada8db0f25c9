"""The approval window: the last days of each month (``ApprovalWindowPolicy``), the Sở Nội vụ's
overrides, and the state of a period (a delegation or an override) on a day."""

from __future__ import annotations

import calendar
import datetime

from django.utils import timezone

from portal.models import Unit
from portal.models.approvals import ApprovalWindowOverride, ApprovalWindowPolicy


def approval_window(day: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The approval window of ``day``'s month: its last ``last_days`` days (first, last)."""
    day = day or timezone.localdate()
    policy = ApprovalWindowPolicy.load()
    last = calendar.monthrange(day.year, day.month)[1]
    days = max(1, min(policy.last_days, last))
    return day.replace(day=last - days + 1), day.replace(day=last)


def in_approval_window(day: datetime.date | None = None) -> bool:
    day = day or timezone.localdate()
    first, last = approval_window(day)
    return first <= day <= last


def approval_override_for(unit: Unit | None, *, on: datetime.date | None = None) -> ApprovalWindowOverride | None:
    """The override in force on ``on`` covering ``unit`` (its own or an ancestor's, or a province-wide one)."""
    day = on or timezone.localdate()
    overrides = ApprovalWindowOverride.objects.filter(
        revoked_at__isnull=True, starts_on__lte=day, ends_on__gte=day
    ).select_related("unit")
    for override in overrides.order_by("-granted_at"):
        if override.unit is None or (unit is not None and unit.path.startswith(override.unit.path)):
            return override
    return None


def approval_override_list():
    """Every window override, newest first (system administrators' screen)."""
    return ApprovalWindowOverride.objects.select_related("unit", "granted_by", "revoked_by").order_by(
        "-starts_on", "-id"
    )


def period_state(obj, *, on: datetime.date | None = None) -> str:
    """A delegation's or override's state on a day: ``revoked``, ``ended``, ``upcoming`` or ``in_force``."""
    day = on or timezone.localdate()
    if obj.revoked_at is not None:
        return "revoked"
    if obj.ends_on < day:
        return "ended"
    if obj.starts_on > day:
        return "upcoming"
    return "in_force"


__all__ = [
    "approval_override_for",
    "approval_override_list",
    "approval_window",
    "in_approval_window",
    "period_state",
]
