"""Operational services: heartbeats of background components and the default schedules."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.models import SystemHeartbeat

HEARTBEAT_TASK = "portal.heartbeat"


@dataclass(frozen=True)
class DefaultSchedule:
    """A periodic task an app ships (created once as editable content, never overwritten)."""

    name: str
    task: str
    crontab: dict  # minute, hour, day_of_month, month_of_year, day_of_week (django-celery-beat fields)
    description: str = ""


_DEFAULT_SCHEDULES: list[DefaultSchedule] = []


def register_default_schedule(schedule: DefaultSchedule) -> None:
    """Called from an app's ``ready()``: ``portal`` never imports the apps built on it."""
    if all(existing.name != schedule.name for existing in _DEFAULT_SCHEDULES):
        _DEFAULT_SCHEDULES.append(schedule)


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
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = 0
    with transaction.atomic():
        every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.MINUTES)
        _task, was_created = PeriodicTask.objects.get_or_create(
            name="Nhịp hoạt động hệ thống (heartbeat)",
            defaults={"task": HEARTBEAT_TASK, "interval": every_minute, "kwargs": '{"component": "worker"}'},
        )
        created += int(was_created)
        for schedule in _DEFAULT_SCHEDULES:
            crontab, _ = CrontabSchedule.objects.get_or_create(**schedule.crontab, timezone=settings.TIME_ZONE)
            _task, was_created = PeriodicTask.objects.get_or_create(
                name=schedule.name,
                defaults={"task": schedule.task, "crontab": crontab, "description": schedule.description},
            )
            created += int(was_created)
    return created
