"""The catalogue list, a catalogue's page (its entries with their attributes) and the catalogue form."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages

from portal.choices import AttributeType, Verification
from portal.forms import CatalogueKindForm
from portal.forms.common import decimal_text
from portal.models import CatalogueEntry, CatalogueKind
from portal.selectors import catalogue_entries, catalogue_kinds
from portal.services.catalogues import kind_save
from portal.views import PermissionMixin, apply_service_errors, paginate, query_flag
from portal.views.catalogues.common import (
    KIND_ADD,
    KIND_CHANGE,
    VIEW_PERMS,
    AddOrChangePermissionMixin,
    CatalogueMixin,
    KindObjectMixin,
    catalogue_permissions,
)

VERIFICATION_LABELS = dict(Verification.choices)
VERIFICATION_CLASSES = {
    Verification.V2: "w-status--primary",
    Verification.V: "w-status--label",
    Verification.U: "portal-badge--unverified",
}


# --- presentation of attribute values ---------------------------------------------------------


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
        return decimal_text(value)
    if kind == AttributeType.DECIMAL_LIST:
        return "; ".join(decimal_text(item) for item in value) if isinstance(value, list) else str(value)
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


# --- views -----------------------------------------------------------------------------------


class KindIndexView(PermissionMixin, CatalogueMixin, TemplateView):
    permissions = VIEW_PERMS
    template_name = "portal/catalogues/index.html"
    page_title = _("Catalogues")

    def get_breadcrumbs_items(self):
        return self.catalogue_breadcrumbs()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(kinds=list(catalogue_kinds()), **catalogue_permissions(self.request.user))
        return context


class KindFormView(AddOrChangePermissionMixin, PermissionMixin, CatalogueMixin, FormView):
    """Create a catalogue (no ``pk``) or change one."""

    template_name = "portal/catalogues/kind_form.html"
    form_class = CatalogueKindForm
    add_permissions = KIND_ADD
    change_permissions = KIND_CHANGE

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
        show_retired = query_flag(self.request, "retired")
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
            **catalogue_permissions(self.request.user),
        )
        return context
