"""portal/services/units/splitting.py: unit_split.

Refused operations: error key and tree unchanged (tests/portal/services/units/conftest.py).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal.choices import UnitEventKind
from portal.models import Unit
from portal.services.units.common import Decision, SplitPart
from portal.services.units.splitting import unit_split
from tests.conftest import unit_type
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


# --- unit_split ----------------------------------------------------------------------------


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
