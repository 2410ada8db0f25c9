"""Write services for catalogues (danh mục): kinds, entries, retire-not-delete, standard data.

One validation path (``entry_clean``) serves the admin, the API, the xlsx import
and the standard-data loader. Entries that anything refers to are retired, never
deleted. Periods of the same code never overlap.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.choices import AttributeType, Verification
from portal.models import CatalogueEntry, CatalogueKind
from portal.services.common import format_date
from portal.text import fold, nfc

STANDARD_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "catalogues"
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._\-/]*$")
KIND_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ATTRIBUTE_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
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


def validate_attribute_schema(schema) -> list[dict]:
    """Check a kind's attribute schema; return it normalised. Raises ``ValidationError``."""
    if schema in (None, ""):
        return []
    if not isinstance(schema, list):
        raise ValidationError({"attribute_schema": _("The attribute schema must be a list of attributes.")})
    keys: set[str] = set()
    cleaned = []
    for position, item in enumerate(schema, start=1):
        if not isinstance(item, dict):
            raise ValidationError({"attribute_schema": _("Attribute %(n)s must be an object.") % {"n": position}})
        key = str(item.get("key", ""))
        if not ATTRIBUTE_KEY_RE.match(key):
            raise ValidationError(
                {
                    "attribute_schema": _("Attribute %(n)s: the key '%(key)s' must be lowercase letters, digits and _.")
                    % {"n": position, "key": key}
                }
            )
        if key in keys:
            raise ValidationError({"attribute_schema": _("Attribute key '%(key)s' appears twice.") % {"key": key}})
        keys.add(key)
        kind = item.get("type")
        if kind not in AttributeType.values:
            raise ValidationError(
                {"attribute_schema": _("Attribute '%(key)s': unknown type '%(type)s'.") % {"key": key, "type": kind}}
            )
        entry = {
            "key": key,
            "label": nfc(item.get("label") or key),
            "label_en": nfc(item.get("label_en") or ""),
            "type": kind,
            "required": bool(item.get("required", False)),
        }
        if kind in (AttributeType.ENTRY, AttributeType.ENTRY_LIST):
            if not item.get("kind"):
                raise ValidationError(
                    {
                        "attribute_schema": _("Attribute '%(key)s' refers to entries: name their catalogue.")
                        % {"key": key}
                    }
                )
            entry["kind"] = item["kind"]
        if kind == AttributeType.CHOICE:
            choices = item.get("choices") or []
            if not choices or not all(isinstance(c, list | tuple) and len(c) == 2 for c in choices):
                raise ValidationError(
                    {"attribute_schema": _("Attribute '%(key)s' needs choices as [code, label] pairs.") % {"key": key}}
                )
            entry["choices"] = [[str(code), nfc(label)] for code, label in choices]
        cleaned.append(entry)
    return cleaned


def _attribute_value(spec: dict, value, *, entry_codes: dict[str, set[str]]):
    """Convert one attribute value to its stored JSON form, or raise ``ValueError`` (Vietnamese)."""
    kind = spec["type"]
    if kind == AttributeType.TEXT:
        return nfc(value)
    if kind == AttributeType.INTEGER:
        if isinstance(value, bool):
            raise ValueError(_("must be a whole number"))
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(_("must be a whole number"))
        try:
            return int(str(value).strip().replace(".", "").replace(" ", "")) if isinstance(value, str) else int(value)
        except (TypeError, ValueError):
            raise ValueError(_("must be a whole number")) from None
    if kind == AttributeType.DECIMAL:
        return format(_decimal(value), "f")
    if kind == AttributeType.DECIMAL_LIST:
        items = value if isinstance(value, list) else [v for v in re.split(r"[;\s]+", str(value)) if v]
        if not items:
            raise ValueError(_("needs at least one number"))
        return [format(_decimal(item), "f") for item in items]
    if kind == AttributeType.DATE:
        return _date(value).isoformat()
    if kind == AttributeType.BOOLEAN:
        return _boolean(value)
    if kind == AttributeType.CHOICE:
        codes = {code: label for code, label in spec["choices"]}
        text = nfc(value)
        for code, label in codes.items():
            if text == code or fold(text) == fold(label):
                return code
        raise ValueError(_("must be one of: %(choices)s") % {"choices": ", ".join(codes)})
    if kind in (AttributeType.ENTRY, AttributeType.ENTRY_LIST):
        known = entry_codes.get(spec["kind"], set())
        items = value if isinstance(value, list) else [v for v in re.split(r"[;,]\s*", nfc(value)) if v]
        if kind == AttributeType.ENTRY:
            items = [nfc(value)]
        unknown = [item for item in items if item not in known]
        if unknown:
            raise ValueError(
                _("code %(codes)s is not in catalogue '%(kind)s'") % {"codes": ", ".join(unknown), "kind": spec["kind"]}
            )
        return items[0] if kind == AttributeType.ENTRY else items
    raise ValueError(_("unknown type"))


def _decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(_("must be a number"))
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(" ", "")
    # Vietnamese decimal comma ("2,34") is accepted; thousands separators are not guessed.
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("must be a number (for example 2,34)")) from None
    if not number.is_finite():
        raise ValueError(_("must be a number (for example 2,34)"))
    # Plain notation as written ("10.00" stays "10.00", never "1E+1").
    return Decimal(format(number, "f"))


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = nfc(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("must be a date dd/mm/yyyy"))


def _boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    text = fold(str(value))
    if text in {"1", "co", "true", "yes", "x", "dung"}:
        return True
    if text in {"0", "khong", "false", "no", "", "sai"}:
        return False
    raise ValueError(_("must be Có or Không"))


def kind_entry_codes(kind_codes: set[str]) -> dict[str, set[str]]:
    """Codes of the entries of the given kinds (for validating entry-typed attributes)."""
    codes: dict[str, set[str]] = {code: set() for code in kind_codes}
    for kind_code, code in CatalogueEntry.objects.filter(kind__code__in=kind_codes).values_list("kind__code", "code"):
        codes[kind_code].add(code)
    return codes


def validate_entry_attributes(kind: CatalogueKind, attributes, *, entry_codes=None) -> dict:
    """Check and convert an entry's attribute values against its kind's schema."""
    attributes = attributes or {}
    if not isinstance(attributes, dict):
        raise ValidationError({"attributes": _("Attributes must be an object.")})
    schema = kind.attribute_schema or []
    known = {spec["key"] for spec in schema}
    unknown = sorted(set(attributes) - known)
    if unknown:
        raise ValidationError(
            {
                "attributes": _("Catalogue '%(kind)s' has no attribute '%(key)s'.")
                % {"kind": kind.name, "key": unknown[0]}
            }
        )
    if entry_codes is None:
        entry_codes = kind_entry_codes({spec["kind"] for spec in schema if "kind" in spec})
    cleaned = {}
    errors = []
    for spec in schema:
        value = attributes.get(spec["key"])
        if value in (None, "", []):
            if spec.get("required"):
                errors.append(_("'%(label)s' is required.") % {"label": spec["label"]})
            continue
        try:
            cleaned[spec["key"]] = _attribute_value(spec, value, entry_codes=entry_codes)
        except ValueError as exc:
            errors.append(_("'%(label)s' %(problem)s.") % {"label": spec["label"], "problem": exc})
    if errors:
        raise ValidationError({"attributes": errors})
    return cleaned


# --- entries -----------------------------------------------------------------------------


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
                % {"code": code, "period": _period_text(overlap.valid_from, overlap.valid_to)}
            )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _period_text(start, end) -> str:
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


def _lock_kind(kind: CatalogueKind) -> None:
    # Serialises writers of one catalogue so the overlap check cannot race.
    CatalogueKind.objects.select_for_update().filter(pk=kind.pk).exists()


def entry_create(*, kind: CatalogueKind, values: dict, actor=None) -> CatalogueEntry:
    """Add an entry to a catalogue. Raises ``ValidationError`` (see ``entry_clean``)."""
    with transaction.atomic():
        _lock_kind(kind)
        cleaned = entry_clean(kind=kind, values=values)
        entry = CatalogueEntry(kind=kind)
        _assign(entry, cleaned)
        entry.save()
    return entry


def entry_update(*, entry: CatalogueEntry, values: dict, actor=None) -> CatalogueEntry:
    """Change an entry. A shipped entry changed here is marked as edited locally, so the
    standard-data loader will not overwrite it."""
    with transaction.atomic():
        _lock_kind(entry.kind)
        entry = CatalogueEntry.objects.select_for_update().get(pk=entry.pk)
        cleaned = entry_clean(kind=entry.kind, values=values, instance=entry)
        changed = _assign(entry, cleaned)
        if changed:
            if entry.data_version:
                entry.locally_modified = True
            entry.save()
    return entry


def _assign(entry: CatalogueEntry, cleaned: dict) -> bool:
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
        if relation.one_to_many or relation.one_to_one:
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


@dataclass
class LoadReport:
    """What ``catalogues_load_standard`` did, per kind."""

    kinds_created: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    kept_local: list[str] = field(default_factory=list)


def _read_standard_files(directory: Path) -> list[dict]:
    files = sorted(directory.glob("*.json"))
    return [json.loads(path.read_text(encoding="utf-8")) for path in files]


def _load_order(documents: list[dict]) -> list[dict]:
    """Kinds referred to by entry attributes are loaded before the kinds that refer to them."""
    by_kind = {doc["kind"]: doc for doc in documents}
    ordered: list[dict] = []
    visiting: set[str] = set()

    def visit(code: str) -> None:
        if code in visiting or any(doc["kind"] == code for doc in ordered):
            return
        visiting.add(code)
        for spec in by_kind[code].get("attributes", []):
            if spec.get("kind") in by_kind and spec["kind"] != code:
                visit(spec["kind"])
        ordered.append(by_kind[code])

    for code in sorted(by_kind):
        visit(code)
    return ordered


def catalogues_load_standard(*, directory: Path | None = None, actor=None) -> LoadReport:
    """Load or upgrade the standard catalogues shipped in ``portal/data/catalogues``.

    Idempotent: entries are matched by (kind, code system, code, start of validity);
    new ones are created, changed ones updated, shipped entries that disappeared from
    the data are retired (never deleted). Entries edited locally by an admin are left
    as they are and reported. One transaction for everything.
    """
    report = LoadReport()
    documents = _load_order(_read_standard_files(directory or STANDARD_DATA_DIR))
    with transaction.atomic():
        for doc in documents:
            _load_kind(doc, report)
    return report


def _load_kind(doc: dict, report: LoadReport) -> None:
    kind = CatalogueKind.objects.filter(code=doc["kind"]).first()
    if kind is None:
        report.kinds_created.append(doc["kind"])
    kind = kind_save(
        values={
            "code": doc["kind"],
            "name": doc["name"],
            "name_en": doc.get("name_en", ""),
            "description": doc.get("description", ""),
            "source": doc.get("source", ""),
            "code_system": doc.get("code_system", "HSCBCCVC"),
            "hierarchical": doc.get("hierarchical", False),
            "attribute_schema": doc.get("attributes", []),
        },
        instance=kind,
    )
    kind.is_standard = True
    kind.data_version = doc.get("version", "")
    kind.save(update_fields=["is_standard", "data_version"])
    existing = {
        (entry.code_system, entry.code, entry.valid_from): entry for entry in kind.entries.select_related("parent")
    }
    entry_codes = kind_entry_codes({spec["kind"] for spec in kind.attribute_schema if "kind" in spec} | {kind.code})
    seen: set[tuple] = set()
    pending_parents: list[tuple[CatalogueEntry, str]] = []
    code_system = doc.get("code_system", "HSCBCCVC")
    data_keys = {
        (code_system, str(item["code"]), _date(item["valid_from"]) if item.get("valid_from") else None)
        for item in doc["entries"]
    }
    # A shipped entry whose start of validity moved in the data is the same entry, updated in place:
    # the one unmatched existing period of a code is paired with the one unmatched period in the data.
    unmatched_existing: dict[tuple, list[tuple]] = {}
    for key, entry in existing.items():
        if key not in data_keys and entry.data_version:
            unmatched_existing.setdefault(key[:2], []).append(key)
    unmatched_data: dict[tuple, list[tuple]] = {}
    for key in data_keys - set(existing):
        unmatched_data.setdefault(key[:2], []).append(key)
    for code_key, old_keys in unmatched_existing.items():
        new_keys = unmatched_data.get(code_key, [])
        if len(old_keys) == 1 and len(new_keys) == 1:
            existing[new_keys[0]] = existing.pop(old_keys[0])
    for item in doc["entries"]:
        valid_from = _date(item["valid_from"]) if item.get("valid_from") else None
        valid_to = _date(item["valid_to"]) if item.get("valid_to") else None
        key = (code_system, str(item["code"]), valid_from)
        seen.add(key)
        entry_codes.setdefault(kind.code, set()).add(str(item["code"]))
        values = {
            "code": str(item["code"]),
            "code_system": code_system,
            "label": item["label"],
            "label_en": item.get("label_en", ""),
            "valid_from": valid_from,
            "valid_to": valid_to,
            "order": int(item.get("order") or 0),
            "attributes": item.get("attributes") or {},
            "verification": item.get("verification", ""),
        }
        entry = existing.get(key)
        if entry is not None and entry.locally_modified:
            report.kept_local.append(f"{kind.code}:{entry.code}")
            continue
        try:
            cleaned = entry_clean(kind=kind, values=values, instance=entry, entry_codes=entry_codes)
        except ValidationError as exc:
            raise ValidationError(
                _("Standard catalogue %(kind)s, code %(code)s: %(problems)s")
                % {"kind": kind.code, "code": item["code"], "problems": "; ".join(exc.messages)}
            ) from exc
        if entry is None:
            entry = CatalogueEntry(kind=kind, data_version=kind.data_version)
            _assign(entry, cleaned)
            entry.save()
            report.created += 1
        elif _assign(entry, cleaned) or entry.data_version != kind.data_version or not entry.active:
            entry.data_version = kind.data_version
            entry.active = True
            entry.retired_at = None
            entry.save()
            report.updated += 1
        else:
            report.unchanged += 1
        if item.get("parent"):
            pending_parents.append((entry, str(item["parent"])))
    by_code = {entry.code: entry for entry in kind.entries.all()}
    for entry, parent_code in pending_parents:
        parent = by_code.get(parent_code)
        if parent is None:
            raise ValidationError(
                _("Standard catalogue %(kind)s: parent %(parent)s of %(code)s does not exist.")
                % {"kind": kind.code, "parent": parent_code, "code": entry.code}
            )
        if entry.parent_id != parent.pk:
            entry.parent = parent
            entry.save(update_fields=["parent", "updated_at"])
    for key, entry in existing.items():
        if key not in seen and entry.data_version and entry.active and not entry.locally_modified:
            entry.active = False
            entry.retired_at = timezone.now()
            entry.save(update_fields=["active", "retired_at", "updated_at"])
            report.retired += 1
