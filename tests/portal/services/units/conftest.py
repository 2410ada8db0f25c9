"""Helpers and fixtures of the unit tree service tests (portal/services/units/).

Every refused operation is checked for its error key and for leaving the tree exactly
as it was (rows re-read from the database).
"""

from __future__ import annotations

import datetime

import pytest

from portal.models import Unit, UnitEvent
from portal.services.units import common as units_common
from portal.services.units.common import Decision, register_unit_member_handler
from portal.services.units.editing import unit_update
from tests.conftest import make_unit

DAY = datetime.date(2025, 9, 1)


def decision(number: str = "125/QĐ-UBND", day: datetime.date = DAY) -> Decision:
    return Decision(effective_on=day, number=number, date=day - datetime.timedelta(days=10))


def reload(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def parent_pk(unit: Unit) -> int | None:
    parent = reload(unit).get_parent()
    return parent.pk if parent else None


def tree_state() -> list[dict]:
    """Every column of every unit: compared before and after a refused operation."""
    return list(Unit.objects.order_by("pk").values())


def event_ids() -> list[int]:
    return list(UnitEvent.objects.order_by("pk").values_list("pk", flat=True))


def events(unit: Unit, kind: str) -> list[UnitEvent]:
    return list(UnitEvent.objects.filter(unit=unit, kind=kind).order_by("pk"))


def error_dict(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


class FakeMemberHandler:
    """Stands in for the records app: people per unit id, and a log of the moves asked for."""

    def __init__(self, members: dict[int, int] | None = None):
        self.members = dict(members or {})
        self.moves: list[dict] = []

    def count_members(self, unit_ids: list[int]) -> int:
        return sum(self.members.get(pk, 0) for pk in unit_ids)

    def move_members(self, *, source, target, effective_on, actor) -> int:
        self.moves.append({"source": source.pk, "target": target.pk, "effective_on": effective_on, "actor": actor})
        moved = self.members.pop(source.pk, 0)
        self.members[target.pk] = self.members.get(target.pk, 0) + moved
        return moved


@pytest.fixture
def member_handler():
    handler = FakeMemberHandler()
    register_unit_member_handler(handler)
    yield handler
    units_common._member_handlers.remove(handler)


@pytest.fixture
def tree(province):
    """The province fixture, plus sub-units under the Chi cục and the Phòng, and quotas on both Sở."""
    noi_vu, tai_chinh, chi_cuc = province["noi_vu"], province["tai_chinh"], province["chi_cuc"]
    phong_tcbc = Unit.objects.get(name="Phòng Tổ chức biên chế")
    kho = make_unit("Kho lưu trữ chuyên dụng", parent=chi_cuc, code="001.03.05.H20", type_code="DVSN")
    to_cong_tac = make_unit("Tổ công tác", parent=phong_tcbc, type_code="PHONG")
    unit_update(
        unit=noi_vu,
        changes={"quota_civil_servants": 40, "quota_public_employees": 12, "quota_contracts_111": 3},
    )
    unit_update(
        unit=tai_chinh,
        changes={"quota_civil_servants": 55, "quota_public_employees": 7, "quota_contracts_111": 2},
    )
    return {
        **province,
        "noi_vu": reload(noi_vu),
        "tai_chinh": reload(tai_chinh),
        "phong_tcbc": phong_tcbc,
        "phong_ngan_sach": Unit.objects.get(name="Phòng Ngân sách"),
        "kho": kho,
        "to_cong_tac": to_cong_tac,
    }
