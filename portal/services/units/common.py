"""What the unit tree services share: the decision behind a change, the member handler
registry, locking, snapshots, events and the checks every operation makes.

People arrive with the dossier issue. The ``records`` app registers a
``UnitMemberHandler`` so that dissolving refuses a unit that still has people and
merging moves them, without ``portal`` importing ``records``. The registry is the one
list ``_member_handlers`` of this module.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.choices import UnitEventKind
from portal.models import CatalogueEntry, Unit, UnitEvent
from portal.services.common import actor_label, format_date, today
from portal.text import nfc

UNIT_TYPE_KIND = "loai_don_vi"
QUOTA_FIELDS = ("quota_civil_servants", "quota_public_employees", "quota_contracts_111")


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
