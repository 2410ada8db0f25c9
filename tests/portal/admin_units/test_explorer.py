"""The unit explorer in the admin: root units, sub-unit counts, the unit page, search,
dissolved units, pagination and the unit page's query count."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from portal.choices import UnitEventKind
from portal.models import Unit
from portal.services.units.common import Decision
from portal.services.units.reorganising import unit_dissolve
from tests.conftest import make_unit
from tests.portal.admin_units.conftest import (
    fresh,
    page_text,
    url,
)

pytestmark = pytest.mark.django_db


# --- the explorer ---------------------------------------------------------------------------


def test_index_lists_root_units(admin_client, province):
    response = admin_client.get(url("index"))
    text = page_text(response)
    assert "Ủy ban nhân dân tỉnh Đồng Tháp" in text
    assert url("detail", province["root"]) in text
    # Only the roots: departments are one click further.
    assert "Sở Tài chính" not in text


def test_sub_unit_counts_are_exact(admin_client, province):
    make_unit("Phòng Kế hoạch", parent=fresh(province["tai_chinh"]), type_code="PHONG")
    index = admin_client.get(url("index"))
    assert [row["children"] for row in index.context["rows"]] == [2]
    page = admin_client.get(url("detail", province["root"]))
    assert {row["unit"].name: row["children"] for row in page.context["rows"]} == {"Sở Nội vụ": 2, "Sở Tài chính": 2}


def test_unit_page_shows_details_children_breadcrumb_and_history(admin_client, province):
    noi_vu = province["noi_vu"]
    response = admin_client.get(url("detail", noi_vu))
    text = page_text(response)
    assert "000.00.05.H20" in text
    assert "Sở và tương đương" in text  # unit type label
    assert "01/07/2025" in text  # established on, dd/mm/yyyy
    assert "Phòng Tổ chức biên chế" in text
    assert "Chi cục Văn thư - Lưu trữ" in text
    assert "000.03.05.H20" in text
    # Breadcrumb of ancestors.
    assert url("detail", province["root"]) in text
    assert "Ủy ban nhân dân tỉnh Đồng Tháp" in text
    # History: the "created" event.
    assert escape(str(UnitEventKind.CREATED.label)) in text
    rows = {row["unit"].name: row["children"] for row in response.context["rows"]}
    assert rows == {"Phòng Tổ chức biên chế": 0, "Chi cục Văn thư - Lưu trữ": 0}


def test_search_is_accent_insensitive(admin_client, province):
    response = admin_client.get(url("index"), {"q": "noi vu"})
    assert response.status_code == 200
    names = [row["unit"].name for row in response.context["rows"]]
    assert names == ["Sở Nội vụ"]
    assert "Sở Nội vụ" in page_text(response)


def test_search_in_a_unit_covers_its_subtree_only(admin_client, province):
    response = admin_client.get(url("detail", province["root"]), {"q": "phong"})
    names = sorted(row["unit"].name for row in response.context["rows"])
    assert names == ["Phòng Ngân sách", "Phòng Tổ chức biên chế"]
    response = admin_client.get(url("detail", province["noi_vu"]), {"q": "ngan sach"})
    assert response.context["rows"] == []


def test_dissolved_units_hidden_unless_asked(admin_client, province):
    leaf = Unit.objects.get(name="Phòng Ngân sách")
    unit_dissolve(unit=leaf, decision=Decision(effective_on=datetime.date(2025, 9, 1), number="9/QĐ"))
    response = admin_client.get(url("detail", province["tai_chinh"]))
    assert "Phòng Ngân sách" not in page_text(response)
    response = admin_client.get(url("detail", province["tai_chinh"]), {"dissolved": "1"})
    text = page_text(response)
    assert "Phòng Ngân sách" in text
    assert "01/09/2025" in text


def test_sub_units_are_paginated(admin_client, province):
    parent = province["tai_chinh"]
    for number in range(55):
        make_unit(f"Phòng số {number:02d}", parent=fresh(parent), type_code="PHONG")
    response = admin_client.get(url("detail", parent))
    assert len(response.context["rows"]) == 50
    response = admin_client.get(url("detail", parent), {"p": 2})
    assert len(response.context["rows"]) == 6  # 55 + Phòng Ngân sách


def _unit_page_queries(client, unit) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url("detail", unit))
    assert response.status_code == 200
    return len(captured)


def test_unit_page_query_count_does_not_grow_with_children(admin_client, province, django_assert_max_num_queries):
    small = make_unit("Sở Xây dựng", parent=fresh(province["root"]), type_code="SO")
    big = make_unit("Sở Giáo dục và Đào tạo", parent=fresh(province["root"]), type_code="SO")
    for number in range(5):
        child = make_unit(f"Trường số {number}", parent=fresh(small), type_code="PHONG")
        make_unit("Tổ chuyên môn", parent=child, type_code="PHONG")
    for number in range(60):
        child = make_unit(f"Trường số {number}", parent=fresh(big), type_code="PHONG")
        make_unit("Tổ chuyên môn", parent=child, type_code="PHONG")
    admin_client.get(url("detail", small))  # warm the session and caches
    small_count = _unit_page_queries(admin_client, small)
    big_count = _unit_page_queries(admin_client, big)
    assert big_count == small_count
    # 19: one query reads the active custom field definitions (list columns and filters), one
    # counts the unit's dossiers (the records panel) and one the dossiers of the listed sub-units
    # (the records column; portal.extensions).
    with django_assert_max_num_queries(19):
        admin_client.get(url("detail", big))
    with django_assert_max_num_queries(19):
        admin_client.get(url("detail", small))
