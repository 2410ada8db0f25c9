"""The unit API's queries do not grow with the rows."""

from __future__ import annotations

import pytest

from tests.conftest import make_unit
from tests.portal.api.units.conftest import (
    UNITS,
    unit_url,
)

pytestmark = pytest.mark.django_db


# --- query counts -----------------------------------------------------------------------------------------


# Every signed-in request reads the session and the user and saves the session back
# (SESSION_SAVE_EVERY_REQUEST: a savepoint, an update, a release).
SESSION_QUERIES = 5


def _grow(province, count: int) -> None:
    for index in range(count):
        parent = province["noi_vu"] if index % 2 else province["tai_chinh"]
        make_unit(f"Phòng số {index}", parent=parent, type_code="PHONG")


@pytest.mark.parametrize("extra", [0, 25])
def test_unit_list_queries_do_not_grow_with_rows(extra, province, reader, django_assert_max_num_queries):
    _grow(province, extra)
    # count, page, parents, children counts (at most one grouped query per tree depth on the page: 3 here)
    with django_assert_max_num_queries(SESSION_QUERIES + 3 + 3):
        response = reader.get(UNITS)
    assert response.json()["count"] == 6 + extra
    with django_assert_max_num_queries(SESSION_QUERIES + 5):  # parent lookup, count, page, parents, counts
        response = reader.get(UNITS, {"parent": province["noi_vu"].pk})
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 25])
def test_tree_and_detail_queries_do_not_grow_with_rows(extra, province, reader, django_assert_max_num_queries):
    _grow(province, extra)
    with django_assert_max_num_queries(SESSION_QUERIES + 3):  # unit, subtree, children counts of the bottom level
        response = reader.get(unit_url(province["root"].pk, "tree/"), {"depth": 2})
    assert len(response.json()["children"][0]["children"]) == 2 + extra // 2
    with django_assert_max_num_queries(SESSION_QUERIES + 3):  # unit, ancestors, children count
        assert reader.get(unit_url(province["noi_vu"].pk)).status_code == 200


@pytest.mark.parametrize("renames", [1, 20])
def test_event_list_queries_do_not_grow_with_rows(renames, province, admin, reader, django_assert_max_num_queries):
    for index in range(renames):
        admin.patch(unit_url(province["noi_vu"].pk), {"name": f"Sở Nội vụ {index}"}, format="json")
    with django_assert_max_num_queries(SESSION_QUERIES + 3):  # unit, count, page
        response = reader.get(unit_url(province["noi_vu"].pk, "events/"))
    assert response.json()["count"] == renames + 1
