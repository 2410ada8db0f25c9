"""The unit tree services: create, update, move, merge, split, dissolve (portal/services/units.py).

Every refused operation is checked for its error key and for leaving the tree exactly
as it was (rows re-read from the database).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from portal.choices import UnitEventKind
from portal.models import Unit, UnitEvent
from portal.services import units as units_service
from portal.services.catalogues import entry_retire
from portal.services.units import (
    Decision,
    SplitPart,
    register_unit_member_handler,
    unit_create,
    unit_dissolve,
    unit_merge,
    unit_move,
    unit_split,
    unit_update,
)
from tests.conftest import make_unit, unit_type

pytestmark = pytest.mark.django_db

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
    units_service._member_handlers.remove(handler)


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


# --- unit_create -----------------------------------------------------------------------------


def test_create_root_records_a_created_event(admin_user):
    root = unit_create(
        name="  Ủy ban nhân dân tỉnh Đồng Tháp ",
        unit_type=unit_type("UBND_TINH"),
        code="000.00.00.h20",
        quotas={"quota_civil_servants": 12},
        decision=Decision(effective_on=datetime.date(2025, 7, 1), number="01/NQ-HĐND"),
        actor=admin_user,
    )
    root = reload(root)
    assert root.is_root()
    assert root.name == "Ủy ban nhân dân tỉnh Đồng Tháp"
    assert root.name_folded == "uy ban nhan dan tinh dong thap"
    assert root.code == "000.00.00.H20"
    assert root.quota_civil_servants == 12
    assert root.established_on == datetime.date(2025, 7, 1)
    assert root.dissolved_on is None
    [event] = root.events.all()
    assert event.kind == UnitEventKind.CREATED
    assert event.effective_on == datetime.date(2025, 7, 1)
    assert event.decision_number == "01/NQ-HĐND"
    assert event.actor == admin_user
    assert event.actor_name == "quantri"
    assert event.details["after"] == {
        "id": root.pk,
        "name": "Ủy ban nhân dân tỉnh Đồng Tháp",
        "short_name": "",
        "code": "000.00.00.H20",
        "parent_id": None,
    }


def test_create_child_under_parent(province):
    noi_vu = province["noi_vu"]
    unit = make_unit("Phòng Công chức, viên chức", parent=noi_vu, type_code="PHONG")
    assert parent_pk(unit) == noi_vu.pk
    assert reload(noi_vu).numchild == 3
    assert events(unit, UnitEventKind.CREATED)[0].details["after"]["parent_id"] == noi_vu.pk


@pytest.mark.parametrize(
    ("parent_key", "code"),
    [
        ("noi_vu", "000.04.05.H20"),  # level 3 under the Sở's level 2
        ("root", "000.00.09.H20"),  # level 2 under the province
        ("chi_cuc", "002.03.05.H20"),  # level 4 under the Chi cục's level 3
    ],
)
def test_create_accepts_a_code_nesting_under_the_nearest_coded_ancestor(province, parent_key, code):
    unit = make_unit("Đơn vị mới", parent=province[parent_key], code=code, type_code="DVSN")
    assert reload(unit).code == code


def test_create_under_uncoded_unit_nests_under_the_nearest_coded_ancestor(province):
    phong = Unit.objects.get(name="Phòng Tổ chức biên chế")
    unit = make_unit("Tổ lưu trữ", parent=phong, code="000.04.05.H20", type_code="PHONG")
    assert reload(unit).code == "000.04.05.H20"
    with pytest.raises(ValidationError) as excinfo:
        make_unit("Tổ khác", parent=phong, code="000.04.07.H20", type_code="PHONG")
    assert "000.00.05.H20" in error_dict(excinfo)["code"][0]


@pytest.mark.parametrize(
    "code",
    [
        "000.00.06.H20",  # same level as the parent
        "000.03.07.H20",  # level 3, but under the other Sở
        "000.03.05.H29",  # another province
        "001.03.05.H20",  # skips level 3's own unit: nests under the Chi cục, not the Sở
        "000.03.00.H20",  # malformed: empty level 2
        "12345",
    ],
)
def test_create_refuses_a_code_that_does_not_nest(province, code):
    before = tree_state()
    with pytest.raises(ValidationError) as excinfo:
        make_unit("Đơn vị sai mã", parent=province["noi_vu"], code=code, type_code="DVSN")
    assert list(error_dict(excinfo)) == ["code"]
    assert code in error_dict(excinfo)["code"][0]
    assert tree_state() == before


def test_create_refuses_a_code_used_by_an_active_unit(province):
    before = tree_state()
    with pytest.raises(ValidationError) as excinfo:
        make_unit("Chi cục trùng mã", parent=province["noi_vu"], code="000.03.05.H20", type_code="CHI_CUC")
    message = error_dict(excinfo)["code"][0]
    assert "000.03.05.H20" in message
    assert "Chi cục Văn thư - Lưu trữ" in message
    assert tree_state() == before


def test_create_allows_the_code_of_a_dissolved_unit(province):
    chi_cuc = province["chi_cuc"]
    unit_dissolve(unit=chi_cuc, decision=decision())
    successor = make_unit("Chi cục mới", parent=province["noi_vu"], code="000.03.05.H20", type_code="CHI_CUC")
    holders = Unit.objects.filter(code="000.03.05.H20").order_by("pk")
    assert [(u.pk, u.dissolved_on) for u in holders] == [(chi_cuc.pk, DAY), (successor.pk, None)]


def test_create_refuses_a_retired_unit_type(province):
    entry_retire(entry=unit_type("HOI"))
    count = Unit.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        make_unit("Hội Cựu chiến binh", parent=province["root"], type_code="HOI")
    assert list(error_dict(excinfo)) == ["unit_type"]
    assert Unit.objects.count() == count


def test_create_refuses_an_entry_that_is_not_a_unit_type(province):
    from portal.models import CatalogueEntry

    kinh = CatalogueEntry.objects.get(kind__code="dan_toc", code="01")
    with pytest.raises(ValidationError) as excinfo:
        unit_create(name="Đơn vị", unit_type=kinh, parent=province["root"])
    assert list(error_dict(excinfo)) == ["unit_type"]


def test_create_refuses_an_empty_name_and_a_dissolved_parent(province):
    with pytest.raises(ValidationError) as excinfo:
        make_unit("   ", parent=province["root"])
    assert list(error_dict(excinfo)) == ["name"]
    chi_cuc = province["chi_cuc"]
    unit_dissolve(unit=chi_cuc, decision=decision())
    count = Unit.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        make_unit("Tổ mới", parent=reload(chi_cuc), type_code="PHONG")
    assert list(error_dict(excinfo)) == ["parent"]
    assert "Chi cục Văn thư - Lưu trữ" in error_dict(excinfo)["parent"][0]
    assert Unit.objects.count() == count


def test_create_refuses_a_negative_quota(province):
    with pytest.raises(ValidationError) as excinfo:
        make_unit("Phòng mới", parent=province["noi_vu"], type_code="PHONG", quotas={"quota_civil_servants": -1})
    assert list(error_dict(excinfo)) == ["quota_civil_servants"]


# --- unit_update -----------------------------------------------------------------------------


def test_rename_records_one_renamed_event_with_before_and_after(province, admin_user):
    noi_vu = province["noi_vu"]
    unit_update(
        unit=noi_vu,
        changes={"name": "Sở Nội vụ tỉnh Đồng Tháp", "short_name": "SNV"},
        decision=decision("88/QĐ-UBND"),
        actor=admin_user,
    )
    noi_vu = reload(noi_vu)
    assert noi_vu.name == "Sở Nội vụ tỉnh Đồng Tháp"
    assert noi_vu.name_folded == "so noi vu tinh dong thap"
    assert noi_vu.short_name == "SNV"
    new_events = noi_vu.events.exclude(kind=UnitEventKind.CREATED)
    assert [event.kind for event in new_events] == [UnitEventKind.RENAMED]
    [event] = new_events
    assert event.details == {
        "before": {"name": "Sở Nội vụ", "short_name": ""},
        "after": {"name": "Sở Nội vụ tỉnh Đồng Tháp", "short_name": "SNV"},
    }
    assert event.decision_number == "88/QĐ-UBND"
    assert event.effective_on == DAY
    assert event.actor_name == "quantri"


def test_update_without_a_change_records_nothing(province):
    ids = event_ids()
    unit_update(unit=province["noi_vu"], changes={"name": "Sở Nội vụ", "code": "000.00.05.h20"})
    assert event_ids() == ids


def test_code_change_rebases_coded_sub_units(tree):
    noi_vu, chi_cuc, kho = tree["noi_vu"], tree["chi_cuc"], tree["kho"]
    unit_update(unit=noi_vu, changes={"code": "000.00.09.H20"}, decision=decision("90/QĐ-UBND"))
    assert reload(noi_vu).code == "000.00.09.H20"
    assert reload(chi_cuc).code == "000.03.09.H20"
    assert reload(kho).code == "001.03.09.H20"
    assert reload(tree["phong_tcbc"]).code == ""
    assert reload(tree["to_cong_tac"]).code == ""
    assert reload(tree["tai_chinh"]).code == "000.00.07.H20"
    for unit, old, new in [
        (noi_vu, "000.00.05.H20", "000.00.09.H20"),
        (chi_cuc, "000.03.05.H20", "000.03.09.H20"),
        (kho, "001.03.05.H20", "001.03.09.H20"),
    ]:
        [event] = events(unit, UnitEventKind.CODE_CHANGED)
        assert event.details["before"] == {"code": old}
        assert event.details["after"] == {"code": new}
        assert event.decision_number == "90/QĐ-UBND"
    assert events(tree["phong_tcbc"], UnitEventKind.CODE_CHANGED) == []


def test_code_change_refused_when_the_code_is_taken_or_does_not_nest(tree):
    before, ids = tree_state(), event_ids()
    with pytest.raises(ValidationError) as excinfo:
        unit_update(unit=tree["noi_vu"], changes={"code": "000.00.07.H20"})
    assert "Sở Tài chính" in error_dict(excinfo)["code"][0]
    with pytest.raises(ValidationError) as excinfo:
        unit_update(unit=tree["noi_vu"], changes={"code": "000.01.05.H20"})
    assert list(error_dict(excinfo)) == ["code"]
    assert tree_state() == before
    assert event_ids() == ids


def test_quota_update_records_an_updated_event_and_negative_quota_is_refused(province):
    noi_vu = province["noi_vu"]
    unit_update(unit=noi_vu, changes={"quota_civil_servants": 25}, decision=decision())
    [event] = events(noi_vu, UnitEventKind.UPDATED)
    assert event.details == {"before": {"quota_civil_servants": 0}, "after": {"quota_civil_servants": 25}}
    before, ids = tree_state(), event_ids()
    with pytest.raises(ValidationError) as excinfo:
        unit_update(unit=noi_vu, changes={"quota_civil_servants": -5, "name": "Tên khác"})
    assert list(error_dict(excinfo)) == ["quota_civil_servants"]
    assert reload(noi_vu).quota_civil_servants == 25
    assert reload(noi_vu).name == "Sở Nội vụ"
    assert tree_state() == before
    assert event_ids() == ids


def test_update_refuses_unknown_fields_and_dissolved_units(province):
    with pytest.raises(ValidationError) as excinfo:
        unit_update(unit=province["noi_vu"], changes={"dissolved_on": DAY})
    assert list(error_dict(excinfo)) == ["dissolved_on"]
    unit_dissolve(unit=province["chi_cuc"], decision=decision())
    with pytest.raises(ValidationError) as excinfo:
        unit_update(unit=province["chi_cuc"], changes={"name": "Tên mới"})
    assert list(error_dict(excinfo)) == ["unit"]
    assert reload(province["chi_cuc"]).name == "Chi cục Văn thư - Lưu trữ"


# --- unit_move -------------------------------------------------------------------------------


def test_move_rebases_the_code_onto_the_new_department(tree, admin_user):
    chi_cuc, noi_vu, tai_chinh, kho = tree["chi_cuc"], tree["noi_vu"], tree["tai_chinh"], tree["kho"]
    moved = unit_move(unit=chi_cuc, new_parent=tai_chinh, decision=decision("77/QĐ-UBND"), actor=admin_user)
    assert moved.code == "000.03.07.H20"
    assert parent_pk(chi_cuc) == tai_chinh.pk
    # the sub-unit travels with it and keeps nesting
    assert parent_pk(kho) == chi_cuc.pk
    assert reload(kho).code == "001.03.07.H20"
    assert reload(noi_vu).numchild == 1
    assert reload(tai_chinh).numchild == 2
    [event] = events(chi_cuc, UnitEventKind.MOVED)
    assert event.related_unit == tai_chinh
    assert event.decision_number == "77/QĐ-UBND"
    assert event.actor == admin_user
    assert event.details["from_parent"] == {"id": noi_vu.pk, "name": "Sở Nội vụ"}
    assert event.details["to_parent"] == {"id": tai_chinh.pk, "name": "Sở Tài chính"}
    assert event.details["before"]["code"] == "000.03.05.H20"
    assert event.details["before"]["parent_id"] == noi_vu.pk
    assert event.details["after"]["code"] == "000.03.07.H20"
    assert event.details["after"]["parent_id"] == tai_chinh.pk
    [code_event] = events(chi_cuc, UnitEventKind.CODE_CHANGED)
    assert code_event.details == {
        "before": {"code": "000.03.05.H20"},
        "after": {"code": "000.03.07.H20"},
        "reason": "moved",
    }
    [kho_event] = events(kho, UnitEventKind.CODE_CHANGED)
    assert kho_event.details["after"] == {"code": "001.03.07.H20"}


def test_move_uncoded_unit_rebases_coded_units_below_it(tree):
    phong, to_cong_tac = tree["phong_tcbc"], tree["to_cong_tac"]
    coded = make_unit("Tổ thanh tra", parent=to_cong_tac, code="000.04.05.H20", type_code="PHONG")
    unit_move(unit=phong, new_parent=tree["tai_chinh"], decision=decision())
    assert parent_pk(phong) == tree["tai_chinh"].pk
    assert parent_pk(to_cong_tac) == phong.pk
    assert parent_pk(coded) == to_cong_tac.pk
    assert reload(phong).code == ""
    assert reload(coded).code == "000.04.07.H20"


def test_move_within_the_same_department_keeps_codes(tree):
    unit_move(unit=tree["chi_cuc"], new_parent=tree["phong_tcbc"], decision=decision())
    assert parent_pk(tree["chi_cuc"]) == tree["phong_tcbc"].pk
    assert reload(tree["chi_cuc"]).code == "000.03.05.H20"
    assert events(tree["chi_cuc"], UnitEventKind.CODE_CHANGED) == []


@pytest.mark.parametrize("target_key", ["chi_cuc", "kho", "phong_tcbc", "noi_vu"])
def test_move_under_itself_or_own_descendant_is_refused_and_tree_unchanged(tree, target_key):
    before, ids = tree_state(), event_ids()
    with pytest.raises(ValidationError) as excinfo:
        unit_move(unit=tree["noi_vu"], new_parent=tree[target_key], decision=decision())
    assert list(error_dict(excinfo)) == ["new_parent"]
    assert tree_state() == before
    assert event_ids() == ids
    assert parent_pk(tree["noi_vu"]) == tree["root"].pk


def test_move_under_a_dissolved_unit_is_refused(tree):
    old = make_unit("Sở cũ", parent=tree["root"], code="000.00.09.H20")
    unit_dissolve(unit=old, decision=decision())
    before, ids = tree_state(), event_ids()
    with pytest.raises(ValidationError) as excinfo:
        unit_move(unit=tree["chi_cuc"], new_parent=old, decision=decision())
    assert list(error_dict(excinfo)) == ["new_parent"]
    assert "Sở cũ" in error_dict(excinfo)["new_parent"][0]
    assert tree_state() == before
    assert event_ids() == ids


def test_move_of_a_dissolved_unit_and_to_the_same_parent_is_refused(tree):
    with pytest.raises(ValidationError) as excinfo:
        unit_move(unit=tree["chi_cuc"], new_parent=tree["noi_vu"], decision=decision())
    assert list(error_dict(excinfo)) == ["new_parent"]
    unit_dissolve(unit=tree["to_cong_tac"], decision=decision())
    with pytest.raises(ValidationError) as excinfo:
        unit_move(unit=tree["to_cong_tac"], new_parent=tree["tai_chinh"], decision=decision())
    assert list(error_dict(excinfo)) == ["unit"]


def test_move_uses_an_explicit_code_map(tree):
    chi_cuc, kho = tree["chi_cuc"], tree["kho"]
    unit_move(
        unit=chi_cuc,
        new_parent=tree["tai_chinh"],
        decision=decision(),
        code_map={chi_cuc.pk: "000.05.07.h20"},
    )
    assert reload(chi_cuc).code == "000.05.07.H20"
    # the sub-unit is rebased on the code its parent actually received
    assert reload(kho).code == "001.05.07.H20"


def test_move_with_an_underivable_code_needs_a_code_map(tree):
    noi_vu, chi_cuc, kho = tree["noi_vu"], tree["chi_cuc"], tree["kho"]
    before, ids = tree_state(), event_ids()
    # a level-2 Sở cannot become level 3 under another Sở by rebasing
    with pytest.raises(ValidationError) as excinfo:
        unit_move(unit=noi_vu, new_parent=tree["tai_chinh"], decision=decision())
    assert list(error_dict(excinfo)) == ["code_map"]
    assert "Sở Nội vụ" in error_dict(excinfo)["code_map"][0]
    assert tree_state() == before
    assert event_ids() == ids
    # a level-3 Chi cục cannot become level 2 under the province
    with pytest.raises(ValidationError) as excinfo:
        unit_move(unit=chi_cuc, new_parent=tree["root"], decision=decision())
    assert list(error_dict(excinfo)) == ["code_map"]
    assert "Chi cục Văn thư - Lưu trữ" in error_dict(excinfo)["code_map"][0]
    assert tree_state() == before
    # with the codes given, the move goes through
    unit_move(
        unit=chi_cuc,
        new_parent=tree["root"],
        decision=decision(),
        code_map={chi_cuc.pk: "000.00.11.H20", kho.pk: "000.01.11.H20"},
    )
    assert parent_pk(chi_cuc) == tree["root"].pk
    assert reload(chi_cuc).code == "000.00.11.H20"
    assert reload(kho).code == "000.01.11.H20"


@pytest.mark.parametrize("bad_code", ["000.00.07.H20", "000.01.09.H20", "000.02.05.H20"])
def test_move_with_a_wrong_code_map_is_refused_and_rolled_back(tree, bad_code):
    chi_cuc = tree["chi_cuc"]
    before, ids = tree_state(), event_ids()
    with pytest.raises(ValidationError) as excinfo:
        unit_move(unit=chi_cuc, new_parent=tree["tai_chinh"], decision=decision(), code_map={chi_cuc.pk: bad_code})
    assert list(error_dict(excinfo)) == ["code_map"]
    assert tree_state() == before
    assert event_ids() == ids
    assert parent_pk(chi_cuc) == tree["noi_vu"].pk


def test_move_with_a_code_map_keeping_the_old_code_is_refused(tree):
    chi_cuc = tree["chi_cuc"]
    before, ids = tree_state(), event_ids()
    # 000.03.05.H20 nests under Sở Nội vụ (000.00.05.H20), not under Sở Tài chính (000.00.07.H20)
    with pytest.raises(ValidationError) as excinfo:
        unit_move(
            unit=chi_cuc, new_parent=tree["tai_chinh"], decision=decision(), code_map={chi_cuc.pk: "000.03.05.H20"}
        )
    assert list(error_dict(excinfo)) == ["code_map"]
    assert tree_state() == before
    assert event_ids() == ids


def test_move_refuses_a_rebased_code_already_in_use(tree):
    make_unit("Chi cục Tài chính doanh nghiệp", parent=tree["tai_chinh"], code="000.03.07.H20", type_code="CHI_CUC")
    before, ids = tree_state(), event_ids()
    with pytest.raises(ValidationError) as excinfo:
        unit_move(unit=tree["chi_cuc"], new_parent=tree["tai_chinh"], decision=decision())
    assert list(error_dict(excinfo)) == ["code_map"]
    assert "Chi cục Tài chính doanh nghiệp" in error_dict(excinfo)["code_map"][0]
    assert tree_state() == before
    assert event_ids() == ids


# --- unit_merge ------------------------------------------------------------------------------


def test_merge_moves_sub_units_rebases_codes_and_dissolves_the_source(tree, admin_user):
    a, b = tree["noi_vu"], tree["tai_chinh"]
    chi_cuc, phong, kho, to_cong_tac = tree["chi_cuc"], tree["phong_tcbc"], tree["kho"], tree["to_cong_tac"]
    old_unit = make_unit("Phòng đã giải thể", parent=a, type_code="PHONG")
    unit_dissolve(unit=old_unit, decision=decision("01/QĐ-SNV", datetime.date(2025, 8, 1)))
    unit_count = Unit.objects.count()
    merge_day = datetime.date(2025, 10, 1)

    result = unit_merge(
        source=a,
        target=b,
        decision=Decision(effective_on=merge_day, number="1234/QĐ-UBND", date=datetime.date(2025, 9, 20)),
        actor=admin_user,
    )

    # nothing deleted
    assert Unit.objects.count() == unit_count
    # the source is dissolved, pointing at its successor
    a = reload(a)
    assert a.dissolved_on == merge_day
    assert a.successor_id == b.pk
    assert a.code == "000.00.05.H20"
    assert a.name == "Sở Nội vụ"
    # sub-units and their sub-units moved, codes rebased
    assert result.pk == b.pk
    assert parent_pk(phong) == b.pk
    assert parent_pk(chi_cuc) == b.pk
    assert parent_pk(kho) == chi_cuc.pk
    assert parent_pk(to_cong_tac) == phong.pk
    assert reload(chi_cuc).code == "000.03.07.H20"
    assert reload(kho).code == "001.03.07.H20"
    assert reload(phong).code == ""
    # a dissolved sub-unit stays with the dissolved source, as history
    assert parent_pk(old_unit) == a.pk
    assert {u.name for u in Unit.objects.filter(path__startswith=reload(b).path, depth=reload(b).depth + 1)} == {
        "Phòng Ngân sách",
        "Phòng Tổ chức biên chế",
        "Chi cục Văn thư - Lưu trữ",
    }
    # quotas combined
    b = reload(b)
    assert (b.quota_civil_servants, b.quota_public_employees, b.quota_contracts_111) == (95, 19, 5)
    assert (a.quota_civil_servants, a.quota_public_employees, a.quota_contracts_111) == (40, 12, 3)

    moved_units = [
        {"id": phong.pk, "name": "Phòng Tổ chức biên chế", "code": ""},
        {"id": chi_cuc.pk, "name": "Chi cục Văn thư - Lưu trữ", "code": "000.03.05.H20"},
    ]
    [merged] = events(a, UnitEventKind.MERGED_INTO)
    assert merged.related_unit_id == b.pk
    assert merged.effective_on == merge_day
    assert merged.decision_number == "1234/QĐ-UBND"
    assert merged.decision_date == datetime.date(2025, 9, 20)
    assert merged.actor == admin_user
    assert sorted(merged.details["moved_units"], key=lambda item: item["id"]) == moved_units
    assert merged.details["people_moved"] == 0

    [absorbed] = events(b, UnitEventKind.ABSORBED)
    assert absorbed.related_unit_id == a.pk
    assert absorbed.effective_on == merge_day
    assert absorbed.details["absorbed"] == {"id": a.pk, "name": "Sở Nội vụ", "code": "000.00.05.H20"}
    assert sorted(absorbed.details["moved_units"], key=lambda item: item["id"]) == moved_units
    assert absorbed.details["quotas_before"] == {
        "quota_civil_servants": 55,
        "quota_public_employees": 7,
        "quota_contracts_111": 2,
    }
    assert absorbed.details["quotas_after"] == {
        "quota_civil_servants": 95,
        "quota_public_employees": 19,
        "quota_contracts_111": 5,
    }

    for child, old_code, new_code in [(phong, "", ""), (chi_cuc, "000.03.05.H20", "000.03.07.H20")]:
        [moved] = events(child, UnitEventKind.MOVED)
        assert moved.related_unit_id == b.pk
        assert moved.effective_on == merge_day
        assert moved.decision_number == "1234/QĐ-UBND"
        assert moved.details["reason"] == "merge"
        assert moved.details["from_parent"] == {"id": a.pk, "name": "Sở Nội vụ"}
        assert moved.details["to_parent"] == {"id": b.pk, "name": "Sở Tài chính"}
        assert moved.details["before"]["code"] == old_code
        assert moved.details["after"]["code"] == new_code
        assert moved.details["before"]["parent_id"] == a.pk
        assert moved.details["after"]["parent_id"] == b.pk
    [code_event] = events(chi_cuc, UnitEventKind.CODE_CHANGED)
    assert code_event.details == {
        "before": {"code": "000.03.05.H20"},
        "after": {"code": "000.03.07.H20"},
        "reason": "merged",
    }
    [kho_event] = events(kho, UnitEventKind.CODE_CHANGED)
    assert kho_event.details["after"] == {"code": "001.03.07.H20"}
    # grandchildren moved with their parents, not by themselves
    assert events(kho, UnitEventKind.MOVED) == []
    assert events(to_cong_tac, UnitEventKind.MOVED) == []
    # the source's old code is free again for a new unit
    make_unit("Sở Nội vụ (mới)", parent=tree["root"], code="000.00.05.H20")


def test_merge_without_combining_quotas_keeps_the_target_quotas(tree):
    unit_merge(source=tree["noi_vu"], target=tree["tai_chinh"], decision=decision(), combine_quotas=False)
    b = reload(tree["tai_chinh"])
    assert (b.quota_civil_servants, b.quota_public_employees, b.quota_contracts_111) == (55, 7, 2)
    [absorbed] = events(b, UnitEventKind.ABSORBED)
    assert absorbed.details["quotas_before"] == absorbed.details["quotas_after"]


def test_merge_of_a_leaf_unit(tree):
    unit_merge(source=tree["phong_ngan_sach"], target=tree["tai_chinh"], decision=decision())
    leaf = reload(tree["phong_ngan_sach"])
    assert leaf.dissolved_on == DAY
    assert leaf.successor_id == tree["tai_chinh"].pk
    [merged] = events(leaf, UnitEventKind.MERGED_INTO)
    assert merged.details["moved_units"] == []


def test_merge_with_a_clashing_rebased_code_needs_a_code_map(tree):
    a, b, chi_cuc, kho = tree["noi_vu"], tree["tai_chinh"], tree["chi_cuc"], tree["kho"]
    make_unit("Chi cục Tài chính doanh nghiệp", parent=b, code="000.03.07.H20", type_code="CHI_CUC")
    before, ids = tree_state(), event_ids()
    with pytest.raises(ValidationError) as excinfo:
        unit_merge(source=a, target=b, decision=decision())
    assert list(error_dict(excinfo)) == ["code_map"]
    assert tree_state() == before
    assert event_ids() == ids
    unit_merge(source=a, target=b, decision=decision(), code_map={chi_cuc.pk: "000.08.07.H20"})
    assert reload(chi_cuc).code == "000.08.07.H20"
    assert reload(kho).code == "001.08.07.H20"
    assert reload(a).dissolved_on == DAY


def _dissolved_department(tree) -> Unit:
    old = make_unit("Sở Khoa học và Công nghệ", parent=tree["root"], code="000.00.09.H20")
    unit_dissolve(unit=old, decision=decision("10/QĐ-UBND", datetime.date(2025, 8, 1)))
    return reload(old)


@pytest.mark.parametrize(
    ("case", "key"),
    [
        ("itself", "target"),
        ("dissolved_target", "target"),
        ("own_descendant", "target"),
        ("own_grandchild", "target"),
        ("no_decision_number", "decision_number"),
        ("dissolved_source", "source"),
        ("before_establishment", "effective_on"),
    ],
)
def test_refused_merge_changes_nothing(tree, member_handler, case, key):
    source, target, merge_decision = tree["noi_vu"], tree["tai_chinh"], decision()
    if case == "itself":
        target = source
    elif case == "dissolved_target":
        target = _dissolved_department(tree)
    elif case == "own_descendant":
        target = tree["chi_cuc"]
    elif case == "own_grandchild":
        target = tree["kho"]
    elif case == "no_decision_number":
        merge_decision = Decision(effective_on=DAY, number="  ")
    elif case == "dissolved_source":
        source = _dissolved_department(tree)
    elif case == "before_establishment":
        merge_decision = decision(day=datetime.date(2025, 6, 30))
    member_handler.members = {tree["noi_vu"].pk: 4}
    before, ids = tree_state(), event_ids()

    with pytest.raises(ValidationError) as excinfo:
        unit_merge(source=source, target=target, decision=merge_decision)

    assert list(error_dict(excinfo)) == [key]
    assert tree_state() == before
    assert event_ids() == ids
    assert member_handler.moves == []
    a = reload(tree["noi_vu"])
    assert a.dissolved_on is None
    assert a.successor_id is None
    assert parent_pk(tree["chi_cuc"]) == a.pk
    assert reload(tree["chi_cuc"]).code == "000.03.05.H20"
    assert reload(tree["tai_chinh"]).quota_civil_servants == 55


def test_merge_message_names_the_units(tree):
    with pytest.raises(ValidationError) as excinfo:
        unit_merge(source=tree["noi_vu"], target=tree["chi_cuc"], decision=decision())
    message = error_dict(excinfo)["target"][0]
    assert "Sở Nội vụ" in message
    assert "Chi cục Văn thư - Lưu trữ" in message
    target = _dissolved_department(tree)
    with pytest.raises(ValidationError) as excinfo:
        unit_merge(source=tree["noi_vu"], target=target, decision=decision())
    message = error_dict(excinfo)["target"][0]
    assert "Sở Khoa học và Công nghệ" in message
    assert "01/08/2025" in message


def test_merge_calls_the_member_handlers_with_source_and_target(tree, member_handler, admin_user):
    a, b = tree["noi_vu"], tree["tai_chinh"]
    member_handler.members = {a.pk: 7, b.pk: 30}
    unit_merge(source=a, target=b, decision=decision(), actor=admin_user)
    assert member_handler.moves == [{"source": a.pk, "target": b.pk, "effective_on": DAY, "actor": admin_user}]
    assert member_handler.members == {b.pk: 37}
    [merged] = events(a, UnitEventKind.MERGED_INTO)
    [absorbed] = events(b, UnitEventKind.ABSORBED)
    assert merged.details["people_moved"] == 7
    assert absorbed.details["people_moved"] == 7


# --- unit_split ------------------------------------------------------------------------------


def test_split_creates_parts_assigns_children_and_dissolves_the_source(tree, admin_user):
    source, root = tree["noi_vu"], tree["root"]
    phong, chi_cuc, kho = tree["phong_tcbc"], tree["chi_cuc"], tree["kho"]
    unit_count = Unit.objects.count()

    parts = unit_split(
        source=source,
        parts=[
            SplitPart(name="Sở Nội vụ (phần tổ chức)", code="000.00.08.H20", quotas={"quota_civil_servants": 25}),
            SplitPart(name="Sở Lưu trữ", code="000.00.09.H20", unit_type=unit_type("SO")),
        ],
        decision=decision("300/QĐ-UBND"),
        child_assignment={phong.pk: 0, chi_cuc.pk: 1},
        actor=admin_user,
    )

    assert Unit.objects.count() == unit_count + 2
    first, second = (reload(part) for part in parts)
    assert (first.name, first.code, parent_pk(first)) == ("Sở Nội vụ (phần tổ chức)", "000.00.08.H20", root.pk)
    assert (second.name, second.code, parent_pk(second)) == ("Sở Lưu trữ", "000.00.09.H20", root.pk)
    assert first.quota_civil_servants == 25
    assert first.unit_type == source.unit_type
    assert first.established_on == DAY
    assert parent_pk(phong) == first.pk
    assert parent_pk(chi_cuc) == second.pk
    assert reload(chi_cuc).code == "000.03.09.H20"
    assert reload(kho).code == "001.03.09.H20"
    source = reload(source)
    assert source.dissolved_on == DAY
    assert source.successor_id == first.pk

    [split] = events(source, UnitEventKind.SPLIT)
    assert split.decision_number == "300/QĐ-UBND"
    assert split.details["dissolved"] is True
    assert split.details["parts"] == [
        {"id": first.pk, "name": "Sở Nội vụ (phần tổ chức)", "code": "000.00.08.H20"},
        {"id": second.pk, "name": "Sở Lưu trữ", "code": "000.00.09.H20"},
    ]
    for part in (first, second):
        assert events(part, UnitEventKind.CREATED) == []
        [split_from] = events(part, UnitEventKind.SPLIT_FROM)
        assert split_from.related_unit_id == source.pk
        assert split_from.decision_number == "300/QĐ-UBND"
    [moved] = events(chi_cuc, UnitEventKind.MOVED)
    assert moved.details["to_parent"] == {"id": second.pk, "name": "Sở Lưu trữ"}


def test_split_without_dissolving_keeps_the_source(tree):
    source = tree["noi_vu"]
    [part] = unit_split(
        source=source,
        parts=[SplitPart(name="Ban Tôn giáo", code="000.00.10.H20", unit_type=unit_type("BAN"))],
        decision=decision(),
        child_assignment={tree["phong_tcbc"].pk: 0},
        dissolve_source=False,
    )
    source = reload(source)
    assert source.dissolved_on is None
    assert source.successor_id is None
    assert parent_pk(tree["phong_tcbc"]) == part.pk
    assert parent_pk(tree["chi_cuc"]) == source.pk
    [split] = events(source, UnitEventKind.SPLIT)
    assert split.details["dissolved"] is False


def test_split_refuses_an_unassigned_child_when_dissolving(tree):
    before, ids = tree_state(), event_ids()
    with pytest.raises(ValidationError) as excinfo:
        unit_split(
            source=tree["noi_vu"],
            parts=[SplitPart(name="Phần 1", code="000.00.08.H20"), SplitPart(name="Phần 2", code="000.00.09.H20")],
            decision=decision(),
            child_assignment={tree["phong_tcbc"].pk: 0},
        )
    assert list(error_dict(excinfo)) == ["child_assignment"]
    assert "Chi cục Văn thư - Lưu trữ" in error_dict(excinfo)["child_assignment"][0]
    assert tree_state() == before
    assert event_ids() == ids


def test_split_refuses_a_source_that_still_has_people(tree, member_handler):
    member_handler.members = {tree["noi_vu"].pk: 4}
    before, ids = tree_state(), event_ids()
    with pytest.raises(ValidationError) as excinfo:
        unit_split(
            source=tree["noi_vu"],
            parts=[SplitPart(name="Phần 1", code="000.00.08.H20"), SplitPart(name="Phần 2", code="000.00.09.H20")],
            decision=decision(),
            child_assignment={tree["phong_tcbc"].pk: 0, tree["chi_cuc"].pk: 1},
        )
    assert list(error_dict(excinfo)) == ["source"]
    assert "4" in error_dict(excinfo)["source"][0]
    assert tree_state() == before
    assert event_ids() == ids


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"parts": []}, "parts"),
        ({"parts": [SplitPart(name="Một phần")]}, "parts"),
        ({"decision": Decision(effective_on=DAY)}, "decision_number"),
        ({"child_assignment": {"unknown": 0}}, "child_assignment"),
        ({"child_assignment": {"phong": 5, "chi_cuc": 0}}, "child_assignment"),
        ({"parts": [SplitPart(name="Phần 1", code="000.00.07.H20"), SplitPart(name="Phần 2")]}, "parts[0]"),
    ],
)
def test_refused_split_changes_nothing(tree, kwargs, key):
    ids_by_name = {"phong": tree["phong_tcbc"].pk, "chi_cuc": tree["chi_cuc"].pk, "unknown": tree["kho"].pk}
    arguments = {
        "source": tree["noi_vu"],
        "parts": [SplitPart(name="Phần 1", code="000.00.08.H20"), SplitPart(name="Phần 2", code="000.00.09.H20")],
        "decision": decision(),
        "child_assignment": {"phong": 0, "chi_cuc": 1},
        **kwargs,
    }
    arguments["child_assignment"] = {ids_by_name[name]: index for name, index in arguments["child_assignment"].items()}
    before, ids = tree_state(), event_ids()
    with pytest.raises(ValidationError) as excinfo:
        unit_split(**arguments)
    assert list(error_dict(excinfo)) == [key]
    assert tree_state() == before
    assert event_ids() == ids


# --- unit_dissolve ---------------------------------------------------------------------------


def test_dissolve_refused_while_active_sub_units_remain(tree):
    before, ids = tree_state(), event_ids()
    with pytest.raises(ValidationError) as excinfo:
        unit_dissolve(unit=tree["noi_vu"], decision=decision())
    message = error_dict(excinfo)["unit"][0]
    assert "Phòng Tổ chức biên chế" in message
    assert "Chi cục Văn thư - Lưu trữ" in message
    assert "Kho lưu trữ chuyên dụng" not in message  # only direct sub-units are listed
    assert tree_state() == before
    assert event_ids() == ids


def test_dissolve_allowed_after_sub_units_are_dissolved(tree, admin_user):
    for key in ("to_cong_tac", "phong_tcbc", "kho", "chi_cuc"):
        unit_dissolve(unit=tree[key], decision=decision("5/QĐ-SNV"))
    unit = unit_dissolve(unit=tree["noi_vu"], decision=decision("6/QĐ-UBND"), actor=admin_user)
    noi_vu = reload(tree["noi_vu"])
    assert unit.dissolved_on == noi_vu.dissolved_on == DAY
    assert noi_vu.successor_id is None
    [event] = events(noi_vu, UnitEventKind.DISSOLVED)
    assert event.decision_number == "6/QĐ-UBND"
    assert event.actor == admin_user
    assert event.details["before"]["code"] == "000.00.05.H20"
    assert event.details["before"]["name"] == "Sở Nội vụ"
    assert Unit.objects.filter(pk=noi_vu.pk).exists()


def test_dissolving_twice_is_refused(tree):
    unit_dissolve(unit=tree["kho"], decision=decision())
    before, ids = tree_state(), event_ids()
    with pytest.raises(ValidationError) as excinfo:
        unit_dissolve(unit=tree["kho"], decision=decision(day=datetime.date(2025, 12, 1)))
    assert list(error_dict(excinfo)) == ["unit"]
    assert "01/09/2025" in error_dict(excinfo)["unit"][0]
    assert reload(tree["kho"]).dissolved_on == DAY
    assert tree_state() == before
    assert event_ids() == ids


def test_dissolve_refused_without_a_decision_number_or_with_people(tree, member_handler):
    with pytest.raises(ValidationError) as excinfo:
        unit_dissolve(unit=tree["kho"], decision=Decision(effective_on=DAY))
    assert list(error_dict(excinfo)) == ["decision_number"]
    member_handler.members = {tree["kho"].pk: 2}
    with pytest.raises(ValidationError) as excinfo:
        unit_dissolve(unit=tree["kho"], decision=decision())
    assert list(error_dict(excinfo)) == ["unit"]
    assert "2" in error_dict(excinfo)["unit"][0]
    assert reload(tree["kho"]).dissolved_on is None
