"""Saved column mappings: {header as written in a province's sheet: column key of a target}.

A mapping is provincial content, chosen at upload time for sheets whose headers the import
does not recognise by itself (``imports.services.jobs.columns_match`` applies it before the
headers and synonyms of the spec). Written here only: by the mapping admin
(``imports.viewsets``) and by anything else that saves one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from imports.models import ColumnMapping, ImportJob
from imports.services.jobs import ImportPermissionDenied
from imports.specs import UnknownTarget, header_key, import_spec, target_title
from portal import scoping
from portal.text import nfc

NAME_MAX = ColumnMapping._meta.get_field("name").max_length
NOTE_MAX = ColumnMapping._meta.get_field("note").max_length


def column_mapping_save(
    *,
    actor,
    name: str,
    target: str,
    columns: dict,
    note: str = "",
    instance: ColumnMapping | None = None,
) -> ColumnMapping:
    """Create a mapping (``instance`` None) or change ``instance``; returns it saved.

    Permission: ``actor`` must hold a role that drives imports (``ImportJob`` CHANGE, any unit);
    ``actor=None`` is the system. Raises ``ImportPermissionDenied`` otherwise.

    Validation (``ValidationError`` keyed by field, one Vietnamese sentence each): a name,
    unique; a known ``target``; ``columns`` a non-empty {header: column key} whose headers are
    not empty nor the same header twice (headers are compared as the import compares them:
    case, accents, spacing and punctuation ignored) and whose keys are columns of ``target``;
    the target of a mapping already used by imports does not change (their history names it).
    """
    if actor is not None and not scoping.can(actor, scoping.CHANGE, ImportJob):
        raise ImportPermissionDenied(_("You may not change column mappings."))
    errors: dict[str, list[str]] = {}
    name = nfc(str(name or "")).strip()
    note = nfc(str(note or "")).strip()
    target = str(target or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("Give the mapping a name."))
    elif len(name) > NAME_MAX:
        errors.setdefault("name", []).append(_("The name is at most %(max)s characters long.") % {"max": NAME_MAX})
    elif ColumnMapping.objects.filter(name__iexact=name).exclude(pk=getattr(instance, "pk", None)).exists():
        errors.setdefault("name", []).append(_("A column mapping named '%(name)s' already exists.") % {"name": name})
    if len(note) > NOTE_MAX:
        errors.setdefault("note", []).append(_("The note is at most %(max)s characters long.") % {"max": NOTE_MAX})
    try:
        spec = import_spec(target)
    except UnknownTarget:
        spec = None
        errors.setdefault("target", []).append(_("There is no import target '%(target)s'.") % {"target": target})
    if instance is not None and instance.pk and spec is not None and instance.target != target:
        used = ImportJob.objects.filter(mapping=instance).count()
        if used:
            errors.setdefault("target", []).append(
                _(
                    "This mapping was used by %(count)s imports; its target cannot change. "
                    "Save a new mapping for the other target."
                )
                % {"count": used}
            )
    cleaned = _columns_clean(columns, spec, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        mapping = instance if instance is not None else ColumnMapping(created_by=actor)
        mapping.name, mapping.target, mapping.columns, mapping.note = name, target, cleaned, note
        mapping.save()
    return mapping


def _columns_clean(columns, spec, errors: dict[str, list[str]]) -> dict[str, str]:
    """{header: key} with headers and keys trimmed and NFC; problems added to ``errors["columns"]``."""
    problems = errors.setdefault("columns", [])
    if not isinstance(columns, dict) or not columns:
        problems.append(_("The mapping maps no column: give at least one header and the column it stands for."))
        return {}
    known = {column.key for column in spec.columns} if spec is not None else None
    cleaned: dict[str, str] = {}
    seen: dict[str, str] = {}
    for header, key in columns.items():
        header = nfc(str(header or "")).strip()
        key = str(key or "").strip()
        if not header:
            problems.append(
                _("A line gives the column '%(key)s' without the header it has in the sheet.") % {"key": key}
            )
            continue
        folded = header_key(header)
        if not folded:
            problems.append(
                _("The header '%(header)s' has no letter or digit to recognise it by.") % {"header": header}
            )
            continue
        if folded in seen:
            problems.append(
                _("The headers '%(first)s' and '%(second)s' are the same header; keep one of them.")
                % {"first": seen[folded], "second": header}
            )
            continue
        seen[folded] = header
        if known is not None and key not in known:
            problems.append(
                _("'%(key)s' (for the header '%(header)s') is not a column of %(target)s.")
                % {"key": key, "header": header, "target": target_title(spec.target)}
            )
            continue
        cleaned[header] = key
    if not problems:
        errors.pop("columns")
    return cleaned


__all__ = ["column_mapping_save"]
