"""records/migrations/0004_version_unit.py: the data step that gives existing versions a unit."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from portal.services.units.common import Decision
from portal.services.units.reorganising import unit_merge
from records.models import Dossier, DossierVersion
from records.services.dossiers import dossier_change
from tests.records.factories import make_dossier

pytestmark = pytest.mark.django_db
version_unit_migration = importlib.import_module("records.migrations.0004_version_unit")


def test_existing_versions_get_the_unit_of_their_time_else_the_current_one(province, admin_user):
    dossier = make_dossier(province["chi_cuc"])  # version 1 in the Chi cục
    unit_merge(
        source=province["chi_cuc"], target=province["tai_chinh"], decision=Decision(number="2/QĐ"), actor=admin_user
    )
    dossier = Dossier.objects.get(pk=dossier.pk)
    dossier_change(dossier=dossier, sections={"health": {"health_status": "Tốt"}}, actor=admin_user, expected_version=1)
    # A version no audit event accounts for (e.g. written before the audit existed).
    DossierVersion.objects.create(
        dossier=dossier, number=3, content={}, sha256="0" * 64, source="clerk", unit=None, status="pending"
    )
    # As before the migration: no version knows its unit.
    DossierVersion.objects.filter(dossier=dossier).update(unit=None)

    version_unit_migration.fill_version_units(apps, SimpleNamespace(connection=connection))

    assert list(dossier.versions.order_by("number").values_list("number", "unit")) == [
        (1, province["chi_cuc"].pk),  # from the audit of the dossier row when version 1 was made
        (2, province["tai_chinh"].pk),
        (3, province["tai_chinh"].pk),  # no audit event: the dossier's current unit
    ]
