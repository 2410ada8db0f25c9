"""Admin screens of the field catalogue ("Trường tùy biến") and the custom columns of lists.

Definitions are configuration: only system administrators (``is_system_admin``)
see and change them here; every signed-in account reads them through the API.
Writes go through ``portal.services.fields``. The helpers at the end give lists
and xlsx exports their custom-field columns and filters (``?cf_<key>=``).
"""

from __future__ import annotations

import posixpath
import tempfile
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView
from openpyxl import Workbook
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal.choices import FieldTarget, FieldType
from portal.forms.fields import CUSTOM_PREFIX, FieldDefinitionForm
from portal.models import FieldDefinition
from portal.scoping import is_system_admin
from portal.services.fields.access import choice_labels, custom_field_text, field_definitions, readable_definitions
from portal.services.fields.definitions import (
    CHOICE_TYPES,
    field_definition_reactivate,
    field_definition_retire,
    field_definition_save,
)
from portal.services.fields.values import custom_field_filter
from portal.views import PermissionMixin, apply_service_errors

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def can_manage_fields(user) -> bool:
    return is_system_admin(user)


class FieldsMixin(PermissionMixin, WagtailAdminTemplateMixin):
    header_icon = "form"

    def has_permission(self) -> bool:
        return can_manage_fields(self.request.user)

    def fields_breadcrumbs(self, *extra: dict) -> list[dict]:
        return [*self.breadcrumbs_items, {"url": reverse("portal_fields:index"), "label": _("Custom fields")}, *extra]


class FieldIndexView(FieldsMixin, TemplateView):
    """The definitions of one target (``?target=unit|dossier``), retired ones included."""

    template_name = "portal/fields/index.html"
    page_title = _("Custom fields")

    def get_breadcrumbs_items(self):
        return self.fields_breadcrumbs()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = self.request.GET.get("target")
        if target not in FieldTarget.values:
            target = FieldTarget.UNIT
        context.update(
            target=target,
            targets=[(value, label) for value, label in FieldTarget.choices],
            definitions=list(field_definitions(target=target, include_retired=True)),
        )
        return context


class FieldFormView(FieldsMixin, FormView):
    """Create a definition (no ``pk``) or change one."""

    template_name = "portal/fields/form.html"
    form_class = FieldDefinitionForm

    def load_objects(self):
        self.definition = get_object_or_404(FieldDefinition, pk=self.kwargs["pk"]) if "pk" in self.kwargs else None

    def get_page_title(self):
        return _("Edit custom field") if self.definition else _("New custom field")

    def get_page_subtitle(self):
        return self.definition.label if self.definition else ""

    def get_breadcrumbs_items(self):
        return self.fields_breadcrumbs({"url": None, "label": self.get_page_title()})

    def get_initial(self):
        target = self.request.GET.get("target")
        return {"target": target} if target in FieldTarget.values else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "definition": self.definition}

    def index_url(self, target: str) -> str:
        return f"{reverse('portal_fields:index')}?target={target}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            definition=self.definition,
            action_url=self.request.get_full_path(),
            submit_button_label=_("Save"),
            submit_button_active_label=_("Saving…"),
            media=context["form"].media,
            cancel_url=self.index_url(self.definition.target if self.definition else FieldTarget.UNIT),
        )
        return context

    def form_valid(self, form):
        try:
            definition = field_definition_save(values=form.values(), instance=self.definition, actor=self.request.user)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Custom field '%(label)s' was saved.") % {"label": definition.label})
        return redirect(self.index_url(definition.target))

    def form_invalid(self, form):
        messages.error(self.request, _("The custom field was not saved; correct the errors below."))
        return super().form_invalid(form)


class FieldStatusView(FieldsMixin, View):
    """POST: retire (``retire``) or reactivate (``reactivate``) a definition."""

    http_method_names = ["post"]
    operation = "retire"

    def load_objects(self):
        self.definition = get_object_or_404(FieldDefinition, pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        try:
            if self.operation == "retire":
                definition = field_definition_retire(definition=self.definition, actor=request.user)
                message = gettext("Custom field '%(label)s' is no longer in use; stored values are kept.")
            else:
                definition = field_definition_reactivate(definition=self.definition, actor=request.user)
                message = gettext("Custom field '%(label)s' is in use again.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            definition = self.definition
        else:
            messages.success(request, message % {"label": definition.label})
        return redirect(f"{reverse('portal_fields:index')}?target={definition.target}")


def field_urls():
    return [
        path("", FieldIndexView.as_view(), name="index"),
        path("add/", FieldFormView.as_view(), name="add"),
        path("<int:pk>/", FieldFormView.as_view(), name="edit"),
        path("<int:pk>/retire/", FieldStatusView.as_view(operation="retire"), name="retire"),
        path("<int:pk>/reactivate/", FieldStatusView.as_view(operation="reactivate"), name="reactivate"),
    ]


def urlpatterns():
    return [path("custom-fields/", include((field_urls(), "portal_fields"), namespace="portal_fields"))]


# --- custom columns and filters of lists ---------------------------------------------------


def list_columns(*, target: str) -> list[FieldDefinition]:
    """Active definitions shown as list columns and filters, and exported: never 'secret' ones
    (state secrets are read one object at a time, by system administrators, through the API)."""
    return list(field_definitions(target=target, include_secret=False))


def apply_custom_filters(queryset, columns: Iterable[FieldDefinition], params) -> tuple:
    """Filter ``queryset`` by ``?cf_<key>=value``; return (queryset, filters, problems, labels).

    ``filters`` has one entry per column (definition, current value, options) for the
    template; a value that does not convert is left out and reported in ``problems``;
    ``labels`` are the catalogue labels of the choice columns (for ``custom_cells``).
    """
    filters, problems = [], []
    labels = choice_labels([d for d in columns if d.field_type in CHOICE_TYPES])
    for definition in columns:
        raw = (params.get(CUSTOM_PREFIX + definition.key) or "").strip()
        options = None
        if definition.field_type in CHOICE_TYPES:
            options = sorted(labels.get(definition.catalogue_id, {}).items(), key=lambda item: item[1])
        elif definition.field_type == FieldType.BOOLEAN:
            options = [("1", gettext("Yes")), ("0", gettext("No"))]
        if definition.field_type != FieldType.FILE:
            name = CUSTOM_PREFIX + definition.key
            filters.append({"definition": definition, "name": name, "value": raw, "options": options})
        if not raw:
            continue
        try:
            queryset = queryset.filter(custom_field_filter(definition, raw))
        except ValueError as exc:
            problems.append(
                gettext("Filter '%(label)s' was ignored: the value %(problem)s.")
                % {"label": definition.label, "problem": exc}
            )
    return queryset, filters, problems, labels


def custom_cells(obj, columns: list[FieldDefinition], labels: dict) -> list[str]:
    stored = obj.custom_fields or {}
    return [custom_field_text(definition, stored.get(definition.key), labels=labels) for definition in columns]


def custom_facts(obj, *, target: str, user, file_url) -> list[tuple[str, list[dict]]]:
    """[(section, [{label, text, url}])] of the custom values of one object that ``user`` may read
    (``readable_definitions``), for a detail page; ``file_url(key)`` links a stored file."""
    stored = obj.custom_fields or {}
    if not stored:
        return []  # nothing stored: no need to read the definitions
    definitions = [d for d in readable_definitions(target=target, user=user) if stored.get(d.key) not in (None, "", [])]
    labels = choice_labels(definitions)
    sections: dict[str, list[dict]] = {}
    for definition in definitions:
        value = stored[definition.key]
        url = file_url(definition.key) if definition.field_type == FieldType.FILE else None
        sections.setdefault(definition.section, []).append(
            {"label": definition.label, "text": custom_field_text(definition, value, labels=labels), "url": url}
        )
    return list(sections.items())


def custom_file_response(obj, *, target: str, user, key: str) -> FileResponse:
    """The stored file of custom field ``key`` of ``obj``, if ``user`` may read that field; 404 otherwise.
    The caller has already checked that ``user`` may see ``obj``."""
    definition = next(
        (d for d in readable_definitions(target=target, user=user, include_retired=True) if d.key == key), None
    )
    path = (obj.custom_fields or {}).get(key)
    if definition is None or definition.field_type != FieldType.FILE or not path or not default_storage.exists(path):
        raise Http404
    return FileResponse(default_storage.open(path, "rb"), as_attachment=True, filename=posixpath.basename(path))


def xlsx_safe(value):
    """A cell value that spreadsheet programs will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def xlsx_response(*, filename: str, title: str, headers: list[str], rows: Iterable[list]) -> FileResponse:
    """Write rows with openpyxl's write-only mode to a temporary file and stream it back."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([xlsx_safe(str(header)) for header in headers])
    for row in rows:
        sheet.append([xlsx_safe(value) for value in row])
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


__all__ = [
    "FORMULA_PREFIXES",
    "FieldFormView",
    "FieldIndexView",
    "FieldStatusView",
    "apply_custom_filters",
    "can_manage_fields",
    "custom_cells",
    "custom_facts",
    "custom_file_response",
    "list_columns",
    "urlpatterns",
    "xlsx_response",
    "xlsx_safe",
]
