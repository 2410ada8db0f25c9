"""portal/services/units/reorganising.py: unit_move, unit_merge and unit_dissolve.

Refused operations: error key and tree unchanged (tests/portal/services/units/conftest.py).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from portal.choices import UnitEventKind
from portal.models import Unit
from portal.services.units.common import Decision
from portal.services.units.reorganising import unit_dissolve, unit_merge, unit_move
from tests.conftest import make_unit
from tests.portal.services.units.conftest import (
    DAY,
    decision,
    error_dict,
    event_ids,
    events,
    parent_pk,
    reload,
    tree_state,
)

pytestmark = pytest.mark.django_db


# --- unit_move -----------------------------------------------------------------------------


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


# --- unit_merge ----------------------------------------------------------------------------


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


# --- unit_dissolve -------------------------------------------------------------------------


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
