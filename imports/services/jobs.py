"""Import jobs: upload, check (dry run), import, cancel (the row outcomes and the error workbook:
``imports.services.outcomes``).

``import_job_create`` stores the uploaded file (private storage, SHA-256) and the job;
``import_job_run`` checks it (``commit=False``: nothing is written, every row is checked
exactly as an import checks it) or imports it (``commit=True``) in one transaction:

- all-or-nothing (default): if any row has an error, the transaction is rolled back and the
  job says so; nothing of the file is written;
- valid rows: every valid dossier is written, the rows with errors are returned in the
  error workbook.

Progress (rows done / total) and the cancel flag travel on a second database connection, so
they are visible while the import's own transaction is still open. Every write of the run
carries the job in its audit context (``pghistory.context(import_job=…)``) and the versions
it creates name the file and the job in their reason. Called by the admin (through the Celery
task), by ``import_records`` and by the tests alike.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import logging
import time

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from imports.choices import (
    RUNNING_STATUSES,
    STARTABLE_STATUSES,
    ImportMode,
    ImportStatus,
)
from imports.models import ColumnMapping, ImportJob
from imports.readers import FileRefused, table_open
from imports.services.engine import ImportRun, collector_paused
from imports.services.outcomes import job_set, outcome_store
from imports.services.results import ImportCancelled
from imports.specs import PERSONAL_ID, ColumnSpec, ImportSpec, UnknownTarget, header_index, header_key, import_spec
from portal import scoping
from portal.legacy_text import row_encoding
from records.choices import VersionSource
from records.services.bulk import statistics_refresh
from records.services.common import require_unit

# Past this many dossiers written, the planner's statistics are refreshed (bench/RESULTS.md, issue 4).
ANALYZE_AFTER = 1000
# A job still "running" this long after it started was left by a stopped worker and may run again
# (the 50,000-dossier bench runs in about two minutes).
STALE_AFTER = datetime.timedelta(hours=2)

logger = logging.getLogger(__name__)


class ImportPermissionDenied(PermissionDenied):
    """The actor may not import into this unit, or may not publish directly."""


def columns_match(
    *, spec: ImportSpec, header: list[str], mapping: ColumnMapping | None = None
) -> tuple[dict[int, ColumnSpec], list[str]]:
    """{sheet column index: column} for ``header``, and the headers not used.

    A saved ``mapping`` wins; then each column's header in any language, its key, and the
    known synonyms, all compared folded (``header_key``). In a header row typed in TCVN3 or VNI, a title
    that matches only when read as Unicode is matched so, and replaced in ``header`` by that
    reading. Raises ``FileRefused`` when the personal id column is missing or two sheet columns
    name the same column."""
    index = header_index(spec)
    saved = {header_key(k): v for k, v in (mapping.columns if mapping else {}).items()}
    by_key = {column.key: column for column in spec.columns}
    used: dict[int, ColumnSpec] = {}
    ignored: list[str] = []
    first: dict[str, int] = {}
    legacy = row_encoding(header)
    for position, title in enumerate(header):
        if not str(title or "").strip():
            continue
        folded = header_key(title)
        key = saved.get(folded) or index.get(folded)
        if key is None and legacy is not None and isinstance(title, str) and legacy.may_be(title):
            # A header row typed in TCVN3 (.VnTime) or VNI: the title read as Unicode, which is then shown.
            converted = legacy.to_unicode(title)
            key = saved.get(header_key(converted)) or index.get(header_key(converted))
            if key is not None:
                header[position] = title = converted
        if key not in by_key:
            ignored.append(str(title))
            continue
        if key in first:
            raise FileRefused(
                _("Row 1: the columns '%(first)s' and '%(second)s' are both '%(column)s'; keep one of them.")
                % {"first": header[first[key]], "second": title, "column": by_key[key].header}
            )
        first[key] = position
        used[position] = by_key[key]
    if PERSONAL_ID not in first:
        raise FileRefused(
            _("The header has no column '%(column)s' (or a synonym such as 'Số CCCD'); rows cannot be matched.")
            % {"column": by_key[PERSONAL_ID].header}
        )
    if len(used) < 2:
        raise FileRefused(_("Apart from the personal identification number, no column of the header is known."))
    return used, ignored


def import_job_create(
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
    """Store the file and create the job (nothing is checked yet).

    Needs CHANGE on dossiers of ``unit`` (``ImportPermissionDenied`` otherwise); ``publish``
    (the initial migration published without the monthly approval) only for a system
    administrator or the system itself (``actor=None``). ``ValidationError`` for an unknown
    target or mode, or a mapping of another target."""
    try:
        import_spec(target)
    except UnknownTarget:
        raise ValidationError({"target": _("There is no import target '%(target)s'.") % {"target": target}}) from None
    if mode not in ImportMode.values:
        raise ValidationError({"mode": _("Unknown import mode '%(mode)s'.") % {"mode": mode}})
    if mapping is not None and mapping.target != target:
        raise ValidationError(
            {"mapping": _("The column mapping '%(name)s' is for another target.") % {"name": mapping}}
        )
    if actor is not None:
        try:
            require_unit(actor, unit)
        except PermissionDenied:
            raise ImportPermissionDenied(_("You may not import dossiers into this unit.")) from None
        if publish and not scoping.is_system_admin(actor):
            raise ImportPermissionDenied(
                _("Only a system administrator may publish an import directly (the initial migration).")
            )
    digest = hashlib.sha256(content).hexdigest()
    safe = get_valid_filename(filename) or "tep"
    path = default_storage.save(f"imports/{digest[:2]}/{digest}/{safe}", ContentFile(content))
    return ImportJob.objects.create(
        target=target,
        unit=unit,
        created_by=actor if getattr(actor, "pk", None) else None,
        filename=filename[:255],
        file=path,
        file_sha256=digest,
        file_size=len(content),
        sheet=sheet[:100],
        mapping=mapping,
        mode=mode,
        publish=publish,
        status=ImportStatus.QUEUED,
    )


class _Progress:
    """Progress and the cancel flag on a connection of its own (outside the import's transaction)."""

    def __init__(self, job: ImportJob):
        self.job_id = job.pk
        self.conn = None
        self.last = 0.0

    def __call__(self, done: int, total: int, *, force: bool = False) -> bool:
        now = time.monotonic()
        if not force and now - self.last < 0.5:
            return False
        self.last = now
        try:
            if self.conn is None:
                self.conn = connections.create_connection("default")
            with self.conn.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET rows_done = %s, rows_total = %s WHERE id = %s "
                    "RETURNING cancel_requested",
                    [done, total, self.job_id],
                )
                row = cursor.fetchone()
        except Exception:  # progress is a convenience: a failing side connection must not stop the import
            return False
        return bool(row and row[0])

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def import_job_run(*, job: ImportJob, commit: bool, actor=None) -> ImportJob:
    """Check (``commit=False``) or import (``commit=True``) the job's file; see the module docstring.

    ``actor``: whose scope applies (the job's creator when None). Returns the job with its
    status, counts, row outcomes and, if any row failed, the error workbook. A file that cannot
    be used ends in status ``refused`` with the reason in ``message``."""
    actor = actor if actor is not None else job.created_by
    values = {
        "status": ImportStatus.IMPORTING if commit else ImportStatus.CHECKING,
        "committed": commit,
        "started_at": timezone.now(),
        "finished_at": None,
        "rows_done": 0,
        "message": "",
        "cancel_requested": False,
    }
    # One conditional UPDATE claims the job: two workers (a task delivered twice, a CLI run beside a
    # queued task) cannot both run it; a run left behind by a killed worker may be started again.
    claimable = Q(status__in=STARTABLE_STATUSES) | Q(status__in=RUNNING_STATUSES, started_at__lt=stale_before())
    if not ImportJob.objects.filter(claimable, pk=job.pk).update(**values):
        job.refresh_from_db()
        if job.status in RUNNING_STATUSES:
            raise ValidationError(_("This import is already running."))
        if job.status == ImportStatus.DONE:
            raise ValidationError(_("This file has already been imported."))
        raise ValidationError(_("This import was cancelled; upload the file again to import it."))
    for name, value in values.items():
        setattr(job, name, value)
    try:
        # The collector stays off from reading the sheet (calamine's millions of cells) to storing
        # the outcomes, not only during the checks (``collector_paused``).
        with collector_paused():
            return _run(job, commit=commit, actor=actor)
    except Exception:
        # Whatever went wrong, the job must not stay "running": it ends failed, nothing written
        # (the import's transaction rolled back), and the error reaches the log by the re-raise.
        logger.exception("Import job %s stopped by an unexpected error", job.pk)
        job_set(
            job,
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            message=_("The import stopped because of an unexpected error; nothing was written. The error was logged."),
        )
        raise


def stale_before() -> datetime.datetime:
    """A job "running" since before this instant was left behind by a stopped worker."""
    return timezone.now() - STALE_AFTER


def _run(job: ImportJob, *, commit: bool, actor) -> ImportJob:
    progress = _Progress(job)
    try:
        with default_storage.open(job.file, "rb") as handle:
            content = handle.read()
        spec = import_spec(job.target)
        try:
            table = table_open(
                content=content, filename=job.filename, sheet=job.sheet or None, sheet_hint=spec.sheet_name
            )
            columns, ignored = columns_match(spec=spec, header=table.header, mapping=job.mapping)
        except FileRefused as exc:
            job_set(job, status=ImportStatus.REFUSED, message=" ".join(exc.messages), finished_at=timezone.now())
            return job
        job_set(
            job,
            rows_total=table.row_count,
            sheet=table.name[:100],
            columns_used=[
                {"index": index, "header": table.header[index], "key": column.key, "column": column.header}
                for index, column in sorted(columns.items())
            ],
            columns_ignored=ignored,
        )
        run = ImportRun(
            spec=spec,
            table=table,
            columns=columns,
            unit=job.unit,
            actor=actor,
            write=commit,
            mode=job.mode,
            publish=job.publish,
            source=VersionSource.IMPORT,
            reason=_import_reason(job),
            progress=progress,
        )
        summary = None
        status = ImportStatus.CHECKED
        try:
            if commit:
                with pghistory.context(import_job=job.pk, import_file=job.file_sha256), transaction.atomic():
                    summary = run.execute()
                    if job.mode == ImportMode.ALL and summary.errors:
                        transaction.set_rollback(True)
                        summary.written = 0
                        status = ImportStatus.FAILED
                    else:
                        status = ImportStatus.DONE
                        if summary.written >= ANALYZE_AFTER:
                            statistics_refresh(_written_models(spec), planner_columns=True)
            else:
                summary = run.execute()
        except ImportCancelled:
            job_set(
                job, status=ImportStatus.CANCELLED, finished_at=timezone.now(), message=_("Cancelled; nothing written.")
            )
            return job
        except csv.Error as exc:
            message = _("The CSV file cannot be read: %(error)s.") % {"error": exc}
            job_set(job, status=ImportStatus.REFUSED, message=message, finished_at=timezone.now())
            return job
        outcome_store(job, table, summary, status=status, commit=commit)
        progress(job.rows_total, job.rows_total, force=True)
        return job
    finally:
        progress.close()


def _written_models(spec: ImportSpec) -> list:
    """The tables to analyze after an import. A section import leaves the dossier count as it is;
    the versions table grows by one row per dossier and is left to autovacuum's analyze, so only
    the section's table is analyzed (analyzing the three took 0.75 s per 20,000 rows)."""
    from records.models import Dossier, DossierVersion
    from records.sections.registry import SECTION_BY_KEY

    if spec.is_dossiers:
        return [Dossier, DossierVersion]
    return [SECTION_BY_KEY[spec.section].model]


def _import_reason(job: ImportJob) -> str:
    reason = _("Import of '%(file)s' (import #%(job)s)") % {"file": job.filename, "job": job.pk}
    if job.publish:
        reason += " — " + _("initial migration, published directly by a system administrator")
    return reason


def import_job_cancel(*, job: ImportJob, actor=None) -> ImportJob:
    """Ask a queued or running job to stop (it rolls back and ends ``cancelled``); a finished
    job cannot be cancelled (``ValidationError``)."""
    now = timezone.now()
    if ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CANCELLED, cancel_requested=True, finished_at=now, message=_("Cancelled; nothing written.")
    ):
        job.refresh_from_db()
        return job
    if not ImportJob.objects.filter(pk=job.pk, status__in=RUNNING_STATUSES).update(cancel_requested=True):
        job.refresh_from_db()
        raise ValidationError(_("Only a queued or running import can be cancelled."))
    job.refresh_from_db()
    return job


__all__ = [
    "ImportPermissionDenied",
    "columns_match",
    "import_job_cancel",
    "import_job_create",
    "import_job_run",
    "stale_before",
]
