"""Admin screens of the catalogues ("Danh mục"): kinds, entries, retire/reactivate/delete,
xlsx export and import (dry run first, then apply the same file).

Every write goes through ``portal.services.catalogues`` (or ``catalogue_io`` for
workbooks); their Vietnamese ``ValidationError`` messages are shown on the form
fields or as Wagtail messages.
"""

from __future__ import annotations

import datetime
import re
import secrets
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal.choices import AttributeType, Verification
from portal.forms import CatalogueEntryForm, CatalogueImportForm, CatalogueKindForm, EntryRetireForm
from portal.models import CatalogueEntry, CatalogueKind
from portal.selectors import catalogue_entries, catalogue_kinds
from portal.services.catalogues import (
    entry_create,
    entry_delete,
    entry_reactivate,
    entry_retire,
    entry_update,
    entry_usages,
    kind_save,
)
from portal.views import PermissionMixin, apply_service_errors, has_any_perm, paginate, safe_next_url

KIND_ADD = ("portal.add_cataloguekind",)
KIND_CHANGE = ("portal.change_cataloguekind",)
ENTRY_ADD = ("portal.add_catalogueentry",)
ENTRY_CHANGE = ("portal.change_catalogueentry",)
ENTRY_DELETE = ("portal.delete_catalogueentry",)
VIEW_PERMS = ("portal.view_cataloguekind", "portal.view_catalogueentry", *KIND_CHANGE, *ENTRY_CHANGE)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_SESSION_KEY = "portal_catalogue_imports"
UPLOAD_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
UPLOAD_MAX_AGE = 24 * 3600
VERIFICATION_LABELS = dict(Verification.choices)
VERIFICATION_CLASSES = {
    Verification.V2: "w-status--primary",
    Verification.V: "w-status--label",
    Verification.U: "portal-badge--unverified",
}


def can_view_catalogues(user) -> bool:
    return has_any_perm(user, *VIEW_PERMS)


def _permissions(user) -> dict[str, bool]:
    return {
        "can_add_kind": has_any_perm(user, *KIND_ADD),
        "can_change_kind": has_any_perm(user, *KIND_CHANGE),
        "can_add_entry": has_any_perm(user, *ENTRY_ADD),
        "can_change_entry": has_any_perm(user, *ENTRY_CHANGE),
        "can_delete_entry": has_any_perm(user, *ENTRY_DELETE),
        "can_import": has_any_perm(user, *ENTRY_ADD) and has_any_perm(user, *ENTRY_CHANGE),
    }


def _flag(request, name: str) -> bool:
    return request.GET.get(name) in {"1", "on", "true"}


# --- presentation of attribute values ---------------------------------------------------------


def _decimal_text(value) -> str:
    try:
        return formats.number_format(Decimal(str(value)), use_l10n=True)
    except InvalidOperation:
        return str(value)


def _entry_labels(kind: CatalogueKind) -> dict[str, dict[str, str]]:
    """{referenced kind: {code: label}} for the entry-typed attributes of ``kind`` (one query each)."""
    referenced = {spec["kind"] for spec in kind.attribute_schema or [] if spec.get("kind")}
    return {
        code: dict(catalogue_entries(kind=code, include_retired=True).values_list("code", "label"))
        for code in sorted(referenced)
    }


def attribute_text(spec: dict, value, *, entry_labels: dict[str, dict[str, str]]) -> str:
    """One stored attribute value as a clerk reads it."""
    kind = spec["type"]
    if kind == AttributeType.BOOLEAN:
        return str(_("Yes") if value else _("No"))
    if kind == AttributeType.DECIMAL:
        return _decimal_text(value)
    if kind == AttributeType.DECIMAL_LIST:
        return "; ".join(_decimal_text(item) for item in value) if isinstance(value, list) else str(value)
    if kind == AttributeType.DATE:
        try:
            return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if kind == AttributeType.INTEGER:
        return (
            formats.number_format(value, use_l10n=True, force_grouping=True) if isinstance(value, int) else str(value)
        )
    if kind == AttributeType.CHOICE:
        return dict(map(tuple, spec.get("choices") or [])).get(value, str(value))
    if kind in (AttributeType.ENTRY, AttributeType.ENTRY_LIST):
        labels = entry_labels.get(spec.get("kind"), {})
        codes = value if isinstance(value, list) else [value]
        return "; ".join(f"{code} – {labels[code]}" if code in labels else str(code) for code in codes)
    return str(value)


def attribute_rows(kind: CatalogueKind, entry: CatalogueEntry, *, entry_labels) -> list[tuple[str, str]]:
    rows = []
    for spec in kind.attribute_schema or []:
        value = (entry.attributes or {}).get(spec["key"])
        if value in (None, "", []):
            continue
        rows.append((spec.get("label") or spec["key"], attribute_text(spec, value, entry_labels=entry_labels)))
    return rows


def _entry_options(kind: CatalogueKind, entry: CatalogueEntry | None = None) -> dict[str, list[tuple[str, str]]]:
    """Options of the entry-typed attribute fields: entries in use, plus the current values."""
    options: dict[str, list[tuple[str, str]]] = {}
    current: dict[str, set[str]] = {}
    for spec in kind.attribute_schema or []:
        if spec.get("kind") and entry is not None:
            value = (entry.attributes or {}).get(spec["key"])
            current.setdefault(spec["kind"], set()).update(
                value if isinstance(value, list) else [value] if value else []
            )
    for code in sorted({spec["kind"] for spec in kind.attribute_schema or [] if spec.get("kind")}):
        rows = catalogue_entries(kind=code, include_retired=True).values_list("code", "label", "active")
        seen: set[str] = set()
        choices = []
        for entry_code, label, active in rows:
            if entry_code in seen or not (active or entry_code in current.get(code, set())):
                continue
            seen.add(entry_code)
            text = f"{entry_code} – {label}"
            choices.append((entry_code, text if active else gettext("%(label)s (retired)") % {"label": text}))
        options[code] = choices
    return options


# --- kinds -------------------------------------------------------------------------------------


class CatalogueMixin(WagtailAdminTemplateMixin):
    header_icon = "list-ul"

    def catalogue_breadcrumbs(self, kind: CatalogueKind | None = None, *extra: dict) -> list[dict]:
        items = [*self.breadcrumbs_items, {"url": reverse("portal_catalogues:index"), "label": _("Catalogues")}]
        if kind is not None:
            items.append({"url": reverse("portal_catalogues:kind", args=[kind.pk]), "label": kind.name})
        return [*items, *extra]


class KindIndexView(PermissionMixin, CatalogueMixin, TemplateView):
    permissions = VIEW_PERMS
    template_name = "portal/catalogues/index.html"
    page_title = _("Catalogues")

    def get_breadcrumbs_items(self):
        return self.catalogue_breadcrumbs()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(kinds=list(catalogue_kinds()), **_permissions(self.request.user))
        return context


class KindFormView(PermissionMixin, CatalogueMixin, FormView):
    """Create a catalogue (no ``pk``) or change one."""

    template_name = "portal/catalogues/kind_form.html"
    form_class = CatalogueKindForm

    def has_permission(self):
        return has_any_perm(self.request.user, *(KIND_CHANGE if "pk" in self.kwargs else KIND_ADD))

    def load_objects(self):
        self.kind = get_object_or_404(CatalogueKind, pk=self.kwargs["pk"]) if "pk" in self.kwargs else None

    def get_page_title(self):
        return _("Edit catalogue") if self.kind else _("New catalogue")

    def get_page_subtitle(self):
        return self.kind.name if self.kind else ""

    def get_breadcrumbs_items(self):
        return self.catalogue_breadcrumbs(self.kind, {"url": None, "label": self.get_page_title()})

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.kind}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kind,
            action_url=self.request.get_full_path(),
            submit_button_label=_("Save"),
            submit_button_active_label=_("Saving…"),
            media=context["form"].media,
            cancel_url=reverse("portal_catalogues:kind", args=[self.kind.pk])
            if self.kind
            else reverse("portal_catalogues:index"),
        )
        return context

    def form_valid(self, form):
        try:
            kind = kind_save(values=form.values(), instance=self.kind, actor=self.request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Catalogue '%(name)s' was saved.") % {"name": kind.name})
        return redirect("portal_catalogues:kind", kind.pk)

    def form_invalid(self, form):
        messages.error(self.request, _("The catalogue was not saved; correct the errors below."))
        return super().form_invalid(form)


# --- entries -----------------------------------------------------------------------------------


class KindObjectMixin(PermissionMixin, CatalogueMixin):
    def load_objects(self):
        self.kind = get_object_or_404(CatalogueKind, pk=self.kwargs["kind_id"])
        if "pk" in self.kwargs:
            self.entry = get_object_or_404(
                catalogue_entries(kind=self.kind, include_retired=True), pk=self.kwargs["pk"]
            )

    def kind_url(self) -> str:
        return reverse("portal_catalogues:kind", args=[self.kind.pk])


class KindDetailView(KindObjectMixin, TemplateView):
    """The entries of one catalogue: search, retired toggle, paginated table."""

    permissions = VIEW_PERMS
    template_name = "portal/catalogues/kind.html"

    def load_objects(self):
        self.kind = get_object_or_404(catalogue_kinds(), pk=self.kwargs["kind_id"])

    def get_page_title(self):
        return self.kind.name

    def get_breadcrumbs_items(self):
        return self.catalogue_breadcrumbs(self.kind)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        show_retired = _flag(self.request, "retired")
        page = paginate(self.request, catalogue_entries(kind=self.kind, include_retired=show_retired, search=query))
        labels = _entry_labels(self.kind)
        rows = [
            {
                "entry": entry,
                "attributes": attribute_rows(self.kind, entry, entry_labels=labels),
                "verification_class": VERIFICATION_CLASSES.get(entry.verification, ""),
                "verification_label": VERIFICATION_LABELS.get(entry.verification, ""),
            }
            for entry in page.object_list
        ]
        context.update(
            kind=self.kind,
            query=query,
            show_retired=show_retired,
            page=page,
            rows=rows,
            has_attributes=bool(self.kind.attribute_schema),
            **_permissions(self.request.user),
        )
        return context


class EntryFormView(KindObjectMixin, FormView):
    """Add an entry (no ``pk``) or change one."""

    template_name = "portal/catalogues/entry_form.html"
    form_class = CatalogueEntryForm

    def has_permission(self):
        return has_any_perm(self.request.user, *(ENTRY_CHANGE if "pk" in self.kwargs else ENTRY_ADD))

    def load_objects(self):
        self.entry = None
        super().load_objects()

    def get_page_title(self):
        return _("Edit entry") if self.entry else _("Add entry")

    def get_page_subtitle(self):
        return str(self.entry) if self.entry else self.kind.name

    def get_breadcrumbs_items(self):
        return self.catalogue_breadcrumbs(self.kind, {"url": None, "label": self.get_page_title()})

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "kind": self.kind,
            "entry": self.entry,
            "entry_options": _entry_options(self.kind, self.entry),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kind,
            entry=self.entry,
            action_url=self.request.get_full_path(),
            submit_button_label=_("Save"),
            submit_button_active_label=_("Saving…"),
            media=context["form"].media,
            cancel_url=self.kind_url(),
            retire_form=EntryRetireForm() if self.entry and self.entry.active else None,
            **_permissions(self.request.user),
        )
        return context

    def form_valid(self, form):
        try:
            if self.entry is None:
                entry = entry_create(kind=self.kind, values=form.values(), actor=self.request.user)
            else:
                entry = entry_update(entry=self.entry, values=form.values(), actor=self.request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Entry '%(entry)s' was saved.") % {"entry": entry})
        return redirect(self.kind_url())

    def form_invalid(self, form):
        messages.error(self.request, _("The entry was not saved; correct the errors below."))
        return super().form_invalid(form)


class EntryRetireView(KindObjectMixin, View):
    permissions = ENTRY_CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = EntryRetireForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(safe_next_url(request, self.kind_url()))
        try:
            entry = entry_retire(entry=self.entry, retired_on=form.cleaned_data.get("retired_on"), actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, gettext("Entry '%(entry)s' is no longer in use.") % {"entry": entry})
        return redirect(safe_next_url(request, self.kind_url()))


class EntryReactivateView(KindObjectMixin, View):
    permissions = ENTRY_CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            entry = entry_reactivate(entry=self.entry, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, gettext("Entry '%(entry)s' is in use again.") % {"entry": entry})
        return redirect(safe_next_url(request, self.kind_url()))


class EntryDeleteView(KindObjectMixin, TemplateView):
    """Confirm, then delete an entry nothing uses; an entry in use is refused and kept."""

    permissions = ENTRY_DELETE
    template_name = "portal/catalogues/entry_delete.html"
    page_title = _("Delete entry")

    def get_page_subtitle(self):
        return str(self.entry)

    def get_breadcrumbs_items(self):
        return self.catalogue_breadcrumbs(self.kind, {"url": None, "label": self.page_title})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(kind=self.kind, entry=self.entry, usages=entry_usages(self.entry), cancel_url=self.kind_url())
        return context

    def post(self, request, *args, **kwargs):
        label = str(self.entry)
        try:
            entry_delete(entry=self.entry, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("portal_catalogues:entry_edit", self.kind.pk, self.entry.pk)
        messages.success(request, gettext("Entry '%(entry)s' was deleted.") % {"entry": label})
        return redirect(self.kind_url())


# --- xlsx --------------------------------------------------------------------------------------


class KindExportView(KindObjectMixin, View):
    permissions = VIEW_PERMS

    def get(self, request, *args, **kwargs):
        from portal.services.catalogue_io import catalogue_export_xlsx

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
        return _permissions(self.request.user)["can_import"]

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
        from portal.services.catalogue_io import catalogue_import_xlsx

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


def catalogue_urls():
    return [
        path("", KindIndexView.as_view(), name="index"),
        path("new/", KindFormView.as_view(), name="kind_add"),
        path("<int:kind_id>/", KindDetailView.as_view(), name="kind"),
        path("<int:pk>/edit/", KindFormView.as_view(), name="kind_edit"),
        path("<int:kind_id>/export/", KindExportView.as_view(), name="export"),
        path("<int:kind_id>/import/", KindImportView.as_view(), name="import"),
        path("<int:kind_id>/import/apply/", KindImportApplyView.as_view(), name="import_apply"),
        path("<int:kind_id>/entries/add/", EntryFormView.as_view(), name="entry_add"),
        path("<int:kind_id>/entries/<int:pk>/", EntryFormView.as_view(), name="entry_edit"),
        path("<int:kind_id>/entries/<int:pk>/retire/", EntryRetireView.as_view(), name="entry_retire"),
        path("<int:kind_id>/entries/<int:pk>/reactivate/", EntryReactivateView.as_view(), name="entry_reactivate"),
        path("<int:kind_id>/entries/<int:pk>/delete/", EntryDeleteView.as_view(), name="entry_delete"),
    ]


def urlpatterns():
    return [path("catalogues/", include((catalogue_urls(), "portal_catalogues"), namespace="portal_catalogues"))]
