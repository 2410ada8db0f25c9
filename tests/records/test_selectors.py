"""records/selectors.py: accent-insensitive search and Vietnamese name order on tricky names,
scoping of lists, and query counts that do not grow with the number of rows."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from portal.choices import Role
from records.models import Dossier
from records.selectors import DossierFilters, dossier_list
from records.services.dossiers import NewDossier, dossiers_bulk_create
from tests.permissions import make_account
from tests.records.factories import BASE_CONTENT, content

pytestmark = pytest.mark.django_db

# (name, sex) — chosen for Đ/D, Ư/U, Ơ/O and tone marks.
NAMES = [
    ("Nguyễn Văn Đức", "1"),
    ("Trần Văn Dũng", "1"),
    ("Lê Thị Ưng", "2"),
    ("Phạm Thị Uyên", "2"),
    ("Hoàng Văn Ơn", "1"),
    ("Võ Văn Oanh", "1"),
    ("Đặng Thị Ánh", "2"),
    ("Bùi Văn An", "1"),
    ("Lý Thị Ân", "2"),
]


def people(unit, names, *, start: int = 0) -> list[NewDossier]:
    result = []
    for offset, (name, sex) in enumerate(names):
        number = start + offset
        digit = "0" if sex == "1" else "1"
        identity = {**BASE_CONTENT["identity"], "full_name": name, "sex": sex}
        result.append(
            NewDossier(unit=unit, personal_id=f"087{digit}90{number:06d}", content=content(identity=identity))
        )
    return result


@pytest.fixture
def named(province):
    dossiers_bulk_create(people=people(province["chi_cuc"], NAMES))
    return province


def names_of(qs) -> list[str]:
    return list(qs.values_list("full_name", flat=True))


def test_vietnamese_name_order_given_name_first_with_collation(named, admin_user):
    # By given name (the last word) in Vietnamese order: a < ă < â, d < đ, o < ô < ơ, u < ư.
    assert names_of(dossier_list(user=admin_user)) == [
        "Bùi Văn An",
        "Đặng Thị Ánh",
        "Lý Thị Ân",
        "Trần Văn Dũng",
        "Nguyễn Văn Đức",
        "Võ Văn Oanh",
        "Hoàng Văn Ơn",
        "Phạm Thị Uyên",
        "Lê Thị Ưng",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("duc", ["Nguyễn Văn Đức"]),
        ("đức", ["Nguyễn Văn Đức"]),
        ("dang thi", ["Đặng Thị Ánh"]),
        ("ung", ["Lê Thị Ưng"]),
        ("dung", ["Trần Văn Dũng"]),
        ("on", ["Hoàng Văn Ơn"]),
        ("an", ["Đặng Thị Ánh", "Lý Thị Ân", "Bùi Văn An"]),  # not "Văn", "Oanh"
        ("van an", ["Bùi Văn An"]),
    ],
)
def test_search_ignores_accents(named, admin_user, query, expected):
    assert sorted(names_of(dossier_list(user=admin_user, filters=DossierFilters(search=query)))) == sorted(expected)


def test_query_counts_do_not_grow_with_rows(province, django_assert_num_queries):
    clerk = make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK)
    admin_client, api = Client(), APIClient()
    admin_client.force_login(clerk)
    api.force_login(clerk)
    dossiers_bulk_create(people=people(province["chi_cuc"], NAMES[:2]))
    admin_client.get(reverse("records_dossiers:index"))  # warm the session
    counts = []
    for batch in (NAMES[2:], [(f"Người Số {n}", "1") for n in range(40)]):
        dossiers_bulk_create(people=people(province["chi_cuc"], batch, start=100 + len(counts) * 100))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as page:
            assert admin_client.get(reverse("records_dossiers:index")).status_code == 200
        with CaptureQueriesContext(connection) as listing:
            assert api.get("/api/v1/dossiers/").status_code == 200
        counts.append((len(page), len(listing)))
    assert counts[0] == counts[1], counts
    page_queries, api_queries = counts[0]
    # The admin page: session, user, grants (once per request), the clerk's own dossier (the
    # "sees itself" rule), the Wagtail menu, the filter form's catalogue choices (five catalogues)
    # and units, grade labels, custom columns, the count and the page. The API: session, user,
    # grants, own dossier, the unit filter's field definitions, the count and the page.
    assert page_queries <= 20 and api_queries <= 9, counts


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen van duc", ["Nguyễn Văn Đức"]),
        ("NGUYỄN   đức", ["Nguyễn Văn Đức"]),
        ("ngu", ["Nguyễn Văn Đức"]),  # a word prefix
        ("guyen", []),  # not inside a word
        ("thi u", ["Lê Thị Ưng", "Phạm Thị Uyên"]),
        ("'&|!:*", []),  # no letter or digit: nobody, and no error from the full-text parser
        ("an' | van:*", ["Bùi Văn An"]),  # query syntax is never passed through
    ],
)
def test_search_by_word_prefix_through_the_full_text_index(named, admin_user, query, expected):
    found = dossier_list(user=admin_user, filters=DossierFilters(search=query))
    assert sorted(names_of(found)) == sorted(expected)
    if expected:
        assert "to_tsvector" in str(found.query)  # the expression the GIN index was built on


def test_personal_id_prefix_search(named, admin_user):
    found = dossier_list(user=admin_user, filters=DossierFilters(search="0871 90"))
    assert sorted(names_of(found)) == ["Lê Thị Ưng", "Lý Thị Ân", "Phạm Thị Uyên", "Đặng Thị Ánh"]


def where_clause(qs) -> str:
    return str(qs.query).split(" WHERE ", 1)[1]


def test_a_clerk_sees_the_own_dossier_kept_in_another_unit(province):
    """The "sees itself" rule without an OR on the whole list: the own dossier outside the granted
    subtree is added by primary key; inside it, the scope is the subtree condition alone."""
    dossiers_bulk_create(people=people(province["chi_cuc"], NAMES[:3]))
    dossiers_bulk_create(people=people(province["noi_vu"], NAMES[3:5], start=50))
    clerk = make_account("canbo.chicuc", unit=province["noi_vu"], role=Role.HR_CLERK, over=province["chi_cuc"])
    own = Dossier.objects.get(full_name="Phạm Thị Uyên")
    own.account = clerk
    own.save(update_fields=["account"])

    visible = dossier_list(user=clerk)
    assert sorted(names_of(visible)) == sorted(["Nguyễn Văn Đức", "Trần Văn Dũng", "Lê Thị Ưng", "Phạm Thị Uyên"])
    assert "account_id" not in where_clause(visible)

    own.account = None
    own.save(update_fields=["account"])
    inside = Dossier.objects.get(full_name="Lê Thị Ưng")
    inside.account = clerk
    inside.save(update_fields=["account"])
    visible = dossier_list(user=clerk)
    assert sorted(names_of(visible)) == sorted(["Nguyễn Văn Đức", "Trần Văn Dũng", "Lê Thị Ưng"])
    assert " OR " not in where_clause(visible) and "account_id" not in where_clause(visible)
