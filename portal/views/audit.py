"""Admin screens of the audit trail: one object's history, and the system administrators' log
with csv/xlsx export. Read-only: nothing here (or anywhere) edits or deletes an audit entry.

Object history answers 404 when the object is missing or out of the viewer's scope;
the log answers 404 to anyone but a system administrator.
"""

from __future__ import annotations

import csv
import tempfile

from django import forms
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal.choices import FieldTarget
from portal.models import (
    ApprovalRule,
    ApprovalWindowOverride,
    ApprovalWindowPolicy,
    CatalogueEntry,
    CatalogueKind,
    FieldDefinition,
    Grant,
    SecurityPolicy,
    Unit,
    User,
)
from portal.scoping import access, is_system_admin
from portal.selectors_approvals.delegations import delegation_list
from portal.selectors_audit import (
    AuditFilters,
    action_choices,
    audit_log,
    event_row,
    model_choices,
    object_events,
)
from portal.services.fields.access import hidden_custom_keys
from portal.views import paginate
from portal.views.catalogues.common import can_view_catalogues
from portal.views.units.common import can_view_units

# History keys of the system administrators' configuration: anyone else is told it does not exist.
SYSTEM_ADMIN_MODELS = {
    "field": FieldDefinition,
    "security-policy": SecurityPolicy,
    "approval-rule": ApprovalRule,
    "approval-window": ApprovalWindowPolicy,
    "approval-override": ApprovalWindowOverride,
}
# History keys of the objects that carry custom fields, with their field-catalogue target.
CUSTOM_FIELD_TARGETS = {"unit": FieldTarget.UNIT}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMATS = ["%d/%m/%Y"]


def _history_object(user, key: str, pk: int):
    """The object whose history is asked for, if ``user`` may see it; ``Http404`` otherwise.

    Units, accounts and grants go through ``portal.scoping.access``. Catalogues declare
    no scope (they are configuration read by everyone in the admin): the catalogue view
    permission decides. Custom-field definitions and the security policy are the system
    administrators' configuration, and so are the approval rules, the approval window and its
    overrides: anyone else gets 404. A delegation is seen by those ``delegation_list`` shows it to.
    """
    if key == "unit":
        if not can_view_units(user):
            raise Http404
        return access(user=user, queryset=Unit.objects.all(), pk=pk)
    if key == "user":
        return access(user=user, queryset=User.objects.all(), pk=pk)
    if key == "grant":
        return access(user=user, queryset=Grant.objects.select_related("user", "unit"), pk=pk)
    if key in ("catalogue-kind", "catalogue-entry"):
        if not can_view_catalogues(user):
            raise Http404
        model = CatalogueKind if key == "catalogue-kind" else CatalogueEntry
        return get_object_or_404(model, pk=pk)
    if key in SYSTEM_ADMIN_MODELS:
        if not is_system_admin(user):
            raise Http404
        return get_object_or_404(SYSTEM_ADMIN_MODELS[key], pk=pk)
    if key == "approval-delegation":
        return get_object_or_404(delegation_list(user=user), pk=pk)
    raise Http404


def _object_url(key: str, obj) -> str | None:
    if key == "unit":
        return reverse("portal_units:detail", args=[obj.pk])
    if key == "user":
        return reverse("portal_accounts:detail", args=[obj.pk])
    if key == "grant":
        return reverse("portal_accounts:detail", args=[obj.user_id])
    if key == "catalogue-kind":
        return reverse("portal_catalogues:kind", args=[obj.pk])
    if key == "catalogue-entry":
        return reverse("portal_catalogues:entry_edit", args=[obj.kind_id, obj.pk])
    if key == "field":
        return reverse("portal_fields:edit", args=[obj.pk])
    if key == "security-policy":
        return reverse("wagtailsettings:edit", args=["portal", "securitypolicy", obj.pk])
    if key == "approval-rule":
        return reverse("portal_approvals:rule_edit", args=[obj.pk])
    if key == "approval-delegation":
        return reverse("portal_approvals:delegations")
    if key in ("approval-window", "approval-override"):
        return reverse("portal_approvals:window")
    return None


class ObjectHistoryView(WagtailAdminTemplateMixin, TemplateView):
    """Every create, change and delete of one object, newest first, with who and from where."""

    template_name = "portal/audit/history.html"
    header_icon = "history"
    page_title = _("Change history")

    def dispatch(self, request, *args, **kwargs):
        self.obj = _history_object(request.user, kwargs["key"], kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.obj)

    def hidden_custom(self) -> set[str]:
        """Secret custom-field values the viewer may not read are left out of the diffs."""
        target = CUSTOM_FIELD_TARGETS.get(self.kwargs["key"])
        return hidden_custom_keys(target=target, user=self.request.user) if target else set()

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items]
        url = _object_url(self.kwargs["key"], self.obj)
        if url:
            items.append({"url": url, "label": str(self.obj)})
        return [*items, {"url": None, "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, object_events(obj=self.obj))
        hidden = self.hidden_custom()
        context.update(
            object=self.obj,
            object_url=_object_url(self.kwargs["key"], self.obj),
            page=page,
            rows=[event_row(event, hidden_custom=hidden) for event in page.object_list],
        )
        return context


class AuditLogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    model = forms.ChoiceField(label=_("Object type"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From date"), required=False, input_formats=DATE_FORMATS)
    date_to = forms.DateField(label=_("To date"), required=False, input_formats=DATE_FORMATS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", gettext("All"))]
        self.fields["model"].choices = [*everything, *model_choices()]
        self.fields["action"].choices = [*everything, *action_choices()]
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs["placeholder"] = "dd/mm/yyyy"

    def filters(self) -> AuditFilters:
        """The filters of a valid form; an invalid form filters nothing it could not read."""
        data = self.cleaned_data if self.is_valid() else {}
        return AuditFilters(
            q=(data.get("q") or "").strip(),
            model=data.get("model") or "",
            action=data.get("action") or "",
            username=(data.get("user") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class SystemAdminMixin:
    """The log exists only for system administrators: 404 for everyone else."""

    def dispatch(self, request, *args, **kwargs):
        if not is_system_admin(request.user):
            raise Http404
        self.form = AuditLogFilterForm(request.GET or None)
        self.log = audit_log(user=request.user, filters=self.form.filters() if request.GET else AuditFilters())
        return super().dispatch(request, *args, **kwargs)


class AuditLogView(SystemAdminMixin, WagtailAdminTemplateMixin, TemplateView):
    """The searchable log of every audited write and sign-in event."""

    template_name = "portal/audit/log.html"
    header_icon = "history"
    page_title = _("Audit log")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": None, "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, self.log)
        query = self.request.GET.urlencode()
        context.update(
            form=self.form,
            page=page,
            rows=page.object_list,
            csv_url=f"{reverse('portal_audit:export', args=['csv'])}?{query}",
            xlsx_url=f"{reverse('portal_audit:export', args=['xlsx'])}?{query}",
        )
        return context


def export_headers() -> list[str]:
    return [
        gettext("Time"),
        gettext("Object type"),
        gettext("Object id"),
        gettext("Object"),
        gettext("Action"),
        gettext("Performed by"),
        gettext("IP address"),
        gettext("Request id"),
        gettext("Address or command"),
        gettext("Changes"),
    ]


def safe_cell(value) -> str:
    """Text for a spreadsheet cell that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_cells(row) -> list[str]:
    return [
        safe_cell(value)
        for value in (
            timezone.localtime(row.time).strftime("%d/%m/%Y %H:%M:%S"),
            row.model_label,
            row.object_id,
            row.object_label,
            row.action_label,
            row.who,
            row.ip,
            row.request_id,
            row.where,
            row.changes_text(),
        )
    ]


class _Echo:
    def write(self, value):
        return value


class AuditExportView(SystemAdminMixin, View):
    """The filtered log as csv (streamed row by row) or xlsx (written in constant memory, then streamed)."""

    def get(self, request, *args, **kwargs):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        if kwargs["fmt"] == "csv":
            writer = csv.writer(_Echo())

            def lines():
                yield "\ufeff"  # lets Excel read the file as UTF-8
                yield writer.writerow(export_headers())
                for row in self.log:
                    yield writer.writerow(export_cells(row))

            response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.csv"'
            return response
        if kwargs["fmt"] == "xlsx":
            return FileResponse(
                self._xlsx(), as_attachment=True, filename=f"nhat-ky-{stamp}.xlsx", content_type=XLSX_CONTENT_TYPE
            )
        raise Http404

    def _xlsx(self):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(gettext("Audit log")[:31])
        sheet.append(export_headers())
        for row in self.log:
            sheet.append(export_cells(row))
        output = tempfile.TemporaryFile()
        workbook.save(output)
        output.seek(0)
        return output


def audit_urls():
    return [
        path("", AuditLogView.as_view(), name="log"),
        path("export/<slug:fmt>/", AuditExportView.as_view(), name="export"),
        path("<slug:key>/<int:pk>/", ObjectHistoryView.as_view(), name="history"),
    ]


def urlpatterns():
    return [path("audit/", include((audit_urls(), "portal_audit"), namespace="portal_audit"))]
