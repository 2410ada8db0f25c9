"""Every records admin screen and API endpoint, four ways (tests/permissions.py).

Actors: ``clerk`` is the HR clerk of Sở Nội vụ (the dossier is in its Chi cục);
``clerk_tc`` the HR clerk of Sở Tài chính (same capability, another subtree: 404);
``leader`` may enter the admin but reads no individual dossier; ``person`` owns the
dossier (an individual: no admin screens, their own dossier through the API).
"""

from __future__ import annotations

import functools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.choices import Role
from records.services.declarations import declaration_submit
from tests.permissions import Entry, battery_cases, make_account, project_url_names
from tests.records.factories import make_dossier

pytestmark = pytest.mark.django_db
SECRETS = ["087090000123", "Nguyễn Văn Thắng"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def scenario(province):
    person = make_account("nguyen.van.thang", unit=province["chi_cuc"], role=Role.INDIVIDUAL)
    dossier = make_dossier(province["chi_cuc"], account=person)
    declaration = declaration_submit(
        dossier=dossier,
        section="training_language",
        proposed=[{"period_from": "2019-03", "institution": "ĐH Cần Thơ", "language": "ANH"}],
        actor=person,
        files=[SimpleUploadedFile("cc.pdf", b"%PDF-1.4 x")],
    )
    return {
        **province,
        "person": person,
        "dossier": dossier,
        "declaration": declaration,
        "evidence": declaration.evidence.get(),
        "clerk": make_account("canbo.snv", unit=province["noi_vu"], role=Role.HR_CLERK),
        "clerk_tc": make_account("canbo.stc", unit=province["tai_chinh"], role=Role.HR_CLERK),
        "leader": make_account("lanhdao", unit=province["root"], role=Role.LEADER),
        "lonely": make_account("chua.co.ho.so", unit=province["chi_cuc"], role=Role.INDIVIDUAL),
        "stranger": _stranger(province),
    }


def _stranger(province):
    """Another person with a dossier of their own (another unit)."""
    from tests.records.factories import BASE_CONTENT

    account = make_account("tran.thi.lan", unit=province["tai_chinh"], role=Role.INDIVIDUAL)
    identity = {**BASE_CONTENT["identity"], "full_name": "Trần Thị Lan", "sex": "2"}
    make_dossier(province["tai_chinh"], account=account, personal_id="087190000456", identity=identity)
    return account


def url(name, *keys, query: str = ""):
    return lambda s: reverse(name, args=[s[key].pk for key in keys]) + query


def secrets(s):
    return SECRETS


ADMIN_LIST = {"permitted": "clerk", "no_permission": "leader"}
ADMIN_OBJECT = {**ADMIN_LIST, "other_unit": "clerk_tc", "secrets": secrets}
# The API: a leader is signed in but sees no dossier, so objects answer 404 (never 403).
API_OBJECT = {
    "api": True,
    "permitted": "clerk",
    "no_permission": "leader",
    "expect_no_permission": 404,
    "other_unit": "clerk_tc",
    "secrets": secrets,
}
API_LIST = {"api": True, "permitted": "clerk", "no_permission": None}

SELF = {"login_prefix": "/ca-nhan/dang-nhap/", "permitted": "person", "no_permission": "lonely"}
SELF_OBJECT = {**SELF, "expect_no_permission": 404, "other_unit": "stranger", "secrets": secrets}

ENTRIES = [
    # The self-service portal: a person without a dossier sees the "not linked" page, and
    # another person's declaration or evidence does not exist for them.
    Entry("records_self:home", url("records_self:home"), expect_no_permission=200, secrets=secrets, **SELF),
    Entry(
        "records_self:declare",
        lambda s: reverse("records_self:declare", args=["health"]),
        expect_no_permission=404,
        **SELF,
    ),
    Entry(
        "records_self:withdraw",
        url("records_self:withdraw", "declaration"),
        method="post",
        expect_permitted=(302,),
        **SELF_OBJECT,
    ),
    Entry("records_self:evidence", url("records_self:evidence", "evidence"), **SELF_OBJECT),
    # Every signed-in account changes its own password there, with or without a dossier.
    Entry("records_self:password", url("records_self:password"), expect_no_permission=200, **SELF),
    Entry("records_dossiers:index", url("records_dossiers:index"), **ADMIN_LIST),
    Entry("records_dossiers:export", lambda s: reverse("records_dossiers:export", args=["csv"]), **ADMIN_LIST),
    Entry("records_dossiers:detail", url("records_dossiers:detail", "dossier"), **ADMIN_OBJECT),
    Entry("records_dossiers:compare", url("records_dossiers:compare", "dossier", query="?base=1&to=1"), **ADMIN_OBJECT),
    Entry("records_dossiers:evidence", url("records_dossiers:evidence", "dossier", "evidence"), **ADMIN_OBJECT),
    Entry(
        "records_dossiers:change",
        lambda s: reverse("records_dossiers:change", args=[s["dossier"].pk, "health"]),
        **ADMIN_OBJECT,
    ),
    Entry("records_dossiers:status", url("records_dossiers:status", "dossier"), **ADMIN_OBJECT),
    Entry("records_reviews:queue", url("records_reviews:queue"), **ADMIN_LIST),
    Entry("records_reviews:review", url("records_reviews:review", "declaration"), **ADMIN_OBJECT),
    Entry("dossier-list", url("dossier-list"), **API_LIST),
    Entry(
        "dossier-list",
        url("dossier-list"),
        method="post",
        data=lambda s: {},
        expect_permitted=(400,),
        variant="create",
        **API_LIST,
    ),
    Entry("dossier-detail", url("dossier-detail", "dossier"), **API_OBJECT),
    Entry("dossier-versions", url("dossier-versions", "dossier"), **API_OBJECT),
    Entry("dossier-version", lambda s: reverse("dossier-version", args=[s["dossier"].pk, 1]), **API_OBJECT),
    Entry("dossier-compare", url("dossier-compare", "dossier", query="?base=1&to=1"), **API_OBJECT),
    Entry("dossier-declarations", url("dossier-declarations", "dossier"), **API_OBJECT),
    Entry(
        "dossier-changes",
        url("dossier-changes", "dossier"),
        method="post",
        data=lambda s: {"sections": {"health": {"health_status": "Tốt"}}, "expected_version": 1},
        expect_permitted=(201,),
        **API_OBJECT,
    ),
    Entry(
        "dossier-change-status",
        url("dossier-change-status", "dossier"),
        method="post",
        data=lambda s: {"status": "NGHI_HUU"},
        expect_permitted=(400,),
        **API_OBJECT,
    ),
    Entry("declaration-list", url("declaration-list"), **API_LIST),
    Entry("declaration-detail", url("declaration-detail", "declaration"), **API_OBJECT),
    Entry(
        "declaration-accept",
        url("declaration-accept", "declaration"),
        method="post",
        data=lambda s: {},
        expect_permitted=(200,),
        **API_OBJECT,
    ),
    Entry(
        "declaration-send-back",
        url("declaration-send-back", "declaration"),
        method="post",
        data=lambda s: {"reason": "Thiếu dấu"},
        **API_OBJECT,
    ),
    # Only the author withdraws: the clerk (not the author) is refused with 403 after the lookup.
    Entry(
        "declaration-withdraw",
        url("declaration-withdraw", "declaration"),
        method="post",
        expect_permitted=(403,),
        **API_OBJECT,
    ),
]


# --- the monthly approval (records/views/approvals/) ----------------------------------------------


@functools.cache
def approval_pki():
    """One generated test PKI for the whole battery (tests/portal/signing/pki.py)."""
    from tests.portal.signing.pki import build_pki

    return build_pki()


def approval_objects(s):
    """Made on first use: a school whose principal approves its teachers, another school's principal,
    the school's clerk, approval allowed today, a signed act (publishing) and one awaiting the signature."""
    if "act" not in s:
        from django.utils import timezone

        from portal.services.approvals import approval_override_grant, approval_rules_load_default
        from portal.services.signing import trust_root_upload
        from portal.signing.backends import Pkcs12Signer
        from records.services.approvals import approval_act_create, approval_act_sign
        from tests.conftest import make_unit
        from tests.records.services.conftest import raise_step, teacher

        giao_duc = make_unit("Sở Giáo dục và Đào tạo", parent=s["root"], type_code="SO")
        truong = make_unit("Trường THPT Thành phố Cao Lãnh", parent=giao_duc, type_code="TRUONG_THPT")
        other = make_unit("Trường THPT Hồng Ngự", parent=giao_duc, type_code="TRUONG_THPT")
        approval_rules_load_default()
        today = timezone.localdate()
        system = make_account("quantri.pheduyet", is_superuser=True)
        approval_override_grant(actor=system, unit=giao_duc, starts_on=today, ends_on=today, reason="Thử nghiệm")
        s["principal"] = make_account("hieutruong", unit=truong, role=Role.APPROVER)
        s["other_principal"] = make_account("hieutruong.hn", unit=other, role=Role.APPROVER)
        s["clerk_truong"] = make_account("tccb.truong", unit=truong, role=Role.HR_CLERK)
        people = []
        for personal_id, name in APPROVAL_PEOPLE:
            people.append(teacher(truong, personal_id, name))
            raise_step(people[-1], s["clerk_truong"], 4)
        s["waiting"] = people[2]
        pki = approval_pki()
        trust_root_upload(actor=None, certificate=pki.root.der, name="CA gốc thử nghiệm")
        signed = approval_act_create(approver=s["principal"], dossier_ids=[people[0].pk])
        signer = Pkcs12Signer(pki.person.pkcs12("x"), "x")
        s["signed_act"] = approval_act_sign(act_id=signed.pk, actor=s["principal"], signer=signer)
        s["act"] = approval_act_create(approver=s["principal"], dossier_ids=[people[1].pk])
    return s


APPROVAL_PEOPLE = [("087090000124", "Trần Thị Đào"), ("087090000125", "Lê Văn Ước"), ("087090000126", "Phạm Thị Ơn")]


def approval_url(name, key=None):
    def build(s):
        approval_objects(s)
        return reverse(name, args=[s[key].pk] if key else [])

    return build


def approval_secrets(s):
    return [name for _pid, name in APPROVAL_PEOPLE] + [pid for pid, _name in APPROVAL_PEOPLE]


# The queue: approvers only (the unit's clerk reads the dossiers but approves nothing: 403).
QUEUE = {"permitted": "principal", "no_permission": "clerk_truong"}
# Acts: readers by role or approvers; an individual gets 403; another school's approver 404.
ACT_READ = {"permitted": "principal", "no_permission": "person", "other_unit": "other_principal"}
ACT = {**ACT_READ, "secrets": approval_secrets}

APPROVAL_ENTRIES = [
    Entry("records_approvals:queue", approval_url("records_approvals:queue"), **QUEUE),
    Entry(
        "records_approvals:queue",
        approval_url("records_approvals:queue"),
        method="post",
        data=lambda s: {"action": "create", "dossier": [s["waiting"].pk]},
        expect_permitted=(302,),
        variant="create",
        **QUEUE,
    ),
    Entry(
        "records_approvals:acts", approval_url("records_approvals:acts"), permitted="principal", no_permission="person"
    ),
    Entry("records_approvals:act", approval_url("records_approvals:act", "act"), **ACT),
    Entry("records_approvals:act_manifest", approval_url("records_approvals:act_manifest", "act"), **ACT),
    Entry("records_approvals:act_signed", approval_url("records_approvals:act_signed", "signed_act"), **ACT),
    Entry("records_approvals:act_progress", approval_url("records_approvals:act_progress", "signed_act"), **ACT),
    # Signing and cancelling: the act's approver; the unit's clerk reads the act but gets 403.
    *(
        Entry(
            name,
            approval_url(name, "act"),
            method="post",
            data=data,
            expect_permitted=(status,),
            permitted="principal",
            no_permission="clerk_truong",
            other_unit="other_principal",
            secrets=approval_secrets,
        )
        for name, data, status in (
            ("records_approvals:act_sign", lambda s: {"credential": ""}, 302),
            ("records_approvals:act_cancel", lambda s: {"reason": "Chọn nhầm"}, 302),
            ("records_approvals:act_sign_prepare", None, 400),
            ("records_approvals:act_sign_complete", None, 400),
        )
    ),
]
ENTRIES += APPROVAL_ENTRIES


@pytest.mark.parametrize(("entry", "way"), list(battery_cases(ENTRIES)))
def test_battery(scenario, entry, way):
    entry.run(way, scenario)


def test_the_person_reads_their_own_dossier_through_the_api(scenario):
    from tests.permissions import api_client_for

    client = api_client_for(scenario["person"])
    assert client.get(reverse("dossier-detail", args=[scenario["dossier"].pk])).status_code == 200
    # The admin is for staff: the person uses the API (and the self-service portal).
    assert client.get(reverse("records_dossiers:detail", args=[scenario["dossier"].pk])).status_code == 403


def test_the_battery_names_only_existing_urls():
    assert {entry.name for entry in ENTRIES} <= project_url_names()
