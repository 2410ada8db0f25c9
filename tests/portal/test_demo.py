"""load_admin_units and seed_demo."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.choices import UnitEventKind
from portal.demo import SeedContext, demo_seed
from portal.models import Unit, UnitEvent


@pytest.mark.django_db
def test_load_admin_units_creates_the_province_and_every_commune(capsys):
    call_command("load_admin_units", "--province", "82")
    root = Unit.objects.get(depth=1, admin_area_code="82")
    assert root.name == "Ủy ban nhân dân tỉnh Đồng Tháp"
    assert root.code == "000.00.00.H20"  # from the editable ma_dinh_danh_tinh catalogue
    communes = Unit.objects.filter(path__startswith=root.path, depth=2)
    assert communes.count() == 102  # Đồng Tháp after the 2025 merger (vietnam-provinces data)
    assert set(communes.values_list("unit_type__code", flat=True)) <= {"UBND_XA", "UBND_PHUONG", "UBND_DAC_KHU"}
    assert communes.filter(name="Ủy ban nhân dân phường Mỹ Tho", admin_area_code="28261").exists()
    assert UnitEvent.objects.filter(unit__in=communes, kind=UnitEventKind.CREATED).count() == 102
    # Idempotent: a second run adds nothing.
    call_command("load_admin_units", "--province", "82")
    assert Unit.objects.count() == 103
    assert "0" in capsys.readouterr().out


@pytest.mark.django_db
def test_load_admin_units_for_a_city_without_a_known_identifier():
    call_command("load_admin_units", "--province", "1")
    root = Unit.objects.get(depth=1, admin_area_code="1")
    assert root.name == "Ủy ban nhân dân Thành phố Hà Nội"
    assert root.code == ""
    assert Unit.objects.filter(depth=2).count() == 126


@pytest.mark.django_db
def test_load_admin_units_rejects_an_unknown_province():
    with pytest.raises(CommandError):
        call_command("load_admin_units", "--province", "99")
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_seed_demo_is_deterministic_and_rerunnable():
    demo_seed(SeedContext(province_code=82, seed=7, communes=4, log=lambda *_: None))
    first = list(Unit.objects.order_by("path").values_list("name", "code", "quota_public_employees"))
    names = [name for name, _code, _quota in first]
    assert "Sở Nội vụ" in names and "Chi cục Văn thư - Lưu trữ" in names
    assert any(name.startswith("Trường Tiểu học") for name in names)
    noi_vu = Unit.objects.get(name="Sở Nội vụ")
    assert noi_vu.code.endswith(".H20") and noi_vu.get_parent().code == "000.00.00.H20"
    # Rerunning adds nothing; the same seed on an empty database gives the same tree.
    demo_seed(SeedContext(province_code=82, seed=7, communes=4, log=lambda *_: None))
    assert list(Unit.objects.order_by("path").values_list("name", "code", "quota_public_employees")) == first
    from django.contrib.auth import get_user_model

    from portal.models import ApprovalRule, Grant
    from portal.models.signing import SigningCredential, TrustRoot

    # What the approvals step added refers to the accounts and units (never deleted by the product).
    SigningCredential.objects.all().delete()
    TrustRoot.objects.all().delete()
    ApprovalRule.objects.all().delete()
    Grant.objects.all().delete()
    get_user_model().objects.all().delete()
    UnitEvent.objects.all().delete()
    Unit.objects.all().delete()
    demo_seed(SeedContext(province_code=82, seed=7, communes=4, log=lambda *_: None))
    assert list(Unit.objects.order_by("path").values_list("name", "code", "quota_public_employees")) == first


@pytest.mark.django_db
def test_seed_demo_command_prints_the_admin_login(capsys, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("HOSO_VAR_DIR", str(tmp_path))
    call_command("seed_demo", "--province", "82", "--communes", "2", "--people", "0")
    out = capsys.readouterr().out
    assert "quantri /" in out
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="quantri")
    password = out.split("quantri / ")[1].split()[0]
    assert user.check_password(password) and user.is_superuser
    call_command("seed_demo", "--if-empty")
    assert "bỏ qua" in capsys.readouterr().out


@pytest.mark.django_db
def test_seed_demo_creates_one_login_per_role():
    from django.contrib.auth import get_user_model

    from portal.choices import Role
    from portal.models import Grant
    from portal.runtime import read_demo_logins

    context = demo_seed(SeedContext(province_code=82, communes=2, log=lambda *_: None))
    assert {grant.role for grant in Grant.objects.all()} == set(Role.values)
    logins = read_demo_logins()
    assert len(logins) == len(Role.values) == len(context.logins)
    users = get_user_model().objects
    for username, login in logins.items():
        assert users.get(username=username).check_password(login["password"])
    clerk = users.get(username="canbo.sgddt")
    assert clerk.grants.get().unit.name == "Sở Giáo dục và Đào tạo" and not clerk.is_superuser
    # Rerunning keeps the accounts and their passwords.
    demo_seed(SeedContext(province_code=82, communes=2, log=lambda *_: None))
    assert read_demo_logins() == logins and Grant.objects.count() == len(Role.values)
