"""Shared fixtures. Tests run on real PostgreSQL: DATABASE_URL when set, else the embedded server."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from portal.models import CatalogueEntry, Unit
from portal.services.units.common import Decision
from portal.services.units.editing import unit_create


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the standard catalogues once into the test database (each test rolls back to it)."""
    with django_db_blocker.unblock():
        call_command("load_catalogues", verbosity=0)


@pytest.fixture(autouse=True)
def private_var_dir(tmp_path, monkeypatch):
    """Files a test writes under var/ (demo logins, uploads) go to its own temporary directory."""
    monkeypatch.setenv("HOSO_VAR_DIR", str(tmp_path / "var"))


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser(username="quantri", password="Mk@2026-quantri", email="")


@pytest.fixture
def plain_user(django_user_model):
    """A signed-in account with no permissions at all."""
    return django_user_model.objects.create_user(username="nhanvien", password="Mk@2026-nhanvien")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def unit_type(code: str) -> CatalogueEntry:
    return CatalogueEntry.objects.get(kind__code="loai_don_vi", code=code)


def make_unit(name: str, *, parent: Unit | None = None, code: str = "", type_code: str = "SO", **kwargs) -> Unit:
    """Create a unit through the service (the tree must never be written directly)."""
    return unit_create(
        name=name,
        unit_type=unit_type(type_code),
        parent=parent,
        code=code,
        decision=Decision(effective_on=kwargs.pop("effective_on", datetime.date(2025, 7, 1))),
        **kwargs,
    )


@pytest.fixture
def province(db):
    """UBND tỉnh (H20) with two departments, each with divisions, one with a coded sub-unit."""
    root = make_unit("Ủy ban nhân dân tỉnh Đồng Tháp", code="000.00.00.H20", type_code="UBND_TINH")
    noi_vu = make_unit("Sở Nội vụ", parent=root, code="000.00.05.H20", type_code="SO")
    tai_chinh = make_unit("Sở Tài chính", parent=root, code="000.00.07.H20", type_code="SO")
    make_unit("Phòng Tổ chức biên chế", parent=noi_vu, type_code="PHONG")
    chi_cuc = make_unit("Chi cục Văn thư - Lưu trữ", parent=noi_vu, code="000.03.05.H20", type_code="CHI_CUC")
    make_unit("Phòng Ngân sách", parent=tai_chinh, type_code="PHONG")
    return {"root": root, "noi_vu": noi_vu, "tai_chinh": tai_chinh, "chi_cuc": chi_cuc}
