"""Reorganising the unit tree: move a unit, merge one into another, dissolve one.

Each service is one transaction; it validates everything before writing, raises
``ValidationError`` keyed by field with a Vietnamese sentence, and records a
``UnitEvent`` for every unit it changes. Units are never deleted.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.choices import UnitEventKind
from portal.models import Unit
from portal.services.common import format_date
from portal.services.unit_codes import anchors_after, plan_subtree_codes, validate_planned_codes
from portal.services.units.common import (
    QUOTA_FIELDS,
    Decision,
    _apply_codes,
    _check_decision,
    _check_effective_after_establishment,
    _lock,
    _member_handlers,
    _record,
    _refresh,
    _require_active,
    _snapshot,
    unit_member_count,
)


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
