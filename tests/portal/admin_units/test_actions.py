"""Every unit tree operation through its admin form: create, edit, move, merge, split and
dissolve, with their refusals and form errors."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext, override

from portal.choices import UnitEventKind
from portal.models import Unit, UnitEvent
from portal.services.units.common import Decision
from portal.services.units.reorganising import unit_dissolve
from tests.conftest import unit_type
from tests.portal.admin_units.conftest import (
    decision_data,
    fresh,
    page_text,
    url,
)

pytestmark = pytest.mark.django_db


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
