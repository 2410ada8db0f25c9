"""``field__any_of``: one array parameter instead of one placeholder per value."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import CatalogueEntry, CatalogueKind

pytestmark = pytest.mark.django_db


def test_any_of_finds_exactly_the_listed_values_with_one_parameter():
    for code in ("kind_a", "kind_b", "kind_c"):
        CatalogueKind.objects.create(code=code, name=code)
    wanted = ["kind_a", "kind_c", "kind_missing"] + [f"other_{n}" for n in range(2000)]
    with CaptureQueriesContext(connection) as queries:
        found = sorted(CatalogueKind.objects.filter(code__any_of=wanted).values_list("code", flat=True))
    assert found == ["kind_a", "kind_c"]
    [query] = queries.captured_queries
    assert "= ANY(" in query["sql"] and query["sql"].count("other_") == 2000


def test_any_of_with_an_empty_list_finds_nothing():
    CatalogueKind.objects.create(code="kind_a", name="A")
    assert not CatalogueKind.objects.filter(code__any_of=[]).exists()


def test_any_of_on_a_foreign_key_takes_the_related_ids():
    kinds = [CatalogueKind.objects.create(code=code, name=code) for code in ("kind_a", "kind_b")]
    for kind in kinds:
        CatalogueEntry.objects.create(kind=kind, code="01", label=f"{kind.code} 01")
    found = CatalogueEntry.objects.filter(kind_id__any_of=[kinds[1].pk, 0]).values_list("label", flat=True)
    assert list(found) == ["kind_b 01"]
    assert CatalogueEntry.objects.filter(kind__any_of=[kinds[0].pk]).count() == 1
