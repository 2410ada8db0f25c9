"""One form page per tree operation; each calls one service of ``portal.services.units``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages

from portal.forms import (
    SPLIT_MAX_PARTS,
    SPLIT_MIN_PARTS,
    UnitDissolveForm,
    UnitForm,
    UnitMergeForm,
    UnitMoveForm,
    UnitSplitForm,
    split_part_formset,
)
from portal.scoping import CHANGE, is_system_admin, restrict
from portal.selectors import unit_list
from portal.services.units.editing import unit_create, unit_update
from portal.services.units.reorganising import unit_dissolve, unit_merge, unit_move
from portal.services.units.splitting import unit_split
from portal.views import PermissionMixin, apply_service_errors
from portal.views.units.common import CHANGE_PERMS, UnitTreeMixin

CHOOSER_LIMIT = 200


class UnitActionView(PermissionMixin, UnitTreeMixin, FormView):
    """A form page that runs one tree operation on ``self.unit``."""

    permissions = CHANGE_PERMS
    template_name = "portal/units/action.html"
    form_class = None
    action_label = ""
    submit_label = _("Save")
    field_map: dict[str, str] = {}
    chooser_field: str | None = None

    def load_objects(self):
        # Only units the account may change: out of scope answers 404 like a missing unit.
        self.unit = get_object_or_404(changeable_units(self.request.user), pk=self.kwargs["pk"])

    def get_page_title(self):
        return self.action_label

    def get_page_subtitle(self):
        return self.unit.name

    def get_breadcrumbs_items(self):
        return [*self.tree_breadcrumbs(self.unit), {"url": None, "label": self.action_label}]

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.chooser_field:
            query = self.request.GET.get("q", "").strip()
            options = unit_list(search=query) if query else unit_list()
            # Targets (new parent, merge target) must lie in the account's scope too.
            options = restrict(self.request.user, CHANGE, options)
            form.fields[self.chooser_field].show_options(options[:CHOOSER_LIMIT] if query else options)
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            unit=self.unit,
            action_label=self.action_label,
            submit_button_label=self.submit_label,
            submit_button_active_label=_("Saving…"),
            action_url=self.request.get_full_path(),
            media=form.media,
            chooser_field=form[self.chooser_field] if self.chooser_field else None,
            chooser_query=self.request.GET.get("q", ""),
            cancel_url=reverse("portal_units:detail", args=[self.unit.pk])
            if self.unit
            else reverse("portal_units:index"),
        )
        return context

    def perform(self, form):
        """Call the service; return (message, unit to show next)."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            message, target = self.perform(form)
        except ValidationError as exc:
            apply_service_errors(form, exc, field_map={**self.field_map, **getattr(form, "custom_field_map", {})})
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect("portal_units:detail", target.pk)

    def form_invalid(self, form, **context):
        """Re-render the form (with any ``context`` such as the split's formset) under an error message."""
        messages.error(self.request, _("Nothing was changed; correct the errors below."))
        return self.render_to_response(self.get_context_data(form=form, **context))


class UnitCreateView(UnitActionView):
    """Add a root unit (no ``pk``) or a sub-unit of ``pk``."""

    form_class = UnitForm
    submit_label = _("Create")

    def load_objects(self):
        self.unit = None
        if "pk" in self.kwargs:
            self.unit = get_object_or_404(changeable_units(self.request.user), pk=self.kwargs["pk"])
        elif not is_system_admin(self.request.user):
            raise PermissionDenied(_("Only the system administrator can add a root unit."))

    @property
    def action_label(self):
        return _("Add sub-unit") if self.unit else _("Add root unit")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_page_subtitle(self):
        return self.unit.name if self.unit else ""

    def perform(self, form):
        data = form.cleaned_data
        unit = unit_create(
            name=data.get("name") or "",
            unit_type=data.get("unit_type"),
            parent=self.unit,
            short_name=data.get("short_name") or "",
            code=data.get("code") or "",
            admin_area_code=data.get("admin_area_code") or "",
            established_on=data.get("established_on"),
            quotas=form.quotas(),
            decision=form.decision(),
            custom_fields=form.custom_field_values(),
            actor=self.request.user,
        )
        return gettext("Unit '%(name)s' was created.") % {"name": unit.name}, unit


class UnitEditView(UnitActionView):
    form_class = UnitForm
    action_label = _("Edit")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "unit": self.unit, "user": self.request.user}

    def perform(self, form):
        unit = unit_update(unit=self.unit, changes=form.changes(), decision=form.decision(), actor=self.request.user)
        return gettext("Unit '%(name)s' was saved.") % {"name": unit.name}, unit


class UnitMoveView(UnitActionView):
    form_class = UnitMoveForm
    action_label = _("Move")
    submit_label = _("Move")
    chooser_field = "new_parent"

    def perform(self, form):
        data = form.cleaned_data
        unit = unit_move(
            unit=self.unit,
            new_parent=data["new_parent"],
            code_map=data.get("code_map") or None,
            decision=form.decision(),
            actor=self.request.user,
        )
        return (
            gettext("Unit '%(name)s' was moved under '%(parent)s'.")
            % {"name": unit.name, "parent": data["new_parent"].name},
            unit,
        )


class UnitMergeView(UnitActionView):
    form_class = UnitMergeForm
    action_label = _("Merge into another unit")
    submit_label = _("Merge")
    chooser_field = "target"

    def perform(self, form):
        data = form.cleaned_data
        target = unit_merge(
            source=self.unit,
            target=data["target"],
            code_map=data.get("code_map") or None,
            combine_quotas=data.get("combine_quotas", False),
            decision=form.decision(),
            actor=self.request.user,
        )
        return (
            gettext("'%(source)s' was merged into '%(target)s'.") % {"source": self.unit.name, "target": target.name},
            target,
        )


class UnitDissolveView(UnitActionView):
    form_class = UnitDissolveForm
    action_label = _("Dissolve")
    submit_label = _("Dissolve")

    def perform(self, form):
        unit = unit_dissolve(unit=self.unit, decision=form.decision(), actor=self.request.user)
        return gettext("Unit '%(name)s' was dissolved.") % {"name": unit.name}, unit


class UnitSplitView(UnitActionView):
    """Split into new units: a formset of parts and, per active sub-unit, the part it joins."""

    form_class = UnitSplitForm
    action_label = _("Split")
    submit_label = _("Split")
    template_name = "portal/units/split.html"

    def load_objects(self):
        super().load_objects()
        self.children = list(unit_list(parent=self.unit))

    def part_count(self) -> int:
        raw = (
            self.request.POST.get("parts-TOTAL_FORMS")
            if self.request.method == "POST"
            else self.request.GET.get("parts")
        )
        try:
            count = int(raw)
        except (TypeError, ValueError):
            count = SPLIT_MIN_PARTS
        return max(SPLIT_MIN_PARTS, min(SPLIT_MAX_PARTS, count))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "children": self.children, "part_count": self.part_count()}

    def get_formset(self):
        data = self.request.POST if self.request.method == "POST" else None
        return split_part_formset(data=data, parts=self.part_count())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        formset = kwargs.get("formset") or self.get_formset()
        count = self.part_count()
        context.update(
            formset=formset,
            more_parts_url=f"{self.request.path}?parts={count + 1}" if count < SPLIT_MAX_PARTS else "",
            media=context["form"].media + formset.media,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = self.get_formset()
        if not (form.is_valid() and formset.is_valid()):
            return self.form_invalid(form, formset=formset)
        parts, index_map, form_of_part = [], {}, {}
        for number, part_form in enumerate(formset.forms):
            if part_form.is_blank():
                continue
            index_map[number] = len(parts)
            form_of_part[len(parts)] = part_form
            parts.append(part_form.part())
        try:
            created = unit_split(
                source=self.unit,
                parts=parts,
                child_assignment=form.assignment(index_map),
                dissolve_source=form.cleaned_data.get("dissolve_source", False),
                decision=form.decision(),
                actor=request.user,
            )
        except ValidationError as exc:
            self._apply_split_errors(exc, form, formset, form_of_part)
            return self.form_invalid(form, formset=formset)
        messages.success(
            request,
            gettext("'%(source)s' was split into: %(units)s.")
            % {"source": self.unit.name, "units": ", ".join(unit.name for unit in created)},
        )
        return redirect("portal_units:detail", self.unit.pk)

    def _apply_split_errors(self, exc, form, formset, form_of_part) -> None:
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            if key.startswith("parts[") and key.endswith("]"):
                part_form = form_of_part.get(int(key[6:-1]))
                if part_form is not None:
                    part_form.add_error(None, errors)
                    continue
            form.add_error(key if key in form.fields else None, errors)


def changeable_units(user):
    """Units (dissolved included, for a clear message) that ``user`` may change."""
    return restrict(user, CHANGE, unit_list(include_dissolved=True))
