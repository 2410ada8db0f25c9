"""Celery tasks through a real broker (Redis in CI, the filesystem transport otherwise)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from celery.contrib.testing.worker import start_worker

from portal.celery import app
from portal.models import SystemHeartbeat
from portal.services.system import HEARTBEAT_TASK, schedules_ensure_defaults


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_heartbeat_task_runs_in_a_worker_through_the_broker():
    assert not app.conf.task_always_eager
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = app.send_task(HEARTBEAT_TASK, kwargs={"component": "test-worker"})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not SystemHeartbeat.objects.filter(component="test-worker").exists():
            time.sleep(0.2)
    assert result.id
    beat = SystemHeartbeat.objects.get(component="test-worker")
    assert beat.detail  # the worker's host name


@pytest.mark.django_db
def test_default_schedules_are_content_and_created_once():
    from django_celery_beat.models import PeriodicTask

    # The heartbeat, and those the apps register (records: the approval window notices).
    assert schedules_ensure_defaults() == 3
    assert schedules_ensure_defaults() == 0
    task = PeriodicTask.objects.get(task=HEARTBEAT_TASK)
    assert task.interval.every == 1 and task.enabled


def test_the_worker_memory_limit_is_set_and_read_from_the_environment():
    # Celery's prefork pool replaces a child whose peak memory passed the limit once its task ends; the
    # replacement itself is Celery's (measured by hand with a real worker: bench/RESULTS.md).
    assert app.conf.worker_max_memory_per_child == 400_000  # KiB
    script = "from portal.celery import app; print(app.conf.worker_max_memory_per_child)"
    environment = {**os.environ, "CELERY_WORKER_MAX_MEMORY_PER_CHILD": "250000"}
    output = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    ).stdout
    assert output.strip().splitlines()[-1] == "250000"
