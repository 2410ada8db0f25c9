"""Write services for the unit tree: create, update/rename, move, merge, split, dissolve.

Used identically by the admin, the API and the command line. Each service is one
transaction; it validates everything before writing, raises ``ValidationError``
keyed by field with a Vietnamese sentence, and records a ``UnitEvent`` for every
unit it changes. Units are never deleted.

People arrive with the dossier issue. The ``records`` app registers a
``UnitMemberHandler`` so that dissolving refuses a unit that still has people and
merging moves them, without ``portal`` importing ``records``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.choices import UnitEventKind
from portal.identifiers import normalize_code
from portal.models import CatalogueEntry, Unit, UnitEvent
from portal.services.common import actor_label, format_date, today
from portal.services.fields import custom_fields_clean
from portal.services.unit_codes import (
    anchors_after,
    check_code_nesting,
    check_codes_unique,
    nearest_coded_ancestor,
    plan_code_change,
    plan_subtree_codes,
    validate_planned_codes,
)
from portal.text import fold, nfc

UNIT_TYPE_KIND = "loai_don_vi"
QUOTA_FIELDS = ("quota_civil_servants", "quota_public_employees", "quota_contracts_111")
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


class UnitMemberHandler(Protocol):
    """What another app provides so unit operations account for the people in units."""

    def count_members(self, unit_ids: list[int]) -> int: ...

    def move_members(self, *, source: Unit, target: Unit, effective_on: datetime.date, actor) -> int: ...


_member_handlers: list[UnitMemberHandler] = []


def register_unit_member_handler(handler: UnitMemberHandler) -> None:
    """Register a handler (called from another app's ``AppConfig.ready``)."""
    if handler not in _member_handlers:
        _member_handlers.append(handler)


def unit_member_count(unit_ids: list[int]) -> int:
    return sum(handler.count_members(unit_ids) for handler in _member_handlers)


@dataclass
class Decision:
    """The legal act behind a change: effective date, decision number and date."""

    effective_on: datetime.date | None = None
    number: str = ""
    date: datetime.date | None = None
    note: str = ""

    def resolved_day(self) -> datetime.date:
        return self.effective_on or today()


@dataclass
class SplitPart:
    """One unit created by a split."""

    name: str
    unit_type: CatalogueEntry | None = None
    short_name: str = ""
    code: str = ""
    parent: Unit | None = None
    quotas: dict[str, int] = field(default_factory=dict)


# --- reading helpers ---------------------------------------------------------------------


def _refresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def _lock(units: Iterable[Unit]) -> None:
    ids = sorted({unit.pk for unit in units})
    list(Unit.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))


def _snapshot(unit: Unit) -> dict:
    return {
        "id": unit.pk,
        "name": unit.name,
        "short_name": unit.short_name,
        "code": unit.code,
        "parent_id": _parent_id(unit),
    }


def _parent_id(unit: Unit) -> int | None:
    parent = unit.get_parent()
    return parent.pk if parent else None


def _record(unit: Unit, kind: str, decision: Decision, actor, *, related: Unit | None = None, **details):
    return UnitEvent.objects.create(
        unit=unit,
        kind=kind,
        effective_on=decision.resolved_day(),
        decision_number=nfc(decision.number),
        decision_date=decision.date,
        related_unit=related,
        actor=actor,
        actor_name=actor_label(actor),
        details=details,
        note=nfc(decision.note),
    )


# --- validation --------------------------------------------------------------------------


def _require_active(unit: Unit, *, field_name: str, action: str) -> None:
    if unit.dissolved_on is not None:
        raise ValidationError(
            {
                field_name: _("Unit '%(name)s' was dissolved on %(date)s and cannot be %(action)s.")
                % {"name": unit.name, "date": format_date(unit.dissolved_on), "action": action}
            }
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


def _check_decision(decision: Decision, *, required: bool) -> None:
    if required and not nfc(decision.number):
        raise ValidationError({"decision_number": _("Enter the number of the decision behind this change.")})
    if (
        decision.date
        and decision.effective_on
        and decision.date > decision.effective_on + datetime.timedelta(days=366 * 5)
    ):
        raise ValidationError({"decision_date": _("The decision date is implausibly far from the effective date.")})


def _check_effective_after_establishment(unit: Unit, decision: Decision) -> None:
    day = decision.resolved_day()
    if unit.established_on and day < unit.established_on:
        raise ValidationError(
            {
                "effective_on": _(
                    "The effective date %(day)s is before unit '%(name)s' was established (%(established)s)."
                )
                % {"day": format_date(day), "name": unit.name, "established": format_date(unit.established_on)}
            }
        )


def _apply_codes(plan: dict[int, tuple[str, str]], decision: Decision, actor, *, reason: str) -> None:
    for pk, (old, new) in plan.items():
        if old == new:
            continue
        unit = Unit.objects.get(pk=pk)
        unit.code = new
        unit.save(update_fields=["code", "updated_at"])
        _record(
            unit, UnitEventKind.CODE_CHANGED, decision, actor, before={"code": old}, after={"code": new}, reason=reason
        )


def _translate_integrity(exc: IntegrityError) -> ValidationError:
    if "unit_active_code_unique" in str(exc):
        return ValidationError({"code": _("This identifier code is already used by another active unit.")})
    raise exc


# --- services ------------------------------------------------------------------------------


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

    ``custom_fields`` are checked by ``portal.services.fields.custom_fields_clean``;
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


def unit_move(
    *,
    unit: Unit,
    new_parent: Unit,
    decision: Decision | None = None,
    code_map: dict[int, str] | None = None,
    actor=None,
) -> Unit:
    """Move ``unit`` (with its sub-units) under ``new_parent``.

    Codes in the moved subtree are rebased onto the new parent's code when the
    levels allow it, or taken from ``code_map`` ({unit id: new code}). Raises
    ``ValidationError`` when the target is the unit itself or one of its
    descendants, when either is dissolved, or when a code cannot be derived, nests
    wrongly or clashes.
    """
    decision = decision or Decision()
    with transaction.atomic():
        _lock([unit, new_parent])
        unit, new_parent = _refresh(unit), _refresh(new_parent)
        _require_active(unit, field_name="unit", action=_("moved"))
        _require_active(new_parent, field_name="new_parent", action=_("given new sub-units"))
        if new_parent.pk == unit.pk or new_parent.is_descendant_of(unit):
            raise ValidationError(
                {
                    "new_parent": _(
                        "Unit '%(name)s' cannot be moved under itself or under one of its own sub-units ('%(target)s')."
                    )
                    % {"name": unit.name, "target": new_parent.name}
                }
            )
        old_parent = unit.get_parent()
        if old_parent is not None and old_parent.pk == new_parent.pk:
            raise ValidationError(
                {
                    "new_parent": _("'%(name)s' is already under '%(target)s'.")
                    % {"name": unit.name, "target": new_parent.name}
                }
            )
        _check_effective_after_establishment(unit, decision)
        plan = plan_subtree_codes(roots=[unit], new_parent=new_parent, code_map=code_map)
        before = _snapshot(unit)
        unit.move(new_parent, pos="last-child")
        unit = _refresh(unit)
        validate_planned_codes(plan, anchors=anchors_after(plan, plan))
        _apply_codes(plan, decision, actor, reason="moved")
        unit = _refresh(unit)
        _record(
            unit,
            UnitEventKind.MOVED,
            decision,
            actor,
            related=new_parent,
            before=before,
            after=_snapshot(unit),
            from_parent={"id": old_parent.pk, "name": old_parent.name} if old_parent else None,
            to_parent={"id": new_parent.pk, "name": new_parent.name},
        )
    return unit


def unit_merge(
    *,
    source: Unit,
    target: Unit,
    decision: Decision,
    code_map: dict[int, str] | None = None,
    combine_quotas: bool = True,
    actor=None,
) -> Unit:
    """Merge ``source`` into ``target`` in one transaction.

    1. Both units are locked and checked: different, both active, the target not
       inside the source's subtree, a decision number given.
    2. The source's active sub-units move under the target (codes rebased).
    3. People registered in the source move to the target (member handlers).
    4. Staffing quotas are added to the target's when ``combine_quotas``.
    5. The source is dissolved with ``successor=target``; events are written on
       the source ("merged_into"), the target ("absorbed") and each moved sub-unit.
    Nothing is deleted. Returns the refreshed target.
    """
    _check_decision(decision, required=True)
    with transaction.atomic():
        _lock([source, target])
        source, target = _refresh(source), _refresh(target)
        if source.pk == target.pk:
            raise ValidationError({"target": _("A unit cannot be merged into itself.")})
        _require_active(source, field_name="source", action=_("merged"))
        if target.dissolved_on is not None:
            raise ValidationError(
                {
                    "target": _("Unit '%(name)s' was dissolved on %(date)s; it cannot receive a merged unit.")
                    % {"name": target.name, "date": format_date(target.dissolved_on)}
                }
            )
        if target.is_descendant_of(source):
            raise ValidationError(
                {
                    "target": _("'%(source)s' cannot be merged into its own sub-unit '%(target)s'.")
                    % {"source": source.name, "target": target.name}
                }
            )
        _check_effective_after_establishment(source, decision)
        # 2. sub-units
        children = [child for child in source.get_children() if child.dissolved_on is None]
        plan = plan_subtree_codes(roots=children, new_parent=target, code_map=code_map) if children else {}
        moved = []
        for child in children:
            child = _refresh(child)
            child_before = _snapshot(child)
            child.move(_refresh(target), pos="last-child")
            moved.append((child.pk, child_before))
        if plan:
            validate_planned_codes(plan, anchors=anchors_after(plan, plan))
            _apply_codes(plan, decision, actor, reason="merged")
        for child_id, child_before in moved:
            child = Unit.objects.get(pk=child_id)
            _record(
                child,
                UnitEventKind.MOVED,
                decision,
                actor,
                related=target,
                before=child_before,
                after=_snapshot(child),
                reason="merge",
                from_parent={"id": source.pk, "name": source.name},
                to_parent={"id": target.pk, "name": target.name},
            )
        # 3. people
        people_moved = 0
        for handler in _member_handlers:
            people_moved += handler.move_members(
                source=source, target=target, effective_on=decision.resolved_day(), actor=actor
            )
        # 4. quotas
        target = _refresh(target)
        quota_before = {key: getattr(target, key) for key in QUOTA_FIELDS}
        if combine_quotas:
            for key in QUOTA_FIELDS:
                setattr(target, key, getattr(target, key) + getattr(source, key))
            target.save(update_fields=[*QUOTA_FIELDS, "updated_at"])
        # 5. dissolve the source
        source = _refresh(source)
        source.dissolved_on = decision.resolved_day()
        source.successor = target
        source.save(update_fields=["dissolved_on", "successor", "updated_at"])
        moved_summary = [{"id": pk, "name": before["name"], "code": before["code"]} for pk, before in moved]
        _record(
            source,
            UnitEventKind.MERGED_INTO,
            decision,
            actor,
            related=target,
            before=_snapshot(source),
            moved_units=moved_summary,
            people_moved=people_moved,
        )
        _record(
            target,
            UnitEventKind.ABSORBED,
            decision,
            actor,
            related=source,
            absorbed={"id": source.pk, "name": source.name, "code": source.code},
            moved_units=moved_summary,
            people_moved=people_moved,
            quotas_before=quota_before,
            quotas_after={key: getattr(target, key) for key in QUOTA_FIELDS},
        )
    return _refresh(target)


def unit_split(
    *,
    source: Unit,
    parts: list[SplitPart],
    decision: Decision,
    child_assignment: dict[int, int] | None = None,
    dissolve_source: bool = True,
    code_map: dict[int, str] | None = None,
    actor=None,
) -> list[Unit]:
    """Split ``source`` into new units.

    Each part is created (under ``part.parent`` or the source's parent), the
    source's active sub-units go to the part chosen in ``child_assignment``
    ({sub-unit id: part index}). When ``dissolve_source`` every active sub-unit must
    be assigned and no person may remain in the source; the source is then
    dissolved and its successor is the first part. ``code_map`` ({unit id: new code})
    gives codes for moved sub-units that cannot be derived. Returns the new units.
    """
    _check_decision(decision, required=True)
    child_assignment = dict(child_assignment or {})
    if not parts:
        raise ValidationError({"parts": _("A split needs at least one new unit.")})
    if dissolve_source and len(parts) < 2:
        raise ValidationError({"parts": _("Splitting and dissolving a unit needs at least two new units.")})
    with transaction.atomic():
        _lock([source])
        source = _refresh(source)
        _require_active(source, field_name="source", action=_("split"))
        _check_effective_after_establishment(source, decision)
        children = {child.pk: child for child in source.get_children() if child.dissolved_on is None}
        for child_id, index in child_assignment.items():
            if child_id not in children:
                raise ValidationError(
                    {
                        "child_assignment": _("Unit #%(id)s is not an active sub-unit of '%(name)s'.")
                        % {"id": child_id, "name": source.name}
                    }
                )
            if not 0 <= index < len(parts):
                raise ValidationError(
                    {
                        "child_assignment": _("Sub-unit '%(name)s' is assigned to a part that does not exist.")
                        % {"name": children[child_id].name}
                    }
                )
        if dissolve_source:
            missing = [child.name for pk, child in children.items() if pk not in child_assignment]
            if missing:
                raise ValidationError(
                    {
                        "child_assignment": _(
                            "Choose the new unit for every sub-unit before dissolving '%(name)s': %(units)s."
                        )
                        % {"name": source.name, "units": ", ".join(missing)}
                    }
                )
            people = unit_member_count([source.pk])
            if people:
                raise ValidationError(
                    {
                        "source": _(
                            "'%(name)s' still has %(count)s people; transfer them before splitting and dissolving it."
                        )
                        % {"name": source.name, "count": people}
                    }
                )
        if dissolve_source:
            # Dissolved first, so a new unit may take over the source's identifier code.
            source.dissolved_on = decision.resolved_day()
            source.save(update_fields=["dissolved_on", "updated_at"])
        created: list[Unit] = []
        for index, part in enumerate(parts):
            parent = part.parent or source.get_parent()
            try:
                new_unit = unit_create(
                    name=part.name,
                    unit_type=part.unit_type or source.unit_type,
                    parent=parent,
                    short_name=part.short_name,
                    code=part.code,
                    quotas=part.quotas,
                    established_on=decision.resolved_day(),
                    decision=decision,
                    actor=actor,
                )
            except ValidationError as exc:
                raise ValidationError(
                    {
                        f"parts[{index}]": [
                            _("New unit %(number)s: %(message)s") % {"number": index + 1, "message": m}
                            for m in exc.messages
                        ]
                    }
                ) from exc
            UnitEvent.objects.filter(unit=new_unit, kind=UnitEventKind.CREATED).update(
                kind=UnitEventKind.SPLIT_FROM, related_unit=source
            )
            created.append(new_unit)
        for child_id, index in child_assignment.items():
            unit_move(
                unit=children[child_id], new_parent=created[index], decision=decision, code_map=code_map, actor=actor
            )
        source = _refresh(source)
        if dissolve_source:
            source.successor = created[0]
            source.save(update_fields=["successor", "updated_at"])
        _record(
            source,
            UnitEventKind.SPLIT,
            decision,
            actor,
            parts=[{"id": unit.pk, "name": unit.name, "code": unit.code} for unit in created],
            dissolved=dissolve_source,
        )
    return created


def unit_dissolve(*, unit: Unit, decision: Decision, actor=None) -> Unit:
    """Dissolve a unit. Refused while it has active sub-units or people.

    Raises ``ValidationError`` naming the sub-units or the number of people left.
    """
    _check_decision(decision, required=True)
    with transaction.atomic():
        _lock([unit])
        unit = _refresh(unit)
        _require_active(unit, field_name="unit", action=_("dissolved"))
        _check_effective_after_establishment(unit, decision)
        active_children = [child.name for child in unit.get_children() if child.dissolved_on is None]
        if active_children:
            raise ValidationError(
                {
                    "unit": _("'%(name)s' still has active sub-units: %(units)s. Move, merge or dissolve them first.")
                    % {"name": unit.name, "units": ", ".join(active_children[:10])}
                }
            )
        people = unit_member_count([unit.pk])
        if people:
            raise ValidationError(
                {
                    "unit": _("'%(name)s' still has %(count)s people; transfer them before dissolving it.")
                    % {"name": unit.name, "count": people}
                }
            )
        unit.dissolved_on = decision.resolved_day()
        unit.save(update_fields=["dissolved_on", "updated_at"])
        _record(unit, UnitEventKind.DISSOLVED, decision, actor, before=_snapshot(unit))
    return unit
