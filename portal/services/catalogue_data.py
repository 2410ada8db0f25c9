"""The standard catalogues shipped as versioned JSON in ``portal/data/catalogues``: load and upgrade."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import CatalogueEntry, CatalogueKind
from portal.services.catalogue_attributes import kind_entry_codes, parse_date
from portal.services.catalogues import entry_assign, entry_clean, kind_save

STANDARD_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "catalogues"


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
        (code_system, str(item["code"]), parse_date(item["valid_from"]) if item.get("valid_from") else None)
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
        valid_from = parse_date(item["valid_from"]) if item.get("valid_from") else None
        valid_to = parse_date(item["valid_to"]) if item.get("valid_to") else None
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
            entry_assign(entry, cleaned)
            entry.save()
            report.created += 1
        elif entry_assign(entry, cleaned) or entry.data_version != kind.data_version or not entry.active:
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
