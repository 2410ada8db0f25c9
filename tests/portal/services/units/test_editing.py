"""portal/services/units/editing.py: unit_create and unit_update.

Refused operations: error key and tree unchanged (tests/portal/services/units/conftest.py).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from portal.choices import UnitEventKind
from portal.models import Unit
from portal.services.catalogues import entry_retire
from portal.services.units.common import Decision
from portal.services.units.editing import unit_create, unit_update
from portal.services.units.reorganising import unit_dissolve
from tests.conftest import make_unit, unit_type
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


# --- unit_create ---------------------------------------------------------------------------


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


# --- unit_update ---------------------------------------------------------------------------


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
