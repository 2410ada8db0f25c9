"""What the unit admin tests share: the lists of screens, the screens' URLs, a fresh read of a
unit, a page's text, a decision's form data, and accounts with admin access only or with
read-only unit permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import Unit
from tests.permissions import perm

UNIT_PAGES = ["index", "add_root"]
UNIT_OBJECT_PAGES = ["detail", "add_child", "edit", "move", "merge", "split", "dissolve"]
ACTION_PAGES = ["add_child", "edit", "move", "merge", "split", "dissolve"]


@pytest.fixture
def viewer(django_user_model):
    """May look at the tree (portal.view_unit) but not change it."""
    user = django_user_model.objects.create_user(username="xem", password="Mk@2026-xem")
    user.user_permissions.add(perm("access_admin", "wagtailadmin"), perm("view_unit"))
    return user


def url(name: str, unit: Unit | None = None) -> str:
    return reverse(f"portal_units:{name}", args=[unit.pk] if unit is not None else [])


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def page_text(response) -> str:
    return response.content.decode()


def decision_data(**extra) -> dict:
    return {"effective_on": "15/08/2025", "decision_number": "", "decision_date": "", "note": "", **extra}
