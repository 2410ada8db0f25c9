"""Celery tasks of the imports app. Bodies are services; a task only parses its arguments.

Jobs are queued by ``imports.services.jobs_queue.import_job_enqueue`` (and ``import_job_start``),
which send ``run_job_task`` with ``transaction.on_commit``.
"""

from __future__ import annotations

from celery import shared_task

RUN_JOB_TASK = "imports.run_job"


@shared_task(name=RUN_JOB_TASK, acks_late=True)
def run_job_task(job_id: int, commit: bool, actor_id: int | None = None) -> str:
    """Check (``commit`` false) or import a queued job; returns the job's final status ('' if the
    job does not exist). A job no longer queued (cancelled, or a second delivery) is not run."""
    from imports.services.jobs_queue import import_job_run_queued  # the services import this module

    job = import_job_run_queued(job_id=int(job_id), commit=bool(commit), actor_id=actor_id)
    return job.status if job is not None else ""
