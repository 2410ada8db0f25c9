"""A dossier's content as people read it on screen: section by section, labels for codes,
dd/mm/yyyy dates, mm/yyyy months, decimal commas. (The printed résumé, with the template's
exact layout, is ``reports.resume``.)"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from portal.models import CatalogueEntry
from portal.services.fields.access import choice_labels, custom_field_text, field_definitions
from records.sections.registry import CUSTOM, SECTIONS, section_title
from records.sections.spec import CODE, DATE, DECIMAL, MONTH, ROWS, Section
from records.services.content import month_text


@dataclass
class SectionView:
    key: str
    title: str
    kind: str
    facts: list[tuple[str, str]] = field(default_factory=list)  # single sections
    columns: list[str] = field(default_factory=list)  # row sections
    rows: list[list[str]] = field(default_factory=list)
    clerk_only: bool = False


def code_labels(content: dict) -> dict[str, dict[str, str]]:
    """{catalogue kind: {code: label}} for the codes ``content`` uses (one query; retired included)."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for section in SECTIONS:
        value = content.get(section.key)
        rows = value if section.kind == ROWS else [value or {}]
        for spec in section.fields:
            if spec.kind == CODE:
                wanted[spec.catalogue].update(row.get(spec.name) for row in rows or [] if row.get(spec.name))
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    if wanted:
        codes = set().union(*wanted.values())
        entries = CatalogueEntry.objects.filter(kind__code__in=list(wanted), code__in=list(codes)).order_by("active")
        for kind, code, label in entries.values_list("kind__code", "code", "label"):
            labels[kind][code] = label
    return labels


def value_text(spec, value, labels: dict[str, dict[str, str]]) -> str:
    if value in (None, ""):
        return ""
    if spec.kind == CODE:
        return labels.get(spec.catalogue, {}).get(value, str(value))
    if spec.kind == DATE:
        return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
    if spec.kind == MONTH:
        return month_text(value)
    if spec.kind == DECIMAL:
        return str(value).replace(".", ",")
    if spec.choices:
        return str(dict(spec.choices).get(value, value))
    return str(value)


def section_view(section: Section, value, labels) -> SectionView:
    view = SectionView(key=section.key, title=section.label, kind=section.kind, clerk_only=section.clerk_only)
    if section.kind == ROWS:
        view.columns = [str(spec.label) for spec in section.fields]
        view.rows = [[value_text(spec, row.get(spec.name), labels) for spec in section.fields] for row in value or []]
    else:
        values = value or {}
        view.facts = [(str(spec.label), value_text(spec, values.get(spec.name), labels)) for spec in section.fields]
    return view


def content_display(content: dict, *, sections=SECTIONS) -> list[SectionView]:
    """Every section of ``sections`` in template order (empty ones included), and the custom fields."""
    labels = code_labels(content)
    views = [section_view(section, content.get(section.key), labels) for section in sections]
    custom = content.get(CUSTOM)
    if custom:
        definitions = [d for d in field_definitions(target="dossier", include_retired=True) if d.key in custom]
        choices = choice_labels(definitions)
        facts = [(d.label, custom_field_text(d, custom[d.key], labels=choices)) for d in definitions]
        views.append(SectionView(key=CUSTOM, title=section_title(CUSTOM), kind="single", facts=facts))
    return views
