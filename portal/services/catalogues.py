"""Write services for catalogues (danh mục): kinds and entries, retire-not-delete.

One validation path (``entry_clean``) serves the admin, the API, the xlsx import
and the standard-data loader. Entries that anything refers to are retired, never
deleted. Periods of the same code never overlap.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.choices import AttributeType, Verification
from portal.models import CatalogueEntry, CatalogueKind
from portal.services.catalogue_attributes import validate_attribute_schema, validate_entry_attributes
from portal.services.common import format_date
from portal.text import fold, nfc

CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._\-/]*$")
KIND_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ENTRY_FIELDS = (
    "code",
    "code_system",
    "label",
    "label_en",
    "parent",
    "valid_from",
    "valid_to",
    "order",
    "active",
    "attributes",
    "verification",
)


# --- attribute schema ---------------------------------------------------------------------


def entry_clean(
    *,
    kind: CatalogueKind,
    values: dict,
    instance: CatalogueEntry | None = None,
    entry_codes=None,
    check_overlap: bool = True,
) -> dict:
    """Validate entry values for ``kind``; return them cleaned. The single validation path.

    Checks: code format, non-empty label, parent of the same kind, a period whose
    end is after its start and that does not overlap another period of the same
    code, attribute values per the kind's schema. Raises ``ValidationError`` keyed
    by field, in Vietnamese.
    """
    cleaned = dict(values)
    errors: dict[str, list[str]] = {}
    code = nfc(cleaned.get("code", instance.code if instance else ""))
    if not code:
        errors.setdefault("code", []).append(_("Enter the code."))
    elif not CODE_RE.match(code):
        errors.setdefault("code", []).append(
            _("Code '%(code)s' may contain only letters, digits and . _ - /, with no spaces.") % {"code": code}
        )
    cleaned["code"] = code
    cleaned["code_system"] = nfc(cleaned.get("code_system") or (instance.code_system if instance else kind.code_system))
    if "label" in cleaned or instance is None:
        cleaned["label"] = nfc(cleaned.get("label"))
        if not cleaned["label"]:
            errors.setdefault("label", []).append(_("Enter the label."))
    if "label_en" in cleaned:
        cleaned["label_en"] = nfc(cleaned["label_en"])
    valid_from = cleaned.get("valid_from", instance.valid_from if instance else None)
    valid_to = cleaned.get("valid_to", instance.valid_to if instance else None)
    if valid_from and valid_to and valid_to <= valid_from:
        errors.setdefault("valid_to", []).append(
            _("The end of validity (%(end)s) must be after its start (%(start)s).")
            % {"end": format_date(valid_to), "start": format_date(valid_from)}
        )
    parent = cleaned.get("parent", instance.parent if instance else None)
    if parent is not None:
        if parent.kind_id != kind.pk:
            errors.setdefault("parent", []).append(_("The parent entry must belong to the same catalogue."))
        elif instance is not None and (parent.pk == instance.pk or _is_entry_ancestor(instance, parent)):
            errors.setdefault("parent", []).append(_("An entry cannot be placed under itself or its own sub-entry."))
    if "verification" in cleaned and cleaned["verification"] not in ("", *Verification.values):
        errors.setdefault("verification", []).append(_("Unknown verification level."))
    if "attributes" in cleaned or instance is None:
        try:
            cleaned["attributes"] = validate_entry_attributes(kind, cleaned.get("attributes"), entry_codes=entry_codes)
        except ValidationError as exc:
            errors.setdefault("attributes", []).extend(exc.messages)
    if check_overlap and "code" not in errors and "valid_to" not in errors:
        overlap = _overlapping_period(kind, cleaned["code_system"], code, valid_from, valid_to, instance)
        if overlap is not None:
            errors.setdefault("valid_from", []).append(
                _(
                    "Code %(code)s already has an entry valid %(period)s in this catalogue; "
                    "periods of the same code must not overlap."
                )
                % {"code": code, "period": period_text(overlap.valid_from, overlap.valid_to)}
            )
    if errors:
        raise ValidationError(errors)
    return cleaned


def period_text(start, end) -> str:
    if start and end:
        return _("from %(start)s until %(end)s") % {"start": format_date(start), "end": format_date(end)}
    if start:
        return _("from %(start)s") % {"start": format_date(start)}
    if end:
        return _("until %(end)s") % {"end": format_date(end)}
    return _("without time limit")


def _is_entry_ancestor(entry: CatalogueEntry, candidate: CatalogueEntry) -> bool:
    cursor = candidate.parent
    while cursor is not None:
        if cursor.pk == entry.pk:
            return True
        cursor = cursor.parent
    return False


def _overlapping_period(kind, code_system, code, start, end, instance) -> CatalogueEntry | None:
    others = CatalogueEntry.objects.filter(kind=kind, code_system=code_system, code=code)
    if instance is not None and instance.pk:
        others = others.exclude(pk=instance.pk)
    condition = models.Q()
    if end is not None:
        condition &= models.Q(valid_from__isnull=True) | models.Q(valid_from__lt=end)
    if start is not None:
        condition &= models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=start)
    return others.filter(condition).first()


def kind_lock(kind: CatalogueKind) -> None:
    # Serialises writers of one catalogue so the overlap check cannot race.
    CatalogueKind.objects.select_for_update().filter(pk=kind.pk).exists()


def entry_create(*, kind: CatalogueKind, values: dict, actor=None) -> CatalogueEntry:
    """Add an entry to a catalogue. Raises ``ValidationError`` (see ``entry_clean``)."""
    with transaction.atomic():
        kind_lock(kind)
        cleaned = entry_clean(kind=kind, values=values)
        entry = CatalogueEntry(kind=kind)
        entry_assign(entry, cleaned)
        entry.save()
    return entry


def entry_update(*, entry: CatalogueEntry, values: dict, actor=None) -> CatalogueEntry:
    """Change an entry. A shipped entry changed here is marked as edited locally, so the
    standard-data loader will not overwrite it."""
    with transaction.atomic():
        kind_lock(entry.kind)
        entry = CatalogueEntry.objects.select_for_update().get(pk=entry.pk)
        cleaned = entry_clean(kind=entry.kind, values=values, instance=entry)
        changed = entry_assign(entry, cleaned)
        if changed:
            if entry.data_version:
                entry.locally_modified = True
            entry.save()
    return entry


def entry_assign(entry: CatalogueEntry, cleaned: dict) -> bool:
    changed = False
    for name in ENTRY_FIELDS:
        if name in cleaned and getattr(entry, name) != cleaned[name]:
            setattr(entry, name, cleaned[name])
            changed = True
    if "active" in cleaned:
        entry.retired_at = None if entry.active else (entry.retired_at or timezone.now())
    entry.label_folded = fold(entry.label)[:500]
    return changed or entry.pk is None


def entry_retire(*, entry: CatalogueEntry, retired_on: datetime.date | None = None, actor=None) -> CatalogueEntry:
    """Take an entry out of use: it stays for history and existing references but is no
    longer offered. ``retired_on`` closes its validity when given."""
    with transaction.atomic():
        entry = CatalogueEntry.objects.select_for_update().get(pk=entry.pk)
        if not entry.active:
            return entry
        entry.active = False
        entry.retired_at = timezone.now()
        if retired_on and (entry.valid_to is None or retired_on < entry.valid_to):
            if entry.valid_from and retired_on <= entry.valid_from:
                raise ValidationError(
                    {
                        "retired_on": _("The retirement date must be after the start of validity (%(start)s).")
                        % {"start": format_date(entry.valid_from)}
                    }
                )
            entry.valid_to = retired_on
        if entry.data_version:
            entry.locally_modified = True
        entry.save()
    return entry


def entry_reactivate(*, entry: CatalogueEntry, actor=None) -> CatalogueEntry:
    """Put a retired entry back in use."""
    with transaction.atomic():
        entry = CatalogueEntry.objects.select_for_update().get(pk=entry.pk)
        entry.active = True
        entry.retired_at = None
        entry.save()
    return entry


def entry_usages(entry: CatalogueEntry) -> list[tuple[str, int]]:
    """Where an entry is used: [(what, count)] over every foreign key to catalogue
    entries, sub-entries, and entry-typed attributes of other catalogues."""
    usages: list[tuple[str, int]] = []
    # include_hidden: foreign keys declared with related_name="+" are uses too.
    for relation in CatalogueEntry._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        if (relation.one_to_many or relation.one_to_one) and not _is_audit_model(relation.related_model):
            model = relation.related_model
            count = model._default_manager.filter(**{relation.field.name: entry}).count()
            if count:
                usages.append((str(model._meta.verbose_name_plural), count))
    for kind in CatalogueKind.objects.exclude(attribute_schema=[]):
        for spec in kind.attribute_schema:
            if spec.get("kind") != entry.kind.code:
                continue
            if spec["type"] == AttributeType.ENTRY:
                count = kind.entries.filter(**{f"attributes__{spec['key']}": entry.code}).count()
            else:
                count = kind.entries.filter(**{f"attributes__{spec['key']}__contains": [entry.code]}).count()
            if count:
                usages.append(
                    (_("catalogue '%(kind)s' (%(attr)s)") % {"kind": kind.name, "attr": spec["label"]}, count)
                )
    return usages


def _is_audit_model(model) -> bool:
    """Audit events refer to what they record; they are history, not uses."""
    import pghistory.models

    return issubclass(model, pghistory.models.Event)


def entry_delete(*, entry: CatalogueEntry, actor=None) -> None:
    """Delete an entry that nothing uses. An entry in use is refused with the list of
    places that use it: retire it instead."""
    with transaction.atomic():
        entry = CatalogueEntry.objects.select_for_update().get(pk=entry.pk)
        usages = entry_usages(entry)
        if usages:
            where = "; ".join(f"{what}: {count}" for what, count in usages)
            raise ValidationError(
                _("Entry '%(label)s' is in use (%(where)s) and cannot be deleted; retire it instead.")
                % {"label": entry.label, "where": where}
            )
        entry.delete()


# --- kinds ---------------------------------------------------------------------------------


def kind_save(*, values: dict, instance: CatalogueKind | None = None, actor=None) -> CatalogueKind:
    """Create or change a catalogue kind. The code of a kind that has entries is fixed."""
    code = nfc(values.get("code", instance.code if instance else ""))
    if not KIND_CODE_RE.match(code):
        raise ValidationError({"code": _("The catalogue code must be lowercase letters, digits and _ (e.g. dan_toc).")})
    if instance is not None and code != instance.code and instance.entries.exists():
        raise ValidationError({"code": _("The code of a catalogue that has entries cannot change.")})
    if CatalogueKind.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists():
        raise ValidationError({"code": _("A catalogue with code '%(code)s' already exists.") % {"code": code}})
    name = nfc(values.get("name", instance.name if instance else ""))
    if not name:
        raise ValidationError({"name": _("Enter the catalogue's name.")})
    schema = validate_attribute_schema(values.get("attribute_schema", instance.attribute_schema if instance else []))
    referenced = {spec["kind"] for spec in schema if "kind" in spec} - {code}
    known = set(CatalogueKind.objects.filter(code__in=referenced).values_list("code", flat=True))
    if referenced - known:
        raise ValidationError(
            {
                "attribute_schema": _("Catalogue '%(kind)s' referred to by an attribute does not exist.")
                % {"kind": sorted(referenced - known)[0]}
            }
        )
    with transaction.atomic():
        kind = instance or CatalogueKind()
        kind.code = code
        kind.name = name
        for key in ("name_en", "description", "source", "code_system"):
            if key in values:
                setattr(kind, key, nfc(values[key]))
        if "hierarchical" in values:
            kind.hierarchical = bool(values["hierarchical"])
        kind.attribute_schema = schema
        kind.code_system = kind.code_system or "HSCBCCVC"
        kind.save()
    return kind


# --- standard data ------------------------------------------------------------------------
