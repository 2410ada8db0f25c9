"""Admin screens of the approval authorities (portal/views/approvals/): rules and the "who approves?"
tester, delegations, the approval window and its overrides, their audit trail and menu."""

from __future__ import annotations

import datetime
import html

import pytest
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from portal.choices import Role
from portal.models import ApprovalDelegation, ApprovalRule, ApprovalWindowOverride
from portal.models.approvals import ApprovalWindowPolicy, ApprovingUnitMode
from portal.selectors_approvals.window import approval_window
from portal.services.approvals import approval_delegation_create, approval_rules_load_default
from portal.wagtail_hooks.approvals import register_approvals_menu_item
from tests.conftest import make_unit
from tests.permissions import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(province):
    """The conftest province plus the Sở Giáo dục with a school, and a commune with its health station."""
    root = province["root"]
    giao_duc = make_unit("Sở Giáo dục và Đào tạo", parent=root, type_code="SO")
    truong = make_unit("Trường THPT Thành phố Cao Lãnh", parent=giao_duc, type_code="TRUONG_THPT")
    to_toan = make_unit("Tổ Toán", parent=truong, type_code="PHONG")
    xa = make_unit("Ủy ban nhân dân xã Mỹ An", parent=root, type_code="UBND_XA")
    tram = make_unit("Trạm y tế xã Mỹ An", parent=xa, type_code="TRAM_Y_TE")
    return {**province, "giao_duc": giao_duc, "truong": truong, "to_toan": to_toan, "xa": xa, "tram": tram}


@pytest.fixture
def accounts(tree):
    def account(username, unit, role=None, **fields):
        return make_account(username, unit=unit, role=role, **fields)

    return {
        "sysadmin": make_account("quantri.snv", unit=tree["noi_vu"], role=Role.SYSTEM_ADMIN, over=None),
        "gd_snv": account("giamdoc.snv", tree["noi_vu"], Role.APPROVER),
        "gd_sgd": account("giamdoc.sgd", tree["giao_duc"], Role.APPROVER, first_name="Minh", last_name="Lê Văn"),
        # The deputy holds no approver grant; a leader's grant lets them into the admin.
        "pgd_sgd": account("phogiamdoc.sgd", tree["giao_duc"], Role.LEADER),
        "ht": account("hieutruong", tree["truong"], Role.APPROVER),
        "ct_xa": account("chutich.xa", tree["xa"], Role.APPROVER),
        "admin_sgd": account("quantri.sgd", tree["giao_duc"], Role.UNIT_ADMIN),
        "admin_xa": account("quantri.xa", tree["xa"], Role.UNIT_ADMIN),
        "clerk": account("canbo.tccb", tree["giao_duc"], Role.HR_CLERK),
    }


@pytest.fixture
def default_rules(tree):
    return approval_rules_load_default()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, *args):
    return reverse(f"portal_approvals:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


def shown_messages(response) -> list[str]:
    # Wagtail renders its messages as (escaped) HTML.
    return [html.unescape(str(message)).strip() for message in get_messages(response.wsgi_request)]


def day_text(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


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


def delegate(accounts, tree, *, actor=None, **extra):
    today = timezone.localdate()
    values = {
        "delegator": accounts["gd_sgd"],
        "delegate": accounts["pgd_sgd"],
        "unit": tree["giao_duc"],
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=6),
        "reason": "Đi công tác nước ngoài",
        "decision_number": "12/GUQ-SGDĐT",
        **extra,
    }
    return approval_delegation_create(actor=actor or values["delegator"], **values)


# --- rules -----------------------------------------------------------------------------------------


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


# --- delegations -----------------------------------------------------------------------------------


def delegation_data(accounts, **extra) -> dict:
    today = timezone.localdate()
    return {
        "delegator": accounts["gd_sgd"].pk,
        "delegate": accounts["pgd_sgd"].pk,
        "starts_on": day_text(today),
        "ends_on": day_text(today + datetime.timedelta(days=6)),
        "decision_number": "12/GUQ-SGDĐT",
        "reason": "Đi công tác nước ngoài",
        **extra,
    }


def test_an_approver_delegates_their_unit_and_the_delegate_sees_it(tree, accounts):
    client = client_for(accounts["gd_sgd"])
    form = client.get(url("delegation_add"))
    assert form.status_code == 200
    assert form.context["unit"] == tree["giao_duc"]  # their only unit: no step to choose it
    assert list(form.context["form"].fields["delegator"].queryset) == [accounts["gd_sgd"]]
    assert accounts["pgd_sgd"] in form.context["form"].fields["delegate"].queryset
    assert accounts["ht"] in form.context["form"].fields["delegate"].queryset  # the unit's subtree
    assert accounts["ct_xa"] not in form.context["form"].fields["delegate"].queryset
    response = client.post(url("delegation_add"), delegation_data(accounts), follow=True)
    assert response.status_code == 200
    delegation = ApprovalDelegation.objects.get()
    assert (delegation.delegator, delegation.delegate, delegation.unit, delegation.created_by) == (
        accounts["gd_sgd"],
        accounts["pgd_sgd"],
        tree["giao_duc"],
        accounts["gd_sgd"],
    )
    assert delegation.decision_number == "12/GUQ-SGDĐT"
    assert any("phogiamdoc.sgd" in message for message in shown_messages(response))
    listing = client_for(accounts["pgd_sgd"]).get(url("delegations"))
    assert listing.status_code == 200
    assert [row["delegation"] for row in listing.context["rows"]] == [delegation]
    assert listing.context["rows"][0]["state"] == "in_force"
    assert "Đi công tác nước ngoài" in text(listing) and "Đang có hiệu lực" in text(listing)
    assert not listing.context["rows"][0]["can_revoke"]  # the delegate cannot revoke it


def test_the_service_refusals_land_on_the_fields(tree, accounts):
    client = client_for(accounts["gd_sgd"])
    today = timezone.localdate()
    response = client.post(
        url("delegation_add"),
        delegation_data(accounts, ends_on=day_text(today - datetime.timedelta(days=1)), reason=" "),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["ends_on"][0].startswith("Ngày cuối (")
    assert "reason" in errors
    response = client.post(url("delegation_add"), delegation_data(accounts, delegate=accounts["gd_sgd"].pk))
    assert response.context["form"].errors["delegate"] == ["Người phê duyệt không thể ủy quyền cho chính mình."]
    assert not ApprovalDelegation.objects.exists()


def test_a_unit_admin_chooses_the_unit_then_the_delegator(tree, accounts):
    client = client_for(accounts["admin_sgd"])
    step_one = client.get(url("delegation_add"))
    assert step_one.status_code == 200
    assert list(step_one.context["units"]) == [tree["giao_duc"], tree["truong"]]  # units with an approver
    form = client.get(url("delegation_add"), {"unit": tree["truong"].pk})
    assert form.context["unit"] == tree["truong"]
    assert list(form.context["form"].fields["delegator"].queryset) == [accounts["ht"]]
    response = client.post(
        f"{url('delegation_add')}?unit={tree['giao_duc'].pk}", delegation_data(accounts, decision_number="")
    )
    assert response.status_code == 302
    delegation = ApprovalDelegation.objects.get()
    assert (delegation.delegator, delegation.created_by) == (accounts["gd_sgd"], accounts["admin_sgd"])


def test_a_unit_outside_ones_reach_cannot_be_chosen(tree, accounts):
    # The school's head asks for the department's unit: not theirs, so the form falls back to their own.
    client = client_for(accounts["ht"])
    response = client.post(f"{url('delegation_add')}?unit={tree['giao_duc'].pk}", delegation_data(accounts))
    assert response.status_code == 200
    assert "delegator" in response.context["form"].errors  # gd_sgd is no choice for the school's head
    assert not ApprovalDelegation.objects.exists()


def test_a_clerk_cannot_delegate(tree, accounts):
    client = client_for(accounts["clerk"])
    assert client.get(url("delegation_add")).status_code == 403
    response = client.post(f"{url('delegation_add')}?unit={tree['giao_duc'].pk}", delegation_data(accounts))
    assert response.status_code == 403
    assert client.get(url("delegations")).status_code == 403
    assert not ApprovalDelegation.objects.exists()


def test_another_subtrees_admin_neither_sees_nor_revokes(tree, accounts):
    delegation = delegate(accounts, tree)
    client = client_for(accounts["admin_xa"])
    listing = client.get(url("delegations"))
    assert listing.status_code == 200
    assert listing.context["rows"] == [] and "Đi công tác nước ngoài" not in text(listing)
    assert client.get(url("delegation_revoke", delegation.pk)).status_code == 404
    assert client.post(url("delegation_revoke", delegation.pk)).status_code == 404
    assert client.get(reverse("portal_audit:history", args=["approval-delegation", delegation.pk])).status_code == 404
    delegation.refresh_from_db()
    assert delegation.revoked_at is None


def test_revoking_a_delegation_is_confirmed_and_audited(tree, accounts):
    delegation = delegate(accounts, tree)
    # The delegate sees it but may not revoke it: the service's refusal is a 403 with its message.
    refused = client_for(accounts["pgd_sgd"]).post(url("delegation_revoke", delegation.pk))
    assert refused.status_code == 403
    assert "Chỉ người ủy quyền hoặc quản trị đơn vị được thu hồi ủy quyền." in text(refused)
    client = client_for(accounts["admin_sgd"])
    confirm = client.get(url("delegation_revoke", delegation.pk))
    assert confirm.status_code == 200 and "phogiamdoc.sgd" in text(confirm)
    delegation.refresh_from_db()
    assert delegation.revoked_at is None  # a GET changes nothing
    response = client.post(url("delegation_revoke", delegation.pk), follow=True)
    assert response.status_code == 200
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None and delegation.revoked_by == accounts["admin_sgd"]
    assert "Đã thu hồi ủy quyền." in shown_messages(response)
    assert response.context["rows"][0]["state"] == "revoked"
    assert [event.pgh_label for event in delegation.audit_events.order_by("pgh_id")] == ["insert", "update"]
    history = client.get(reverse("portal_audit:history", args=["approval-delegation", delegation.pk]))
    assert history.status_code == 200 and "quantri.sgd" in text(history)


def test_a_delegation_lapses_with_the_delegators_role(tree, accounts):
    delegation = delegate(accounts, tree)
    accounts["gd_sgd"].grants.update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    listing = client_for(accounts["admin_sgd"]).get(url("delegations"))
    assert [(row["delegation"], row["state"]) for row in listing.context["rows"]] == [(delegation, "lapsed")]


def test_delegation_list_query_count_is_flat(tree, accounts, django_assert_max_num_queries):
    delegate(accounts, tree)
    client = client_for(accounts["admin_sgd"])
    client.get(url("delegations"))
    with django_assert_max_num_queries(20) as few:
        client.get(url("delegations"))
    today = timezone.localdate()
    for index in range(12):
        deputy = make_account(f"pho.{index}", unit=tree["truong"], role=Role.LEADER)
        delegate(
            accounts,
            tree,
            delegator=accounts["ht"],
            delegate=deputy,
            unit=tree["truong"],
            starts_on=today + datetime.timedelta(days=index),
            ends_on=today + datetime.timedelta(days=index),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("delegations"))
    assert len(response.context["rows"]) == 13


# --- the approval window ---------------------------------------------------------------------------


def test_the_window_page_shows_this_months_window(accounts):
    response = client_for(accounts["sysadmin"]).get(url("window"))
    assert response.status_code == 200
    first, last = approval_window(timezone.localdate())
    assert f"Thời gian phê duyệt tháng này: từ {day_text(first)} đến {day_text(last)}." in text(response)


def test_the_window_policy_is_edited_by_system_administrators_only(accounts):
    policy = ApprovalWindowPolicy.load()
    edit_url = reverse("wagtailsettings:edit", args=["portal", "approvalwindowpolicy", policy.pk])
    for who in ("admin_sgd", "gd_sgd"):
        client = client_for(accounts[who])
        assert client.get(edit_url).status_code in (302, 403)
        client.post(edit_url, {"last_days": "9", "enforced": "on"})
        assert client.get(url("window")).status_code == 403
    policy.refresh_from_db()
    assert policy.last_days == 5
    client = client_for(accounts["sysadmin"])
    assert client.get(edit_url).status_code == 200
    response = client.post(edit_url, {"last_days": "7"})
    assert response.status_code == 302 and response["Location"] == url("window")
    policy.refresh_from_db()
    assert (policy.last_days, policy.enforced) == (7, False)
    assert [event.pgh_label for event in policy.audit_events.order_by("pgh_id")][-1] == "update"
    history = client.get(reverse("portal_audit:history", args=["approval-window", policy.pk]))
    assert history.status_code == 200


def test_an_override_needs_a_reason_and_appears_in_the_list(tree, accounts):
    client = client_for(accounts["sysadmin"])
    today = timezone.localdate()
    data = {"unit": tree["giao_duc"].pk, "starts_on": day_text(today), "ends_on": day_text(today), "reason": " "}
    response = client.post(url("override_add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Cần nhập lý do cho phép ngoài thời hạn; lý do được ghi kèm mọi lần phê duyệt theo cho phép này."
    ]
    assert not ApprovalWindowOverride.objects.exists()
    data["reason"] = "Kỳ thi tuyển viên chức: cần phê duyệt sớm"
    assert client.post(url("override_add"), data).status_code == 302
    override = ApprovalWindowOverride.objects.get()
    assert (override.unit, override.granted_by) == (tree["giao_duc"], accounts["sysadmin"])
    listing = client.get(url("window"))
    assert [row["override"] for row in listing.context["rows"]] == [override]
    assert "Kỳ thi tuyển viên chức: cần phê duyệt sớm" in text(listing)
    # Revoked after a confirmation, and audited.
    assert client.get(url("override_revoke", override.pk)).status_code == 200
    assert client.post(url("override_revoke", override.pk)).status_code == 302
    override.refresh_from_db()
    assert override.revoked_by == accounts["sysadmin"]
    assert [event.pgh_label for event in override.audit_events.order_by("pgh_id")] == ["insert", "update"]


def test_override_pages_are_for_system_administrators_only(tree, accounts):
    today = timezone.localdate()
    data = {"unit": "", "starts_on": day_text(today), "ends_on": day_text(today), "reason": "Gấp"}
    client = client_for(accounts["admin_sgd"])
    assert client.get(url("override_add")).status_code == 403
    assert client.post(url("override_add"), data).status_code == 403
    assert not ApprovalWindowOverride.objects.exists()


# --- the menu --------------------------------------------------------------------------------------


def menu_shown(user) -> bool:
    request = RequestFactory().get(reverse("wagtailadmin_home"))
    request.user = user
    return register_approvals_menu_item().is_shown(request)


def test_the_menu_group_is_shown_to_those_allowed(tree, accounts):
    assert str(register_approvals_menu_item().label) == "Thẩm quyền phê duyệt"
    assert menu_shown(accounts["sysadmin"]) and menu_shown(accounts["gd_sgd"]) and menu_shown(accounts["admin_xa"])
    assert not menu_shown(accounts["clerk"]) and not menu_shown(accounts["pgd_sgd"])
    delegate(accounts, tree)
    deputy = type(accounts["pgd_sgd"]).objects.get(pk=accounts["pgd_sgd"].pk)  # fresh: nothing remembered
    assert menu_shown(deputy)  # a delegate sees the delegations made to them
