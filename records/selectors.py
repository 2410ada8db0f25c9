"""Reads of dossiers, their versions and declarations: every one starts from ``portal.scoping``.

``dossier_list`` is shared by the clerk's list, its export and the API, so the three
show exactly the same people for the same filters.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from portal import scoping
from portal.models import Unit
from portal.services.fields.access import field_definitions, hidden_custom_keys, without_keys
from portal.services.fields.values import custom_field_filter
from portal.text import fold
from records.choices import DeclarationStatus, DossierStatus
from records.models import Declaration, Dossier, DossierVersion
from records.sections.registry import CUSTOM
from records.services.content_diff import content_diff

AGE_BANDS = {
    "under_30": (None, 30),
    "30_39": (30, 40),
    "40_49": (40, 50),
    "50_59": (50, 60),
    "60_plus": (60, None),
}


@dataclass
class DossierFilters:
    """What a dossier list is narrowed to; empty values do not filter."""

    search: str = ""
    unit: object = None  # a Unit: its whole subtree
    personnel_category: str = ""
    status: str = ""
    grade: str = ""
    qualification: str = ""
    age_band: str = ""
    sex: str = ""
    ethnicity: str = ""
    party_member: bool | None = None
    completeness_below: int | None = None  # dossiers less complete than this (percent)
    custom: dict[str, str] = field(default_factory=dict)  # key → raw filter value
    on: datetime.date | None = None  # the day ages are counted on (default today)


def _birth_range(band: str, on: datetime.date) -> Q:
    low, high = AGE_BANDS[band]
    condition = Q()
    if low is not None:  # at least ``low`` years old: born on or before on - low years
        condition &= Q(birth_date__lte=on.replace(year=on.year - low))
    if high is not None:  # younger than ``high``: born after on - high years
        condition &= Q(birth_date__gt=on.replace(year=on.year - high))
    return condition


def name_search(query: str) -> Q:
    """Every word typed starts a word of the name, accents ignored ("an" finds "Ân", not "Văn";
    "nguyen van thang" finds "Nguyễn Văn Thắng"), through the full-text index ``dossier_name_search``
    (prefix terms of PostgreSQL's "simple" configuration on ``name_folded``). A query with no
    letter or digit finds nobody."""
    words = re.findall(r"[a-z0-9]+", fold(query))
    if not words:
        return Q(pk__in=[])
    terms = " & ".join(f"{word}:*" for word in words)
    return Q(name_vector=SearchQuery(terms, config="simple", search_type="raw"))


def with_name_vector(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """``queryset`` able to filter on ``name_search`` (the indexed expression, never selected)."""
    return queryset.alias(name_vector=SearchVector("name_folded", config="simple"))


def dossier_list(*, user, filters: DossierFilters | None = None) -> QuerySet[Dossier]:
    """The dossiers ``user`` may see, narrowed by ``filters``, in Vietnamese name order
    (given name first, Vietnamese collation; ``Dossier.name_sort_key``).

    Search: every word of the query (accents ignored) starts a word of the name, or the
    query is the start of the personal id. A custom-field filter on a key that is not an active non-secret dossier
    field raises ``ValueError`` (the caller reports it)."""
    filters = filters or DossierFilters()
    qs = scoping.restrict(user, scoping.VIEW, with_name_vector(Dossier.objects.select_related("unit")))
    if filters.search:
        query = filters.search.strip()
        digits = query.replace(" ", "")
        if digits.isdigit():
            qs = qs.filter(personal_id__startswith=digits)
        else:
            qs = qs.filter(name_search(query))
    if filters.unit is not None:
        qs = qs.filter(scoping.subtree_condition(Dossier, "unit_path", filters.unit.path))
    for name in ("personnel_category", "status", "grade", "sex", "ethnicity"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{name: value})
    if filters.qualification:
        qs = qs.filter(highest_qualification=filters.qualification)
    if filters.age_band:
        qs = qs.filter(_birth_range(filters.age_band, filters.on or timezone.localdate()))
    if filters.party_member is not None:
        qs = qs.filter(party_joined_on__isnull=not filters.party_member)
    if filters.completeness_below is not None:
        qs = qs.filter(completeness__lt=filters.completeness_below)
    if filters.custom:
        definitions = {d.key: d for d in field_definitions(target="dossier", include_secret=False)}
        for key, raw in filters.custom.items():
            if key not in definitions:
                raise ValueError(key)
            if raw:
                qs = qs.filter(custom_field_filter(definitions[key], raw))
    return qs.order_by("name_sort_key", "personal_id")


def access_dossier(*, user, pk, action: str = scoping.VIEW) -> Dossier:
    """The dossier ``pk`` if ``user`` may ``action`` it; ``Http404`` if missing or out of scope."""
    return scoping.access(user=user, queryset=Dossier.objects.select_related("unit", "account"), pk=pk, action=action)


def own_dossier(*, user) -> Dossier | None:
    """The dossier linked to ``user``'s account, if any (through the scoping primitive)."""
    return scoping.restrict(user, scoping.VIEW, Dossier.objects.filter(account=user).select_related("unit")).first()


def dossier_versions(*, dossier: Dossier) -> QuerySet[DossierVersion]:
    """Versions of ``dossier``, newest first (without their content). The caller got the dossier
    through ``access_dossier``: the versions are readable by whoever may read the dossier."""
    return dossier.versions.defer("content").select_related("created_by", "published_by").order_by("-number")


def version_get(*, dossier: Dossier, number: int) -> DossierVersion:
    """Version ``number`` of ``dossier`` (obtained through ``access_dossier``);
    ``DossierVersion.DoesNotExist`` when there is no such version."""
    return dossier.versions.get(number=number)


def declaration_queue(
    *, user, unit=None, section: str = "", older_than_days: int | None = None
) -> QuerySet[Declaration]:
    """Declarations awaiting review that ``user`` may review (CHANGE on the dossier), oldest first."""
    qs = scoping.restrict(user, scoping.CHANGE, Declaration.objects.select_related("dossier", "dossier__unit"))
    qs = qs.filter(status=DeclarationStatus.SUBMITTED)
    if unit is not None:
        qs = qs.filter(dossier__unit_path__startswith=unit.path)
    if section:
        qs = qs.filter(section=section)
    if older_than_days:
        qs = qs.filter(submitted_at__lte=timezone.now() - datetime.timedelta(days=older_than_days))
    return qs.order_by("submitted_at", "id")


def declarations_of(*, user, dossier: Dossier) -> QuerySet[Declaration]:
    """A dossier's declarations, newest first, as ``user`` may see them."""
    qs = scoping.restrict(user, scoping.VIEW, Declaration.objects.filter(dossier=dossier))
    return qs.select_related("reviewed_by", "submitted_by").order_by("-submitted_at", "-id")


def content_for(*, user, content: dict) -> dict:
    """A version's content as ``user`` may read it: "secret" custom fields only for system
    administrators (the same rule as units, ``portal.services.fields.access.hidden_custom_keys``)."""
    custom = content.get(CUSTOM)
    if not custom:
        return content
    hidden = hidden_custom_keys(target="dossier", user=user)
    if not hidden:
        return content
    visible = without_keys(custom, hidden)
    return {**{k: v for k, v in content.items() if k != CUSTOM}, **({CUSTOM: visible} if visible else {})}


def version_compare(*, user, dossier: Dossier, base: int, to: int):
    """The section-by-section differences between versions ``base`` and ``to`` of ``dossier``
    (``DossierVersion.DoesNotExist`` if either is missing)."""
    old = content_for(user=user, content=version_get(dossier=dossier, number=base).content)
    new = content_for(user=user, content=version_get(dossier=dossier, number=to).content)
    return content_diff(old, new)


def unit_dossier_summary(*, user, unit) -> dict | None:
    """Working dossiers in ``unit``'s subtree that ``user`` may see: count and mean completeness
    (one query); None when the user reads no dossier there."""

    if not scoping.managed_units(user, scoping.VIEW, model_label="records.dossier"):
        return None
    qs = scoping.restrict(user, scoping.VIEW, Dossier.objects.all()).filter(
        scoping.subtree_condition(Dossier, "unit_path", unit.path), status=DossierStatus.WORKING
    )
    return qs.aggregate(count=Count("pk"), completeness=Avg("completeness"))


def units_dossier_summary(*, user, units) -> dict[int, dict] | None:
    """{unit id: {count, completeness}} over each unit's subtree (working dossiers ``user`` may see),
    one grouped query per tree depth on the page; None when the user reads no dossier."""

    if not scoping.managed_units(user, scoping.VIEW, model_label="records.dossier"):
        return None
    visible = scoping.restrict(user, scoping.VIEW, Dossier.objects.all()).filter(status=DossierStatus.WORKING)
    by_depth: dict[int, dict[str, int]] = {}
    for unit in units:
        by_depth.setdefault(unit.depth, {})[unit.path] = unit.pk
    summary: dict[int, dict] = {}
    for depth, by_path in by_depth.items():
        rows = (
            visible.annotate(prefix=Substr("unit_path", 1, depth * Unit.steplen))
            .filter(prefix__in=list(by_path))
            .order_by()
            .values("prefix")
            .annotate(count=Count("pk"), completeness=Avg("completeness"))
        )
        for row in rows:
            summary[by_path[row["prefix"]]] = row
    return summary
