"""The unit-tree explorer: root units or search results, and one unit with its sub-units and history."""

from __future__ import annotations

import datetime
from itertools import islice

from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from portal.choices import FieldTarget, UnitEventKind
from portal.extensions import unit_columns, unit_export_columns, unit_panels
from portal.models import Unit
from portal.selectors import catalogue_entries, unit_children_counts, unit_events, unit_list, unit_roots
from portal.services.fields.access import hidden_custom_keys, without_keys
from portal.services.units.common import QUOTA_FIELDS, UNIT_TYPE_KIND
from portal.views import PermissionMixin, paginate, query_flag
from portal.views.fields import (
    apply_custom_filters,
    custom_cells,
    custom_facts,
    custom_file_response,
    list_columns,
    xlsx_response,
)
from portal.views.units.common import VIEW_PERMS, UnitTreeMixin, can_change_units


def _parent_names(units) -> dict[int, Unit]:
    """{unit id: parent} for a page of search results, in one query."""
    steplen = Unit.steplen
    parent_paths = {unit.path[:-steplen] for unit in units if unit.depth > 1}
    if not parent_paths:
        return {}
    parents = {parent.path: parent for parent in unit_list(include_dissolved=True).filter(path__in=parent_paths)}
    return {unit.pk: parents.get(unit.path[:-steplen]) for unit in units}


def _rows(units, *, include_dissolved: bool, with_parents: bool = False, user=None) -> list[dict]:
    """Table rows for a page of units; ``user``: add the columns other apps register
    (``portal.extensions.register_unit_column``), their labels in ``rows[0]["extra_labels"]``."""
    units = list(units)
    counts = unit_children_counts(units, include_dissolved=include_dissolved)
    parents = _parent_names(units) if with_parents else {}
    extra = unit_columns(units=units, user=user) if user is not None and units else []
    return [
        {
            "unit": unit,
            "children": counts.get(unit.pk, 0),
            "parent": parents.get(unit.pk),
            "extra": [column.values.get(unit.pk, "—") for column in extra],
            "extra_labels": [column.label for column in extra],
        }
        for unit in units
    ]


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


def event_summary(event, *, unit_types: dict[int, str], hidden_custom: set[str] = frozenset()) -> list[str]:
    """Readable lines for an event, from the before/after values kept in ``details``
    (without the custom values of ``hidden_custom``: secret fields the reader may not see)."""
    details = event.details or {}
    before, after = details.get("before") or {}, details.get("after") or {}
    if hidden_custom and "custom_fields" in after:
        before = {**before, "custom_fields": without_keys(before.get("custom_fields"), hidden_custom)}
        after = {**after, "custom_fields": without_keys(after.get("custom_fields"), hidden_custom)}
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
            if key == "custom_fields" and (old or {}) == (new or {}):
                continue  # only hidden values changed
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


def _events(unit: Unit, *, user) -> list[dict]:
    events = list(unit_events(unit=unit))
    hidden = hidden_custom_keys(target=FieldTarget.UNIT, user=user)
    unit_types: dict[int, str] = {}
    if any(
        event.kind == UnitEventKind.UPDATED and "unit_type" in (event.details.get("after") or {}) for event in events
    ):
        unit_types = dict(catalogue_entries(kind=UNIT_TYPE_KIND, include_retired=True).values_list("pk", "label"))
    return [
        {"event": event, "summary": event_summary(event, unit_types=unit_types, hidden_custom=hidden)}
        for event in events
    ]


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
        show_dissolved = query_flag(self.request, "dissolved")
        if query:
            units = unit_list(search=query, include_dissolved=show_dissolved)
        else:
            units = unit_roots(include_dissolved=show_dissolved).order_by("path")
        page = paginate(self.request, units)
        context.update(
            query=query,
            show_dissolved=show_dissolved,
            page=page,
            rows=_rows(
                page.object_list, include_dissolved=show_dissolved, with_parents=bool(query), user=self.request.user
            ),
            can_change=can_change_units(self.request.user),
        )
        return context


def sub_unit_list(request, unit: Unit):
    """The sub-units shown under ``unit`` (search ``q``, ``dissolved``, ``cf_<key>`` filters)
    and the custom columns: (query, show_dissolved, units, columns, filters, problems, labels)."""
    query = request.GET.get("q", "").strip()
    show_dissolved = query_flag(request, "dissolved")
    if query:
        # Search the whole subtree of this unit, not only its direct sub-units.
        units = unit_list(search=query, include_dissolved=show_dissolved).filter(
            path__startswith=unit.path, depth__gt=unit.depth
        )
    else:
        units = unit_list(parent=unit, include_dissolved=show_dissolved)
    columns = list_columns(target="unit")
    units, filters, problems, labels = apply_custom_filters(units, columns, request.GET)
    return query, show_dissolved, units, columns, filters, problems, labels


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
        query, show_dissolved, units, columns, custom_filters, filter_problems, labels = sub_unit_list(
            self.request, unit
        )
        page = paginate(self.request, units)
        rows = _rows(
            page.object_list, include_dissolved=show_dissolved, with_parents=bool(query), user=self.request.user
        )
        for row in rows:
            row["custom"] = custom_cells(row["unit"], columns, labels)
        context.update(
            unit=unit,
            ancestors=self.ancestors,
            parent=self.ancestors[-1] if self.ancestors else None,
            query=query,
            show_dissolved=show_dissolved,
            page=page,
            rows=rows,
            custom_columns=columns,
            custom_filters=custom_filters,
            filter_problems=filter_problems,
            export_query=self.request.GET.urlencode(),
            events=_events(unit, user=self.request.user),
            can_change=can_change_units(self.request.user) and unit.is_active,
            panels=unit_panels(unit=unit, user=self.request.user),
            custom_facts=custom_facts(
                unit,
                target=FieldTarget.UNIT,
                user=self.request.user,
                file_url=lambda key: reverse("portal_units:custom_file", args=[unit.pk, key]),
            ),
        )
        return context


class UnitCustomFileView(PermissionMixin, View):
    """Download the file stored in one of a unit's custom fields (never served from /media/)."""

    permissions = VIEW_PERMS

    def get(self, request, pk: int, key: str):
        unit = get_object_or_404(unit_list(include_dissolved=True), pk=pk)
        return custom_file_response(unit, target=FieldTarget.UNIT, user=request.user, key=key)


# Units per chunk of the export: the registered columns are computed once per chunk, so their
# queries (and the id lists they send) stay bounded however many units the export holds.
EXPORT_CHUNK = 1000


def _chunks(units, size: int):
    """Lists of at most ``size`` units, read through one server-side cursor."""
    iterator = units.iterator(chunk_size=size)
    while chunk := list(islice(iterator, size)):
        yield chunk


class UnitExportView(PermissionMixin, View):
    """The sub-unit list of a unit as shown (same search and filters), custom columns included, as xlsx;
    the columns other apps register (``portal.extensions``) as their typed export columns."""

    permissions = VIEW_PERMS

    def load_objects(self):
        self.unit = get_object_or_404(unit_list(include_dissolved=True), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        _query, _show, units, columns, _filters, _problems, labels = sub_unit_list(request, self.unit)
        chunks = _chunks(units, EXPORT_CHUNK)
        first = next(chunks, [])
        # The first chunk (even an empty one) tells which extra columns this user gets: the headers.
        first_extra = unit_export_columns(units=first, user=request.user)
        headers = [
            _("Name"),
            _("Short name"),
            _("Electronic identifier code"),
            _("Unit type"),
            _("Established on"),
            _("Dissolved on"),
            *(definition.label for definition in columns),
            *(column.label for column in first_extra),
        ]

        def rows():
            chunk, extra = first, first_extra
            while chunk:
                for unit in chunk:
                    yield [
                        unit.name,
                        unit.short_name,
                        unit.code,
                        unit.unit_type.label,
                        unit.established_on.strftime("%d/%m/%Y") if unit.established_on else "",
                        unit.dissolved_on.strftime("%d/%m/%Y") if unit.dissolved_on else "",
                        *custom_cells(unit, columns, labels),
                        *(column.values.get(unit.pk, column.default) for column in extra),
                    ]
                chunk = next(chunks, [])
                extra = unit_export_columns(units=chunk, user=request.user) if chunk else []

        return xlsx_response(
            filename=f"don-vi-{self.unit.pk}.xlsx", title=str(_("Sub-units")), headers=headers, rows=rows()
        )
