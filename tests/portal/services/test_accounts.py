"""Account and grant services (portal/services/accounts.py): scope, ranks, bulk, passwords."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError

from portal.choices import Role
from portal.models import Grant
from portal.models.audit import SecurityEvent, SecurityEventKind
from portal.services.accounts import (
    AccountPermissionDenied,
    account_create,
    account_lock,
    account_reset_password,
    account_revoke,
    account_unlock,
    accounts_create_individuals,
    grant_create,
    grant_revoke,
)
from tests.permissions import make_account

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def qt_noivu(province):
    return make_account("qt.snv", unit=province["noi_vu"], role=Role.UNIT_ADMIN)


@pytest.fixture
def system(province):
    return make_account("qt.tinh", unit=province["noi_vu"], role=Role.SYSTEM_ADMIN, over=None)


def counts():
    return User.objects.count(), Grant.objects.count()


# --- creating accounts ---------------------------------------------------------------------------


def test_unit_admin_creates_an_account_inside_the_subtree(province, qt_noivu):
    created = account_create(
        actor=qt_noivu,
        username="Tran.Thi.B",
        unit=province["chi_cuc"],
        first_name="Bình",
        last_name="Trần Thị",
        personal_id="001190000002",
        birth_date=datetime.date(1990, 2, 1),
    )
    user = User.objects.get(pk=created.user.pk)
    assert user.username == "tran.thi.b"
    assert user.unit == province["chi_cuc"] and user.created_by == qt_noivu
    assert user.must_change_password is True
    assert user.check_password(created.initial_password)
    assert len(created.initial_password) >= 12


def test_unit_admin_cannot_create_outside_the_subtree(province, qt_noivu):
    before = counts()
    with pytest.raises(AccountPermissionDenied, match="đơn vị do mình quản trị"):
        account_create(actor=qt_noivu, username="ngoai.pham.vi", unit=province["tai_chinh"])
    with pytest.raises(AccountPermissionDenied):
        account_create(actor=qt_noivu, username="ngoai.pham.vi", unit=province["root"])
    assert counts() == before
    assert not User.objects.filter(username="ngoai.pham.vi").exists()


def test_account_without_manage_capability_creates_nothing(province):
    clerk = make_account("cb.snv", unit=province["noi_vu"], role=Role.HR_CLERK)
    before = counts()
    with pytest.raises(AccountPermissionDenied):
        account_create(actor=clerk, username="x.y", unit=province["noi_vu"])
    assert counts() == before


def test_bad_input_is_a_validation_error_keyed_by_field(province, qt_noivu):
    with pytest.raises(ValidationError) as error:
        account_create(actor=qt_noivu, username="Nguyễn Văn A", unit=province["noi_vu"])
    assert "username" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        account_create(actor=qt_noivu, username="nva", unit=province["noi_vu"], personal_id="12345")
    assert "personal_id" in error.value.message_dict
    account_create(actor=qt_noivu, username="trung", unit=province["noi_vu"])
    with pytest.raises(ValidationError, match="đã được sử dụng"):
        account_create(actor=qt_noivu, username="TRUNG", unit=province["noi_vu"])


def test_initial_password_signs_in_and_must_be_changed(province, qt_noivu):
    created = account_create(actor=qt_noivu, username="moi.tao", unit=province["noi_vu"])
    user = authenticate(username="moi.tao", password=created.initial_password)
    assert user is not None and user.pk == created.user.pk
    assert user.must_change_password is True
    assert authenticate(username="moi.tao", password="sai-mat-khau") is None


# --- bulk individuals ----------------------------------------------------------------------------


def people(*rows):
    return [
        {"username": u, "full_name": n, "birth_date": datetime.date(1990, 1, 1), "personal_id": p, "email": ""}
        for u, n, p in rows
    ]


def test_bulk_individuals_creates_accounts_with_the_individual_role(province, qt_noivu):
    created = accounts_create_individuals(
        actor=qt_noivu,
        unit=province["chi_cuc"],
        people=people(("le.van.c", "Lê Văn Cường", "001090000003"), ("pham.thi.d", "Phạm Thị Dung", "")),
    )
    assert [c.user.username for c in created] == ["le.van.c", "pham.thi.d"]
    cuong = User.objects.get(username="le.van.c")
    assert (cuong.last_name, cuong.first_name) == ("Lê Văn", "Cường")
    assert cuong.must_change_password and cuong.check_password(created[0].initial_password)
    grant = Grant.objects.get(user=cuong)
    assert (grant.role, grant.unit) == (Role.INDIVIDUAL, province["chi_cuc"])
    assert created[0].initial_password != created[1].initial_password


def test_bulk_individuals_is_all_or_nothing_with_row_messages(province, qt_noivu):
    make_account("da.co", unit=province["noi_vu"])
    before = counts()
    with pytest.raises(ValidationError) as error:
        accounts_create_individuals(
            actor=qt_noivu,
            unit=province["chi_cuc"],
            people=people(
                ("hop.le", "Hợp Lệ", ""),
                ("da.co", "Đã Có", ""),
                ("cmnd.sai", "Sai Số", "123"),
            ),
        )
    messages = error.value.message_dict
    assert set(messages) == {"row 2", "row 3"}
    assert "da.co" in messages["row 2"][0] and messages["row 2"][0].startswith("Dòng 2")
    assert "12 chữ số" in messages["row 3"][0]
    assert counts() == before
    assert not User.objects.filter(username="hop.le").exists()


def test_bulk_individuals_outside_the_subtree_is_refused(province, qt_noivu):
    before = counts()
    with pytest.raises(AccountPermissionDenied):
        accounts_create_individuals(actor=qt_noivu, unit=province["tai_chinh"], people=people(("x.y", "Xuân Yến", "")))
    assert counts() == before


# --- grants ----------------------------------------------------------------------------------------


def test_unit_admin_grants_inside_the_subtree_up_to_its_rank(province, qt_noivu):
    person = make_account("cb.chicuc", unit=province["chi_cuc"])
    grant = grant_create(actor=qt_noivu, user=person, role=Role.HR_CLERK, unit=province["chi_cuc"])
    assert (grant.role, grant.granted_by, grant.starts_on) == (Role.HR_CLERK, qt_noivu, grant.starts_on)
    deputy = grant_create(actor=qt_noivu, user=person, role=Role.UNIT_ADMIN, unit=province["chi_cuc"])
    assert deputy.role == Role.UNIT_ADMIN


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN])
def test_unit_admin_cannot_grant_above_its_rank(province, qt_noivu, role):
    person = make_account("cb.chicuc", unit=province["chi_cuc"])
    before = counts()
    with pytest.raises(AccountPermissionDenied, match="cao hơn vai trò của mình"):
        grant_create(actor=qt_noivu, user=person, role=role, unit=province["chi_cuc"])
    with pytest.raises(AccountPermissionDenied):
        grant_create(actor=qt_noivu, user=person, role=role, unit=None)
    assert counts() == before


def test_unit_admin_cannot_grant_unit_admin_above_its_subtree(province, qt_noivu):
    person = make_account("cb.snv", unit=province["noi_vu"])
    outsider = make_account("cb.stc", unit=province["tai_chinh"])
    before = counts()
    with pytest.raises(AccountPermissionDenied):
        grant_create(actor=qt_noivu, user=person, role=Role.UNIT_ADMIN, unit=province["root"])
    with pytest.raises(AccountPermissionDenied):
        grant_create(actor=qt_noivu, user=person, role=Role.HR_CLERK, unit=province["tai_chinh"])
    with pytest.raises(AccountPermissionDenied):
        grant_create(actor=qt_noivu, user=outsider, role=Role.HR_CLERK, unit=province["noi_vu"])
    assert counts() == before


def test_nobody_grants_to_themselves(province, qt_noivu, system):
    before = counts()
    with pytest.raises(AccountPermissionDenied, match="chính mình"):
        grant_create(actor=qt_noivu, user=qt_noivu, role=Role.HR_CLERK, unit=province["noi_vu"])
    with pytest.raises(AccountPermissionDenied, match="chính mình"):
        grant_create(actor=system, user=system, role=Role.UNIT_ADMIN, unit=province["noi_vu"])
    own = Grant.objects.get(user=qt_noivu)
    with pytest.raises(AccountPermissionDenied):
        grant_revoke(actor=qt_noivu, grant=own)
    assert counts() == before
    assert Grant.objects.get(pk=own.pk).revoked_at is None


def test_grant_dates_and_revoke(province, qt_noivu):
    person = make_account("cb.chicuc", unit=province["chi_cuc"])
    with pytest.raises(ValidationError) as error:
        grant_create(
            actor=qt_noivu,
            user=person,
            role=Role.HR_CLERK,
            unit=province["chi_cuc"],
            starts_on=datetime.date(2026, 3, 1),
            ends_on=datetime.date(2026, 2, 1),
        )
    assert "ends_on" in error.value.message_dict
    grant = grant_create(actor=qt_noivu, user=person, role=Role.HR_CLERK, unit=province["chi_cuc"])
    grant_revoke(actor=qt_noivu, grant=grant)
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_by == qt_noivu


def test_system_admin_grants_unit_admin_and_system_admin(province, system):
    person = make_account("qt.stc", unit=province["tai_chinh"])
    grant = grant_create(actor=system, user=person, role=Role.UNIT_ADMIN, unit=province["tai_chinh"])
    assert grant.role == Role.UNIT_ADMIN
    other = make_account("qt.tinh2", unit=province["noi_vu"])
    assert grant_create(actor=system, user=other, role=Role.SYSTEM_ADMIN, unit=None).unit is None


# --- lock, unlock, reset, revoke --------------------------------------------------------------------


def test_lock_unlock_reset_revoke_inside_the_subtree(province, qt_noivu):
    person = make_account("nv.chicuc", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
    account_lock(actor=qt_noivu, user=person, reason="Nghỉ phép dài hạn")
    person.refresh_from_db()
    assert person.is_locked and person.lock_reason == "Nghỉ phép dài hạn" and person.locked_by == qt_noivu
    account_unlock(actor=qt_noivu, user=person)
    person.refresh_from_db()
    assert not person.is_locked and person.failed_login_count == 0
    kinds = list(SecurityEvent.objects.filter(user_id=person.pk).values_list("kind", flat=True))
    assert SecurityEventKind.LOCKED in kinds and SecurityEventKind.UNLOCKED in kinds
    account_revoke(actor=qt_noivu, user=person)
    person.refresh_from_db()
    assert person.is_active is False
    assert not Grant.objects.filter(user=person, revoked_at__isnull=True).exists()


def test_reset_password_returns_a_new_one_and_records_the_event(province, qt_noivu):
    created = account_create(actor=qt_noivu, username="quen.mk", unit=province["chi_cuc"])
    new = account_reset_password(actor=qt_noivu, user=created.user)
    user = User.objects.get(pk=created.user.pk)
    assert new != created.initial_password
    assert user.check_password(new) and not user.check_password(created.initial_password)
    assert user.must_change_password is True
    event = SecurityEvent.objects.get(user_id=user.pk, kind=SecurityEventKind.PASSWORD_RESET)
    assert event.actor_id == qt_noivu.pk
    assert new not in str(event.detail)


def test_cannot_manage_a_higher_ranked_account(province, qt_noivu):
    boss = make_account("qt.tinh", unit=province["noi_vu"], role=Role.SYSTEM_ADMIN, over=None)
    boss.set_password("Mk@2026-Boss")
    boss.save()
    for service in (account_lock, account_reset_password, account_unlock, account_revoke):
        with pytest.raises(AccountPermissionDenied, match="cao hơn vai trò của bạn"):
            service(actor=qt_noivu, user=boss)
    boss.refresh_from_db()
    assert boss.is_active and not boss.is_locked and boss.check_password("Mk@2026-Boss")
    assert not SecurityEvent.objects.filter(user_id=boss.pk).exists()


def test_cannot_manage_accounts_outside_the_subtree_or_oneself(province, qt_noivu, admin_user):
    outsider = make_account("nv.stc", unit=province["tai_chinh"], role=Role.INDIVIDUAL)
    with pytest.raises(AccountPermissionDenied):
        account_lock(actor=qt_noivu, user=outsider)
    with pytest.raises(AccountPermissionDenied, match="tài khoản của chính mình"):
        account_lock(actor=qt_noivu, user=qt_noivu)
    with pytest.raises(AccountPermissionDenied, match="siêu quản trị"):
        account_reset_password(actor=qt_noivu, user=admin_user)
    outsider.refresh_from_db()
    assert not outsider.is_locked
