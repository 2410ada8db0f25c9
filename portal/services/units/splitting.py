"""Splitting a unit into new units, its sub-units shared among them.

One transaction; everything is validated before writing, ``ValidationError`` is
keyed by field (``parts[<index>]`` for a new unit's problem), and a ``UnitEvent`` is
recorded for every unit changed. The source is never deleted.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.choices import UnitEventKind
from portal.models import Unit, UnitEvent
from portal.services.units.common import (
    Decision,
    SplitPart,
    _check_decision,
    _check_effective_after_establishment,
    _lock,
    _record,
    _refresh,
    _require_active,
    unit_member_count,
)
from portal.services.units.editing import unit_create
from portal.services.units.reorganising import unit_move


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
