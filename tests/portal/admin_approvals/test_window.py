"""The approval window in the admin: this month's window, its policy, overrides and their audit trail;
and the approvals menu group."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from portal.models import ApprovalWindowOverride
from portal.models.approvals import ApprovalWindowPolicy
from portal.selectors_approvals.window import approval_window
from portal.wagtail_hooks.approvals import register_approvals_menu_item
from tests.portal.admin_approvals.conftest import (
    client_for,
    day_text,
    delegate,
    text,
    url,
)

pytestmark = pytest.mark.django_db


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
