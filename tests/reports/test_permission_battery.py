"""The résumé screens four ways, on the records battery's scenario.

Admin (reports/views.py): a leader reads no individual dossier (404), a clerk of another
unit gets 404, the clerk over the unit 200. Self-service (reports/selfservice.py): the
anonymous visitor goes to the portal's sign-in page, an individual account without a
dossier gets 404, the person gets their own résumé, and another person (the "other unit"
way) gets their own résumé too, in which the first person's data never appears."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.permissions import Entry
from tests.records.test_permission_battery import media, scenario, secrets  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

RESUME = {"permitted": "clerk", "no_permission": "leader", "expect_no_permission": 404, "other_unit": "clerk_tc"}
OWN_RESUME = {
    "login_prefix": "/ca-nhan/dang-nhap/",
    "permitted": "person",
    "no_permission": "lonely",
    "expect_no_permission": 404,
    "other_unit": "stranger",
    "expect_other_unit": (200,),
}


def resume_url(name: str):
    return lambda s: reverse(f"reports_resume:{name}", args=[s["dossier"].pk])


def own_url(name: str):
    return lambda s: reverse(f"reports_self:{name}")


ENTRIES = [
    *(Entry(f"reports_resume:{n}", resume_url(n), secrets=secrets, **RESUME) for n in ("page", "print", "pdf")),
    *(Entry(f"reports_self:{n}", own_url(n), secrets=secrets, **OWN_RESUME) for n in ("resume", "resume_pdf")),
]


@pytest.mark.parametrize("way", ["anonymous", "no_permission", "permitted", "other_unit"])
@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.name for entry in ENTRIES])
def test_battery(scenario, entry, way):  # noqa: F811
    entry.run(way, scenario)
