"""The résumé screens four ways, on the records battery's scenario.

Admin (reports/views.py): a leader reads no individual dossier (404), a clerk of another
unit gets 404, the clerk over the unit 200; the same for the signed export (an account that
reads the dossier without the right to sign it gets 403: tests/reports/test_signed_export_views.py).
The verification page: any staff account (the leader) 200, an individual 403. Self-service (reports/selfservice.py): the
anonymous visitor goes to the portal's sign-in page, an individual account without a
dossier gets 404, the person gets their own résumé, and another person (the "other unit"
way) gets their own résumé too, in which the first person's data never appears."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.permissions import Entry, battery_cases
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


# The verification page is for every staff account (a leader too); an individual's account is
# refused (403); it shows no object of a unit, so there is no "other unit" way.
VERIFY = {"permitted": "leader", "no_permission": "person", "expect_no_permission": 403}

ENTRIES = [
    *(Entry(f"reports_resume:{n}", resume_url(n), secrets=secrets, **RESUME) for n in ("page", "print", "pdf")),
    # The signed export: the form (GET) and a submission without choices (the form again, 200).
    Entry("reports_resume:sign", resume_url("sign"), secrets=secrets, **RESUME),
    Entry(
        "reports_resume:sign",
        resume_url("sign"),
        method="post",
        data=lambda s: {},
        variant="post",
        secrets=secrets,
        **RESUME,
    ),
    *(Entry(f"reports_self:{n}", own_url(n), secrets=secrets, **OWN_RESUME) for n in ("resume", "resume_pdf")),
    Entry("reports_verify:verify", lambda s: reverse("reports_verify:verify"), **VERIFY),
    Entry(
        "reports_verify:verify",
        lambda s: reverse("reports_verify:verify"),
        method="post",
        data=lambda s: {},
        variant="post",
        **VERIFY,
    ),
]


@pytest.mark.parametrize(("entry", "way"), list(battery_cases(ENTRIES)))
def test_battery(scenario, entry, way):  # noqa: F811
    entry.run(way, scenario)
