"""Approval delegations in the admin: made by an approver or a unit admin, refusals on the fields,
who may see and revoke them, lapsing with the delegator's role, and the list's query count."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.choices import Role
from portal.models import ApprovalDelegation
from tests.permissions import make_account
from tests.portal.admin_approvals.conftest import (
    client_for,
    day_text,
    delegate,
    shown_messages,
    text,
    url,
)

pytestmark = pytest.mark.django_db


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
