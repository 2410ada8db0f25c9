"""The unit API's writes through the services: create, update, move, merge, split, dissolve."""

from __future__ import annotations

import datetime

import pytest

from portal.choices import UnitEventKind
from portal.models import Unit, UnitEvent
from portal.services.catalogues import entry_retire
from tests.conftest import make_unit, unit_type
from tests.portal.api.units.conftest import (
    DECISION,
    UNITS,
    children_of,
    fresh,
    parent_of,
    tree_snapshot,
    unit_url,
)

pytestmark = pytest.mark.django_db


# --- writes -----------------------------------------------------------------------------------------------


def test_create(province, admin):
    response = admin.post(
        UNITS,
        {
            "name": "  Sở Y tế ",
            "short_name": "SYT",
            "unit_type": "SO",
            "parent": province["root"].pk,
            "code": "000.00.09.h20",
            "admin_area_code": "87",
            "established_on": "2025-07-01",
            "quotas": {"quota_civil_servants": 40, "quota_public_employees": 5},
            "decision_number": "01/QĐ-UBND",
            "decision_date": "2025-06-30",
            "note": "Thành lập",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    unit = Unit.objects.get(pk=body["id"])
    assert unit.name == "Sở Y tế"
    assert unit.code == "000.00.09.H20"
    assert unit.unit_type == unit_type("SO")
    assert parent_of(unit) == province["root"]
    assert (unit.quota_civil_servants, unit.quota_public_employees, unit.quota_contracts_111) == (40, 5, 0)
    assert body["parent"] == province["root"].pk
    assert body["ancestors"][0]["id"] == province["root"].pk
    event = unit.events.get()
    assert event.kind == UnitEventKind.CREATED
    assert (event.effective_on, event.decision_number, event.note) == (
        datetime.date(2025, 7, 1),
        "01/QĐ-UBND",
        "Thành lập",
    )


def test_create_a_root(admin, db):
    response = admin.post(UNITS, {"name": "Ủy ban nhân dân xã Mỹ An", "unit_type": "UBND_XA"}, format="json")
    assert response.status_code == 201
    assert Unit.objects.get(pk=response.json()["id"]).is_root()


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"name": "Sở Y tế", "unit_type": "SO", "code": "12.34"}, "code"),
        ({"name": "Sở Y tế", "unit_type": "SO", "code": "000.00.05.H20"}, "code"),  # used by Sở Nội vụ
        ({"name": "Sở Y tế", "unit_type": "SO", "code": "001.02.05.H20"}, "code"),  # does not nest under H20
        ({"name": "Sở Y tế", "unit_type": "KHONG_CO"}, "unit_type"),
        ({"name": "", "unit_type": "SO"}, "name"),
        ({"name": "Sở Y tế", "unit_type": "SO", "quotas": {"quota_civil_servants": -1}}, "quota_civil_servants"),
        ({"name": "Sở Y tế", "unit_type": "SO", "parent": 999_999}, "parent"),
    ],
)
def test_create_refused(body, key, province, admin):
    before = tree_snapshot()
    response = admin.post(UNITS, {"parent": province["root"].pk, **body}, format="json")
    assert response.status_code == 400
    assert key in response.json()
    assert all(isinstance(message, str) and message for message in response.json()[key])
    assert tree_snapshot() == before


def test_create_with_a_retired_unit_type_is_refused_by_the_service(province, admin):
    entry_retire(entry=unit_type("DVSN"))
    response = admin.post(
        UNITS, {"name": "Trung tâm X", "unit_type": "DVSN", "parent": province["root"].pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["unit_type"]
    assert not Unit.objects.filter(name="Trung tâm X").exists()


def test_create_under_a_dissolved_parent_is_refused(province, admin):
    ngan_sach = children_of(province["tai_chinh"]).get()
    admin.post(unit_url(ngan_sach.pk, "dissolve/"), DECISION, format="json")
    response = admin.post(UNITS, {"name": "Tổ X", "unit_type": "PHONG", "parent": ngan_sach.pk}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()


def test_update_renames_and_recodes_through_the_service(province, admin):
    noi_vu = province["noi_vu"]
    response = admin.patch(
        unit_url(noi_vu.pk),
        {"name": "Sở Nội vụ mới", "code": "000.00.06.H20", "quotas": {"quota_civil_servants": 12}, **DECISION},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Sở Nội vụ mới"
    noi_vu = fresh(noi_vu)
    assert (noi_vu.name, noi_vu.code, noi_vu.quota_civil_servants) == ("Sở Nội vụ mới", "000.00.06.H20", 12)
    assert fresh(province["chi_cuc"]).code == "000.03.06.H20"  # the coded sub-unit is rebased by the service
    kinds = set(noi_vu.events.values_list("kind", flat=True))
    assert {UnitEventKind.RENAMED, UnitEventKind.CODE_CHANGED, UnitEventKind.UPDATED} <= kinds


def test_update_with_a_bad_code_is_400_and_changes_nothing(province, admin):
    before = tree_snapshot()
    response = admin.patch(unit_url(province["noi_vu"].pk), {"name": "Khác", "code": "ABC"}, format="json")
    assert response.status_code == 400
    assert "code" in response.json()
    assert tree_snapshot() == before
    assert fresh(province["noi_vu"]).name == "Sở Nội vụ"


def test_move_rebases_codes(province, admin):
    chi_cuc = province["chi_cuc"]
    response = admin.post(
        unit_url(chi_cuc.pk, "move/"), {"new_parent": province["tai_chinh"].pk, **DECISION}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["parent"] == province["tai_chinh"].pk
    assert body["code"] == "000.03.07.H20"
    assert parent_of(chi_cuc) == province["tai_chinh"]
    assert fresh(chi_cuc).code == "000.03.07.H20"
    moved = chi_cuc.events.get(kind=UnitEventKind.MOVED)
    assert moved.related_unit == province["tai_chinh"]
    assert moved.decision_number == "123/QĐ-UBND"


def test_move_with_code_map(province, admin):
    chi_cuc = province["chi_cuc"]
    response = admin.post(
        unit_url(chi_cuc.pk, "move/"),
        {"new_parent": province["tai_chinh"].pk, "code_map": {str(chi_cuc.pk): "000.09.07.H20"}, **DECISION},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert fresh(chi_cuc).code == "000.09.07.H20"


def test_move_under_own_descendant_is_400_and_tree_unchanged(province, admin):
    before = tree_snapshot()
    response = admin.post(
        unit_url(province["noi_vu"].pk, "move/"), {"new_parent": province["chi_cuc"].pk, **DECISION}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["new_parent"]
    assert tree_snapshot() == before


MOVE_REFUSALS = {
    "no new parent": (lambda p: {}, "new_parent"),
    "missing new parent": (lambda p: {"new_parent": 999_999}, "new_parent"),
    "already there": (lambda p: {"new_parent": p["noi_vu"].pk}, "new_parent"),
    "code map key not an id": (
        lambda p: {"new_parent": p["tai_chinh"].pk, "code_map": {"not-an-id": "000.01.07.H20"}},
        "code_map",
    ),
    "bad code in code map": (
        lambda p: {"new_parent": p["tai_chinh"].pk, "code_map": {str(p["chi_cuc"].pk): "BAD"}},
        "code_map",
    ),
    "code map not nesting": (
        lambda p: {"new_parent": p["tai_chinh"].pk, "code_map": {str(p["chi_cuc"].pk): "000.03.09.H20"}},
        "code_map",
    ),
}


@pytest.mark.parametrize("case", list(MOVE_REFUSALS))
def test_move_refused(case, province, admin):
    body, key = MOVE_REFUSALS[case]
    before = tree_snapshot()
    response = admin.post(unit_url(province["chi_cuc"].pk, "move/"), {**body(province), **DECISION}, format="json")
    assert response.status_code == 400
    assert key in response.json()
    assert tree_snapshot() == before


def test_merge_moves_children_and_dissolves_the_source(province, admin):
    tai_chinh, noi_vu = province["tai_chinh"], province["noi_vu"]
    Unit.objects.filter(pk=tai_chinh.pk).update(quota_civil_servants=10)
    Unit.objects.filter(pk=noi_vu.pk).update(quota_civil_servants=7)
    ngan_sach = children_of(tai_chinh).get()
    response = admin.post(unit_url(tai_chinh.pk, "merge/"), {"target": noi_vu.pk, **DECISION}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == noi_vu.pk
    assert body["quotas"]["quota_civil_servants"] == 17
    assert body["children_count"] == 3
    tai_chinh = fresh(tai_chinh)
    assert tai_chinh.dissolved_on == datetime.date(2025, 9, 1)
    assert tai_chinh.successor_id == noi_vu.pk
    assert parent_of(ngan_sach) == noi_vu
    assert tai_chinh.events.filter(kind=UnitEventKind.MERGED_INTO, related_unit=noi_vu).exists()
    assert noi_vu.events.filter(kind=UnitEventKind.ABSORBED, related_unit=tai_chinh).exists()
    detail = admin.get(unit_url(tai_chinh.pk)).json()
    assert detail["successor"] == noi_vu.pk
    assert detail["is_active"] is False


def test_merge_without_combining_quotas(province, admin):
    Unit.objects.filter(pk=province["tai_chinh"].pk).update(quota_civil_servants=10)
    response = admin.post(
        unit_url(province["tai_chinh"].pk, "merge/"),
        {"target": province["noi_vu"].pk, "combine_quotas": False, **DECISION},
        format="json",
    )
    assert response.status_code == 200
    assert fresh(province["noi_vu"]).quota_civil_servants == 0


def test_merge_into_or_from_a_dissolved_unit_is_400_and_changes_nothing(province, admin):
    tai_chinh, noi_vu, root = province["tai_chinh"], province["noi_vu"], province["root"]
    admin.post(unit_url(tai_chinh.pk, "merge/"), {"target": noi_vu.pk, **DECISION}, format="json")
    extra = make_unit("Sở Xây dựng", parent=root, code="000.00.11.H20")
    before, events_before = tree_snapshot(), UnitEvent.objects.count()

    response = admin.post(unit_url(extra.pk, "merge/"), {"target": tai_chinh.pk, **DECISION}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["target"]
    response = admin.post(unit_url(tai_chinh.pk, "merge/"), {"target": noi_vu.pk, **DECISION}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["source"]
    assert tree_snapshot() == before
    assert UnitEvent.objects.count() == events_before


def test_merge_needs_a_decision_number(province, admin):
    before = tree_snapshot()
    response = admin.post(
        unit_url(province["tai_chinh"].pk, "merge/"), {"target": province["noi_vu"].pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["decision_number"]
    assert tree_snapshot() == before


def test_merge_into_itself_is_400(province, admin):
    response = admin.post(
        unit_url(province["noi_vu"].pk, "merge/"), {"target": province["noi_vu"].pk, **DECISION}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["target"]


def test_split_creates_parts_moves_children_and_dissolves_the_source(province, admin):
    noi_vu = province["noi_vu"]
    phong, chi_cuc = children_of(noi_vu).order_by("path")
    response = admin.post(
        unit_url(noi_vu.pk, "split/"),
        {
            "parts": [
                {"name": "Sở Nội vụ (mới)", "quotas": {"quota_civil_servants": 20}},
                {"name": "Sở Lao động", "short_name": "SLĐ", "code": "000.00.12.H20", "unit_type": "SO"},
            ],
            "child_assignment": {str(phong.pk): 0, str(chi_cuc.pk): 1},
            **DECISION,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert [part["name"] for part in created] == ["Sở Nội vụ (mới)", "Sở Lao động"]
    assert all(part["parent"] == province["root"].pk for part in created)
    first, second = (Unit.objects.get(pk=part["id"]) for part in created)
    noi_vu = fresh(noi_vu)
    assert noi_vu.dissolved_on == datetime.date(2025, 9, 1)
    assert noi_vu.successor_id == first.pk
    assert parent_of(phong) == first
    assert parent_of(chi_cuc) == second
    assert fresh(chi_cuc).code == "000.03.12.H20"
    assert first.quota_civil_servants == 20
    assert first.unit_type == unit_type("SO")  # the source's type when none is given
    assert (second.short_name, second.code) == ("SLĐ", "000.00.12.H20")
    assert first.events.filter(kind=UnitEventKind.SPLIT_FROM, related_unit=noi_vu).exists()
    assert noi_vu.events.filter(kind=UnitEventKind.SPLIT).exists()


def test_split_without_assigning_every_child_is_400(province, admin):
    noi_vu = province["noi_vu"]
    phong = children_of(noi_vu).get(name="Phòng Tổ chức biên chế")
    before = tree_snapshot()
    response = admin.post(
        unit_url(noi_vu.pk, "split/"),
        {"parts": [{"name": "A"}, {"name": "B"}], "child_assignment": {str(phong.pk): 0}, **DECISION},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["child_assignment"]
    assert tree_snapshot() == before


def test_split_with_a_bad_part_is_400_keyed_by_the_part(province, admin):
    ngan_sach = children_of(province["tai_chinh"]).get()
    before = tree_snapshot()
    response = admin.post(
        unit_url(province["tai_chinh"].pk, "split/"),
        {
            "parts": [{"name": "A"}, {"name": "B", "code": "XYZ"}],
            "child_assignment": {str(ngan_sach.pk): 0},
            **DECISION,
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["parts[1]"]
    assert tree_snapshot() == before


def test_split_keeping_the_source(province, admin):
    response = admin.post(
        unit_url(province["tai_chinh"].pk, "split/"),
        {
            "parts": [{"name": "Phòng Quản lý giá", "unit_type": "PHONG", "parent": province["tai_chinh"].pk}],
            "dissolve_source": False,
            **DECISION,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert fresh(province["tai_chinh"]).dissolved_on is None
    assert response.json()[0]["parent"] == province["tai_chinh"].pk


def test_dissolve(province, admin):
    ngan_sach = children_of(province["tai_chinh"]).get()
    response = admin.post(unit_url(ngan_sach.pk, "dissolve/"), {**DECISION, "note": "Giải thể"}, format="json")
    assert response.status_code == 200
    assert response.json()["dissolved_on"] == "2025-09-01"
    assert fresh(ngan_sach).dissolved_on == datetime.date(2025, 9, 1)
    event = ngan_sach.events.get(kind=UnitEventKind.DISSOLVED)
    assert (event.decision_number, event.note) == ("123/QĐ-UBND", "Giải thể")


def test_dissolve_refused_while_sub_units_are_active(province, admin):
    before = tree_snapshot()
    response = admin.post(unit_url(province["noi_vu"].pk, "dissolve/"), DECISION, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["unit"]
    assert "Chi cục Văn thư - Lưu trữ" in response.json()["unit"][0]
    assert tree_snapshot() == before


def test_dissolve_needs_a_decision_number(province, admin):
    ngan_sach = children_of(province["tai_chinh"]).get()
    response = admin.post(unit_url(ngan_sach.pk, "dissolve/"), {}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["decision_number"]
    assert fresh(ngan_sach).dissolved_on is None


def test_dates_are_accepted_in_vietnamese_form(province, admin):
    ngan_sach = children_of(province["tai_chinh"]).get()
    response = admin.post(
        unit_url(ngan_sach.pk, "dissolve/"), {"effective_on": "15/09/2025", "decision_number": "9/QĐ"}, format="json"
    )
    assert response.status_code == 200
    assert fresh(ngan_sach).dissolved_on == datetime.date(2025, 9, 15)


def test_browsable_api_renders_for_admins(province, admin):
    for url in (UNITS, unit_url(province["noi_vu"].pk), unit_url(province["noi_vu"].pk, "move/")):
        response = admin.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code in (200, 405), url
        assert b"<html" in response.content


def test_move_keeping_a_code_that_no_longer_nests_is_refused(province, admin):
    chi_cuc = province["chi_cuc"]
    before = tree_snapshot()
    response = admin.post(
        unit_url(chi_cuc.pk, "move/"),
        {"new_parent": province["tai_chinh"].pk, "code_map": {str(chi_cuc.pk): "000.03.05.H20"}, **DECISION},
        format="json",
    )
    assert response.status_code == 400
    assert tree_snapshot() == before


def test_split_hands_the_sources_code_to_the_part_that_asks_for_it(province, admin):
    noi_vu = province["noi_vu"]
    phong, chi_cuc = children_of(noi_vu).order_by("path")
    response = admin.post(
        unit_url(noi_vu.pk, "split/"),
        {
            "parts": [
                {"name": "Sở Nội vụ (mới)", "code": "000.00.05.H20"},
                {"name": "Sở Lao động", "code": "000.00.12.H20"},
            ],
            "child_assignment": {str(phong.pk): 0, str(chi_cuc.pk): 1},
            **DECISION,
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()[0]["code"] == "000.00.05.H20"
