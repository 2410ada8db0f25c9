"""Entries of a catalogue: add, edit, retire, reactivate and delete."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages

from portal.forms import CatalogueEntryForm, EntryRetireForm
from portal.models import CatalogueEntry, CatalogueKind
from portal.selectors import catalogue_entries
from portal.services.catalogues import (
    entry_create,
    entry_delete,
    entry_reactivate,
    entry_retire,
    entry_update,
    entry_usages,
)
from portal.views import apply_service_errors, safe_next_url
from portal.views.catalogues.common import (
    ENTRY_ADD,
    ENTRY_CHANGE,
    ENTRY_DELETE,
    AddOrChangePermissionMixin,
    KindObjectMixin,
    catalogue_permissions,
)


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


class EntryFormView(AddOrChangePermissionMixin, KindObjectMixin, FormView):
    """Add an entry (no ``pk``) or change one."""

    template_name = "portal/catalogues/entry_form.html"
    form_class = CatalogueEntryForm
    add_permissions = ENTRY_ADD
    change_permissions = ENTRY_CHANGE

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
            **catalogue_permissions(self.request.user),
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


class EntryStatusView(KindObjectMixin, View):
    """A POST that takes an entry out of use or puts it back, then returns to ``next`` (or the catalogue)."""

    permissions = ENTRY_CHANGE
    http_method_names = ["post"]

    def back(self, request):
        return redirect(safe_next_url(request, self.kind_url()))

    def switch(self, request, service, success_message: str, **kwargs):
        """Run ``service`` on the entry; its ``ValidationError`` becomes an error message."""
        try:
            entry = service(entry=self.entry, actor=request.user, **kwargs)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, success_message % {"entry": entry})
        return self.back(request)


class EntryRetireView(EntryStatusView):
    def post(self, request, *args, **kwargs):
        form = EntryRetireForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return self.back(request)
        return self.switch(
            request,
            entry_retire,
            gettext("Entry '%(entry)s' is no longer in use."),
            retired_on=form.cleaned_data.get("retired_on"),
        )


class EntryReactivateView(EntryStatusView):
    def post(self, request, *args, **kwargs):
        return self.switch(request, entry_reactivate, gettext("Entry '%(entry)s' is in use again."))


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
