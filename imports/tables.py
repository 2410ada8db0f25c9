"""django-tables2 tables of the import screens: the history of jobs and the preview of one job's rows."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from imports.choices import ImportStatus, RowOutcome
from imports.models import ImportJob, ImportRow
from imports.selectors import duration_text
from imports.specs import target_title

STATUS_CLASSES = {
    ImportStatus.DONE: "imports-badge--done",
    ImportStatus.CHECKED: "imports-badge--checked",
    ImportStatus.FAILED: "imports-badge--error",
    ImportStatus.REFUSED: "imports-badge--error",
    ImportStatus.CANCELLED: "imports-badge--muted",
}
OUTCOME_CLASSES = {
    RowOutcome.NEW: "imports-badge--new",
    RowOutcome.UPDATE: "imports-badge--update",
    RowOutcome.UNCHANGED: "imports-badge--muted",
    RowOutcome.ERROR: "imports-badge--error",
}


def badge(text, css: str):
    return format_html('<span class="imports-badge {}">{}</span>', css, text)


class ImportJobTable(tables.Table):
    """The import history (``import_job_list``): who, when, which file, into what, and what came of it."""

    number = tables.Column(accessor="pk", verbose_name=_("Import"), orderable=False)
    created_at = tables.DateTimeColumn(format="d/m/Y H:i", verbose_name=_("Uploaded at"), orderable=False)
    created_by = tables.Column(verbose_name=_("Uploaded by"), orderable=False, default="—")
    filename = tables.Column(verbose_name=_("File"), orderable=False)
    target = tables.Column(verbose_name=_("Target"), orderable=False)
    unit = tables.Column(accessor="unit__name", verbose_name=_("Unit"), orderable=False)
    mapping = tables.Column(accessor="mapping__name", verbose_name=_("Column mapping"), orderable=False, default="—")
    mode = tables.Column(verbose_name=_("Mode"), orderable=False)
    status = tables.Column(verbose_name=_("Status"), orderable=False)
    counts = tables.Column(accessor="pk", empty_values=(), verbose_name=_("New / updates / unchanged / errors"))
    duration = tables.Column(accessor="pk", empty_values=(), verbose_name=_("Duration"), orderable=False)

    class Meta:
        model = ImportJob
        fields = (
            "number",
            "created_at",
            "created_by",
            "filename",
            "target",
            "unit",
            "mapping",
            "mode",
            "status",
            "counts",
            "duration",
        )
        attrs = {"class": "listing", "id": "import-jobs"}
        template_name = "django_tables2/table.html"
        empty_text = _("No import yet.")
        orderable = False

    def render_number(self, value):
        url = reverse("imports_jobs:job", args=[value])
        return format_html('<a href="{}">{}</a>', url, _("Import no. %(number)s") % {"number": value})

    def render_created_by(self, value):
        return value.get_full_name() or value.get_username()

    def render_filename(self, record: ImportJob):
        return format_html(
            '{}<div class="portal-muted" title="SHA-256 {}">{}…</div>',
            record.filename,
            record.file_sha256,
            record.file_sha256[:12],
        )

    def render_target(self, value):
        return target_title(value)

    def render_mode(self, record: ImportJob):
        text = record.get_mode_display()
        if record.publish:
            return format_html("{}<div class='portal-muted'>{}</div>", text, _("published directly"))
        return text

    def render_status(self, record: ImportJob):
        return badge(record.get_status_display(), STATUS_CLASSES.get(record.status, ""))

    def render_counts(self, record: ImportJob):
        if not record.checked_at and not record.imported_at:
            return "—"
        return f"{record.rows_new} / {record.rows_updated} / {record.rows_unchanged} / {record.rows_error}"

    def render_duration(self, record: ImportJob):
        return duration_text(record.duration_seconds) or "—"


class ImportRowTable(tables.Table):
    """The preview of a job's rows (``import_rows``): the outcome, every error of the row as the
    sentence the clerk acts on, and for an update the fields that change."""

    row_number = tables.Column(verbose_name=_("Row"), orderable=False)
    personal_id = tables.Column(verbose_name=_("Personal identification number"), orderable=False, default="—")
    outcome = tables.Column(verbose_name=_("Outcome"), orderable=False)
    errors = tables.Column(verbose_name=_("Errors"), orderable=False, empty_values=())
    changes = tables.Column(verbose_name=_("Fields that change"), orderable=False, empty_values=())

    class Meta:
        model = ImportRow
        fields = ("row_number", "personal_id", "outcome", "errors", "changes")
        attrs = {"class": "listing imports-rows", "id": "import-rows"}
        template_name = "django_tables2/table.html"
        empty_text = _("No row has this outcome.")
        orderable = False

    def render_outcome(self, record: ImportRow):
        return badge(record.get_outcome_display(), OUTCOME_CLASSES.get(record.outcome, ""))

    def render_errors(self, record: ImportRow):
        if not record.errors:
            return ""
        items = ((error.get("message", ""),) for error in record.errors)
        return format_html('<ul class="imports-errors">{}</ul>', format_html_join("", "<li>{}</li>", items))

    def render_changes(self, record: ImportRow):
        return ", ".join(str(change) for change in record.changes if change)
