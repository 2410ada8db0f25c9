"""Operational services: heartbeats of background components and the default schedules."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from portal.models import SystemHeartbeat

HEARTBEAT_TASK = "portal.heartbeat"


def heartbeat_record(*, component: str, detail: str = "") -> SystemHeartbeat:
    """Store the time a background component was last seen."""
    beat, _created = SystemHeartbeat.objects.update_or_create(
        component=component, defaults={"last_seen": timezone.now(), "detail": detail[:200]}
    )
    return beat


def schedules_ensure_defaults() -> int:
    """Create the default periodic tasks (content in django-celery-beat) if missing.

    Returns how many were created. Existing schedules, possibly edited by an admin,
    are left as they are.
    """
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    created = 0
    with transaction.atomic():
        every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.MINUTES)
        _task, was_created = PeriodicTask.objects.get_or_create(
            name="Nhịp hoạt động hệ thống (heartbeat)",
            defaults={"task": HEARTBEAT_TASK, "interval": every_minute, "kwargs": '{"component": "worker"}'},
        )
        created += int(was_created)
    return created
