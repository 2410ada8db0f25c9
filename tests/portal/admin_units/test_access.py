"""Unit admin access four ways (anonymous, no admin access, no permission, permitted), missing
units, read-only accounts, and the unit tree's menu item."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import Unit
from tests.portal.admin_units.conftest import (
    ACTION_PAGES,
    UNIT_OBJECT_PAGES,
    UNIT_PAGES,
    decision_data,
    fresh,
    page_text,
    url,
)

pytestmark = pytest.mark.django_db


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
