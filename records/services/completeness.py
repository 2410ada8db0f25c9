"""How complete a cleaned content is: the required items of the TT 06/2023 template that are
filled, one row at least in the required row sections, and the required custom fields."""

from __future__ import annotations

import functools

from django.utils.translation import get_language

from portal.services.fields.access import applies_to, field_definitions
from records.sections.registry import CUSTOM, SECTION_BY_KEY, SECTIONS, section_title
from records.sections.spec import SINGLE
from records.services.content import DOSSIER_TARGET, is_empty_value


def required_custom_keys(personnel_category: str | None) -> list[tuple[str, str]]:
    """(key, label) of the active required dossier custom fields that apply to the category."""
    return [
        (definition.key, definition.label)
        for definition in field_definitions(target=DOSSIER_TARGET)
        if definition.required and applies_to(definition, personnel_category)
    ]


def completeness(
    content: dict, *, custom_required: list[tuple[str, str]] | None = None, language: str | None = None
) -> tuple[int, list[str]]:
    """(percentage, missing items) over the required template items of single sections, one
    row at least in training 32.1, work history 33 and family 36.1, and the required custom
    fields. Missing items are labelled "section: field" for the person and the clerk, in
    ``language`` (default: the active one; a bulk write passes it once for all its dossiers)."""
    if custom_required is None:
        category = (content.get("header") or {}).get("personnel_category")
        custom_required = required_custom_keys(category)
    missing: list[str] = []
    total = 0
    language = language or get_language()
    for key, names in _required_single_items():
        values = content.get(key) or {}
        total += len(names)
        for name in names:
            value = values.get(name)
            if value.__class__ is str and value and not value[0].isspace():
                continue  # filled text, most items: no call
            if value is None or is_empty_value(value):
                missing.append(_missing_label_in(key, name, language))
    for key in ROW_SECTIONS_REQUIRED:
        total += 1
        if not content.get(key):
            missing.append(_missing_label_in(key, "", language))
    custom = content.get(CUSTOM) or {}
    for key, label in custom_required:
        total += 1
        if is_empty_value(custom.get(key)):
            missing.append(f"{section_title(CUSTOM)}: {label}")
    percent = 100 if total == 0 else round(100 * (total - len(missing)) / total)
    return percent, missing


ROW_SECTIONS_REQUIRED = ("training_professional", "work_history", "family_own")


@functools.cache
def _required_single_items() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(section key, required field names) of the single sections, in template order."""
    return tuple((section.key, tuple(section.required)) for section in SECTIONS if section.kind == SINGLE)


@functools.cache
def _missing_label_in(key: str, name: str, language: str | None) -> str:
    """ "section: field" (or the section alone), translated once per language: a bulk import
    computes the completeness of every dossier it writes."""
    section = SECTION_BY_KEY[key]
    return f"{section.label}: {section.field(name).label}" if name else str(section.label)
