"""records/models/dossiers.py: the unit path copied onto each dossier by the database triggers
(migration 0005), which the scoping primitive filters on."""

from __future__ import annotations

import datetime

import pytest

from portal.choices import Role
from portal.models import Unit
from portal.services.units.common import Decision
from portal.services.units.reorganising import unit_merge, unit_move
from records.models import Dossier, DossierAudit
from records.selectors import DossierFilters, dossier_list
from tests.conftest import make_unit
from tests.permissions import make_account
from tests.records.factories import make_dossier

pytestmark = pytest.mark.django_db


def paths() -> dict[str, str]:
    return dict(Dossier.objects.values_list("personal_id", "unit_path"))


def test_the_copy_follows_creation_moves_merges_and_direct_writes(province, admin_user):
    division = make_unit("Phòng Công chức, viên chức", parent=province["noi_vu"], type_code="PHONG")
    dossier = make_dossier(division)
    other = make_dossier(province["chi_cuc"], personal_id="087090000124")
    assert paths() == {dossier.personal_id: division.path, other.personal_id: province["chi_cuc"].path}
    audit_events = DossierAudit.objects.count()

    # A move rewrites the paths of the whole subtree, and the copies follow.
    unit_move(unit=division, new_parent=province["tai_chinh"], actor=admin_user)
    division.refresh_from_db()
    assert division.path.startswith(province["tai_chinh"].path)
    assert paths()[dossier.personal_id] == division.path
    # Not an event of the person's record.
    assert DossierAudit.objects.count() == audit_events

    # A merge moves the people of the source unit.
    unit_merge(
        source=province["chi_cuc"],
        target=division,
        decision=Decision(effective_on=datetime.date(2026, 1, 1), number="12/QĐ-UBND"),
        actor=admin_user,
    )
    assert paths()[other.personal_id] == Unit.objects.get(pk=division.pk).path

    # A direct write of the copy cannot leave it wrong.
    Dossier.objects.filter(pk=dossier.pk).update(unit_path="9999")
    assert paths()[dossier.personal_id] == Unit.objects.get(pk=division.pk).path


def test_scope_follows_the_moved_subtree(province, admin_user):
    division = make_unit("Phòng Công chức, viên chức", parent=province["noi_vu"], type_code="PHONG")
    make_dossier(division)
    noi_vu = make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK)
    tai_chinh = make_account("canbo.stc", unit=province["tai_chinh"], role=Role.HR_CLERK)
    assert dossier_list(user=noi_vu).count() == 1 and dossier_list(user=tai_chinh).count() == 0

    unit_move(unit=division, new_parent=province["tai_chinh"], actor=admin_user)
    assert dossier_list(user=noi_vu).count() == 0
    assert dossier_list(user=tai_chinh).count() == 1
    assert dossier_list(user=admin_user, filters=DossierFilters(unit=province["tai_chinh"])).count() == 1
