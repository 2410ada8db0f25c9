"""Admin screens of the unit tree ("Cây đơn vị"): an explorer and one form per tree operation.

The explorer works like Wagtail's page explorer so that it stays fast for a
province of ~4,000 units: a page shows one unit, its direct sub-units (paginated,
sub-unit counts in one query) and its history. Every operation is a form page that
calls one service of ``portal.services.units``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal.choices import UnitEventKind
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
from portal.models import Unit
from portal.selectors import catalogue_entries, unit_children_counts, unit_events, unit_list, unit_roots
from portal.services.units import (
    QUOTA_FIELDS,
    UNIT_TYPE_KIND,
    unit_create,
    unit_dissolve,
    unit_merge,
    unit_move,
    unit_split,
    unit_update,
)
from portal.views import PermissionMixin, apply_service_errors, has_any_perm, paginate

VIEW_PERMS = ("portal.view_unit", "portal.change_unit")
CHANGE_PERMS = ("portal.change_unit",)
CHOOSER_LIMIT = 200


def can_view_units(user) -> bool:
    return has_any_perm(user, *VIEW_PERMS)


def can_change_units(user) -> bool:
    return has_any_perm(user, *CHANGE_PERMS)


def _flag(request, name: str) -> bool:
    return request.GET.get(name) in {"1", "on", "true"}


def _parent_names(units) -> dict[int, Unit]:
    """{unit id: parent} for a page of search results, in one query."""
    steplen = Unit.steplen
    parent_paths = {unit.path[:-steplen] for unit in units if unit.depth > 1}
    if not parent_paths:
        return {}
    parents = {parent.path: parent for parent in unit_list(include_dissolved=True).filter(path__in=parent_paths)}
    return {unit.pk: parents.get(unit.path[:-steplen]) for unit in units}


def _rows(units, *, include_dissolved: bool, with_parents: bool = False) -> list[dict]:
    units = list(units)
    counts = unit_children_counts(units, include_dissolved=include_dissolved)
    parents = _parent_names(units) if with_parents else {}
    return [{"unit": unit, "children": counts.get(unit.pk, 0), "parent": parents.get(unit.pk)} for unit in units]


def _value_text(value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def _names(items) -> str:
    return ", ".join(item.get("name", "") for item in items or [])


def event_summary(event, *, unit_types: dict[int, str]) -> list[str]:
    """Readable lines for an event, from the before/after values kept in ``details``."""
    details = event.details or {}
    before, after = details.get("before") or {}, details.get("after") or {}
    lines: list[str] = []
    change = _("%(field)s: %(before)s → %(after)s")

    def field_label(key: str) -> str:
        try:
            return str(Unit._meta.get_field(key).verbose_name).capitalize()
        except FieldDoesNotExist:  # an older event may name a field that no longer exists
            return key

    if event.kind in (UnitEventKind.CREATED, UnitEventKind.SPLIT_FROM):
        if after.get("code"):
            lines.append(_("Identifier code: %(code)s") % {"code": after["code"]})
    elif event.kind in (UnitEventKind.RENAMED, UnitEventKind.CODE_CHANGED, UnitEventKind.UPDATED):
        for key in after:
            old, new = before.get(key), after.get(key)
            if key == "unit_type":
                old, new = unit_types.get(old, old), unit_types.get(new, new)
            lines.append(change % {"field": field_label(key), "before": _value_text(old), "after": _value_text(new)})
    elif event.kind == UnitEventKind.MOVED:
        source = (details.get("from_parent") or {}).get("name") or "—"
        target = (details.get("to_parent") or {}).get("name") or "—"
        lines.append(_("From '%(source)s' to '%(target)s'") % {"source": source, "target": target})
        if before.get("code") != after.get("code"):
            lines.append(
                change
                % {
                    "field": field_label("code"),
                    "before": _value_text(before.get("code")),
                    "after": _value_text(after.get("code")),
                }
            )
    elif event.kind in (UnitEventKind.MERGED_INTO, UnitEventKind.ABSORBED):
        absorbed = details.get("absorbed")
        if absorbed:
            lines.append(_("Absorbed: %(name)s") % {"name": absorbed.get("name", "")})
        if details.get("moved_units"):
            lines.append(_("Sub-units moved: %(units)s") % {"units": _names(details["moved_units"])})
        if details.get("people_moved"):
            lines.append(_("People moved: %(count)s") % {"count": details["people_moved"]})
        quotas_before, quotas_after = details.get("quotas_before") or {}, details.get("quotas_after") or {}
        for key in QUOTA_FIELDS:
            if key in quotas_after and quotas_before.get(key) != quotas_after.get(key):
                lines.append(
                    change % {"field": field_label(key), "before": quotas_before.get(key), "after": quotas_after[key]}
                )
    elif event.kind == UnitEventKind.SPLIT:
        lines.append(_("New units: %(units)s") % {"units": _names(details.get("parts"))})
        if details.get("dissolved"):
            lines.append(_("The source unit was dissolved."))
    return [str(line) for line in lines]


def _events(unit: Unit) -> list[dict]:
    events = list(unit_events(unit=unit))
    unit_types: dict[int, str] = {}
    if any(
        event.kind == UnitEventKind.UPDATED and "unit_type" in (event.details.get("after") or {}) for event in events
    ):
        unit_types = dict(catalogue_entries(kind=UNIT_TYPE_KIND, include_retired=True).values_list("pk", "label"))
    return [{"event": event, "summary": event_summary(event, unit_types=unit_types)} for event in events]


class UnitTreeMixin(WagtailAdminTemplateMixin):
    header_icon = "site"

    def tree_breadcrumbs(self, unit: Unit | None = None, *, ancestors=None, current: bool = True) -> list[dict]:
        items = [*self.breadcrumbs_items, {"url": reverse("portal_units:index"), "label": _("Unit tree")}]
        if unit is not None:
            for ancestor in unit.get_ancestors() if ancestors is None else ancestors:
                items.append({"url": reverse("portal_units:detail", args=[ancestor.pk]), "label": ancestor.name})
            items.append({"url": reverse("portal_units:detail", args=[unit.pk]), "label": unit.name})
        return items


class UnitIndexView(PermissionMixin, UnitTreeMixin, TemplateView):
    """The root units, or the units matching a search anywhere in the tree."""

    permissions = VIEW_PERMS
    template_name = "portal/units/index.html"
    page_title = _("Unit tree")

    def get_breadcrumbs_items(self):
        return self.tree_breadcrumbs()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        show_dissolved = _flag(self.request, "dissolved")
        if query:
            units = unit_list(search=query, include_dissolved=show_dissolved)
        else:
            units = unit_roots(include_dissolved=show_dissolved).order_by("path")
        page = paginate(self.request, units)
        context.update(
            query=query,
            show_dissolved=show_dissolved,
            page=page,
            rows=_rows(page.object_list, include_dissolved=show_dissolved, with_parents=bool(query)),
            can_change=can_change_units(self.request.user),
        )
        return context


class UnitDetailView(PermissionMixin, UnitTreeMixin, TemplateView):
    """One unit: details, breadcrumb of ancestors, sub-units (paginated) and history."""

    permissions = VIEW_PERMS
    template_name = "portal/units/detail.html"

    def load_objects(self):
        self.unit = get_object_or_404(
            unit_list(include_dissolved=True).select_related("successor"), pk=self.kwargs["pk"]
        )
        self.ancestors = list(self.unit.get_ancestors())

    def get_page_title(self):
        return self.unit.name

    def get_breadcrumbs_items(self):
        return self.tree_breadcrumbs(self.unit, ancestors=self.ancestors)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.unit
        query = self.request.GET.get("q", "").strip()
        show_dissolved = _flag(self.request, "dissolved")
        if query:
            # Search the whole subtree of this unit, not only its direct sub-units.
            units = unit_list(search=query, include_dissolved=show_dissolved).filter(
                path__startswith=unit.path, depth__gt=unit.depth
            )
        else:
            units = unit_list(parent=unit, include_dissolved=show_dissolved)
        page = paginate(self.request, units)
        context.update(
            unit=unit,
            ancestors=self.ancestors,
            parent=self.ancestors[-1] if self.ancestors else None,
            query=query,
            show_dissolved=show_dissolved,
            page=page,
            rows=_rows(page.object_list, include_dissolved=show_dissolved, with_parents=bool(query)),
            events=_events(unit),
            can_change=can_change_units(self.request.user) and unit.is_active,
        )
        return context


# --- actions ------------------------------------------------------------------------------


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
        self.unit = get_object_or_404(unit_list(include_dissolved=True), pk=self.kwargs["pk"])

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
            apply_service_errors(form, exc, field_map=self.field_map)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect("portal_units:detail", target.pk)

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was changed; correct the errors below."))
        return super().form_invalid(form)


class UnitCreateView(UnitActionView):
    """Add a root unit (no ``pk``) or a sub-unit of ``pk``."""

    form_class = UnitForm
    submit_label = _("Create")

    def load_objects(self):
        self.unit = None
        if "pk" in self.kwargs:
            self.unit = get_object_or_404(unit_list(include_dissolved=True), pk=self.kwargs["pk"])

    @property
    def action_label(self):
        return _("Add sub-unit") if self.unit else _("Add root unit")

    def get_page_subtitle(self):
        return self.unit.name if self.unit else ""

    def get_breadcrumbs_items(self):
        return [*self.tree_breadcrumbs(self.unit), {"url": None, "label": self.action_label}]

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
            actor=self.request.user,
        )
        return gettext("Unit '%(name)s' was created.") % {"name": unit.name}, unit


class UnitEditView(UnitActionView):
    form_class = UnitForm
    action_label = _("Edit")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "unit": self.unit}

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
            return self.invalid(form, formset)
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
            return self.invalid(form, formset)
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

    def invalid(self, form, formset):
        messages.error(self.request, _("Nothing was changed; correct the errors below."))
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


def unit_urls():
    return [
        path("", UnitIndexView.as_view(), name="index"),
        path("add/", UnitCreateView.as_view(), name="add_root"),
        path("<int:pk>/", UnitDetailView.as_view(), name="detail"),
        path("<int:pk>/add/", UnitCreateView.as_view(), name="add_child"),
        path("<int:pk>/edit/", UnitEditView.as_view(), name="edit"),
        path("<int:pk>/move/", UnitMoveView.as_view(), name="move"),
        path("<int:pk>/merge/", UnitMergeView.as_view(), name="merge"),
        path("<int:pk>/split/", UnitSplitView.as_view(), name="split"),
        path("<int:pk>/dissolve/", UnitDissolveView.as_view(), name="dissolve"),
    ]


def urlpatterns():
    return [path("units/", include((unit_urls(), "portal_units"), namespace="portal_units"))]
