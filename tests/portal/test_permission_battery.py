"""Every admin screen and API endpoint of the project, checked four ways (tests/permissions.py).

The URL names come from the resolver: a new view or endpoint without a line in
``ENTRIES`` makes ``test_every_project_url_has_a_battery_entry`` fail.

Actors (``scenario``): ``nobody`` is signed in with no grant at all (the admin does
not let it in); ``clerk`` is an HR clerk of Sở Nội vụ (enters the admin, reads the
configuration, manages no account); ``qt_noivu`` / ``qt_taichinh`` are unit
administrators of Sở Nội vụ / Sở Tài chính; ``system`` a system administrator;
``superuser``. Objects: ``target``, an individual account of Chi cục Văn thư - Lưu
trữ (inside Sở Nội vụ) with its grant, and the catalogue ``kind`` / ``entry``.
"""

from __future__ import annotations

import functools

import pytest
from django.urls import reverse

from portal.choices import Role
from portal.models import ApprovalWindowPolicy, CatalogueEntry, Grant, SecurityPolicy
from portal.services.fields.definitions import field_definition_save
from tests.permissions import Entry, battery_cases, make_account, project_url_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(province, admin_user):
    noi_vu, tai_chinh, chi_cuc = province["noi_vu"], province["tai_chinh"], province["chi_cuc"]
    target = make_account("nguyen.van.a", unit=chi_cuc, role=Role.INDIVIDUAL, first_name="Bí", last_name="Mật Thị")
    entry = CatalogueEntry.objects.filter(kind__code="loai_don_vi", code="PHONG").select_related("kind").get()
    return {
        **province,
        "superuser": admin_user,
        "nobody": make_account("khong.quyen"),
        "clerk": make_account("canbo.snv", unit=noi_vu, role=Role.HR_CLERK),
        "qt_noivu": make_account("qt.snv", unit=noi_vu, role=Role.UNIT_ADMIN),
        "qt_taichinh": make_account("qt.stc", unit=tai_chinh, role=Role.UNIT_ADMIN),
        "system": make_account("qt.tinh", unit=noi_vu, role=Role.SYSTEM_ADMIN, over=None),
        "target": target,
        "grant": Grant.objects.get(user=target),
        "kind": entry.kind,
        "entry": entry,
        "field": field_definition_save(
            values={"target": "unit", "key": "ma_rieng", "label": "Mã riêng", "field_type": "text"}
        ),
    }


def admin(name, *args):
    return lambda s: reverse(name, args=[a(s) for a in args])


def api(name, **kwargs):
    return lambda s: reverse(name, kwargs={key: value(s) for key, value in kwargs.items()})


def pk(key):
    return lambda s: s[key].pk


def code(key):
    return lambda s: s[key].code


def target_secrets(s):
    return [s["target"].username, "Bí", "Mật Thị"]


def empty(s):
    return {}


# --- the admin -----------------------------------------------------------------------------------

UNIT_READ = {"permitted": "clerk", "no_permission": "nobody", "expect_no_permission": 302}
# Unit changes: unit admins inside their subtree (scoping.CAPABILITIES); outside → 404.
UNIT_CHANGE = {
    "permitted": "qt_noivu",
    "no_permission": "clerk",
    "other_unit": "qt_taichinh",
}
CATALOGUE_READ = {"permitted": "clerk", "no_permission": "nobody", "expect_no_permission": 302}
CATALOGUE_CHANGE = {"permitted": "system", "no_permission": "qt_noivu"}
ACCOUNTS = {"permitted": "qt_noivu", "no_permission": "clerk"}
FIELDS = {"permitted": "system", "no_permission": "qt_noivu"}
ACCOUNT_OBJECT = {**ACCOUNTS, "other_unit": "qt_taichinh", "secrets": target_secrets}

ADMIN_ENTRIES = [
    Entry("portal_units:index", admin("portal_units:index"), **UNIT_READ),
    Entry("portal_units:add_root", admin("portal_units:add_root"), permitted="system", no_permission="clerk"),
    Entry("portal_units:detail", admin("portal_units:detail", pk("chi_cuc")), **UNIT_READ),
    Entry("portal_units:export", admin("portal_units:export", pk("chi_cuc")), **UNIT_READ),
    # A missing file answers 404 to those who may see the unit: the battery's permitted way expects that.
    Entry(
        "portal_units:custom_file",
        lambda s: reverse("portal_units:custom_file", args=[s["chi_cuc"].pk, "ma_rieng"]),
        expect_permitted=(404,),
        **UNIT_READ,
    ),
    *(
        Entry(f"portal_units:{name}", admin(f"portal_units:{name}", pk("chi_cuc")), **UNIT_CHANGE)
        for name in ("add_child", "edit", "move", "merge", "split", "dissolve")
    ),
    Entry("portal_catalogues:index", admin("portal_catalogues:index"), **CATALOGUE_READ),
    Entry("portal_catalogues:kind", admin("portal_catalogues:kind", pk("kind")), **CATALOGUE_READ),
    Entry("portal_catalogues:export", admin("portal_catalogues:export", pk("kind")), **CATALOGUE_READ),
    Entry("portal_catalogues:kind_add", admin("portal_catalogues:kind_add"), **CATALOGUE_CHANGE),
    Entry("portal_catalogues:kind_edit", admin("portal_catalogues:kind_edit", pk("kind")), **CATALOGUE_CHANGE),
    Entry("portal_catalogues:import", admin("portal_catalogues:import", pk("kind")), **CATALOGUE_CHANGE),
    Entry(
        "portal_catalogues:import_apply",
        admin("portal_catalogues:import_apply", pk("kind")),
        method="post",
        expect_permitted=(302,),
        **CATALOGUE_CHANGE,
    ),
    Entry("portal_catalogues:entry_add", admin("portal_catalogues:entry_add", pk("kind")), **CATALOGUE_CHANGE),
    Entry(
        "portal_catalogues:entry_edit",
        admin("portal_catalogues:entry_edit", pk("kind"), pk("entry")),
        **CATALOGUE_CHANGE,
    ),
    *(
        Entry(
            f"portal_catalogues:{name}",
            admin(f"portal_catalogues:{name}", pk("kind"), pk("entry")),
            method="post",
            expect_permitted=(302,),
            **CATALOGUE_CHANGE,
        )
        for name in ("entry_retire", "entry_reactivate")
    ),
    Entry(
        "portal_catalogues:entry_delete",
        admin("portal_catalogues:entry_delete", pk("kind"), pk("entry")),
        **CATALOGUE_CHANGE,
    ),
    # Lists: the other unit's administrator gets the page, without the account on it.
    Entry(
        "portal_accounts:index",
        admin("portal_accounts:index"),
        other_unit="qt_taichinh",
        expect_other_unit=(200,),
        secrets=target_secrets,
        **ACCOUNTS,
    ),
    Entry("portal_accounts:add", admin("portal_accounts:add"), **ACCOUNTS),
    Entry("portal_accounts:bulk", admin("portal_accounts:bulk"), **ACCOUNTS),
    *(
        Entry(f"portal_accounts:{name}", admin(f"portal_accounts:{name}", pk("target")), **ACCOUNT_OBJECT)
        for name in ("detail", "lock", "unlock", "reset_password", "revoke", "grant_add")
    ),
    # The audit log is the system administrators' alone; others are told it does not exist.
    Entry(
        "portal_audit:log",
        admin("portal_audit:log"),
        permitted="system",
        no_permission="qt_noivu",
        expect_no_permission=404,
    ),
    Entry(
        "portal_audit:export",
        lambda s: reverse("portal_audit:export", args=["xlsx"]),
        permitted="system",
        no_permission="qt_noivu",
        expect_no_permission=404,
    ),
    # An account's history: through scoping.access, so a clerk (sees only itself) gets 404 too.
    Entry(
        "portal_audit:history",
        lambda s: reverse("portal_audit:history", args=["user", s["target"].pk]),
        expect_no_permission=404,
        variant="user",
        **ACCOUNT_OBJECT,
    ),
    Entry(
        "portal_audit:history",
        lambda s: reverse("portal_audit:history", args=["grant", s["grant"].pk]),
        expect_no_permission=404,
        variant="grant",
        **ACCOUNT_OBJECT,
    ),
    Entry(
        "portal_audit:history",
        lambda s: reverse("portal_audit:history", args=["field", s["field"].pk]),
        expect_no_permission=404,
        variant="field",
        **FIELDS,
    ),
    Entry(
        "portal_audit:history",
        lambda s: reverse("portal_audit:history", args=["security-policy", SecurityPolicy.load().pk]),
        expect_no_permission=404,
        variant="security-policy",
        **FIELDS,
    ),
    Entry("portal_fields:index", admin("portal_fields:index"), **FIELDS),
    Entry("portal_fields:add", admin("portal_fields:add"), **FIELDS),
    Entry("portal_fields:edit", admin("portal_fields:edit", pk("field")), **FIELDS),
    *(
        Entry(
            f"portal_fields:{name}",
            admin(f"portal_fields:{name}", pk("field")),
            method="post",
            expect_permitted=(302,),
            **FIELDS,
        )
        for name in ("retire", "reactivate")
    ),
    Entry("portal_passwords:change", admin("portal_passwords:change"), **UNIT_READ),
    Entry(
        "portal_accounts:grant_revoke",
        admin("portal_accounts:grant_revoke", pk("target"), pk("grant")),
        **ACCOUNT_OBJECT,
    ),
]

# --- the API ---------------------------------------------------------------------------------------

API_READ = {"api": True, "permitted": "nobody", "no_permission": None}  # every signed-in account reads
UNIT_WRITE = {"api": True, "data": empty, "expect_permitted": (400,), **UNIT_CHANGE, "expect_other_unit": (404,)}
CATALOGUE_WRITE = {"api": True, "data": empty, "expect_permitted": (400,), **CATALOGUE_CHANGE}
ACCOUNT_API = {"api": True, **ACCOUNT_OBJECT}

API_ENTRIES = [
    Entry("api-root", api("api-root"), **API_READ),
    Entry("api-schema", api("api-schema"), **API_READ),
    Entry("api-docs", api("api-docs"), **API_READ),
    Entry("api-redoc", api("api-redoc"), **API_READ),
    Entry("unit-list", api("unit-list"), **API_READ),
    *(
        Entry(f"unit-{name}", api(f"unit-{name}", pk=pk("chi_cuc")), **API_READ)
        for name in ("detail", "tree", "events")
    ),
    Entry(
        "unit-list",
        api("unit-list"),
        method="post",
        api=True,
        data=empty,
        permitted="system",
        no_permission="clerk",
        expect_permitted=(400,),
    ),
    Entry(
        "unit-detail",
        api("unit-detail", pk=pk("chi_cuc")),
        method="patch",
        **{**UNIT_WRITE, "expect_permitted": (200,)},  # an empty change is no change
    ),
    *(
        Entry(f"unit-{name}", api(f"unit-{name}", pk=pk("chi_cuc")), method="post", **UNIT_WRITE)
        for name in ("move", "merge", "split", "dissolve")
    ),
    Entry("catalogue-list", api("catalogue-list"), **API_READ),
    Entry("catalogue-detail", api("catalogue-detail", code=code("kind")), **API_READ),
    Entry("catalogue-entry-list", api("catalogue-entry-list", kind_code=code("kind")), **API_READ),
    Entry("catalogue-entry-detail", api("catalogue-entry-detail", kind_code=code("kind"), pk=pk("entry")), **API_READ),
    Entry("catalogue-list", api("catalogue-list"), method="post", **CATALOGUE_WRITE),
    Entry(
        "catalogue-detail",
        api("catalogue-detail", code=code("kind")),
        method="patch",
        **{**CATALOGUE_WRITE, "expect_permitted": (200,)},
    ),
    Entry(
        "catalogue-entry-list", api("catalogue-entry-list", kind_code=code("kind")), method="post", **CATALOGUE_WRITE
    ),
    Entry(
        "catalogue-entry-detail",
        api("catalogue-entry-detail", kind_code=code("kind"), pk=pk("entry")),
        method="patch",
        **{**CATALOGUE_WRITE, "expect_permitted": (200,)},
    ),
    *(
        Entry(
            f"catalogue-entry-{name}",
            api(f"catalogue-entry-{name}", kind_code=code("kind"), pk=pk("entry")),
            method="post",
            **{**CATALOGUE_WRITE, "expect_permitted": (200,)},
        )
        for name in ("retire", "reactivate")
    ),
    Entry("custom-field-list", api("custom-field-list"), **API_READ),
    Entry("custom-field-detail", api("custom-field-detail", pk=pk("field")), **API_READ),
    Entry("custom-field-list", api("custom-field-list"), method="post", **CATALOGUE_WRITE),
    Entry(
        "custom-field-detail",
        api("custom-field-detail", pk=pk("field")),
        method="patch",
        **{**CATALOGUE_WRITE, "expect_permitted": (200,)},
    ),
    *(
        Entry(
            f"custom-field-{name}",
            api(f"custom-field-{name}", pk=pk("field")),
            method="post",
            **{**CATALOGUE_WRITE, "expect_permitted": (200,)},
        )
        for name in ("retire", "reactivate")
    ),
    Entry(
        "account-list",
        api("account-list"),
        api=True,
        permitted="qt_noivu",
        no_permission="clerk",
        other_unit="qt_taichinh",
        expect_other_unit=(200,),
        secrets=target_secrets,
    ),
    Entry(
        "account-list",
        api("account-list"),
        method="post",
        data=empty,
        api=True,
        permitted="qt_noivu",
        no_permission="clerk",
        expect_permitted=(400,),
    ),
    Entry("account-detail", api("account-detail", pk=pk("target")), **ACCOUNT_API),
    *(
        Entry(f"account-{name}", api(f"account-{name}", pk=pk("target")), method="post", **ACCOUNT_API)
        for name in ("lock", "unlock", "reset-password", "revoke")
    ),
    Entry("account-grant-list", api("account-grant-list", account_pk=pk("target")), **ACCOUNT_API),
    Entry(
        "account-grant-list",
        api("account-grant-list", account_pk=pk("target")),
        method="post",
        data=empty,
        expect_permitted=(400,),
        **ACCOUNT_API,
    ),
    Entry("account-grant-detail", api("account-grant-detail", account_pk=pk("target"), pk=pk("grant")), **ACCOUNT_API),
    Entry(
        "account-grant-revoke",
        api("account-grant-revoke", account_pk=pk("target"), pk=pk("grant")),
        method="post",
        **ACCOUNT_API,
    ),
]

ENTRIES = ADMIN_ENTRIES + API_ENTRIES

# --- approval authorities (portal/views/approvals/) ------------------------------------------------


def approval_objects(s):
    """Made on first use: an approver of Sở Nội vụ and a delegation to their deputy, a rule, an override."""
    if "delegation" not in s:
        from django.utils import timezone

        from portal.services.approvals import approval_delegation_create, approval_override_grant, approval_rule_save

        today = timezone.localdate()
        approver = make_account("giamdoc.snv", unit=s["noi_vu"], role=Role.APPROVER)
        deputy = make_account("phogiamdoc.snv", unit=s["noi_vu"], role=Role.LEADER)
        s["delegation"] = approval_delegation_create(
            actor=approver,
            delegator=approver,
            delegate=deputy,
            unit=s["noi_vu"],
            starts_on=today,
            ends_on=today,
            reason="Ủy quyền bí mật",
        )
        s["rule"] = approval_rule_save(
            actor=s["system"], values={"name": "Quy tắc bí mật", "approver_mode": "fixed", "approver_unit": s["noi_vu"]}
        )
        s["override"] = approval_override_grant(
            actor=s["system"], unit=s["noi_vu"], starts_on=today, ends_on=today, reason="Cho phép bí mật"
        )
    return s


def approval_pk(key):
    return lambda s: approval_objects(s)[key].pk


def approval_admin(name, *args):
    """Like ``admin``, once the approval objects exist (so that a page has something to leak)."""

    def build(s):
        approval_objects(s)
        return reverse(name, args=[arg(s) if callable(arg) else arg for arg in args])

    return build


def delegation_secrets(s):
    return ["Ủy quyền bí mật", "phogiamdoc.snv"]


# Rules and the window are the system administrators' configuration: a unit administrator gets 403.
APPROVAL_CONFIG = {"permitted": "system", "no_permission": "qt_noivu"}
# Delegations: administrators (and approvers) of the unit's subtree; a clerk has no business there.
DELEGATIONS = {"permitted": "qt_noivu", "no_permission": "clerk"}

APPROVAL_ENTRIES = [
    Entry("portal_approvals:rules", approval_admin("portal_approvals:rules"), **APPROVAL_CONFIG),
    Entry("portal_approvals:rule_add", approval_admin("portal_approvals:rule_add"), **APPROVAL_CONFIG),
    Entry(
        "portal_approvals:rule_edit",
        approval_admin("portal_approvals:rule_edit", approval_pk("rule")),
        secrets=lambda s: ["Quy tắc bí mật"],
        **APPROVAL_CONFIG,
    ),
    Entry(
        "portal_approvals:rules_load_default", approval_admin("portal_approvals:rules_load_default"), **APPROVAL_CONFIG
    ),
    Entry(
        "portal_approvals:rules_load_default",
        approval_admin("portal_approvals:rules_load_default"),
        method="post",
        data=empty,
        expect_permitted=(302,),
        variant="post",
        **APPROVAL_CONFIG,
    ),
    # The list: another subtree's administrator gets the page, without the delegation on it.
    Entry(
        "portal_approvals:delegations",
        approval_admin("portal_approvals:delegations"),
        other_unit="qt_taichinh",
        expect_other_unit=(200,),
        secrets=delegation_secrets,
        **DELEGATIONS,
    ),
    Entry("portal_approvals:delegation_add", approval_admin("portal_approvals:delegation_add"), **DELEGATIONS),
    Entry(
        "portal_approvals:delegation_revoke",
        approval_admin("portal_approvals:delegation_revoke", approval_pk("delegation")),
        other_unit="qt_taichinh",
        secrets=delegation_secrets,
        **DELEGATIONS,
    ),
    Entry(
        "portal_approvals:delegation_revoke",
        approval_admin("portal_approvals:delegation_revoke", approval_pk("delegation")),
        method="post",
        expect_permitted=(302,),
        other_unit="qt_taichinh",
        secrets=delegation_secrets,
        variant="post",
        **DELEGATIONS,
    ),
    Entry("portal_approvals:window", approval_admin("portal_approvals:window"), **APPROVAL_CONFIG),
    Entry("portal_approvals:override_add", approval_admin("portal_approvals:override_add"), **APPROVAL_CONFIG),
    Entry(
        "portal_approvals:override_revoke",
        approval_admin("portal_approvals:override_revoke", approval_pk("override")),
        secrets=lambda s: ["Cho phép bí mật"],
        **APPROVAL_CONFIG,
    ),
    *(
        Entry(
            "portal_audit:history",
            approval_admin("portal_audit:history", key, approval_pk(obj)),
            expect_no_permission=404,
            variant=key,
            **APPROVAL_CONFIG,
        )
        for key, obj in (("approval-rule", "rule"), ("approval-override", "override"))
    ),
    Entry(
        "portal_audit:history",
        approval_admin("portal_audit:history", "approval-window", lambda s: ApprovalWindowPolicy.load().pk),
        expect_no_permission=404,
        variant="approval-window",
        **APPROVAL_CONFIG,
    ),
    Entry(
        "portal_audit:history",
        approval_admin("portal_audit:history", "approval-delegation", approval_pk("delegation")),
        expect_no_permission=404,
        other_unit="qt_taichinh",
        secrets=delegation_secrets,
        variant="approval-delegation",
        **DELEGATIONS,
    ),
]
ENTRIES += APPROVAL_ENTRIES


# --- signing configuration (portal/views/signing.py) ----------------------------------------------


@functools.cache
def signing_pki():
    """One generated test PKI for the whole battery (tests/portal/signing/pki.py)."""
    from tests.portal.signing.pki import build_pki

    return build_pki()


def signing_objects(s):
    """Made on first use: a trust root and an agency-seal credential (its key held elsewhere)."""
    if "trust_root" not in s:
        from portal.services.signing import signing_credential_register, trust_root_upload

        pki = signing_pki()
        s["trust_root"] = trust_root_upload(actor=None, certificate=pki.root.der, name="Gốc bí mật")
        s["credential"] = signing_credential_register(
            actor=None,
            kind="external",
            label="Con dấu bí mật",
            signer_role="Con dấu cơ quan",
            unit=s["noi_vu"],
            certificate=pki.seal.der,
        )
    return s


def signing_admin(name, key=None):
    def build(s):
        signing_objects(s)
        return reverse(name, args=[s[key].pk] if key else [])

    return build


# Trust roots and credentials are province-wide configuration: system administrators only (403 for others).
SIGNING_CONFIG = {"permitted": "system", "no_permission": "qt_noivu"}

SIGNING_ENTRIES = [
    Entry("portal_signing:trust_roots", signing_admin("portal_signing:trust_roots"), **SIGNING_CONFIG),
    Entry("portal_signing:trust_root_add", signing_admin("portal_signing:trust_root_add"), **SIGNING_CONFIG),
    Entry(
        "portal_signing:trust_root_detail",
        signing_admin("portal_signing:trust_root_detail", "trust_root"),
        secrets=lambda s: ["Gốc bí mật", s["trust_root"].fingerprint_sha256],
        **SIGNING_CONFIG,
    ),
    Entry(
        "portal_signing:trust_root_status",
        signing_admin("portal_signing:trust_root_status", "trust_root"),
        method="post",
        expect_permitted=(302,),
        **SIGNING_CONFIG,
    ),
    Entry("portal_signing:credentials", signing_admin("portal_signing:credentials"), **SIGNING_CONFIG),
    Entry("portal_signing:credential_add", signing_admin("portal_signing:credential_add"), **SIGNING_CONFIG),
    Entry(
        "portal_signing:credential_detail",
        signing_admin("portal_signing:credential_detail", "credential"),
        secrets=lambda s: ["Con dấu bí mật", s["credential"].fingerprint_sha256],
        **SIGNING_CONFIG,
    ),
    Entry(
        "portal_signing:credential_status",
        signing_admin("portal_signing:credential_status", "credential"),
        method="post",
        expect_permitted=(302,),
        **SIGNING_CONFIG,
    ),
]
ENTRIES += SIGNING_ENTRIES


@pytest.mark.parametrize(("entry", "way"), list(battery_cases(ENTRIES)))
def test_battery(scenario, entry, way):
    entry.run(way, scenario)


def test_the_battery_names_only_existing_urls():
    assert {entry.name for entry in ENTRIES} <= project_url_names()


# --- notifications (portal/views/notifications.py): everyone reads and marks only their own ----------


def notification_of_clerk(s):
    if "notification" not in s:
        from portal.services.notifications import notification_send

        (s["notification"],) = notification_send(
            recipients=[s["clerk"]], kind="test", key="battery", title="Thông báo bí mật", body="Nội dung", email=False
        )
    return reverse("portal_notifications:read", args=[s["notification"].pk])


NOTIFICATIONS = {"permitted": "clerk", "no_permission": "nobody", "expect_no_permission": 302}
NOTIFICATION_ENTRIES = [
    Entry("portal_notifications:index", admin("portal_notifications:index"), **NOTIFICATIONS),
    Entry(
        "portal_notifications:read_all",
        admin("portal_notifications:read_all"),
        method="post",
        data=empty,
        expect_permitted=(302,),
        **NOTIFICATIONS,
    ),
    Entry(
        "portal_notifications:read",
        notification_of_clerk,
        method="post",
        data=empty,
        expect_permitted=(302,),
        other_unit="qt_taichinh",
        secrets=lambda s: ["Thông báo bí mật"],
        **NOTIFICATIONS,
    ),
]
ENTRIES += NOTIFICATION_ENTRIES
