"""Import jobs, their rows' outcomes, and saved column mappings.

An ``ImportJob`` is one uploaded file for one target (``imports.specs``), checked (a dry run
that writes no record) and then, on request, imported. It keeps what the history needs: who,
when, the file and its SHA-256, the mapping used, the mode, the counts, the duration, the
error workbook. Jobs are never deleted; the uploaded file and the error workbook live in the
private file storage (never under a public URL).

``ImportRow`` is the outcome of one row of the sheet in the last run (new, update, unchanged,
error), with its per-cell errors and, for an update, the fields that change: the preview
table and the error workbook read them.

``ColumnMapping`` is content: a named mapping from the headers of a province's own sheet to
the target's columns, chosen at upload time.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from imports.choices import ImportMode, ImportStatus, RowOutcome
from portal.scoping import ScopeSpec


class ColumnMapping(models.Model):
    """A saved mapping {header as written in the sheet: column key of the target}.

    Headers are compared folded (``imports.specs.header_key``); keys are those of
    ``imports.specs.import_spec(target).columns``. Written by ``imports.services.mappings``."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    target = models.CharField(_("target"), max_length=40)
    columns = models.JSONField(_("columns"), default=dict)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ["target", "name"]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """One file imported (or only checked) into one target, and what came of it.

    Invariants: ``file_sha256`` is the hash of the stored file; counts and ``status`` are
    written only by ``imports.services.jobs``; a job in ``ACTIVE_STATUSES`` has a run in
    progress (a second run is refused). Read through ``portal.scoping``: clerks see the jobs
    of their units' subtrees.
    """

    target = models.CharField(_("target"), max_length=40)
    unit = models.ForeignKey(
        "portal.Unit", on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("unit")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255)
    file = models.CharField(_("stored file"), max_length=300)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    mapping = models.ForeignKey(
        ColumnMapping,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("column mapping"),
    )
    # The columns as matched in this file: [{"index": 0, "header": "Số CCCD", "key": "personal_id"}, ...]
    columns_used = models.JSONField(_("columns matched"), default=list, blank=True)
    columns_ignored = models.JSONField(_("columns ignored"), default=list, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=ImportMode.choices, default=ImportMode.ALL)
    # The system administrator's initial migration may publish directly instead of waiting
    # for the head of unit's approval: a choice recorded here and in the versions' reason.
    publish = models.BooleanField(_("publish directly (initial migration)"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED, db_index=True
    )
    committed = models.BooleanField(_("import requested"), default=False)
    message = models.TextField(_("message"), blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    rows_new = models.PositiveIntegerField(_("new"), default=0)
    rows_updated = models.PositiveIntegerField(_("updates"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_error = models.PositiveIntegerField(_("rows with errors"), default=0)
    dossiers_written = models.PositiveIntegerField(_("dossiers written"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    error_file = models.CharField(_("error workbook"), max_length=300, blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)

    # By unit only: the account that started a job sees it through its grants like any other job
    # of its units (a job started from the command line has no account).
    scope = ScopeSpec(unit_path="unit__path")

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.target}, #{self.pk})"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class ImportRow(models.Model):
    """The outcome of one sheet row in the job's last run. ``errors``: [{"column": header,
    "message": Vietnamese sentence}]; ``changes``: the labels of the fields an update changes."""

    # No index of its own: ``import_row_outcome`` starts with the job (one index less to fill per row).
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows", db_index=False)
    row_number = models.PositiveIntegerField(_("row"))
    personal_id = models.CharField(_("personal identification number"), max_length=40, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=RowOutcome.choices)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)

    scope = ScopeSpec(unit_path="job__unit__path")

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["job_id", "row_number"]
        indexes = [models.Index(fields=["job", "outcome", "row_number"], name="import_row_outcome")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row_number}"
