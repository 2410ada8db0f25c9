"""What the approval authority admin tests share: a unit tree with its approvers, unit admins and a
clerk, the default rule set, a signed-in client, the screens' URLs, a page's text and messages, a
date as the forms write it, and a delegation made through the service."""

from __future__ import annotations

import datetime
import html

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.choices import Role
from portal.services.approvals import approval_delegation_create, approval_rules_load_default
from tests.conftest import make_unit
from tests.permissions import make_account


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
