"""Approval authorities: rules as content, delegation with validity, the window and its override."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from portal.choices import FieldTarget, Role
from portal.models import ApprovalRule, FieldDefinition, Grant
from portal.models.approvals import ApprovalWindowPolicy, ApprovingUnitMode
from portal.selectors_approvals.authority import ApprovalResolver, approval_authority, approvers_for, approving_units
from portal.selectors_approvals.delegations import delegation_list
from portal.selectors_approvals.window import approval_window
from portal.services.approvals import (
    ApprovalOutsideWindow,
    ApprovalPermissionDenied,
    approval_delegation_create,
    approval_delegation_revoke,
    approval_override_grant,
    approval_override_revoke,
    approval_rule_save,
    approval_rules_load_default,
    approval_window_require,
)
from tests.conftest import make_unit

TODAY = datetime.date(2026, 12, 10)


@pytest.fixture
def tree(province):
    """The conftest province plus a school under the Sở Giáo dục and a commune with its health station."""
    root = province["root"]
    giao_duc = make_unit("Sở Giáo dục và Đào tạo", parent=root, type_code="SO")
    truong = make_unit("Trường THPT Thành phố Cao Lãnh", parent=giao_duc, type_code="TRUONG_THPT")
    to_toan = make_unit("Tổ Toán", parent=truong, type_code="PHONG")
    xa = make_unit("Ủy ban nhân dân xã Mỹ An", parent=root, type_code="UBND_XA")
    tram = make_unit("Trạm y tế xã Mỹ An", parent=xa, type_code="TRAM_Y_TE")
    phong_xa = make_unit("Phòng Văn hóa - Xã hội", parent=xa, type_code="PHONG_XA")
    return {**province, "giao_duc": giao_duc, "truong": truong, "to_toan": to_toan, "xa": xa, "tram": tram,
            "phong_xa": phong_xa}  # fmt: skip


def grant(user, role, unit, *, starts_on=datetime.date(2025, 1, 1), ends_on=None):
    return Grant.objects.create(user=user, role=role, unit=unit, starts_on=starts_on, ends_on=ends_on)


@pytest.fixture
def accounts(tree, django_user_model):
    def account(username, unit, *roles):
        user = django_user_model.objects.create_user(username=username, password="Mk@2026-x", unit=unit)
        for role in roles:
            grant(user, role, unit)
        return user

    return {
        "sysadmin": account("quantri.snv", tree["root"], Role.SYSTEM_ADMIN),
        "gd_snv": account("giamdoc.snv", tree["noi_vu"], Role.APPROVER),
        "gd_sgd": account("giamdoc.sgd", tree["giao_duc"], Role.APPROVER),
        "pgd_sgd": account("phogiamdoc.sgd", tree["giao_duc"]),
        "ht": account("hieutruong", tree["truong"], Role.APPROVER),
        "ct_xa": account("chutich.xa", tree["xa"], Role.APPROVER),
        "tyt": account("truongtram", tree["tram"], Role.APPROVER),
        "admin_sgd": account("quantri.sgd", tree["giao_duc"], Role.UNIT_ADMIN),
        "clerk": account("canbo.tccb", tree["giao_duc"], Role.HR_CLERK),
    }


def person(unit, category, **custom):
    return SimpleNamespace(unit=unit, personnel_category=category, custom_fields=custom)


@pytest.fixture
def default_rules(tree):
    return approval_rules_load_default()


def names(approvers):
    return [(a.user.username, a.is_delegate) for a in approvers]


def test_the_shipped_rule_set_routes_each_person_to_the_right_head(tree, accounts, default_rules):
    assert [r.priority for r in default_rules] == [10, 20, 30, 40]
    assert all(r.active for r in default_rules), [r.note for r in default_rules]
    # The management-tier custom field and its catalogue exist after loading.
    assert FieldDefinition.objects.get(target=FieldTarget.DOSSIER, key="dien_quan_ly").catalogue.code == "dien_quan_ly"
    # A teacher (public employee) of a school: the head of the school, even from a sub-unit of it.
    assert names(approvers_for(person(tree["to_toan"], "VC"), on=TODAY)) == [("hieutruong", False)]
    # A civil servant of the Sở Giáo dục: its director.
    assert names(approvers_for(person(tree["giao_duc"], "CC"), on=TODAY)) == [("giamdoc.sgd", False)]
    # A commune cadre: the commune chairman; the health station's public employee: the station head.
    assert names(approvers_for(person(tree["phong_xa"], "CB"), on=TODAY)) == [("chutich.xa", False)]
    assert names(approvers_for(person(tree["tram"], "VC"), on=TODAY)) == [("truongtram", False)]
    # Under the Provincial Party Standing Committee's management: the director of the Sở Nội vụ, wherever.
    authority = approval_authority(person(tree["truong"], "VC", dien_quan_ly="BTV_TU"), on=TODAY)
    assert authority.unit == tree["noi_vu"] and authority.title == "Giám đốc Sở Nội vụ"
    assert names(approvers_for(person(tree["xa"], "CB", dien_quan_ly="BTV_TU"), on=TODAY)) == [("giamdoc.snv", False)]
    # A category no rule names (people of associations): no authority, nobody approves.
    assert approval_authority(person(tree["giao_duc"], "HOI"), on=TODAY) is None
    assert approvers_for(person(tree["giao_duc"], "HOI"), on=TODAY) == []


def test_loading_the_rule_set_twice_adds_nothing_and_replace_switches_old_rules_off(tree, default_rules):
    assert approval_rules_load_default() == []
    again = approval_rules_load_default(replace=True)
    assert len(again) == 4
    assert ApprovalRule.objects.filter(active=True).count() == 4
    assert ApprovalRule.objects.filter(active=False).count() == 4


def test_a_fixed_rule_without_its_unit_is_loaded_switched_off(db, django_user_model):
    root = make_unit("Ủy ban nhân dân tỉnh Kon Tum", type_code="UBND_TINH")
    make_unit("Sở Y tế", parent=root, type_code="SO")
    rules = approval_rules_load_default()
    fixed = next(r for r in rules if r.approver_mode == ApprovingUnitMode.FIXED)
    assert not fixed.active
    assert "không tìm thấy đơn vị phê duyệt" in fixed.note.lower()


def test_editing_rules_is_for_system_administrators_and_checks_codes(tree, accounts, default_rules):
    rule = ApprovalRule.objects.get(priority=20)
    with pytest.raises(ApprovalPermissionDenied):
        approval_rule_save(actor=accounts["admin_sgd"], instance=rule, values={"priority": 5})
    with pytest.raises(ValidationError) as error:
        approval_rule_save(
            actor=accounts["sysadmin"],
            instance=rule,
            values={"unit_types": ["TRUONG_THPT", "KHONG_CO"], "personnel_categories": ["VC", "XX"], "name": " "},
        )
    messages = error.value.message_dict
    assert messages["unit_types"] == ["Mã loại đơn vị không có trong danh mục: KHONG_CO (danh mục loai_don_vi)."]
    assert messages["personnel_categories"] == ["Mã loại nhân sự không có trong danh mục: XX (danh mục loai_nhan_su)."]
    assert "name" in messages
    rule.refresh_from_db()
    assert "KHONG_CO" not in rule.unit_types  # nothing saved
    with pytest.raises(ValidationError) as error:
        approval_rule_save(
            actor=accounts["sysadmin"],
            values={
                "name": "Thử",
                "approver_mode": ApprovingUnitMode.FIXED,
                "tier_field": "khong_co",
                "tier_values": ["X"],
            },
        )
    assert set(error.value.message_dict) == {"approver_unit", "tier_field"}
    # A valid change takes effect: teachers now approved by the Sở Giáo dục's director instead.
    approval_rule_save(
        actor=accounts["sysadmin"], instance=rule, values={"approver_unit_types": ["SO"], "unit_types": ["TRUONG_THPT"]}
    )
    assert names(approvers_for(person(tree["truong"], "VC"), on=TODAY)) == [("giamdoc.sgd", False)]
    # Switching a rule off lets the next one decide.
    approval_rule_save(actor=accounts["sysadmin"], instance=rule, values={"active": False})
    assert names(approvers_for(person(tree["truong"], "VC"), on=TODAY)) == [("giamdoc.sgd", False)]
    assert approval_authority(person(tree["truong"], "VC"), on=TODAY).rule.priority == 40


def test_delegation_gives_the_deputy_approval_only_within_its_dates(tree, accounts, default_rules):
    start = datetime.date.today() + datetime.timedelta(days=1)
    delegation = approval_delegation_create(
        actor=accounts["gd_sgd"],
        delegator=accounts["gd_sgd"],
        delegate=accounts["pgd_sgd"],
        unit=tree["giao_duc"],
        starts_on=start,
        ends_on=start + datetime.timedelta(days=6),
        reason="Đi công tác nước ngoài",
        decision_number="12/GUQ-SGDĐT",
    )
    civil_servant = person(tree["giao_duc"], "CC")
    assert names(approvers_for(civil_servant, on=start - datetime.timedelta(days=1))) == [("giamdoc.sgd", False)]
    assert names(approvers_for(civil_servant, on=start)) == [("giamdoc.sgd", False), ("phogiamdoc.sgd", True)]
    assert names(approvers_for(civil_servant, on=start + datetime.timedelta(days=7))) == [("giamdoc.sgd", False)]
    resolver = ApprovalResolver(on=start)
    assert resolver.approver(accounts["pgd_sgd"], civil_servant).delegation == delegation
    assert resolver.approver(accounts["pgd_sgd"], person(tree["truong"], "VC")) is None  # not the school's
    assert [(a.unit, a.is_delegate) for a in approving_units(accounts["pgd_sgd"], on=start)] == [
        (tree["giao_duc"], True)
    ]
    assert approving_units(accounts["pgd_sgd"], on=start - datetime.timedelta(days=1)) == []
    # The delegate sees the delegation; a clerk of the same unit does not; the unit admin does.
    assert list(delegation_list(user=accounts["pgd_sgd"])) == [delegation]
    assert list(delegation_list(user=accounts["clerk"])) == []
    assert list(delegation_list(user=accounts["admin_sgd"])) == [delegation]
    # When the delegator loses the approver role, the delegation lapses with it.
    Grant.objects.filter(user=accounts["gd_sgd"]).update(ends_on=start - datetime.timedelta(days=1))
    assert names(approvers_for(civil_servant, on=start)) == []
    assert approving_units(accounts["pgd_sgd"], on=start) == []


def test_revoked_delegation_gives_nothing(tree, accounts, default_rules):
    start = datetime.date.today()
    delegation = approval_delegation_create(
        actor=accounts["admin_sgd"],
        delegator=accounts["gd_sgd"],
        delegate=accounts["pgd_sgd"],
        unit=tree["giao_duc"],
        starts_on=start,
        ends_on=start,
        reason="Nghỉ phép",
    )
    with pytest.raises(ApprovalPermissionDenied):
        approval_delegation_revoke(actor=accounts["clerk"], delegation=delegation)
    approval_delegation_revoke(actor=accounts["gd_sgd"], delegation=delegation)
    assert names(approvers_for(person(tree["giao_duc"], "CC"), on=start)) == [("giamdoc.sgd", False)]


def test_bad_delegations_are_refused_with_reasons(tree, accounts, default_rules):
    today = datetime.date.today()
    base = {
        "delegator": accounts["gd_sgd"],
        "delegate": accounts["pgd_sgd"],
        "unit": tree["giao_duc"],
        "reason": "Đi công tác",
    }
    with pytest.raises(ApprovalPermissionDenied):  # a clerk cannot hand over the director's approval
        approval_delegation_create(actor=accounts["clerk"], starts_on=today, ends_on=today, **base)
    with pytest.raises(ValidationError) as error:
        approval_delegation_create(
            actor=accounts["gd_sgd"], starts_on=today, ends_on=today - datetime.timedelta(days=1), **base
        )
    assert error.value.message_dict["ends_on"][0].startswith("Ngày cuối (")
    with pytest.raises(ValidationError) as error:
        approval_delegation_create(
            actor=accounts["sysadmin"],
            delegator=accounts["clerk"],
            delegate=accounts["clerk"],
            unit=tree["giao_duc"],
            starts_on=today,
            ends_on=today,
            reason="",
        )
    messages = error.value.message_dict
    assert messages["delegator"] == ["canbo.tccb không giữ vai trò người phê duyệt của Sở Giáo dục và Đào tạo."]
    assert messages["delegate"] == ["Người phê duyệt không thể ủy quyền cho chính mình."]
    assert "reason" in messages
    with pytest.raises(ValidationError) as error:  # someone of another unit
        approval_delegation_create(
            actor=accounts["gd_sgd"],
            **{**base, "delegate": accounts["ct_xa"]},
            starts_on=today,
            ends_on=today,
        )
    assert error.value.message_dict["delegate"] == [
        "chutich.xa không công tác tại Sở Giáo dục và Đào tạo hoặc đơn vị trực thuộc."
    ]
    with pytest.raises(ValidationError) as error:  # a priority that is not a number
        approval_rule_save(
            actor=accounts["sysadmin"], values={"name": "X", "priority": "mot", "approver_unit_types": ["SO"]}
        )
    assert list(error.value.message_dict) == ["priority"]
    approval_delegation_create(actor=accounts["gd_sgd"], starts_on=today, ends_on=today, **base)
    with pytest.raises(ValidationError) as error:
        approval_delegation_create(actor=accounts["gd_sgd"], starts_on=today, ends_on=today, **base)
    assert "đã được ủy quyền" in error.value.message_dict["starts_on"][0]


def test_the_window_is_the_last_five_days_and_editable(db):
    assert approval_window(datetime.date(2026, 12, 10)) == (datetime.date(2026, 12, 27), datetime.date(2026, 12, 31))
    assert approval_window(datetime.date(2027, 2, 3)) == (datetime.date(2027, 2, 24), datetime.date(2027, 2, 28))
    assert approval_window(datetime.date(2028, 2, 3)) == (datetime.date(2028, 2, 25), datetime.date(2028, 2, 29))
    policy = ApprovalWindowPolicy.load()
    policy.last_days = 10
    policy.save()
    assert approval_window(datetime.date(2026, 11, 1)) == (datetime.date(2026, 11, 21), datetime.date(2026, 11, 30))


def test_approving_outside_the_window_needs_a_logged_override(tree, accounts):
    inside, outside = datetime.date(2026, 12, 28), datetime.date(2026, 12, 10)
    assert approval_window_require(unit=tree["truong"], on=inside) is None
    with pytest.raises(ApprovalOutsideWindow) as error:
        approval_window_require(unit=tree["truong"], on=outside)
    assert error.value.messages == [
        "Dữ liệu được phê duyệt từ 27/12/2026 đến 31/12/2026 trong tháng này; hôm nay là 10/12/2026. "
        "Phê duyệt vào ngày khác cần Sở Nội vụ cho phép ngoài thời hạn."
    ]
    with pytest.raises(ApprovalPermissionDenied):
        approval_override_grant(
            actor=accounts["admin_sgd"], unit=tree["giao_duc"], starts_on=outside, ends_on=outside, reason="Gấp"
        )
    with pytest.raises(ValidationError) as error:
        approval_override_grant(
            actor=accounts["sysadmin"], unit=tree["giao_duc"], starts_on=outside, ends_on=outside, reason=" "
        )
    assert list(error.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError) as error:
        approval_override_grant(
            actor=accounts["sysadmin"],
            unit=None,
            starts_on=outside,
            ends_on=outside + datetime.timedelta(days=40),
            reason="Cả tháng",
        )
    assert error.value.message_dict["ends_on"] == ["Mỗi lần cho phép ngoài thời hạn tối đa 31 ngày."]
    override = approval_override_grant(
        actor=accounts["sysadmin"],
        unit=tree["giao_duc"],
        starts_on=outside,
        ends_on=outside,
        reason="Kỳ thi tuyển viên chức: cần phê duyệt sớm",
    )
    assert approval_window_require(unit=tree["truong"], on=outside) == override  # under the Sở Giáo dục
    with pytest.raises(ApprovalOutsideWindow):
        approval_window_require(unit=tree["xa"], on=outside)  # another subtree
    with pytest.raises(ApprovalOutsideWindow):
        approval_window_require(unit=tree["truong"], on=outside + datetime.timedelta(days=1))  # another day
    # The override is audited (who granted it, when), and revoking it is too.
    events = override.audit_events.order_by("pgh_id")
    assert [event.pgh_label for event in events] == ["insert"]
    approval_override_revoke(actor=accounts["sysadmin"], override=override)
    assert [event.pgh_label for event in override.audit_events.order_by("pgh_id")] == ["insert", "update"]
    with pytest.raises(ApprovalOutsideWindow):
        approval_window_require(unit=tree["truong"], on=outside)
    # A province that does not enforce the window lets approval through.
    policy = ApprovalWindowPolicy.load()
    policy.enforced = False
    policy.save()
    assert approval_window_require(unit=tree["truong"], on=outside) is None


def test_resolver_reads_each_unit_chain_and_approver_list_once(
    tree, accounts, default_rules, django_assert_num_queries
):
    subjects = [person(tree["to_toan"], "VC") for _ in range(50)] + [person(tree["phong_xa"], "CC") for _ in range(50)]
    with django_assert_num_queries(1):  # the rules
        resolver = ApprovalResolver(on=TODAY)
    with django_assert_num_queries(6):  # two unit chains, then per approving unit its grants and delegations
        result = {tuple(names(resolver.approvers(subject))) for subject in subjects}
    assert result == {(("hieutruong", False),), (("chutich.xa", False),)}
