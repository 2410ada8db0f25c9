"""Grants give non-superuser accounts the admin and the model permissions of their role."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from portal.choices import Role
from portal.models import Grant

pytestmark = pytest.mark.django_db


def account(username, role, unit, **grant):
    user = get_user_model().objects.create_user(username=username, password="Mk@2026-xyzQ", unit=unit)
    Grant.objects.create(
        user=user, role=role, unit=unit, starts_on=grant.pop("starts_on", datetime.date(2025, 1, 1)), **grant
    )
    return get_user_model().objects.get(pk=user.pk)  # fresh: no permission cache


def test_roles_map_to_model_permissions(province):
    admin = account("qt.snv", Role.UNIT_ADMIN, province["noi_vu"])
    clerk = account("cb.snv", Role.HR_CLERK, province["noi_vu"])
    system = account("qt.tinh", Role.SYSTEM_ADMIN, None)
    assert admin.has_perm("wagtailadmin.access_admin") and admin.has_perm("portal.change_unit")
    assert admin.has_perm("portal.add_user") and not admin.has_perm("portal.change_catalogueentry")
    assert clerk.has_perm("portal.view_unit") and not clerk.has_perm("portal.change_unit")
    assert system.has_perm("portal.change_catalogueentry") and system.has_perm("portal.change_securitypolicy")


def test_no_grant_or_expired_grant_gives_nothing(province):
    nobody = get_user_model().objects.create_user(username="khong.quyen", password="Mk@2026-xyzQ")
    assert not nobody.has_perm("wagtailadmin.access_admin")
    expired = account("het.han", Role.UNIT_ADMIN, province["noi_vu"], ends_on=datetime.date(2025, 6, 30))
    assert not expired.has_perm("wagtailadmin.access_admin")


def test_a_unit_admin_can_open_the_admin(client, province):
    admin = account("qt.snv", Role.UNIT_ADMIN, province["noi_vu"])
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


def test_wagtail_user_admin_is_for_superusers_only(client, province, admin_user):
    admin = account("qt.snv", Role.UNIT_ADMIN, province["noi_vu"])
    client.force_login(admin)
    assert client.get("/admin/users/").status_code == 404
    assert client.get("/admin/groups/").status_code == 404
    client.force_login(admin_user)
    assert client.get("/admin/users/").status_code == 200
