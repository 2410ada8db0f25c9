"""The résumé screens (reports/views.py), four ways, on the records battery's scenario: a leader
reads no individual dossier (404), a clerk of another unit gets 404, the clerk over the unit 200."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.permissions import Entry
from tests.records.test_permission_battery import media, scenario, secrets  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

RESUME = {"permitted": "clerk", "no_permission": "leader", "expect_no_permission": 404, "other_unit": "clerk_tc"}


def resume_url(name: str):
    return lambda s: reverse(f"reports_resume:{name}", args=[s["dossier"].pk])


ENTRIES = [
    Entry(f"reports_resume:{name}", resume_url(name), secrets=secrets, **RESUME) for name in ("page", "print", "pdf")
]


@pytest.mark.parametrize("way", ["anonymous", "no_permission", "permitted", "other_unit"])
@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.name for entry in ENTRIES])
def test_battery(scenario, entry, way):  # noqa: F811
    entry.run(way, scenario)
