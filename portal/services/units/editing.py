"""Creating a unit and changing its details (name, code, type, quotas, custom fields).

Each service is one transaction; it validates everything before writing, raises
``ValidationError`` keyed by field with a Vietnamese sentence, and records a
``UnitEvent`` for every unit it changes.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.choices import UnitEventKind
from portal.identifiers import normalize_code
from portal.models import CatalogueEntry, Unit
from portal.services.fields.values import custom_fields_clean
from portal.services.unit_codes import check_code_nesting, check_codes_unique, nearest_coded_ancestor, plan_code_change
from portal.services.units.common import (
    QUOTA_FIELDS,
    UNIT_TYPE_KIND,
    Decision,
    _apply_codes,
    _lock,
    _record,
    _refresh,
    _require_active,
    _snapshot,
)
from portal.text import fold, nfc

EDITABLE_FIELDS = (
    "name",
    "short_name",
    "code",
    "admin_area_code",
    "unit_type",
    "established_on",
    *QUOTA_FIELDS,
    "custom_fields",
)


def _check_unit_type(unit_type) -> None:
    if unit_type is None:
        raise ValidationError({"unit_type": _("Choose the unit type.")})
    if unit_type.kind.code != UNIT_TYPE_KIND:
        raise ValidationError({"unit_type": _("'%(label)s' is not a unit type.") % {"label": unit_type.label}})
    if not unit_type.active:
        raise ValidationError(
            {"unit_type": _("Unit type '%(label)s' is retired; choose a type in use.") % {"label": unit_type.label}}
        )


def _translate_integrity(exc: IntegrityError) -> ValidationError:
    if "unit_active_code_unique" in str(exc):
        return ValidationError({"code": _("This identifier code is already used by another active unit.")})
    raise exc


def unit_create(
    *,
    name: str,
    unit_type: CatalogueEntry,
    parent: Unit | None = None,
    short_name: str = "",
    code: str = "",
    admin_area_code: str = "",
    established_on: datetime.date | None = None,
    quotas: dict[str, int] | None = None,
    decision: Decision | None = None,
    custom_fields: dict | None = None,
    actor=None,
) -> Unit:
    """Create a unit (a root when ``parent`` is None) and its "created" event.

    ``custom_fields`` are checked by ``portal.services.fields.values.custom_fields_clean``;
    None (callers that do not handle custom fields, such as a split) stores none
    without checking required ones.

    Raises ``ValidationError`` for an empty name, a retired or wrong unit type, a
    dissolved parent, or an identifier code that is malformed, does not nest under
    the nearest coded ancestor, or is used by another active unit.
    """
    decision = decision or Decision(effective_on=established_on)
    name = nfc(name)
    code = normalize_code(code)
    if not name:
        raise ValidationError({"name": _("Enter the unit's name.")})
    _check_unit_type(unit_type)
    if parent is not None:
        _require_active(parent, field_name="parent", action=_("given new sub-units"))
    if code:
        check_code_nesting(code, nearest_coded_ancestor(parent), unit_name=name)
        check_codes_unique({code: name}, exclude_ids=set())
    quotas = _clean_quotas(quotas or {})
    custom = {} if custom_fields is None else custom_fields_clean(target="unit", values=custom_fields)
    values = {
        "name": name,
        "name_folded": fold(name),
        "short_name": nfc(short_name),
        "unit_type": unit_type,
        "code": code,
        "admin_area_code": nfc(admin_area_code),
        "established_on": established_on or decision.effective_on,
        **quotas,
        "custom_fields": custom,
    }
    try:
        with transaction.atomic():
            if parent is None:
                unit = Unit.add_root(**values)
            else:
                _lock([parent])
                unit = _refresh(parent).add_child(**values)
            _record(unit, UnitEventKind.CREATED, decision, actor, after=_snapshot(unit))
    except IntegrityError as exc:
        raise _translate_integrity(exc) from exc
    return unit


def _clean_quotas(quotas: dict) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for key, value in quotas.items():
        if key not in QUOTA_FIELDS:
            raise ValidationError({key: _("Unknown staffing quota.")})
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError({key: _("Staffing quotas are whole numbers.")}) from None
        if number < 0:
            raise ValidationError({key: _("Staffing quotas cannot be negative.")})
        cleaned[key] = number
    return cleaned


def unit_update(*, unit: Unit, changes: dict, decision: Decision | None = None, actor=None) -> Unit:
    """Change a unit's details. A new name records "renamed", a new code "code_changed"
    (sub-units' codes are rebased with it), anything else "updated".

    Raises ``ValidationError`` for a dissolved unit, unknown fields, and the same
    name, type and code checks as ``unit_create``.
    """
    decision = decision or Decision()
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be changed here.")})
    with transaction.atomic():
        _lock([unit])
        unit = _refresh(unit)
        _require_active(unit, field_name="unit", action=_("changed"))
        before = {key: getattr(unit, key) for key in changes}
        cleaned = dict(changes)
        if "name" in cleaned:
            cleaned["name"] = nfc(cleaned["name"])
            if not cleaned["name"]:
                raise ValidationError({"name": _("Enter the unit's name.")})
        if "short_name" in cleaned:
            cleaned["short_name"] = nfc(cleaned["short_name"])
        if "unit_type" in cleaned and cleaned["unit_type"] != unit.unit_type:
            _check_unit_type(cleaned["unit_type"])
        cleaned.update(_clean_quotas({k: v for k, v in cleaned.items() if k in QUOTA_FIELDS}))
        if "custom_fields" in cleaned:
            cleaned["custom_fields"] = custom_fields_clean(
                target="unit", values=cleaned["custom_fields"], instance=unit
            )
        code_plan: dict[int, tuple[str, str]] = {}
        if "code" in cleaned:
            cleaned["code"] = normalize_code(cleaned["code"])
            if cleaned["code"] != unit.code:
                code_plan = plan_code_change(unit, cleaned["code"])
        changed = {key: value for key, value in cleaned.items() if before[key] != value}
        if not changed:
            return unit
        for key, value in changed.items():
            setattr(unit, key, value)
        unit.name_folded = fold(unit.name)
        try:
            with transaction.atomic():
                unit.save()
                _apply_codes(
                    {pk: v for pk, v in code_plan.items() if pk != unit.pk},
                    decision,
                    actor,
                    reason="parent_code_changed",
                )
        except IntegrityError as exc:
            raise _translate_integrity(exc) from exc

        def plain(value):
            return value.pk if hasattr(value, "pk") else (value.isoformat() if hasattr(value, "isoformat") else value)

        if "name" in changed or "short_name" in changed:
            _record(
                unit,
                UnitEventKind.RENAMED,
                decision,
                actor,
                before={k: before[k] for k in ("name", "short_name") if k in changed},
                after={k: changed[k] for k in ("name", "short_name") if k in changed},
            )
        if "code" in changed:
            _record(
                unit,
                UnitEventKind.CODE_CHANGED,
                decision,
                actor,
                before={"code": before["code"]},
                after={"code": changed["code"]},
            )
        others = {k: v for k, v in changed.items() if k not in ("name", "short_name", "code")}
        if others:
            _record(
                unit,
                UnitEventKind.UPDATED,
                decision,
                actor,
                before={k: plain(before[k]) for k in others},
                after={k: plain(v) for k, v in others.items()},
            )
    return unit
