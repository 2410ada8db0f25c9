"""Scheduled notices of the monthly approval (run by Celery beat, ``records.tasks``).

- When the approval window opens, each approver (in their own right or by delegation) is
  told how many dossiers await them.
- The day after it closes, the Sở Nội vụ's system administrators get the list of approving
  units that still have dossiers with unapproved changes.

Celery's crontab has no "last days of the month" (architecture.md §7): both tasks are
scheduled daily over a range of days and check the date themselves; ``force`` runs them
regardless (the admin's "run now", tests). Each notice has a key per month, so a task run
twice notifies nobody twice.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.choices import Role
from portal.models import ApprovalDelegation, Grant
from portal.selectors_approvals.authority import ApprovalResolver
from portal.selectors_approvals.window import approval_window
from portal.services.common import format_date
from portal.services.notifications import notification_send
from records.models import Dossier
from records.selectors_approvals import approval_queue

QUEUE_URL_NAME = "records_approvals:queue"


def _queue_url() -> str:
    try:
        return reverse(QUEUE_URL_NAME)
    except NoReverseMatch:
        return ""


def _in_force(day: datetime.date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def approval_window_notify_open(*, on: datetime.date | None = None, force: bool = False) -> int:
    """On the first day of the window, tell every approver with dossiers waiting; returns how many were told."""
    day = on or timezone.localdate()
    first, last = approval_window(day)
    if day != first and not force:
        return 0
    User = get_user_model()
    approver_ids = set(
        Grant.objects.filter(role=Role.APPROVER, revoked_at__isnull=True)
        .filter(_in_force(day))
        .values_list("user_id", flat=True)
    )
    approver_ids |= set(
        ApprovalDelegation.objects.filter(revoked_at__isnull=True, starts_on__lte=day, ends_on__gte=day).values_list(
            "delegate_id", flat=True
        )
    )
    told = 0
    month = f"{day:%m/%Y}"
    for user in User.objects.filter(pk__in=approver_ids, is_active=True).order_by("pk"):
        waiting = len(approval_queue(user=user, on=day))
        if not waiting:
            continue
        created = notification_send(
            recipients=[user],
            kind="approval_window_opened",
            key=f"approval_open:{day:%Y-%m}",
            title=_("Approval of personnel data for %(month)s: %(count)s dossiers await you")
            % {"month": month, "count": waiting},
            body=_(
                "The approval window is open from %(first)s to %(last)s. %(count)s dossiers with accepted "
                "changes await your digital signature."
            )
            % {"first": format_date(first), "last": format_date(last), "count": waiting},
            url=_queue_url(),
        )
        told += len(created)
    return told


def unapproved_by_unit(*, on: datetime.date | None = None) -> list[tuple[str, int]]:
    """(approving unit name, dossiers with unapproved changes), most first; dossiers no rule
    covers are counted under "no approval rule". Reads the whole province: system task only."""
    resolver = ApprovalResolver(on=on)
    counts: Counter[str] = Counter()
    pending = Dossier.objects.filter(latest_version__gt=F("live_version")).select_related("unit")
    for dossier in pending.iterator(chunk_size=2000):
        authority = resolver.authority(dossier)
        counts[authority.unit.name if authority else _("(no approval rule)")] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def approval_window_report_closed(*, on: datetime.date | None = None, force: bool = False) -> int:
    """The day after the window closed, send the Sở Nội vụ the units with unapproved changes.
    Returns how many administrators were told (0 when nothing is left unapproved)."""
    day = on or timezone.localdate()
    closed = day - datetime.timedelta(days=1)
    _first, last = approval_window(closed)
    if closed != last and not force:
        return 0
    units = unapproved_by_unit(on=closed)
    if not units:
        return 0
    User = get_user_model()
    admins = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True)
        | Q(
            pk__in=Grant.objects.filter(role=Role.SYSTEM_ADMIN, revoked_at__isnull=True)
            .filter(_in_force(day))
            .values("user_id")
        )
    )
    total = sum(count for _, count in units)
    lines = "\n".join(f"- {name}: {count}" for name, count in units)
    created = notification_send(
        recipients=list(admins.order_by("pk")),
        kind="approval_window_closed",
        key=f"approval_closed:{closed:%Y-%m}",
        title=_("Approval of %(month)s closed: %(count)s dossiers in %(units)s units not approved")
        % {"month": f"{closed:%m/%Y}", "count": total, "units": len(units)},
        body=_("Units with changes still awaiting approval after %(last)s:\n%(lines)s")
        % {"last": format_date(last), "lines": lines},
    )
    return len(created)
