"""Upload, the import history and one job's screens (progress, actions, files)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages

from imports.choices import ACTIVE_STATUSES, ImportMode, ImportStatus, RowOutcome
from imports.exports.xlsx import XLSX_CONTENT_TYPE
from imports.forms import ImportUploadForm
from imports.models import ImportJob
from imports.selectors import (
    access_import_job,
    can_use_imports,
    duration_text,
    import_job_list,
    import_job_progress,
    import_rows,
)
from imports.services.jobs import import_job_cancel
from imports.services.jobs_queue import import_job_enqueue, import_job_start
from imports.specs import target_title, targets
from imports.tables import ImportJobTable, ImportRowTable
from imports.views.common import ImportsMixin, can_export, can_upload
from portal import scoping
from portal.views import apply_service_errors, forbidden, paginate

ROWS_PER_PAGE = 100
RECHECK_STATUSES = (ImportStatus.CHECKED, ImportStatus.FAILED, ImportStatus.CANCELLED)


# -- upload and history ------------------------------------------------------------------------------


class UploadView(ImportsMixin, FormView):
    """GET the form; POST stores the file, creates the job and queues its check (→ the job's page)."""

    template_name = "imports/upload.html"
    page_title = _("Import data")
    header_icon = "upload"
    form_class = ImportUploadForm
    check = staticmethod(can_upload)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            targets=targets(),
            history_url=reverse("imports_jobs:history"),
            mappings_url=reverse("imports_mappings:index"),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        upload = data["file"]
        try:
            job = import_job_start(
                actor=self.request.user,
                target=data["target"],
                unit=data["unit"],
                filename=upload.name,
                content=upload.read(),
                mapping=data.get("mapping"),
                mode=data["mode"],
                publish=data.get("publish", False),
                sheet=data.get("sheet", ""),
            )
        except PermissionDenied as exc:
            return forbidden(self.request, str(exc))
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("The file is being checked; nothing is written until you choose to import it."),
        )
        return redirect("imports_jobs:job", pk=job.pk)


class HistoryView(ImportsMixin, TemplateView):
    template_name = "imports/history.html"
    page_title = _("Import history")
    header_icon = "history"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, import_job_list(user=self.request.user))
        context.update(
            table=ImportJobTable(page.object_list),
            page=page,
            upload_url=reverse("imports_jobs:upload") if can_upload(self.request.user) else "",
            export_url=reverse("imports_exports:export") if can_export(self.request.user) else "",
        )
        return context


# -- one job -------------------------------------------------------------------------------------------


class JobMixin(ImportsMixin):
    """One job, after the permission check, through ``access_import_job`` (404 out of scope)."""

    action = scoping.VIEW

    def has_permission(self) -> bool:
        return can_use_imports(self.request.user, self.action)

    def load_objects(self) -> None:
        self.job = access_import_job(user=self.request.user, pk=self.kwargs["pk"], action=self.action)

    def job_url(self) -> str:
        return reverse("imports_jobs:job", args=[self.job.pk])


class JobView(JobMixin, TemplateView):
    template_name = "imports/job.html"
    page_title = _("Import")

    def get_page_subtitle(self):
        return gettext("Import no. %(number)s") % {"number": self.job.pk}

    def get_breadcrumbs_items(self):
        return self.imports_breadcrumbs({"url": None, "label": self.get_page_subtitle()})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job, user = self.job, self.request.user
        drives = scoping.restrict(user, scoping.CHANGE, ImportJob.objects.filter(pk=job.pk)).exists()
        may_import = drives and scoping.unit_in_scope(
            job.unit, scoping.managed_units(user, scoping.CHANGE, model_label="records.dossier")
        )
        outcome = self.request.GET.get("outcome", "")
        outcome = outcome if outcome in RowOutcome.values else ""
        has_rows = job.status in (ImportStatus.CHECKED, ImportStatus.FAILED, ImportStatus.DONE)
        page = paginate(self.request, import_rows(job=job, outcome=outcome or None), per_page=ROWS_PER_PAGE)
        blocked = job.mode == ImportMode.ALL and job.rows_error > 0
        context.update(
            job=job,
            target=target_title(job.target),
            progress=import_job_progress(job=job),
            active=job.status in ACTIVE_STATUSES,
            has_rows=has_rows,
            table=ImportRowTable(page.object_list) if has_rows else None,
            page=page,
            outcome=outcome,
            outcomes=[
                ("", _("All rows"), job.rows_total),
                (RowOutcome.NEW, RowOutcome.NEW.label, job.rows_new),
                (RowOutcome.UPDATE, RowOutcome.UPDATE.label, job.rows_updated),
                (RowOutcome.UNCHANGED, RowOutcome.UNCHANGED.label, job.rows_unchanged),
                (RowOutcome.ERROR, RowOutcome.ERROR.label, job.rows_error),
            ],
            can_cancel=drives and job.status in ACTIVE_STATUSES,
            can_recheck=may_import and job.status in RECHECK_STATUSES,
            show_import=may_import and job.status == ImportStatus.CHECKED,
            import_blocked=blocked,
            has_error_file=bool(job.error_file),
            duration_text=duration_text(job.duration_seconds),
        )
        return context


class ProgressView(JobMixin, View):
    """GET: what the job's page polls (``import_job_progress``), as JSON; 403 and 404 as JSON too."""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return JsonResponse({"errors": [gettext("You do not have permission to do this.")]}, status=403)
        try:
            self.load_objects()
        except Http404:
            return JsonResponse({"errors": [gettext("This import does not exist.")]}, status=404)
        return View.dispatch(self, request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        response = JsonResponse(import_job_progress(job=self.job))
        response["Cache-Control"] = "no-store"
        return response


class JobActionView(JobMixin, View):
    """A POST on one job: the service's refusals become an error message on the job's page."""

    http_method_names = ["post"]
    action = scoping.CHANGE
    failure = _("Nothing was done:")

    def post(self, request, *args, **kwargs):
        try:
            text = self.perform()
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join([str(self.failure), *exc.messages]))
            return redirect(self.job_url())
        messages.success(request, text)
        return redirect(self.job_url())

    def perform(self) -> str:
        raise NotImplementedError


class CommitView(JobActionView):
    """POST: queue the import of a checked job."""

    failure = _("The import was not started:")

    def perform(self) -> str:
        import_job_enqueue(job=self.job, commit=True, actor=self.request.user)
        return gettext("The import is queued; this page shows its progress.")


class RecheckView(JobActionView):
    """POST: queue another check of the job's file (after a cancel, or once the data has changed)."""

    failure = _("The check was not started:")

    def perform(self) -> str:
        import_job_enqueue(job=self.job, commit=False, actor=self.request.user)
        return gettext("The file is queued to be checked again; nothing is written.")


class CancelView(JobActionView):
    """POST: stop a queued or running job (it writes nothing)."""

    failure = _("The import was not cancelled:")

    def perform(self) -> str:
        job = import_job_cancel(job=self.job, actor=self.request.user)
        if job.status == ImportStatus.CANCELLED:
            return gettext("Cancelled; nothing written.")
        return gettext("The import is stopping; nothing of it will be written.")


def stored_file(path: str, filename: str, content_type: str = "application/octet-stream") -> FileResponse:
    """A file of the private storage as a download; 404 when it is not there."""
    if not path or not default_storage.exists(path):
        raise Http404
    response = FileResponse(
        default_storage.open(path, "rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


class ErrorFileView(JobMixin, View):
    """The error workbook of the last run: the failed rows as uploaded, with their errors."""

    def get(self, request, *args, **kwargs):
        stem = self.job.filename.rsplit(".", 1)[0] or "tep"
        return stored_file(self.job.error_file, f"{stem}-loi.xlsx", XLSX_CONTENT_TYPE)


class OriginalFileView(JobMixin, View):
    """The file as it was uploaded."""

    def get(self, request, *args, **kwargs):
        return stored_file(self.job.file, self.job.filename)
