"""Import jobs in the background: the admin's upload, check and import go through Celery.

``import_job_start`` stores the file, creates the job and queues its check (a dry run) in one
transaction; ``import_job_enqueue`` queues a later check or the import of a checked job. The
task (``imports.tasks.run_job_task``, ``imports.run_job``) is sent by ``transaction.on_commit``,
so a worker never sees a job whose row is not committed, and runs ``import_job_run_queued``:
the job runs only if it is still queued (a job cancelled while it waited is left alone).

The run itself is ``imports.services.jobs.import_job_run``, the same as the command line's; the
account that asked for the run is its actor (whose scope applies, who the versions name).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from imports.choices import ACTIVE_STATUSES, RUNNING_STATUSES, ImportMode, ImportStatus
from imports.models import ColumnMapping, ImportJob
from imports.services.jobs import ImportPermissionDenied, import_job_create, import_job_run, stale_before
from imports.tasks import run_job_task
from portal import scoping
from records.services.common import require_unit


def import_job_start(
    *,
    actor,
    target: str,
    unit,
    filename: str,
    content: bytes,
    mapping: ColumnMapping | None = None,
    mode: str = ImportMode.ALL,
    publish: bool = False,
    sheet: str = "",
) -> ImportJob:
    """Create the job (``import_job_create``: its permission checks and validation apply) and
    queue its check. Returns the job, status ``queued``. Raises what ``import_job_create`` raises."""
    with transaction.atomic():
        job = import_job_create(
            actor=actor,
            target=target,
            unit=unit,
            filename=filename,
            content=content,
            mapping=mapping,
            mode=mode,
            publish=publish,
            sheet=sheet,
        )
        _queue(job, commit=False, actor=actor)
    return job


def import_job_enqueue(*, job: ImportJob, commit: bool, actor=None) -> ImportJob:
    """Queue a check (``commit=False``) or the import (``commit=True``) of ``job``.

    Permission: ``actor`` must be allowed to import into the job's unit (CHANGE on its dossiers),
    and only a system administrator runs a job that publishes directly; ``actor=None`` is the
    system. Raises ``ImportPermissionDenied`` otherwise.

    Refused with ``ValidationError``: a job queued or running, a job already imported; an import
    of a job whose last check did not end ``checked``; an all-or-nothing import whose check
    found rows with errors (nothing could be written: the rows must be fixed first)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("unit").get(pk=job.pk)
        if actor is not None:
            try:
                require_unit(actor, job.unit)
            except PermissionDenied:
                raise ImportPermissionDenied(_("You may not import dossiers into this unit.")) from None
            if job.publish and not scoping.is_system_admin(actor):
                raise ImportPermissionDenied(
                    _("Only a system administrator may publish an import directly (the initial migration).")
                )
        stale = job.status in RUNNING_STATUSES and job.started_at and job.started_at < stale_before()
        if job.status in ACTIVE_STATUSES and not stale:
            raise ValidationError(_("This import is already queued or running."))
        if job.status == ImportStatus.DONE:
            raise ValidationError(_("This file has already been imported."))
        if commit and job.status != ImportStatus.CHECKED:
            raise ValidationError(_("Check the file first: only a checked file can be imported."))
        if commit and job.mode == ImportMode.ALL and job.rows_error:
            raise ValidationError(
                _(
                    "%(count)s rows have errors and the mode is all-or-nothing, so nothing would be "
                    "imported. Fix the rows in the error workbook and upload it again, or upload the "
                    "file again choosing to import the valid rows."
                )
                % {"count": job.rows_error}
            )
        _queue(job, commit=commit, actor=actor)
    return job


def _queue(job: ImportJob, *, commit: bool, actor) -> None:
    """Mark ``job`` queued and send the task once the transaction commits."""
    values = {"status": ImportStatus.QUEUED, "cancel_requested": False, "message": ""}
    ImportJob.objects.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)
    actor_id = getattr(actor, "pk", None)
    transaction.on_commit(lambda: run_job_task.delay(job.pk, commit, actor_id))


def import_job_run_queued(*, job_id: int, commit: bool, actor_id: int | None = None) -> ImportJob | None:
    """The body of the task: run the job (``import_job_run``) if it is still queued; a job that is
    gone, was cancelled while it waited, or is already running (a task delivered twice) is left
    as it is. Returns the job (None if it does not exist)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.QUEUED or job.cancel_requested:
        return job
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        return import_job_run(job=job, commit=commit, actor=actor)
    except ValidationError:  # claimed meanwhile by another delivery, or cancelled: left as it is
        job.refresh_from_db()
        return job


__all__ = ["import_job_enqueue", "import_job_run_queued", "import_job_start"]
