"""Fixtures shared by the portal's admin tests."""

from __future__ import annotations

import pytest

from tests.permissions import perm


@pytest.fixture
def admin_access_user(django_user_model):
    """May enter the Wagtail admin, nothing more."""
    user = django_user_model.objects.create_user(username="canbo", password="Mk@2026-canbo")
    user.user_permissions.add(perm("access_admin", "wagtailadmin"))
    return user
