"""Catalogue admin access four ways (anonymous, no admin access, no permission, permitted), missing
objects, read-only accounts, and the dashboard panel on the admin home page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import SystemHeartbeat
from portal.services.system import heartbeat_record
from tests.portal.admin_catalogues.conftest import (
    MISSING,
    PAGE_NAMES,
    entry,
    kind,
    pages,
    text_of,
    vi,
)

pytestmark = pytest.mark.django_db


# --- access, four ways --------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(pages()[name])
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_account_without_admin_access_is_sent_to_login(client, plain_user, name):
    client.force_login(plain_user)
    response = client.get(pages()[name])
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "Kinh" not in text_of(response)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_admin_user_without_catalogue_permission_gets_403_without_data(client, admin_access_user, name):
    client.force_login(admin_access_user)
    response = client.get(pages()[name])
    assert response.status_code == 403
    assert "Kinh" not in text_of(response)
    assert "dan_toc" not in text_of(response)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_admin_gets_200(admin_client, name):
    response = admin_client.get(pages()[name])
    assert response.status_code == 200


@pytest.mark.parametrize("name", sorted(MISSING))
def test_missing_object_is_404(admin_client, name):
    target = MISSING[name](kind("dan_toc"), entry("dan_toc", "01"))
    assert admin_client.get(target).status_code == 404


@pytest.mark.parametrize(
    "name,allowed",
    [
        ("index", 200),
        ("kind", 200),
        ("export", 200),
        ("kind_add", 403),
        ("kind_edit", 403),
        ("entry_add", 403),
        ("entry_edit", 403),
        ("entry_delete", 403),
        ("import", 403),
    ],
)
def test_reader_can_read_but_not_write(client, reader, name, allowed):
    client.force_login(reader)
    assert client.get(pages()[name]).status_code == allowed


def post_pages(entry_pk: int | None = None) -> dict[str, str]:
    """The POST-only endpoints, on the religion catalogue's last entry."""
    ton_giao = kind("ton_giao")
    pk = entry_pk or ton_giao.entries.order_by("order").last().pk
    return {
        "entry_retire": reverse("portal_catalogues:entry_retire", args=[ton_giao.pk, pk]),
        "entry_reactivate": reverse("portal_catalogues:entry_reactivate", args=[ton_giao.pk, pk]),
        "import_apply": reverse("portal_catalogues:import_apply", args=[ton_giao.pk]),
    }


@pytest.mark.parametrize("name", ["entry_retire", "entry_reactivate", "import_apply"])
def test_post_endpoints_four_ways(client, plain_user, admin_access_user, admin_user, name):
    target = post_pages()[name]
    anonymous = client.post(target)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    client.force_login(plain_user)
    assert client.post(target)["Location"].startswith("/admin/login/")
    client.force_login(admin_access_user)
    assert client.post(target).status_code == 403
    client.force_login(admin_user)
    assert client.post(target).status_code == 302  # done, or sent back with a message
    assert client.get(target).status_code == 405
    if name != "import_apply":
        assert client.post(post_pages(entry_pk=999_999)[name]).status_code == 404
    else:
        assert client.post(reverse("portal_catalogues:import_apply", args=[999_999])).status_code == 404


def test_post_endpoints_change_nothing_for_accounts_without_permission(client, admin_access_user):
    client.force_login(admin_access_user)
    target = kind("ton_giao").entries.order_by("order").last()
    client.post(post_pages(target.pk)["entry_retire"])
    target.refresh_from_db()
    assert target.active


def test_reader_sees_no_write_buttons_and_cannot_post(client, reader):
    client.force_login(reader)
    urls = pages()
    text = text_of(client.get(urls["kind"]))
    assert "Kinh" in text
    for name in ("entry_add", "entry_edit", "entry_delete", "import", "kind_edit"):
        assert urls[name] not in text
    kinh = entry("dan_toc", "01")
    dan_toc = kind("dan_toc")
    response = client.post(reverse("portal_catalogues:entry_retire", args=[dan_toc.pk, kinh.pk]))
    assert response.status_code == 403
    assert client.post(urls["entry_delete"]).status_code == 403
    kinh.refresh_from_db()
    assert kinh.active


def test_catalogue_menu_item_only_for_permitted_accounts(client, admin_access_user, reader):
    index = reverse("portal_catalogues:index")
    client.force_login(admin_access_user)
    assert index not in text_of(client.get(reverse("wagtailadmin_home")))
    client.force_login(reader)
    assert index in text_of(client.get(reverse("wagtailadmin_home")))


# --- dashboard ---------------------------------------------------------------------------------


def test_homepage_panel_shows_counts_and_heartbeats(admin_client, province):
    heartbeat_record(component="worker")
    SystemHeartbeat.objects.create(component="beat", last_seen=timezone.now() - datetime.timedelta(minutes=12))
    response = admin_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    text = text_of(response)
    assert vi("System status") in text
    assert "worker" in text and "beat" in text
    stale_beat = SystemHeartbeat.objects.get(component="beat")
    shown = timezone.localtime(stale_beat.last_seen).strftime("%d/%m/%Y %H:%M")
    assert shown in text
    beat_row = text.split("beat")[-1].split("</tr>")[0] if "beat" in text else ""
    assert vi("stale") in beat_row
    worker_row = text.split(">worker")[1].split("</tr>")[0]
    assert vi("stale") not in worker_row
    assert ">6<" in text.replace(" ", "").replace("\n", "")  # six active units in the province fixture


def test_homepage_panel_hidden_from_accounts_without_permission(client, admin_access_user):
    heartbeat_record(component="worker")
    client.force_login(admin_access_user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "portal-system-status" not in text_of(response)
