"""xlsx export of a catalogue and import (dry run first, then apply the same file)."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView
from wagtail.admin import messages

from portal.forms import CatalogueImportForm
from portal.models import CatalogueKind
from portal.views import apply_service_errors
from portal.views.catalogues.common import VIEW_PERMS, KindObjectMixin, catalogue_permissions

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_SESSION_KEY = "portal_catalogue_imports"
UPLOAD_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
UPLOAD_MAX_AGE = 24 * 3600


class KindExportView(KindObjectMixin, View):
    permissions = VIEW_PERMS

    def get(self, request, *args, **kwargs):
        from portal.services.catalogue_io.export import catalogue_export_xlsx

        response = HttpResponse(catalogue_export_xlsx(kind=self.kind), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.kind.code}.xlsx"'
        return response


def _upload_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "uploads" / "catalogue-import"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _store_upload(request, kind: CatalogueKind, content: bytes, filename: str) -> str:
    """Keep an uploaded workbook under ``VAR_DIR/uploads`` for "apply" after a dry run.

    The token is random and remembered in the session, so only the person who
    uploaded the file can apply it, and only to the same catalogue.
    """
    directory = _upload_dir()
    cutoff = time.time() - UPLOAD_MAX_AGE
    for old in directory.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (directory / f"{token}.xlsx").write_bytes(content)
    uploads = request.session.get(UPLOAD_SESSION_KEY, {})
    uploads[token] = {"kind": kind.pk, "name": filename}
    request.session[UPLOAD_SESSION_KEY] = uploads
    return token


def _load_upload(request, kind: CatalogueKind, token: str) -> bytes | None:
    if not UPLOAD_TOKEN_RE.match(token or ""):
        return None
    info = request.session.get(UPLOAD_SESSION_KEY, {}).get(token)
    if not info or info.get("kind") != kind.pk:
        return None
    file = _upload_dir() / f"{token}.xlsx"
    return file.read_bytes() if file.exists() else None


def _discard_upload(request, token: str) -> None:
    uploads = request.session.get(UPLOAD_SESSION_KEY, {})
    if uploads.pop(token, None) is not None:
        request.session[UPLOAD_SESSION_KEY] = uploads
    if UPLOAD_TOKEN_RE.match(token or ""):
        (_upload_dir() / f"{token}.xlsx").unlink(missing_ok=True)


class KindImportView(KindObjectMixin, FormView):
    """Upload a workbook; check it (dry run, the default) or import it; apply a checked file."""

    template_name = "portal/catalogues/import.html"
    form_class = CatalogueImportForm
    page_title = _("Import xlsx")

    def has_permission(self):
        return catalogue_permissions(self.request.user)["can_import"]

    def get_page_subtitle(self):
        return self.kind.name

    def get_breadcrumbs_items(self):
        return self.catalogue_breadcrumbs(self.kind, {"url": None, "label": self.page_title})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kind,
            action_url=reverse("portal_catalogues:import", args=[self.kind.pk]),
            apply_url=reverse("portal_catalogues:import_apply", args=[self.kind.pk]),
            cancel_url=self.kind_url(),
            media=context["form"].media,
        )
        return context

    def run(self, content: bytes, *, dry_run: bool):
        from portal.services.catalogue_io.importing import catalogue_import_xlsx

        return catalogue_import_xlsx(kind=self.kind, content=content, actor=self.request.user, dry_run=dry_run)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data.get("dry_run", False)
        content = upload.read()
        try:
            result = self.run(content, dry_run=dry_run)
        except ValidationError as exc:
            apply_service_errors(form, exc, field_map={"content": "file"})
            return self.form_invalid(form)
        if not dry_run and result.ok:
            return self.finished(result)
        token = _store_upload(self.request, self.kind, content, upload.name) if dry_run and result.ok else ""
        if result.ok:
            messages.success(self.request, _("The file has no errors. Nothing was written yet."))
        else:
            messages.error(self.request, _("The file has errors; nothing was written."))
        return self.render_to_response(
            self.get_context_data(form=form, result=result, dry_run=dry_run, token=token, filename=upload.name)
        )

    def finished(self, result):
        messages.success(
            self.request,
            gettext("Import finished: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect(self.kind_url())


class KindImportApplyView(KindImportView):
    """Apply a file that passed the dry run, read back from the upload store."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        token = request.POST.get("token", "")
        content = _load_upload(request, self.kind, token)
        if content is None:
            messages.error(request, _("The checked file is no longer available; upload it again."))
            return redirect("portal_catalogues:import", self.kind.pk)
        try:
            result = self.run(content, dry_run=False)
        except ValidationError as exc:
            _discard_upload(request, token)
            messages.error(request, " ".join(exc.messages))
            return redirect("portal_catalogues:import", self.kind.pk)
        _discard_upload(request, token)
        if result.ok:
            return self.finished(result)
        messages.error(request, _("The file has errors; nothing was written."))
        return self.render_to_response(
            self.get_context_data(form=self.get_form_class()(), result=result, dry_run=False, token="")
        )
