"""Notifications in the admin: each account sees only its own, and marks them read."""

from __future__ import annotations

import pytest

from portal.models import Notification
from portal.services.notifications import notification_send


@pytest.fixture
def two(django_user_model):
    first = django_user_model.objects.create_user(username="mot", password="Mk@2026-x", is_staff=True)
    second = django_user_model.objects.create_user(username="hai", password="Mk@2026-x", is_staff=True)
    return first, second


def test_each_account_reads_only_its_own(client, two, admin_user):
    first, second = two
    notification_send(recipients=[first], kind="t", key="k1", title="Thư cho Một", body="Nội dung", email=False)
    notification_send(recipients=[second], kind="t", key="k1", title="Thư cho Hai", body="Nội dung", email=False)
    client.force_login(admin_user)
    page = client.get("/admin/thong-bao/")
    assert page.status_code == 200
    assert "Thư cho Một" not in page.content.decode()  # even a superuser's inbox is their own
    client.force_login(first)
    other = Notification.objects.get(recipient=second)
    response = client.post(f"/admin/thong-bao/{other.pk}/da-doc/")
    assert response.status_code == 302
    assert Notification.objects.get(pk=other.pk).read_at is None  # not hers: untouched


def test_send_is_once_per_key_and_skips_inactive(two):
    first, second = two
    second.is_active = False
    second.save()
    assert len(notification_send(recipients=[first, second], kind="t", key="k", title="A", body="B", email=False)) == 1
    assert notification_send(recipients=[first], kind="t", key="k", title="A", body="B", email=False) == []


def test_the_dashboard_shows_unread_notifications(client, province, django_user_model):
    import datetime

    from portal.choices import Role
    from portal.models import Grant

    clerk = django_user_model.objects.create_user(username="canbo", password="Mk@2026-x", unit=province["noi_vu"])
    Grant.objects.create(user=clerk, role=Role.HR_CLERK, unit=province["noi_vu"], starts_on=datetime.date(2025, 1, 1))
    notification_send(recipients=[clerk], kind="t", key="k", title="Đã đến hạn phê duyệt", body="…", email=False)
    client.force_login(clerk)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Đã đến hạn phê duyệt" in page.content.decode()
    client.post("/admin/thong-bao/da-doc/")
    assert "Đã đến hạn phê duyệt" not in client.get("/admin/").content.decode()
