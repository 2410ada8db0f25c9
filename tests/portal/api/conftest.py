"""What the API tests share: clients anonymous, signed in without permissions, and signed in as an
administrator (``plain_user`` and ``admin_user``: tests/conftest.py)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def reader(plain_user):
    client = APIClient()
    client.force_login(plain_user)
    return client


@pytest.fixture
def admin(admin_user):
    client = APIClient()
    client.force_login(admin_user)
    return client
