"""Fixtures of the approval tests: a school with its principal (approver), clerks, teachers with pending changes,
and a throwaway PKI (tests/portal/signing/pki.py)."""

from __future__ import annotations

import datetime

import pytest

from portal.choices import Role
from portal.models import Grant
from portal.services.approvals import approval_rules_load_default
from portal.signing.backends import Pkcs12Signer
from records.models import Dossier
from records.services.dossiers import dossier_change
from tests.conftest import make_unit
from tests.portal.signing.pki import build_pki
from tests.records.factories import BASE_CONTENT, make_dossier

IN_WINDOW = datetime.date(2026, 12, 28)
OUTSIDE = datetime.date(2026, 12, 10)
PASSPHRASE = "Mk-chu-ky-2026"


@pytest.fixture(scope="module")
def pki():
    return build_pki()


@pytest.fixture
def trusted(pki, admin_user):
    from portal.services.signing import trust_root_upload

    return trust_root_upload(actor=admin_user, certificate=pki.root.der, name="CA gốc thử nghiệm")


@pytest.fixture
def school(province, django_user_model):
    giao_duc = make_unit("Sở Giáo dục và Đào tạo", parent=province["root"], type_code="SO")
    truong = make_unit("Trường THPT Thành phố Cao Lãnh", parent=giao_duc, type_code="TRUONG_THPT")
    other = make_unit("Trường THPT Hồng Ngự", parent=giao_duc, type_code="TRUONG_THPT")
    approval_rules_load_default()

    def account(username, unit, role, full=("", "")):
        user = django_user_model.objects.create_user(
            username=username, password="Mk@2026-x", unit=unit, first_name=full[0], last_name=full[1]
        )
        Grant.objects.create(user=user, role=role, unit=unit, starts_on=datetime.date(2025, 1, 1))
        return user

    return {
        "giao_duc": giao_duc,
        "truong": truong,
        "other": other,
        "principal": account("hieutruong", truong, Role.APPROVER, ("Nguyễn Văn An", "")),
        "other_principal": account("hieutruong.hn", other, Role.APPROVER),
        "director": account("giamdoc.sgd", giao_duc, Role.APPROVER),
        "clerk": account("tccb.truong", truong, Role.HR_CLERK),
        "clerk_other": account("tccb.hn", other, Role.HR_CLERK),
    }


def teacher(unit, personal_id, name):
    identity = {**BASE_CONTENT["identity"], "full_name": name}
    return make_dossier(unit, personal_id=personal_id, identity=identity, header={"personnel_category": "VC"})


def raise_step(dossier, clerk, step):
    salary = {**BASE_CONTENT["salary"], "salary_step": step}
    return dossier_change(
        dossier=dossier,
        sections={"salary": salary},
        actor=clerk,
        expected_version=Dossier.objects.get(pk=dossier.pk).latest_version,
        reason="Nâng bậc lương",
    )


@pytest.fixture
def teachers(school):
    people = [
        teacher(school["truong"], "087090000124", "Trần Thị Đào"),
        teacher(school["truong"], "087090000125", "Lê Văn Ước"),
        teacher(school["truong"], "087090000126", "Phạm Thị Ơn"),
    ]
    for person in people:
        raise_step(person, school["clerk"], 4)
    return people


@pytest.fixture
def seal_signer(pki, trusted):
    return Pkcs12Signer(pki.person.pkcs12(PASSPHRASE), PASSPHRASE)
