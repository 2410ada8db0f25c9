"""The unit API: permissions (anonymous, no permission, permitted, missing) and reads."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from portal.choices import UnitEventKind
from portal.models import Unit, UnitEvent
from tests.conftest import make_unit, unit_type
from tests.portal.api.units.conftest import (
    DECISION,
    UNITS,
    children_of,
    fresh,
    names,
    tree_snapshot,
    unit_url,
)

pytestmark = pytest.mark.django_db


# --- permissions: anonymous, no permission, permitted, missing ------------------------------------------

READS = [
    ("list", lambda p: UNITS),
    ("detail", lambda p: unit_url(p["noi_vu"].pk)),
    ("tree", lambda p: unit_url(p["root"].pk, "tree/")),
    ("events", lambda p: unit_url(p["noi_vu"].pk, "events/")),
]


@pytest.mark.parametrize(("name", "url"), READS, ids=[name for name, _ in READS])
def test_reads_need_a_signed_in_user(name, url, province, anon, reader, admin):
    response = anon.get(url(province))
    assert response.status_code == 403  # session authentication sends no WWW-Authenticate header
    assert response.json()["detail"]
    assert reader.get(url(province)).status_code == 200
    assert admin.get(url(province)).status_code == 200


@pytest.mark.parametrize("suffix", ["", "tree/", "events/"])
def test_reads_of_a_missing_unit_are_404(suffix, province, reader):
    assert reader.get(unit_url(999_999, suffix)).status_code == 404
    assert reader.get(unit_url("abc", suffix)).status_code == 404


def _write_cases(p):
    phong_tc = children_of(p["noi_vu"]).get(name="Phòng Tổ chức biên chế")
    ngan_sach = children_of(p["tai_chinh"]).get()
    return {
        "create": (
            "post",
            UNITS,
            {"name": "Sở Y tế", "unit_type": "SO", "parent": p["root"].pk, "code": "000.00.09.H20", **DECISION},
            201,
        ),
        "update": ("patch", unit_url(p["noi_vu"].pk), {"short_name": "SNV"}, 200),
        "move": ("post", unit_url(phong_tc.pk, "move/"), {"new_parent": p["tai_chinh"].pk, **DECISION}, 200),
        "merge": ("post", unit_url(p["tai_chinh"].pk, "merge/"), {"target": p["noi_vu"].pk, **DECISION}, 200),
        "split": (
            "post",
            unit_url(p["tai_chinh"].pk, "split/"),
            {
                "parts": [{"name": "Sở Tài chính A"}, {"name": "Sở Tài chính B"}],
                "child_assignment": {str(ngan_sach.pk): 1},
                **DECISION,
            },
            201,
        ),
        "dissolve": ("post", unit_url(ngan_sach.pk, "dissolve/"), DECISION, 200),
    }


WRITES = ["create", "update", "move", "merge", "split", "dissolve"]


@pytest.mark.parametrize("name", WRITES)
def test_writes_four_ways(name, province, anon, reader, admin):
    method, url, body, ok_status = _write_cases(province)[name]
    before = tree_snapshot()
    events_before = UnitEvent.objects.count()

    response = getattr(anon, method)(url, body, format="json")
    assert response.status_code == 403
    response = getattr(reader, method)(url, body, format="json")
    assert response.status_code == 403
    assert tree_snapshot() == before
    assert UnitEvent.objects.count() == events_before

    response = getattr(admin, method)(url, body, format="json")
    assert response.status_code == ok_status, response.json()
    assert UnitEvent.objects.count() > events_before


@pytest.mark.parametrize("suffix", ["", "move/", "merge/", "split/", "dissolve/"])
def test_writes_to_a_missing_unit_are_404_for_admins_and_403_for_others(suffix, province, reader, admin):
    method = "patch" if suffix == "" else "post"
    body = {"name": "X"} if suffix == "" else DECISION
    assert getattr(admin, method)(unit_url(999_999, suffix), body, format="json").status_code == 404
    assert getattr(reader, method)(unit_url(999_999, suffix), body, format="json").status_code == 403


def test_a_unit_admin_writes_units_inside_their_subtree_only(province, django_user_model):

    from portal.choices import Role
    from portal.models import Grant

    clerk = django_user_model.objects.create_user(username="vanthu", password="Mk@2026-vanthu", unit=province["noi_vu"])
    Grant.objects.create(user=clerk, role=Role.UNIT_ADMIN, unit=province["noi_vu"], starts_on=datetime.date(2025, 1, 1))
    # A model permission alone grants nothing: scope comes from grants.
    clerk.user_permissions.add(Permission.objects.get(codename="change_unit", content_type__app_label="portal"))
    client = APIClient()
    client.force_login(clerk)
    outside = client.patch(unit_url(province["tai_chinh"].pk), {"short_name": "STC"}, format="json")
    assert outside.status_code == 404
    assert fresh(province["tai_chinh"]).short_name == ""
    client = APIClient()
    client.force_login(clerk)
    response = client.patch(unit_url(province["noi_vu"].pk), {"short_name": "SNV"}, format="json")
    assert response.status_code == 200
    assert fresh(province["noi_vu"]).short_name == "SNV"
    event = UnitEvent.objects.filter(unit=province["noi_vu"], kind=UnitEventKind.RENAMED).get()
    assert event.actor == clerk
    assert event.actor_name == "vanthu"


def test_units_are_never_deleted(province, admin):
    assert admin.delete(unit_url(province["chi_cuc"].pk)).status_code == 405
    assert admin.put(unit_url(province["chi_cuc"].pk), {"name": "X"}, format="json").status_code == 405
    assert Unit.objects.filter(pk=province["chi_cuc"].pk, dissolved_on__isnull=True).exists()


# --- reads ------------------------------------------------------------------------------------------------


def test_list_is_in_tree_order_with_parent_and_children_count(province, reader):
    response = reader.get(UNITS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    assert names(response) == [
        "Ủy ban nhân dân tỉnh Đồng Tháp",
        "Sở Nội vụ",
        "Phòng Tổ chức biên chế",
        "Chi cục Văn thư - Lưu trữ",
        "Sở Tài chính",
        "Phòng Ngân sách",
    ]
    rows = {row["name"]: row for row in body["results"]}
    assert rows["Ủy ban nhân dân tỉnh Đồng Tháp"]["parent"] is None
    assert rows["Ủy ban nhân dân tỉnh Đồng Tháp"]["children_count"] == 2
    assert rows["Sở Nội vụ"]["parent"] == province["root"].pk
    assert rows["Sở Nội vụ"]["children_count"] == 2
    assert rows["Chi cục Văn thư - Lưu trữ"]["parent"] == province["noi_vu"].pk
    assert rows["Chi cục Văn thư - Lưu trữ"]["unit_type"] == {"code": "CHI_CUC", "label": unit_type("CHI_CUC").label}
    assert rows["Chi cục Văn thư - Lưu trữ"]["code"] == "000.03.05.H20"
    assert rows["Phòng Ngân sách"]["children_count"] == 0


def test_list_filters(province, reader):
    make_unit("Ủy ban nhân dân xã Mỹ An", type_code="UBND_XA")
    assert names(reader.get(UNITS, {"parent": province["noi_vu"].pk})) == [
        "Phòng Tổ chức biên chế",
        "Chi cục Văn thư - Lưu trữ",
    ]
    assert sorted(names(reader.get(UNITS, {"root": "true"}))) == [
        "Ủy ban nhân dân tỉnh Đồng Tháp",
        "Ủy ban nhân dân xã Mỹ An",
    ]
    assert names(reader.get(UNITS, {"search": "so noi vu"})) == ["Sở Nội vụ"]
    assert names(reader.get(UNITS, {"search": "PHÒNG NGÂN"})) == ["Phòng Ngân sách"]
    assert names(reader.get(UNITS, {"code": "000.03.05.h20"})) == ["Chi cục Văn thư - Lưu trữ"]
    assert names(reader.get(UNITS, {"code": "000.03"})) == []
    response = reader.get(UNITS, {"parent": 999_999})
    assert response.status_code == 400
    assert "parent" in response.json()


def test_list_hides_dissolved_units_unless_asked(province, admin, reader):
    ngan_sach = children_of(province["tai_chinh"]).get()
    assert admin.post(unit_url(ngan_sach.pk, "dissolve/"), DECISION, format="json").status_code == 200
    assert "Phòng Ngân sách" not in names(reader.get(UNITS))
    rows = {row["name"]: row for row in reader.get(UNITS, {"include_dissolved": "true"}).json()["results"]}
    assert rows["Phòng Ngân sách"]["dissolved_on"] == "2025-09-01"
    assert rows["Phòng Ngân sách"]["is_active"] is False
    assert rows["Sở Tài chính"]["children_count"] == 1


def test_detail(province, reader):
    chi_cuc = province["chi_cuc"]
    response = reader.get(unit_url(chi_cuc.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == chi_cuc.pk
    assert body["name"] == "Chi cục Văn thư - Lưu trữ"
    assert body["parent"] == province["noi_vu"].pk
    assert body["ancestors"] == [
        {"id": province["root"].pk, "name": "Ủy ban nhân dân tỉnh Đồng Tháp", "code": "000.00.00.H20"},
        {"id": province["noi_vu"].pk, "name": "Sở Nội vụ", "code": "000.00.05.H20"},
    ]
    assert body["unit_type"]["code"] == "CHI_CUC"
    assert body["quotas"] == {"quota_civil_servants": 0, "quota_public_employees": 0, "quota_contracts_111": 0}
    assert body["established_on"] == "2025-07-01"
    assert body["dissolved_on"] is None
    assert body["successor"] is None
    assert body["children_count"] == 0
    root = reader.get(unit_url(province["root"].pk)).json()
    assert root["ancestors"] == []
    assert root["parent"] is None
    assert root["children_count"] == 2


def test_tree_nests_to_the_requested_depth(province, reader):
    response = reader.get(unit_url(province["root"].pk, "tree/"))
    assert response.status_code == 200
    tree = response.json()
    assert tree["name"] == "Ủy ban nhân dân tỉnh Đồng Tháp"
    assert [child["name"] for child in tree["children"]] == ["Sở Nội vụ", "Sở Tài chính"]
    noi_vu = tree["children"][0]
    assert [child["name"] for child in noi_vu["children"]] == ["Phòng Tổ chức biên chế", "Chi cục Văn thư - Lưu trữ"]
    assert noi_vu["children_count"] == 2
    assert noi_vu["children"][1]["children"] == []

    shallow = reader.get(unit_url(province["root"].pk, "tree/"), {"depth": 1}).json()
    assert [child["children"] for child in shallow["children"]] == [[], []]
    assert [child["children_count"] for child in shallow["children"]] == [2, 1]  # counts still tell what is below

    assert reader.get(unit_url(province["root"].pk, "tree/"), {"depth": 6}).status_code == 400
    assert reader.get(unit_url(province["root"].pk, "tree/"), {"depth": 0}).status_code == 400
    assert reader.get(unit_url(province["root"].pk, "tree/"), {"depth": 5}).status_code == 200


def test_tree_shows_dissolved_units_only_when_asked(province, admin, reader):
    ngan_sach = children_of(province["tai_chinh"]).get()
    admin.post(unit_url(ngan_sach.pk, "dissolve/"), DECISION, format="json")
    tree = reader.get(unit_url(province["tai_chinh"].pk, "tree/")).json()
    assert tree["children"] == []
    assert tree["children_count"] == 0
    tree = reader.get(unit_url(province["tai_chinh"].pk, "tree/"), {"include_dissolved": "true"}).json()
    assert [(child["name"], child["dissolved_on"]) for child in tree["children"]] == [("Phòng Ngân sách", "2025-09-01")]


def test_events_are_paginated_history(province, admin, reader):
    noi_vu = province["noi_vu"]
    admin.patch(unit_url(noi_vu.pk), {"name": "Sở Nội vụ tỉnh Đồng Tháp", **DECISION}, format="json")
    response = reader.get(unit_url(noi_vu.pk, "events/"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    renamed, created = body["results"]
    assert renamed["kind"] == "renamed"
    assert renamed["kind_label"]
    assert renamed["effective_on"] == "2025-09-01"
    assert renamed["decision_number"] == "123/QĐ-UBND"
    assert renamed["decision_date"] == "2025-08-25"
    assert renamed["actor_name"] == "quantri"
    assert renamed["details"] == {"before": {"name": "Sở Nội vụ"}, "after": {"name": "Sở Nội vụ tỉnh Đồng Tháp"}}
    assert renamed["related_unit"] is None
    assert renamed["recorded_at"]
    assert created["kind"] == "created"
    page = reader.get(unit_url(noi_vu.pk, "events/"), {"limit": 1}).json()
    assert page["count"] == 2
    assert len(page["results"]) == 1
    assert page["next"]
