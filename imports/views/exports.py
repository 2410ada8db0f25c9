"""The import templates and the export screen."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from imports.exports.responses import export_response
from imports.exports.xlsx import XLSX_CONTENT_TYPE
from imports.forms import APPROVED, ExportForm
from imports.specs import UnknownTarget, targets
from imports.template.workbook import template_workbook
from imports.views.common import ImportsMixin, can_export
from portal.views import apply_service_errors, forbidden
from portal.views.fields import apply_custom_filters, list_columns
from records.forms import LIST_FILTERS, DossierFilterForm, list_filters
from records.models import Dossier
from records.views.dossiers import filter_controls


class TemplateDownloadView(ImportsMixin, View):
    """The xlsx template of one target (``template_workbook``), in the page's language."""

    def get(self, request, *args, **kwargs):
        target = kwargs["target"]
        try:
            data = template_workbook(target=target)
        except UnknownTarget:
            raise Http404 from None
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="mau-nhap-{target}.xlsx"'
        return response


class ExportView(ImportsMixin, TemplateView):
    """GET the form; GET with ``fmt`` (one of the two buttons) streams the export, or shows the
    form's errors. The dossier list's filters in the query string narrow the export to that list:
    chosen on this page (the same controls as the list's, custom fields included), or carried by the
    list's "export in the import's columns" link (``export_list_link``); a filter that cannot be
    used stops the export with its reason rather than exporting more than the list showed."""

    template_name = "imports/export.html"
    page_title = _("Export data")
    header_icon = "download"
    check = staticmethod(can_export)

    def get(self, request, *args, **kwargs):
        try:
            self.list_filters, problems = list_filters(request.GET), []
        except ValidationError as exc:
            self.list_filters, problems = None, exc.messages
        if "fmt" not in request.GET:
            initial = {name: request.GET.get(name, "") for name in ("target", "unit", "period_from", "period_to")}
            form = ExportForm(user=request.user, initial=initial)
            return self.render_to_response(self.get_context_data(form=form, filter_problems=problems))
        form = ExportForm(request.GET, user=request.user)
        if form.is_valid() and not problems:
            data = form.cleaned_data
            try:
                return export_response(
                    user=request.user,
                    target=data["target"],
                    unit=data["unit"],
                    columns=data["columns"],
                    fmt=data["fmt"],
                    approved=data["content"] == APPROVED,
                    filters=self.list_filters.filters if self.list_filters.shown else None,
                    period=data["period"],
                )
            except PermissionDenied as exc:
                return forbidden(request, str(exc))
            except ValidationError as exc:
                apply_service_errors(form, exc)
        return self.render_to_response(self.get_context_data(form=form, filter_problems=problems))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = getattr(self, "list_filters", None)
        kept = {
            name: self.request.GET.get(name, "")
            for name in ("target", "unit", "period_from", "period_to")
            if self.request.GET.get(name)
        }
        controls, custom_filters = self._filter_controls()
        rendered = {control["name"] for control in controls} | {item["name"] for item in custom_filters}
        context.update(
            templates=targets(),
            list_filters=chosen if chosen is not None and chosen.shown else None,
            # Filters carried in that this page has no control for: passed on as they came.
            carried_filters=[pair for pair in (chosen.params if chosen else ()) if pair[0] not in rendered],
            filter_controls=controls,
            custom_filters=custom_filters,
            without_filters_url=f"{reverse('imports_exports:export')}?{urlencode(kept)}",
        )
        return context

    def _filter_controls(self) -> tuple[list[dict], list[dict]]:
        """The dossier list's filter controls (its unit aside: the export has its own), with the values
        in the query string: (built-in controls, custom-field controls)."""
        given = {name: self.request.GET[name] for name in LIST_FILTERS if self.request.GET.get(name)}
        form = DossierFilterForm(given or None)
        del form.fields["unit"]
        _none, custom_filters, _problems, _labels = apply_custom_filters(
            Dossier.objects.none(), list_columns(target="dossier"), self.request.GET
        )
        return filter_controls(form, []), custom_filters


def export_list_link(*, user, query: str) -> tuple[str, str] | None:
    """The link under the dossier list (``records.extensions.register_list_link``): this export, with the
    list's filters, for the accounts that may export."""
    if not can_export(user):
        return None
    url = reverse("imports_exports:export")
    return gettext("Export in the import template's columns (to correct and import again)"), (
        f"{url}?{query}" if query else url
    )
