"""Admin screens of the unit tree: access four ways, the explorer, and every tree operation
through its form (portal/views/units.py)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, override
from openpyxl import load_workbook

from portal import extensions
from portal.choices import UnitEventKind
from portal.extensions import UnitColumn, UnitExportColumn
from portal.models import Unit, UnitEvent
from portal.services.units.common import Decision
from portal.services.units.reorganising import unit_dissolve
from tests.conftest import make_unit, unit_type

pytestmark = pytest.mark.django_db

UNIT_PAGES = ["index", "add_root"]
UNIT_OBJECT_PAGES = ["detail", "add_child", "edit", "move", "merge", "split", "dissolve"]
ACTION_PAGES = ["add_child", "edit", "move", "merge", "split", "dissolve"]


def perm(codename: str, app_label: str = "portal") -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def admin_access_user(django_user_model):
    """May enter the Wagtail admin, but has no permission on units."""
    user = django_user_model.objects.create_user(username="canbo", password="Mk@2026-canbo")
    user.user_permissions.add(perm("access_admin", "wagtailadmin"))
    return user


@pytest.fixture
def viewer(django_user_model):
    """May look at the tree (portal.view_unit) but not change it."""
    user = django_user_model.objects.create_user(username="xem", password="Mk@2026-xem")
    user.user_permissions.add(perm("access_admin", "wagtailadmin"), perm("view_unit"))
    return user


def url(name: str, unit: Unit | None = None) -> str:
    return reverse(f"portal_units:{name}", args=[unit.pk] if unit is not None else [])


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def page_text(response) -> str:
    return response.content.decode()


def decision_data(**extra) -> dict:
    return {"effective_on": "15/08/2025", "decision_number": "", "decision_date": "", "note": "", **extra}


# --- access, four ways --------------------------------------------------------------------


@pytest.mark.parametrize("name", UNIT_PAGES + UNIT_OBJECT_PAGES)
def test_anonymous_is_sent_to_login(client, province, name):
    target = url(name, province["noi_vu"] if name in UNIT_OBJECT_PAGES else None)
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "Sở Nội vụ" not in page_text(response)


@pytest.mark.parametrize("name", UNIT_PAGES + UNIT_OBJECT_PAGES)
def test_account_without_admin_access_is_sent_to_login(client, plain_user, province, name):
    client.force_login(plain_user)
    response = client.get(url(name, province["noi_vu"] if name in UNIT_OBJECT_PAGES else None))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "Sở Nội vụ" not in page_text(response)


@pytest.mark.parametrize("name", UNIT_PAGES + UNIT_OBJECT_PAGES)
def test_admin_user_without_unit_permission_gets_403_without_data(client, admin_access_user, province, name):
    client.force_login(admin_access_user)
    response = client.get(url(name, province["noi_vu"] if name in UNIT_OBJECT_PAGES else None))
    assert response.status_code == 403
    text = page_text(response)
    assert "Sở Nội vụ" not in text
    assert "000.00.05.H20" not in text


def test_admin_user_without_permission_gets_403_for_a_missing_id_too(client, admin_access_user, province):
    client.force_login(admin_access_user)
    assert client.get(reverse("portal_units:detail", args=[999_999])).status_code == 403


@pytest.mark.parametrize("name", UNIT_PAGES + UNIT_OBJECT_PAGES)
def test_admin_gets_200(admin_client, province, name):
    response = admin_client.get(url(name, province["noi_vu"] if name in UNIT_OBJECT_PAGES else None))
    assert response.status_code == 200
    assert "Sở Nội vụ" in page_text(response) or name in UNIT_PAGES


@pytest.mark.parametrize("name", UNIT_OBJECT_PAGES)
def test_missing_unit_is_404(admin_client, province, name):
    assert admin_client.get(reverse(f"portal_units:{name}", args=[999_999])).status_code == 404


def test_viewer_sees_the_unit_but_no_action_buttons(client, viewer, province):
    client.force_login(viewer)
    response = client.get(url("detail", province["noi_vu"]))
    assert response.status_code == 200
    text = page_text(response)
    assert "Sở Nội vụ" in text
    for name in ACTION_PAGES:
        assert url(name, province["noi_vu"]) not in text
    assert url("add_root") not in page_text(client.get(url("index")))


@pytest.mark.parametrize("name", ACTION_PAGES)
def test_viewer_gets_403_on_actions_and_nothing_changes(client, viewer, province, name):
    client.force_login(viewer)
    unit = province["noi_vu"]
    assert client.get(url(name, unit)).status_code == 403
    response = client.post(url(name, unit), decision_data(name="Đổi tên", decision_number="1/QĐ"))
    assert response.status_code == 403
    assert fresh(unit).name == "Sở Nội vụ"
    assert fresh(unit).dissolved_on is None
    assert Unit.objects.count() == 6


def test_unit_tree_menu_item_only_for_permitted_accounts(client, admin_access_user, viewer, province):
    client.force_login(admin_access_user)
    assert url("index") not in page_text(client.get(reverse("wagtailadmin_home")))
    client.force_login(viewer)
    assert url("index") in page_text(client.get(reverse("wagtailadmin_home")))


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


# --- columns other apps register (portal.extensions) ---------------------------------------------


def _export_rows(client, unit: Unit, query: str = "") -> list[tuple]:
    response = client.get(url("export", unit) + query)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


@pytest.fixture
def registered_columns(monkeypatch):
    """Only the columns of this test: a typed one and a text-only one, each seeing its chunk."""
    chunks: list[list[str]] = []

    def typed(*, units, user):
        chunks.append([unit.name for unit in units])
        return UnitColumn(
            label="Mã · số",
            values={unit.pk: f"{unit.depth} · {len(unit.name)}" for unit in units},
            export=[
                UnitExportColumn(label="Cấp", values={unit.pk: unit.depth for unit in units if unit.code}),
                UnitExportColumn(label="Độ dài tên", values={unit.pk: len(unit.name) / 2 for unit in units}),
            ],
        )

    def text_only(*, units, user):
        return UnitColumn(label="Ghi chú", values={unit.pk: f"={unit.name}" for unit in units if unit.code})

    monkeypatch.setattr(extensions, "_unit_columns", [typed, text_only])
    return chunks


def test_export_carries_the_registered_columns_as_typed_cells(admin_client, province, registered_columns):
    rows = _export_rows(admin_client, province["root"])
    assert rows[0][6:] == ("Cấp", "Độ dài tên", "Ghi chú")  # no custom field is defined here
    cells = {row[0]: row[6:] for row in rows[1:]}
    assert cells == {
        "Sở Nội vụ": (2, 4.5, "'=Sở Nội vụ"),  # the text-only column: the screen text, formula-guarded
        "Sở Tài chính": (2, 6.0, "'=Sở Tài chính"),
    }
    # The screen keeps the provider's combined text.
    page = admin_client.get(url("detail", province["root"]))
    assert {row["unit"].name: row["extra"] for row in page.context["rows"]} == {
        "Sở Nội vụ": ["2 · 9", "=Sở Nội vụ"],
        "Sở Tài chính": ["2 · 12", "=Sở Tài chính"],
    }


def test_export_asks_the_registered_columns_once_per_chunk(admin_client, province, registered_columns, monkeypatch):
    monkeypatch.setattr("portal.views.units.explorer.EXPORT_CHUNK", 2)
    rows = _export_rows(admin_client, province["root"], "?q=n")  # the whole subtree, two depths
    names = [row[0] for row in rows[1:]]
    assert registered_columns == [names[:2], names[2:4], names[4:]] and len(names) == 5
    # Each chunk's cells on their own rows; a unit the provider leaves out gets the default (empty).
    assert {row[0]: row[6] for row in rows[1:]} == {
        "Sở Nội vụ": 2,
        "Phòng Tổ chức biên chế": None,
        "Chi cục Văn thư - Lưu trữ": 3,
        "Sở Tài chính": 2,
        "Phòng Ngân sách": None,
    }


def test_export_of_an_empty_list_still_has_the_registered_headers(admin_client, province, registered_columns):
    rows = _export_rows(admin_client, province["chi_cuc"])
    assert rows == [rows[0]] and rows[0][6:] == ("Cấp", "Độ dài tên", "Ghi chú")
    assert registered_columns == [[]]


# --- actions ----------------------------------------------------------------------------------


def test_create_sub_unit(admin_client, province):
    noi_vu = province["noi_vu"]
    response = admin_client.post(
        url("add_child", noi_vu),
        decision_data(
            name="Ban Thi đua - Khen thưởng",
            short_name="Ban TĐKT",
            unit_type=unit_type("CHI_CUC").pk,
            code="000.04.05.H20",
            quota_civil_servants="12",
            decision_number="120/QĐ-UBND",
        ),
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="Ban Thi đua - Khen thưởng")
    assert response["Location"] == url("detail", unit)
    assert unit.get_parent().pk == noi_vu.pk
    assert unit.code == "000.04.05.H20"
    assert unit.quota_civil_servants == 12
    assert unit.established_on == datetime.date(2025, 8, 15)
    event = UnitEvent.objects.get(unit=unit, kind=UnitEventKind.CREATED)
    assert event.decision_number == "120/QĐ-UBND"
    assert event.effective_on == datetime.date(2025, 8, 15)
    page = admin_client.get(response["Location"])
    assert "Ban Thi đua - Khen thưởng" in page_text(page)
    assert any("Ban Thi đua - Khen thưởng" in str(message) for message in page.context["messages"])


def test_create_root_unit(admin_client, province):
    response = admin_client.post(
        url("add_root"), decision_data(name="Ủy ban nhân dân tỉnh Thử", unit_type=unit_type("UBND_TINH").pk)
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="Ủy ban nhân dân tỉnh Thử")
    assert unit.is_root()


def test_create_with_bad_code_shows_the_service_message_on_the_field(admin_client, province):
    noi_vu = province["noi_vu"]
    response = admin_client.post(
        url("add_child", noi_vu),
        decision_data(name="Đơn vị sai mã", unit_type=unit_type("PHONG").pk, code="000.04.09.H20"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "code" in errors
    assert "000.04.09.H20" in errors["code"][0]
    assert escape(errors["code"][0]) in page_text(response)
    assert not Unit.objects.filter(name="Đơn vị sai mã").exists()


def test_edit_rename_records_renamed_event(admin_client, province):
    noi_vu = province["noi_vu"]
    response = admin_client.post(
        url("edit", noi_vu),
        decision_data(
            name="Sở Nội vụ và Lao động",
            short_name="SNV",
            unit_type=unit_type("SO").pk,
            code="000.00.05.H20",
            admin_area_code="",
            established_on="01/07/2025",
            quota_civil_servants="0",
            quota_public_employees="0",
            quota_contracts_111="0",
            decision_number="45/QĐ-UBND",
        ),
    )
    assert response.status_code == 302
    assert fresh(noi_vu).name == "Sở Nội vụ và Lao động"
    event = UnitEvent.objects.get(unit=noi_vu, kind=UnitEventKind.RENAMED)
    assert event.details["before"]["name"] == "Sở Nội vụ"
    assert event.details["after"]["name"] == "Sở Nội vụ và Lao động"
    assert event.effective_on == datetime.date(2025, 8, 15)
    text = page_text(admin_client.get(url("detail", noi_vu)))
    assert "Sở Nội vụ → Sở Nội vụ và Lao động" in text
    assert "15/08/2025" in text
    assert "45/QĐ-UBND" in text


def test_edit_form_shows_current_values(admin_client, province):
    response = admin_client.get(url("edit", province["noi_vu"]))
    text = page_text(response)
    assert 'value="Sở Nội vụ"' in text
    assert 'value="000.00.05.H20"' in text
    assert 'value="01/07/2025"' in text


def test_move_under_another_parent(admin_client, province):
    chi_cuc, tai_chinh = province["chi_cuc"], province["tai_chinh"]
    response = admin_client.post(
        url("move", chi_cuc), decision_data(new_parent=tai_chinh.pk, decision_number="77/QĐ-UBND")
    )
    assert response.status_code == 302
    moved = fresh(chi_cuc)
    assert moved.get_parent().pk == tai_chinh.pk
    assert moved.code == "000.03.07.H20"  # rebased onto Sở Tài chính's code
    event = UnitEvent.objects.get(unit=chi_cuc, kind=UnitEventKind.MOVED)
    assert event.related_unit_id == tai_chinh.pk
    text = page_text(admin_client.get(url("detail", chi_cuc)))
    assert "Sở Tài chính" in text
    assert "000.03.05.H20 → 000.03.07.H20" in text


def test_move_chooser_search_limits_options(admin_client, province):
    response = admin_client.get(url("move", province["chi_cuc"]), {"q": "tai chinh"})
    options = [label for value, label in response.context["form"].fields["new_parent"].widget.choices if value]
    assert len(options) == 1
    assert "Sở Tài chính" in options[0]


def test_move_under_own_descendant_is_refused(admin_client, province):
    noi_vu, chi_cuc = province["noi_vu"], province["chi_cuc"]
    response = admin_client.post(url("move", noi_vu), decision_data(new_parent=chi_cuc.pk))
    assert response.status_code == 200
    errors = response.context["form"].errors["new_parent"]
    assert "Chi cục Văn thư - Lưu trữ" in errors[0]
    assert escape(errors[0]) in page_text(response)
    assert fresh(noi_vu).get_parent().pk == province["root"].pk
    assert not UnitEvent.objects.filter(kind=UnitEventKind.MOVED).exists()


def test_move_with_malformed_code_map_is_refused(admin_client, province):
    response = admin_client.post(
        url("move", province["chi_cuc"]),
        decision_data(new_parent=province["tai_chinh"].pk, code_map="chi cuc 000.03.07.H20"),
    )
    assert response.status_code == 200
    assert "code_map" in response.context["form"].errors
    assert fresh(province["chi_cuc"]).get_parent().pk == province["noi_vu"].pk


def test_merge_moves_children_and_dissolves_source(admin_client, province):
    noi_vu, tai_chinh = province["noi_vu"], province["tai_chinh"]
    response = admin_client.post(
        url("merge", noi_vu),
        decision_data(target=tai_chinh.pk, combine_quotas="on", decision_number="200/QĐ-UBND"),
    )
    assert response.status_code == 302
    assert response["Location"] == url("detail", tai_chinh)
    source = fresh(noi_vu)
    assert source.dissolved_on == datetime.date(2025, 8, 15)
    assert source.successor_id == tai_chinh.pk
    children = {child.name for child in fresh(tai_chinh).get_children()}
    assert {"Phòng Tổ chức biên chế", "Chi cục Văn thư - Lưu trữ", "Phòng Ngân sách"} <= children
    assert UnitEvent.objects.filter(unit=noi_vu, kind=UnitEventKind.MERGED_INTO).exists()
    assert UnitEvent.objects.filter(unit=tai_chinh, kind=UnitEventKind.ABSORBED).exists()
    # The dissolved unit's page links to its successor and offers no actions.
    text = page_text(admin_client.get(url("detail", noi_vu)))
    assert url("detail", tai_chinh) in text
    assert url("edit", noi_vu) not in text


def test_merge_without_decision_number_is_refused(admin_client, province):
    noi_vu, tai_chinh = province["noi_vu"], province["tai_chinh"]
    response = admin_client.post(url("merge", noi_vu), decision_data(target=tai_chinh.pk))
    assert response.status_code == 200
    assert "decision_number" in response.context["form"].errors
    assert fresh(noi_vu).dissolved_on is None
    assert fresh(province["chi_cuc"]).get_parent().pk == noi_vu.pk


def test_split_into_two_units(admin_client, province):
    tai_chinh = province["tai_chinh"]
    ngan_sach = Unit.objects.get(name="Phòng Ngân sách")
    response = admin_client.post(
        url("split", tai_chinh),
        {
            **decision_data(decision_number="300/QĐ-UBND"),
            "dissolve_source": "on",
            "parts-TOTAL_FORMS": "3",
            "parts-INITIAL_FORMS": "0",
            "parts-MIN_NUM_FORMS": "0",
            "parts-MAX_NUM_FORMS": "20",
            "parts-0-name": "Sở Tài chính (mới)",
            "parts-0-code": "",
            "parts-0-unit_type": "",
            "parts-1-name": "Sở Kế hoạch",
            "parts-1-unit_type": unit_type("SO").pk,
            "parts-2-name": "",
            f"child_{ngan_sach.pk}": "1",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    source = fresh(tai_chinh)
    first, second = Unit.objects.get(name="Sở Tài chính (mới)"), Unit.objects.get(name="Sở Kế hoạch")
    assert source.dissolved_on == datetime.date(2025, 8, 15)
    assert source.successor_id == first.pk
    assert fresh(ngan_sach).get_parent().pk == second.pk
    assert first.get_parent().pk == province["root"].pk
    assert first.unit_type.code == "SO"
    assert UnitEvent.objects.filter(unit=first, kind=UnitEventKind.SPLIT_FROM, related_unit=tai_chinh).exists()
    text = page_text(admin_client.get(url("detail", tai_chinh)))
    assert "Sở Tài chính (mới), Sở Kế hoạch" in text


def test_split_with_one_part_is_refused(admin_client, province):
    tai_chinh = province["tai_chinh"]
    ngan_sach = Unit.objects.get(name="Phòng Ngân sách")
    response = admin_client.post(
        url("split", tai_chinh),
        {
            **decision_data(decision_number="300/QĐ-UBND"),
            "dissolve_source": "on",
            "parts-TOTAL_FORMS": "2",
            "parts-INITIAL_FORMS": "0",
            "parts-0-name": "Chỉ một đơn vị",
            f"child_{ngan_sach.pk}": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert fresh(tai_chinh).dissolved_on is None
    assert not Unit.objects.filter(name="Chỉ một đơn vị").exists()


def test_split_page_lists_sub_units_and_parts(admin_client, province):
    response = admin_client.get(url("split", province["tai_chinh"]), {"parts": "3"})
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 3
    assert "Phòng Ngân sách" in page_text(response)


def test_dissolve_refused_while_sub_units_remain(admin_client, province):
    noi_vu = province["noi_vu"]
    with override("vi"), pytest.raises(ValidationError) as refused, transaction.atomic():
        unit_dissolve(unit=noi_vu, decision=Decision(number="5/QĐ"))
    expected = refused.value.message_dict["unit"][0]
    response = admin_client.post(url("dissolve", noi_vu), decision_data(decision_number="5/QĐ"))
    assert response.status_code == 200
    assert escape(expected) in page_text(response)
    assert fresh(noi_vu).dissolved_on is None
    assert not UnitEvent.objects.filter(kind=UnitEventKind.DISSOLVED).exists()


def test_dissolve_a_leaf_unit(admin_client, province):
    leaf = Unit.objects.get(name="Phòng Ngân sách")
    response = admin_client.post(url("dissolve", leaf), decision_data(decision_number="9/QĐ-UBND", note="Sắp xếp"))
    assert response.status_code == 302
    assert fresh(leaf).dissolved_on == datetime.date(2025, 8, 15)
    event = UnitEvent.objects.get(unit=leaf, kind=UnitEventKind.DISSOLVED)
    assert event.note == "Sắp xếp"
    with override("vi"):
        assert escape(gettext("Dissolved")) in page_text(admin_client.get(url("detail", leaf)))


def test_bad_date_is_a_form_error(admin_client, province):
    leaf = Unit.objects.get(name="Phòng Ngân sách")
    response = admin_client.post(url("dissolve", leaf), decision_data(effective_on="31/02/2025", decision_number="1"))
    assert response.status_code == 200
    assert "effective_on" in response.context["form"].errors
    assert fresh(leaf).dissolved_on is None
