"""Celery tasks of the platform."""

from __future__ import annotations

import socket

from celery import shared_task
from django.utils import timezone

from portal.services.system import heartbeat_record


@shared_task(name="portal.heartbeat")
def heartbeat(component: str = "beat") -> str:
    """Record that the scheduler and a worker are alive (beat sends it every minute)."""
    heartbeat_record(component=component, detail=socket.gethostname())
    return timezone.now().isoformat()
