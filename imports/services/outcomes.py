"""An import job's outcome: its row outcomes (one ``ImportRow`` each, written by COPY), the error
workbook of the failed rows, the counts and the message the clerk reads."""

from __future__ import annotations

import json
import tempfile
from collections import Counter

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.choices import ImportStatus, RowOutcome
from imports.models import ImportJob, ImportRow
from imports.readers import Table
from imports.services.results import RunSummary
from portal.legacy_text import ENCODINGS
from records.services.bulk import copy_values


def job_set(job: ImportJob, **values) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**values)


def outcome_store(job: ImportJob, table: Table, summary: RunSummary, *, status: str, commit: bool) -> None:
    """Replace the job's row outcomes, write the error workbook, set counts and status."""
    from imports.writers import error_workbook_write

    results = summary.results
    ImportRow.objects.filter(job=job).delete()
    copy_values(
        ImportRow,
        ["job", "row_number", "personal_id", "outcome", "errors", "changes"],
        [
            (
                job.pk,
                result.row,
                (result.personal_id or "")[:40],
                result.outcome,
                _json_text([{"column": column, "message": message} for column, message in result.errors]),
                _json_text(result.changes),
            )
            for result in results
        ],
    )
    error_path = ""
    counts = summary.counts()
    failed = [result for result in results if result.outcome == RowOutcome.ERROR]
    if failed:
        with tempfile.TemporaryFile() as handle:
            error_workbook_write(table=table, results=failed, out=handle)
            handle.seek(0)
            error_path = default_storage.save(f"imports/errors/{job.pk}/loi-{job.pk}.xlsx", File(handle))
    now = timezone.now()
    values = {
        "status": status,
        "finished_at": now,
        "rows_done": len(results),
        "rows_total": len(results),
        "rows_new": counts[RowOutcome.NEW],
        "rows_updated": counts[RowOutcome.UPDATE],
        "rows_unchanged": counts[RowOutcome.UNCHANGED],
        "rows_error": len(failed),
        "dossiers_written": summary.written,
        "error_file": error_path,
        "message": _outcome_message(status, counts) + _legacy_note(summary),
    }
    if commit and status == ImportStatus.DONE:
        values["imported_at"] = now
    if not commit:
        values["checked_at"] = now
    job_set(job, **values)


def _json_text(value: list) -> str:
    """A list as the JSON text COPY reads into a jsonb column (most rows have none: no encoding)."""
    return json.dumps(value, ensure_ascii=False) if value else "[]"


def _outcome_message(status: str, outcomes: Counter) -> str:
    counts = {
        "new": outcomes[RowOutcome.NEW],
        "updated": outcomes[RowOutcome.UPDATE],
        "unchanged": outcomes[RowOutcome.UNCHANGED],
        "errors": outcomes[RowOutcome.ERROR],
    }
    failed = counts["errors"]
    if status == ImportStatus.CHECKED:
        return (
            _(
                "Checked, nothing written: %(new)s new, %(updated)s "
                "updates, %(unchanged)s unchanged, %(errors)s with errors."
            )
            % counts
        )
    if status == ImportStatus.FAILED:
        return (
            _(
                "Nothing imported: %(errors)s rows have errors (all-or-nothing). Fix "
                "them in the error workbook and upload again."
            )
            % counts
        )
    if failed:
        return (
            _(
                "Imported %(new)s new and %(updated)s updates; %(errors)s rows "
                "with errors were returned in the error workbook."
            )
            % counts
        )
    return _("Imported: %(new)s new, %(updated)s updates, %(unchanged)s unchanged.") % counts


def _legacy_note(summary: RunSummary) -> str:
    """What the clerk should know of the cells read from an old encoding (``portal.legacy_text``:
    TCVN3, VNI), with one example of each."""
    notes = []
    for encoding in ENCODINGS:
        count = summary.legacy_cells.get(encoding.key)
        if not count:
            continue
        row, column, typed, converted = summary.legacy_examples[encoding.key]
        notes.append(
            _(
                "%(count)s cells were typed in the old %(encoding)s encoding and were read as Unicode, e.g. row "
                "%(row)s, column '%(column)s': '%(typed)s' became '%(converted)s'."
            )
            % {
                "count": count,
                "encoding": encoding.label,
                "row": row,
                "column": column,
                "typed": typed[:60],
                "converted": converted[:60],
            }
        )
    return "".join(" " + note for note in notes)
