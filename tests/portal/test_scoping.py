"""The scoping primitive (portal/scoping.py): restrict, access, can, managed_units, ranks."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from portal import scoping
from portal.choices import Role
from portal.models import Grant, Unit
from tests.permissions import make_account

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def people(province):
    phong_ngan_sach = Unit.objects.get(name="Phòng Ngân sách")
    return {
        "a_chi_cuc": make_account("a.chicuc", unit=province["chi_cuc"], role=Role.INDIVIDUAL),
        "b_noi_vu": make_account("b.noivu", unit=province["noi_vu"], role=Role.INDIVIDUAL),
        "c_ngan_sach": make_account("c.ngansach", unit=phong_ngan_sach, role=Role.INDIVIDUAL),
        "d_root": make_account("d.tinh", unit=province["root"]),
    }


def usernames(user, action=scoping.VIEW) -> set[str]:
    return set(scoping.restrict(user, action, User.objects.all()).values_list("username", flat=True))


def test_superuser_sees_every_account(admin_user, people):
    assert usernames(admin_user) == set(User.objects.values_list("username", flat=True))
    assert usernames(admin_user, scoping.MANAGE) == usernames(admin_user)


def test_anonymous_and_inactive_accounts_see_nothing(province, people):
    assert usernames(AnonymousUser()) == set()
    assert usernames(None) == set()
    gone = make_account("da.nghi", unit=province["noi_vu"], role=Role.UNIT_ADMIN, active=False)
    assert usernames(gone) == set()
    assert not scoping.can(gone, scoping.MANAGE, User)


def test_system_admin_over_the_province_sees_everything(province, people):
    system = make_account("qt.tinh", unit=province["noi_vu"], role=Role.SYSTEM_ADMIN, over=None)
    assert usernames(system) == set(User.objects.values_list("username", flat=True))
    assert scoping.is_system_admin(system)
    assert scoping.managed_units(system) == [None]
    root_admin = make_account("qt.goc", unit=province["noi_vu"], role=Role.SYSTEM_ADMIN, over=province["root"])
    assert scoping.is_system_admin(root_admin)
    assert usernames(root_admin, scoping.MANAGE) == set(User.objects.values_list("username", flat=True))


def test_unit_admin_sees_and_manages_only_the_subtree(province, people):
    admin = make_account("qt.snv", unit=province["noi_vu"], role=Role.UNIT_ADMIN)
    assert usernames(admin) == {"a.chicuc", "b.noivu", "qt.snv"}
    assert usernames(admin, scoping.MANAGE) == {"a.chicuc", "b.noivu", "qt.snv"}
    assert scoping.managed_units(admin) == [province["noi_vu"]]
    assert scoping.unit_in_scope(province["chi_cuc"], [province["noi_vu"]])
    assert not scoping.unit_in_scope(province["tai_chinh"], [province["noi_vu"]])
    assert not scoping.unit_in_scope(None, [province["noi_vu"]])
    assert not scoping.is_system_admin(admin)


def test_hr_clerk_sees_only_itself_among_accounts(province, people):
    clerk = make_account("cb.snv", unit=province["noi_vu"], role=Role.HR_CLERK)
    assert usernames(clerk) == {"cb.snv"}  # an account always sees itself
    assert usernames(clerk, scoping.MANAGE) == set()
    assert not scoping.can(clerk, scoping.MANAGE, User)
    assert scoping.managed_units(clerk) == []
    assert scoping.can(clerk, scoping.VIEW, Unit)  # configuration: readable by all


def test_individual_sees_only_itself_and_its_grants(province, people):
    person = people["a_chi_cuc"]
    assert usernames(person) == {"a.chicuc"}
    grants = scoping.restrict(person, scoping.VIEW, Grant.objects.all())
    assert {grant.user_id for grant in grants} == {person.pk}
    assert usernames(person, scoping.MANAGE) == set()


def test_expired_future_and_revoked_grants_give_nothing(province, people):
    today = timezone.localdate()
    expired = make_account(
        "het.han", unit=province["noi_vu"], role=Role.UNIT_ADMIN, grant={"ends_on": today - datetime.timedelta(days=1)}
    )
    future = make_account(
        "chua.toi", unit=province["noi_vu"], role=Role.UNIT_ADMIN, grant={"starts_on": today + datetime.timedelta(1)}
    )
    revoked = make_account(
        "da.thu.hoi", unit=province["noi_vu"], role=Role.UNIT_ADMIN, grant={"revoked_at": timezone.now()}
    )
    last_day = make_account("hom.nay", unit=province["noi_vu"], role=Role.UNIT_ADMIN, grant={"ends_on": today})
    for user in (expired, future, revoked):
        assert usernames(user) == {user.username}
        assert usernames(user, scoping.MANAGE) == set()
        assert not scoping.can(user, scoping.MANAGE, User)
    assert "a.chicuc" in usernames(last_day, scoping.MANAGE)  # the end date is inclusive


def test_access_answers_404_for_missing_and_out_of_scope(province, people):
    admin = make_account("qt.snv", unit=province["noi_vu"], role=Role.UNIT_ADMIN)
    inside = scoping.access(user=admin, queryset=User.objects.all(), pk=people["a_chi_cuc"].pk)
    assert inside == people["a_chi_cuc"]
    for pk in (people["c_ngan_sach"].pk, people["d_root"].pk, 999_999, "abc", None):
        with pytest.raises(Http404):
            scoping.access(user=admin, queryset=User.objects.all(), pk=pk)
    clerk = make_account("cb.snv", unit=province["noi_vu"], role=Role.HR_CLERK)
    assert scoping.access(user=clerk, queryset=User.objects.all(), pk=clerk.pk) == clerk  # itself: visible
    with pytest.raises(Http404):  # but not to manage
        scoping.access(user=clerk, queryset=User.objects.all(), pk=clerk.pk, action=scoping.MANAGE)


def test_highest_rank_over_follows_the_subtree(province, admin_user):
    admin = make_account("qt.snv", unit=province["noi_vu"], role=Role.UNIT_ADMIN)
    assert scoping.highest_rank_over(admin, province["chi_cuc"]) == scoping.ROLE_RANK[Role.UNIT_ADMIN]
    assert scoping.highest_rank_over(admin, province["tai_chinh"]) == 0
    assert scoping.highest_rank_over(admin_user, None) > scoping.ROLE_RANK[Role.SYSTEM_ADMIN]


def test_models_without_scope_are_refused(admin_user):
    from portal.models import SecurityPolicy

    with pytest.raises(TypeError):
        scoping.restrict(admin_user, scoping.VIEW, SecurityPolicy.objects.all())


def test_grants_are_read_once_per_request_and_forgotten_when_they_change(
    province, admin_user, django_assert_num_queries
):
    from portal.services.accounts import grant_create, grant_revoke

    clerk = make_account("canbo.noivu", unit=province["noi_vu"])
    with scoping.grant_cache():
        assert scoping.active_grants(clerk) == []
        grant = grant_create(actor=admin_user, user=clerk, role=Role.HR_CLERK, unit=province["noi_vu"])
        assert [g.pk for g in scoping.active_grants(clerk)] == [grant.pk]  # the new grant, not the kept []
        with django_assert_num_queries(0):
            assert scoping.managed_units(clerk, scoping.VIEW, model_label="portal.unit") == [province["noi_vu"]]
        grant_revoke(actor=admin_user, grant=grant)
        assert scoping.active_grants(clerk) == []
    # Outside a request nothing is kept: a grant written directly is seen at once.
    Grant.objects.create(user=clerk, role=Role.HR_CLERK, unit=province["noi_vu"], starts_on=datetime.date(2025, 1, 1))
    assert len(scoping.active_grants(clerk)) == 1
