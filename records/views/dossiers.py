"""The clerk's dossier list (filters, Vietnamese order, export) and one dossier's page."""

from __future__ import annotations

import csv
import io

from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal import scoping
from portal.views import paginate
from portal.views.fields import apply_custom_filters, custom_cells, list_columns, xlsx_response, xlsx_safe
from records import selectors
from records.choices import DossierStatus
from records.display import content_display
from records.extensions import dossier_links, list_links
from records.forms import DEFAULT_EXPORT, EXPORT_COLUMNS, CompareForm, DossierFilterForm
from records.models import DossierVersion, Evidence
from records.services.live_rows import content_of
from records.views.common import ListPermissionMixin, evidence_response, labels, unit_options, units_in_scope

DOSSIER_TARGET = "dossier"


def filtered_dossiers(request):
    """(form, dossiers, custom columns, custom filters, problems, choice labels) for the list and its export."""
    form = DossierFilterForm(request.GET or None, units=units_in_scope(request.user))
    columns = list_columns(target=DOSSIER_TARGET)
    dossiers = selectors.dossier_list(user=request.user, filters=form.filters(custom={}))
    dossiers, custom_filters, problems, choice_labels = apply_custom_filters(dossiers, columns, request.GET)
    return form, dossiers, columns, custom_filters, problems, choice_labels


def _filters_query(request) -> str:
    """The list's query string without its page and export columns: the filters, for a link that carries them."""
    query = request.GET.copy()
    for name in ("p", "columns"):
        query.pop(name, None)
    return query.urlencode()


def chosen_unit(form):
    return form.cleaned_data.get("unit") if form.is_bound and form.is_valid() else None


def _options_html(options) -> str:
    """``<option>`` markup of (value, label, selected) triples, every value and label escaped."""
    # Safe: every value and label is escaped just below.
    return mark_safe(
        "".join(
            f'<option value="{escape(value)}"{" selected" if selected else ""}>{escape(label)}</option>'
            for value, label, selected in options
        )
    )


def filter_controls(form, units: list) -> list[dict]:
    """The filter bar as plain data: {label, name, value, options: <option> markup or None}. The
    options are written here, not by a template loop (a province's filters have hundreds)."""
    controls = []
    for field in form:
        value = "" if field.value() is None else str(field.value())
        if field.name == "unit":
            options = [("", "—", False)] + [(str(pk), name, str(pk) == value) for pk, name in units]
        elif getattr(field.field, "choices", None):
            options = [(str(key), label, str(key) == value) for key, label in field.field.choices]
        else:
            options = None
        controls.append(
            {
                "label": field.label,
                "name": field.html_name,
                "value": value,
                "options": None if options is None else _options_html(options),
            }
        )
    return controls


# The columns the list shows (the rest of the wide row is not loaded).
LIST_COLUMNS = (
    "personal_id",
    "full_name",
    "birth_date",
    "grade",
    "status",
    "completeness",
    "name_sort_key",
    "unit__name",
    "custom_fields",
)


class DossierListView(ListPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """The clerk's list. Rows are rendered by a plain template loop (not django-tables2's per-cell
    machinery, which cost more than the queries at 50 rows: bench/RESULTS.md)."""

    template_name = "records/dossier_list.html"
    page_title = _("Dossiers")
    header_icon = "folder-open-inverse"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, dossiers, columns, custom_filters, problems, choice_labels = filtered_dossiers(self.request)
        page = paginate(self.request, dossiers.only(*LIST_COLUMNS))
        grades = form.labels["ngach_cdnn"]
        statuses = dict(DossierStatus.choices)
        detail_url = reverse("records_dossiers:detail", args=[0]).removesuffix("0/")
        rows = [
            {
                "dossier": dossier,
                "url": f"{detail_url}{dossier.pk}/",
                "status": statuses.get(dossier.status, dossier.status),
                "grade": grades.get(dossier.grade, dossier.grade),
                "custom": custom_cells(dossier, columns, choice_labels),
            }
            for dossier in page.object_list
        ]
        context.update(
            filters=filter_controls(form, unit_options(self.request.user, chosen_unit(form))),
            rows=rows,
            custom_columns=columns,
            page=page,
            custom_filters=custom_filters,
            problems=problems,
            export_columns=[(key, label, key in DEFAULT_EXPORT) for key, label in EXPORT_COLUMNS.items()],
            query=self.request.GET.urlencode(),
            list_links=list_links(user=self.request.user, query=_filters_query(self.request)),
        )
        return context


def _export_value(dossier, key: str, names: dict[str, dict[str, str]]):
    if key == "unit":
        return dossier.unit.name
    if key == "status":
        return dossier.get_status_display()
    value = getattr(dossier, key)
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if key in names:
        return names[key].get(value, value)
    if key == "salary_coefficient":
        return str(value).replace(".", ",")
    return value


class DossierExportView(ListPermissionMixin, View):
    """The filtered list with the chosen columns, as xlsx or csv (cells that a spreadsheet would
    run as a formula are prefixed with ')."""

    def get(self, request, fmt: str):
        if fmt not in ("xlsx", "csv"):
            raise Http404
        _form, dossiers, columns, _filters, _problems, choice_labels = filtered_dossiers(request)
        chosen = [key for key in request.GET.getlist("columns") if key in EXPORT_COLUMNS] or DEFAULT_EXPORT
        names = {
            "sex": labels("gioi_tinh"),
            "personnel_category": labels("loai_nhan_su"),
            "grade": labels("ngach_cdnn"),
            "highest_qualification": labels("trinh_do_chuyen_mon"),
            "ethnicity": labels("dan_toc"),
        }
        headers = [str(EXPORT_COLUMNS[key]) for key in chosen] + [definition.label for definition in columns]

        def rows():
            for dossier in dossiers.iterator(chunk_size=2000):
                yield [_export_value(dossier, key, names) for key in chosen] + custom_cells(
                    dossier, columns, choice_labels
                )

        if fmt == "xlsx":
            return xlsx_response(filename="ho-so.xlsx", title=gettext("Dossiers"), headers=headers, rows=rows())
        return StreamingHttpResponse(
            _csv_lines(headers, rows()),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="ho-so.csv"'},
        )


def _csv_lines(headers, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"  # Excel opens UTF-8 csv correctly only with the BOM
    for row in [headers, *rows]:
        writer.writerow([xlsx_safe(str(cell)) if cell is not None else "" for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


class DossierMixin(ListPermissionMixin, WagtailAdminTemplateMixin):
    header_icon = "folder-open-inverse"

    def dispatch(self, request, *args, **kwargs):
        # The screen's permission first (403 says nothing of the dossier), then the dossier (404).
        if request.user.is_authenticated and self.check(request.user):
            self.dossier = selectors.access_dossier(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.dossier.full_name} – {self.dossier.personal_id}"

    def same_dossier(self):
        return type(self.dossier).objects.filter(pk=self.dossier.pk)

    def dossier_breadcrumbs(self, *extra):
        items = [
            *self.breadcrumbs_items,
            {"url": reverse("records_dossiers:index"), "label": _("Dossiers")},
        ]
        if extra:
            items.append(
                {"url": reverse("records_dossiers:detail", args=[self.dossier.pk]), "label": self.dossier.full_name}
            )
            items.extend(extra)
        else:
            items.append({"url": None, "label": self.dossier.full_name})
        return items


class DossierDetailView(DossierMixin, TemplateView):
    """One dossier: status, completeness and what is missing, the sections of the approved version,
    pending versions, every version, the declarations and their evidence."""

    template_name = "records/dossier_detail.html"
    page_title = _("Dossier")

    def get_breadcrumbs_items(self):
        return self.dossier_breadcrumbs()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dossier = self.dossier
        versions = list(selectors.dossier_versions(dossier=dossier)[:50])
        declarations = list(
            selectors.declarations_of(user=self.request.user, dossier=dossier).prefetch_related("evidence")
        )
        content = selectors.content_for(user=self.request.user, content=content_of(dossier))
        context.update(
            dossier=dossier,
            sections=content_display(content),
            links=dossier_links(dossier=dossier, user=self.request.user),
            versions=versions,
            pending=[v for v in versions if v.status == "pending"],
            declarations=declarations,
            compare_form=CompareForm(initial={"base": dossier.live_version, "to": dossier.latest_version}),
            can_change=scoping.restrict(
                self.request.user, scoping.CHANGE, type(dossier).objects.filter(pk=dossier.pk)
            ).exists(),
        )
        return context


class DossierCompareView(DossierMixin, TemplateView):
    """Two versions side by side, section by section, children included."""

    template_name = "records/dossier_compare.html"
    page_title = _("Compare versions")

    def get_breadcrumbs_items(self):
        return self.dossier_breadcrumbs({"url": None, "label": self.page_title})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = CompareForm(self.request.GET or None)
        diffs = None
        if form.is_valid():
            try:
                diffs = selectors.version_compare(
                    user=self.request.user,
                    dossier=self.dossier,
                    base=form.cleaned_data["base"],
                    to=form.cleaned_data["to"],
                )
            except DossierVersion.DoesNotExist:
                raise Http404 from None
        context.update(dossier=self.dossier, form=form, diffs=diffs)
        return context


class EvidenceDownloadView(ListPermissionMixin, View):
    """An evidence file of a dossier the viewer may see (never served from a public URL)."""

    def get(self, request, pk: int, evidence_pk: int):
        dossier = selectors.access_dossier(user=request.user, pk=pk)
        return evidence_response(Evidence.objects.filter(dossier=dossier, pk=evidence_pk).first())
