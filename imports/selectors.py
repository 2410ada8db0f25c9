"""Reads of the import screens: the jobs in scope, one job, its rows, its progress, the saved mappings.

Jobs are read through ``portal.scoping`` (``ImportJob.scope``: the job's unit subtree, and the
account's own jobs): a clerk sees the jobs of the units their grants cover, never another
department's. A job's rows are read only from a job already obtained through
``access_import_job``: restricting ``ImportRow`` itself would make the primitive load every row of
every job the account created (its ``self_field``), tens of thousands per job.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from imports.choices import ACTIVE_STATUSES, RowOutcome
from imports.models import ColumnMapping, ImportJob, ImportRow
from portal import scoping
from portal.models import Unit

# What the history and the job page show of a job's relations.
JOB_RELATIONS = ("unit", "created_by", "mapping")


def can_use_imports(user, action: str = scoping.VIEW) -> bool:
    """Whether ``user`` holds a role that reads (``view``) or drives (``change``) import jobs at all."""
    return scoping.can(user, action, ImportJob)


def import_job_list(*, user) -> QuerySet[ImportJob]:
    """The jobs ``user`` may view, newest first (``scoping.restrict``; none for anonymous)."""
    return scoping.restrict(user, scoping.VIEW, ImportJob.objects.select_related(*JOB_RELATIONS)).order_by(
        "-created_at", "-id"
    )


def access_import_job(*, user, pk, action: str = scoping.VIEW) -> ImportJob:
    """The job ``pk`` if ``user`` may ``action`` it; ``Http404`` when it is missing or out of scope."""
    return scoping.access(user=user, queryset=ImportJob.objects.select_related(*JOB_RELATIONS), pk=pk, action=action)


def import_rows(*, job: ImportJob, outcome: str | None = None) -> QuerySet[ImportRow]:
    """The row outcomes of ``job``'s last run in sheet order, optionally of one ``outcome``
    (an unknown outcome is no filter). ``job`` must come from ``access_import_job``."""
    rows = ImportRow.objects.filter(job=job).order_by("row_number")
    if outcome in RowOutcome.values:
        rows = rows.filter(outcome=outcome)
    return rows


def import_job_progress(*, job: ImportJob, now=None) -> dict:
    """What the job page polls: status, rows done / total, percent, and the estimated seconds
    left (from the pace so far; None until a row is done). ``finished`` once no run is active."""
    now = now or timezone.now()
    active = job.status in ACTIVE_STATUSES
    total = job.rows_total
    done = min(job.rows_done, total) if total else job.rows_done
    percent = int(done * 100 / total) if total else (0 if active else 100)
    remaining = None
    if active and job.started_at and 0 < done < total:
        elapsed = (now - job.started_at).total_seconds()
        remaining = max(0, round(elapsed * (total - done) / done))
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "active": active,
        "finished": not active,
        "done": done,
        "total": total,
        "percent": percent,
        "eta_seconds": remaining,
        "eta": duration_text(remaining) if remaining is not None else "",
        "message": job.message,
    }


def duration_text(seconds: float | None) -> str:
    """``h:mm:ss`` or ``m:ss`` (the same in every language)."""
    if seconds is None:
        return ""
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _active_units_under(roots) -> QuerySet[Unit]:
    units = Unit.objects.filter(dissolved_on__isnull=True).order_by("path")
    if None in roots:
        return units
    if not roots:
        return units.none()
    condition = Q()
    for root in roots:
        condition |= Q(path__startswith=root.path)
    return units.filter(condition)


def import_units(*, user) -> QuerySet[Unit]:
    """Active units ``user`` may import dossiers into: the subtrees where they may change dossiers
    (``managed_units(user, CHANGE, "records.dossier")``: clerks and system administrators)."""
    return _active_units_under(scoping.managed_units(user, scoping.CHANGE, model_label="records.dossier"))


def export_units(*, user) -> QuerySet[Unit]:
    """Active units whose dossiers ``user`` may export: the subtrees where they may read dossiers."""
    return _active_units_under(scoping.managed_units(user, scoping.VIEW, model_label="records.dossier"))


def column_mapping_list(*, user, target: str | None = None) -> QuerySet[ColumnMapping]:
    """Saved column mappings (provincial content, not tied to a unit): all of them, or those of
    ``target``, for accounts that may drive imports; none for anyone else."""
    if not can_use_imports(user, scoping.CHANGE):
        return ColumnMapping.objects.none()
    mappings = ColumnMapping.objects.order_by("target", "name")
    return mappings.filter(target=target) if target else mappings


__all__ = [
    "access_import_job",
    "can_use_imports",
    "column_mapping_list",
    "duration_text",
    "export_units",
    "import_job_list",
    "import_job_progress",
    "import_rows",
    "import_units",
]
