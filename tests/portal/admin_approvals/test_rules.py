"""Approval rules in the admin: the list, creating and editing a rule, field errors, loading the
default set, the "who approves?" tester and the list's query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import ApprovalRule
from portal.models.approvals import ApprovingUnitMode
from tests.portal.admin_approvals.conftest import (
    client_for,
    delegate,
    shown_messages,
    text,
    url,
)

pytestmark = pytest.mark.django_db


# --- rules -----------------------------------------------------------------------------------------


def rule_data(tree, **extra) -> dict:
    return {
        "name": "Viên chức trạm y tế",
        "legal_basis": "QĐ 37/2024/QĐ-UBND Đồng Tháp, Điều 11 khoản 3",
        "priority": "15",
        "active": "on",
        "unit": str(tree["xa"].pk),
        "unit_types": ["TRAM_Y_TE"],
        "personnel_categories": ["VC"],
        "tier_field": "",
        "tier_values": "",
        "approver_mode": ApprovingUnitMode.NEAREST_OF_TYPE,
        "approver_unit_types": ["UBND_XA"],
        "approver_unit": "",
        "approver_title": "Chủ tịch Ủy ban nhân dân xã",
        "note": "",
        **extra,
    }


def test_system_admin_lists_the_rules_in_order(accounts, default_rules):
    response = client_for(accounts["sysadmin"]).get(url("rules"))
    assert response.status_code == 200
    assert [row["rule"].priority for row in response.context["rows"]] == [10, 20, 30, 40]
    body = text(response)
    assert "Viên chức, người lao động của đơn vị sự nghiệp công lập" in body
    assert "QĐ 37/2024/QĐ-UBND Đồng Tháp, Điều 11 khoản 2 và 3" in body
    assert "Trường trung học phổ thông" in body  # unit types by their catalogue labels
    assert "Giám đốc Sở Nội vụ" in body


def test_system_admin_creates_and_edits_a_rule(tree, accounts, default_rules):
    client = client_for(accounts["sysadmin"])
    assert client.get(url("rule_add")).status_code == 200
    response = client.post(url("rule_add"), rule_data(tree), follow=True)
    assert response.status_code == 200
    rule = ApprovalRule.objects.get(name="Viên chức trạm y tế")
    assert (rule.priority, rule.unit, rule.unit_types, rule.personnel_categories) == (
        15,
        tree["xa"],
        ["TRAM_Y_TE"],
        ["VC"],
    )
    assert rule.approver_unit_types == ["UBND_XA"] and rule.active
    assert "Đã lưu quy tắc phê duyệt 'Viên chức trạm y tế'." in shown_messages(response)
    # Edit: switch to a fixed unit (the Sở Nội vụ) and switch the rule off.
    edit = client.get(url("rule_edit", rule.pk))
    assert edit.status_code == 200 and "Viên chức trạm y tế" in text(edit)
    data = rule_data(
        tree, approver_mode=ApprovingUnitMode.FIXED, approver_unit=str(tree["noi_vu"].pk), approver_unit_types=[]
    )
    del data["active"]
    assert client.post(url("rule_edit", rule.pk), data).status_code == 302
    rule.refresh_from_db()
    assert (rule.approver_mode, rule.approver_unit, rule.active) == (ApprovingUnitMode.FIXED, tree["noi_vu"], False)
    assert [event.pgh_label for event in rule.audit_events.order_by("pgh_id")] == ["insert", "update"]
    history = client.get(reverse("portal_audit:history", args=["approval-rule", rule.pk]))
    assert history.status_code == 200 and "Viên chức trạm y tế" in text(history)


def test_a_bad_code_shows_the_vietnamese_field_error_and_saves_nothing(tree, accounts, default_rules):
    client = client_for(accounts["sysadmin"])
    response = client.post(url("rule_add"), rule_data(tree, unit_types=["TRAM_Y_TE", "KHONG_CO"]))
    assert response.status_code == 200
    assert response.context["form"].errors["unit_types"] == [
        "Mã loại đơn vị không có trong danh mục: KHONG_CO (danh mục loai_don_vi)."
    ]
    assert "Mã loại đơn vị không có trong danh mục: KHONG_CO" in text(response)
    assert not ApprovalRule.objects.filter(name="Viên chức trạm y tế").exists()
    # The same on an edit: the rule keeps its codes.
    rule = ApprovalRule.objects.get(priority=20)
    before = list(rule.personnel_categories)
    response = client.post(url("rule_edit", rule.pk), rule_data(tree, personnel_categories=["VC", "XX"]))
    assert response.context["form"].errors["personnel_categories"] == [
        "Mã loại nhân sự không có trong danh mục: XX (danh mục loai_nhan_su)."
    ]
    rule.refresh_from_db()
    assert rule.personnel_categories == before and rule.name != "Viên chức trạm y tế"


def test_a_fixed_rule_without_its_unit_is_refused_on_the_field(tree, accounts):
    response = client_for(accounts["sysadmin"]).post(
        url("rule_add"), rule_data(tree, approver_mode=ApprovingUnitMode.FIXED, approver_unit_types=[])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["approver_unit"] == ["Chọn đơn vị có thủ trưởng phê duyệt theo quy tắc này."]
    assert not ApprovalRule.objects.exists()


@pytest.mark.parametrize("who", ["admin_sgd", "clerk", "gd_sgd"])
def test_rule_pages_are_for_system_administrators_only(tree, accounts, default_rules, who):
    client = client_for(accounts[who])
    rule = default_rules[0]
    for page in (url("rules"), url("rule_add"), url("rule_edit", rule.pk), url("rules_load_default")):
        assert client.get(page).status_code == 403, page
    assert client.post(url("rule_add"), rule_data(tree)).status_code == 403
    assert client.post(url("rules_load_default"), {"replace": "on"}).status_code == 403
    assert ApprovalRule.objects.count() == 4 and ApprovalRule.objects.filter(active=True).count() == 4
    assert client.get(reverse("portal_audit:history", args=["approval-rule", rule.pk])).status_code == 404


def test_the_default_rule_set_is_loaded_from_the_admin_with_a_confirmation(tree, accounts):
    client = client_for(accounts["sysadmin"])
    confirm = client.get(url("rules_load_default"))
    assert confirm.status_code == 200 and "Thay thế các quy tắc hiện có" in text(confirm)
    response = client.post(url("rules_load_default"), {}, follow=True)
    assert ApprovalRule.objects.count() == 4
    assert "Đã nạp các quy tắc mặc định: 4." in shown_messages(response)
    # Again without "replace": nothing is added, and the administrator is told why.
    response = client.post(url("rules_load_default"), {}, follow=True)
    assert ApprovalRule.objects.count() == 4
    assert any("không nạp gì" in message for message in shown_messages(response))
    # With "replace": the old rules are switched off, kept, and the set loaded again.
    client.post(url("rules_load_default"), {"replace": "on"})
    assert ApprovalRule.objects.count() == 8 and ApprovalRule.objects.filter(active=True).count() == 4


def who_approves(client, unit, category, tier=""):
    return client.get(url("rules"), {"unit": unit.pk, "category": category, "tier": tier})


def test_the_tester_says_who_approves(tree, accounts, default_rules):
    client = client_for(accounts["sysadmin"])
    # A teacher of a school (from a sub-unit of it): the head of the school.
    response = who_approves(client, tree["to_toan"], "VC")
    check = response.context["check"]
    assert check.authority.unit == tree["truong"] and check.authority.rule.priority == 20
    assert [(a.user.username, a.is_delegate) for a in check.approvers] == [("hieutruong", False)]
    assert "hieutruong" in text(response) and "Thủ trưởng đơn vị sự nghiệp công lập" in text(response)
    # A civil servant of the department: its director.
    response = who_approves(client, tree["giao_duc"], "CC")
    assert response.context["check"].authority.unit == tree["giao_duc"]
    assert [a.user.username for a in response.context["check"].approvers] == ["giamdoc.sgd"]
    assert "giamdoc.sgd" in text(response) and "hieutruong" not in text(response)
    # Under the Provincial Party Standing Committee's management: the director of the Sở Nội vụ.
    response = who_approves(client, tree["to_toan"], "VC", "BTV_TU")
    assert [a.user.username for a in response.context["check"].approvers] == ["giamdoc.snv"]
    # A category no rule names.
    response = who_approves(client, tree["giao_duc"], "HOI")
    assert response.context["check"].authority is None
    assert "Không có quy tắc nào phù hợp" in text(response)


def test_the_tester_marks_delegates(tree, accounts, default_rules):
    delegate(accounts, tree)
    response = who_approves(client_for(accounts["sysadmin"]), tree["giao_duc"], "CC")
    approvers = response.context["check"].approvers
    assert [(a.user.username, a.is_delegate) for a in approvers] == [("giamdoc.sgd", False), ("phogiamdoc.sgd", True)]
    assert "người được ủy quyền" in text(response)


def test_the_tester_refuses_a_missing_unit_on_the_field(accounts, default_rules):
    response = client_for(accounts["sysadmin"]).get(url("rules"), {"unit": "", "category": "VC"})
    assert response.status_code == 200
    assert response.context["check"] is None and "unit" in response.context["check_form"].errors


def test_rule_list_query_count_is_flat(tree, accounts, default_rules, django_assert_max_num_queries):
    client = client_for(accounts["sysadmin"])
    client.get(url("rules"))  # warm caches (site, settings)
    with django_assert_max_num_queries(20) as few:
        client.get(url("rules"))
    for index in range(15):
        ApprovalRule.objects.create(
            name=f"Quy tắc {index}",
            priority=200 + index,
            unit=tree["giao_duc"],
            approver_mode=ApprovingUnitMode.FIXED,
            approver_unit=tree["giao_duc"],
            unit_types=["SO"],
            personnel_categories=["CC"],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("rules"))
    assert len(response.context["rows"]) == 19
