"""Reads of the platform's configuration: the unit tree and the catalogues.

The unit tree and catalogues are configuration, readable by every signed-in
account (issue 2). Personnel data, which arrives later, is read only through the
scoping primitive.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from portal.models import CatalogueEntry, CatalogueKind, Unit, UnitEvent
from portal.text import fold


def unit_list(*, include_dissolved: bool = False, search: str = "", parent: Unit | None = None) -> QuerySet[Unit]:
    """Units in tree order, optionally the children of ``parent`` or matching ``search``
    (accent-insensitive on the name, or a code prefix)."""
    qs = Unit.objects.select_related("unit_type").order_by("path")
    if parent is not None:
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if not include_dissolved:
        qs = qs.filter(dissolved_on__isnull=True)
    if search:
        folded = fold(search)
        qs = qs.filter(Q(name_folded__contains=folded) | Q(code__istartswith=search.strip()))
    return qs


def unit_roots(*, include_dissolved: bool = False) -> QuerySet[Unit]:
    qs = Unit.get_root_nodes().select_related("unit_type")
    if not include_dissolved:
        qs = qs.filter(dissolved_on__isnull=True)
    return qs


def unit_children_counts(units, *, include_dissolved: bool = False) -> dict[int, int]:
    """{unit id: number of direct sub-units}: one grouped query per tree depth on the page."""
    units = list(units)
    counts = {unit.pk: 0 for unit in units}
    by_depth: dict[int, dict[str, int]] = {}
    for unit in units:
        by_depth.setdefault(unit.depth, {})[unit.path] = unit.pk
    for depth, by_path in by_depth.items():
        qs = Unit.objects.filter(depth=depth + 1)
        if not include_dissolved:
            qs = qs.filter(dissolved_on__isnull=True)
        rows = (
            qs.annotate(prefix=Substr("path", 1, depth * Unit.steplen))
            .filter(prefix__in=list(by_path))
            .order_by()  # the model's default ordering would split the groups
            .values("prefix")
            .annotate(total=Count("pk"))
        )
        for row in rows:
            counts[by_path[row["prefix"]]] = row["total"]
    return counts


def unit_events(*, unit: Unit) -> QuerySet[UnitEvent]:
    return unit.events.select_related("related_unit", "actor").order_by("-effective_on", "-id")


def catalogue_kinds() -> QuerySet[CatalogueKind]:
    return CatalogueKind.objects.annotate(
        entry_count=Count("entries"), active_count=Count("entries", filter=Q(entries__active=True))
    ).order_by("name")


def catalogue_entries(
    *, kind: CatalogueKind | str, on: datetime.date | None = None, include_retired: bool = False, search: str = ""
) -> QuerySet[CatalogueEntry]:
    """Entries of a catalogue; only those in use (and valid ``on`` a day, if given)."""
    qs = CatalogueEntry.objects.select_related("parent", "kind")
    qs = qs.filter(kind__code=kind) if isinstance(kind, str) else qs.filter(kind=kind)
    if not include_retired:
        qs = qs.filter(active=True)
    if on is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=on)
        )
    if search:
        qs = qs.filter(Q(label_folded__contains=fold(search)) | Q(code__istartswith=search.strip()))
    return qs.order_by("order", "code", "valid_from")


def catalogue_entry_get(*, kind: str, code: str, on: datetime.date | None = None) -> CatalogueEntry | None:
    return catalogue_entries(kind=kind, on=on, include_retired=True).filter(code=code).first()
