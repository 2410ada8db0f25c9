"""Admin screens of the audit trail (portal/views/audit.py): per-object history within scope,
the system administrators' log with filters, and its csv/xlsx exports."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.choices import Role
from portal.models import CatalogueEntry, Grant, Unit
from portal.services.audit import security_event_record
from tests.permissions import perm

pytestmark = pytest.mark.django_db


@pytest.fixture
def renamed(province):
    """Sở Nội vụ renamed from the command line."""
    unit = province["noi_vu"]
    call_command("unit", "rename", f"#{unit.pk}", "--name", "Sở Nội vụ tỉnh Đồng Tháp")
    return unit


def history_url(key: str, pk: int) -> str:
    return reverse("portal_audit:history", args=[key, pk])


def log_url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('portal_audit:log')}?{query}"


def text(response) -> str:
    return response.content.decode()


# --- per-object history ---------------------------------------------------------------------


def test_unit_history_shows_the_change_who_and_when(admin_client, renamed):
    response = admin_client.get(history_url("unit", renamed.pk))
    assert response.status_code == 200
    body = text(response)
    assert "Sở Nội vụ → Sở Nội vụ tỉnh Đồng Tháp" in body
    assert "lệnh unit" in body
    assert timezone.localtime().strftime("%d/%m/%Y") in body
    # newest first: the rename comes before the creation
    assert body.index("Sở Nội vụ → Sở Nội vụ tỉnh Đồng Tháp") < body.index("000.00.05.H20")


def test_unit_detail_and_entry_edit_link_to_the_history(admin_client, province):
    unit = province["noi_vu"]
    assert history_url("unit", unit.pk) in text(admin_client.get(reverse("portal_units:detail", args=[unit.pk])))
    entry = CatalogueEntry.objects.filter(kind__code="loai_don_vi").first()
    page = admin_client.get(reverse("portal_catalogues:entry_edit", args=[entry.kind_id, entry.pk]))
    assert history_url("catalogue-entry", entry.pk) in text(page)
    kind_page = admin_client.get(reverse("portal_catalogues:kind", args=[entry.kind_id]))
    assert history_url("catalogue-kind", entry.kind_id) in text(kind_page)


def test_catalogue_entry_history(admin_client):
    entry = CatalogueEntry.objects.filter(kind__code="loai_don_vi").first()
    CatalogueEntry.objects.filter(pk=entry.pk).update(label="Nhãn mới")
    response = admin_client.get(history_url("catalogue-entry", entry.pk))
    assert response.status_code == 200
    assert f"{entry.label} → Nhãn mới" in text(response)
    assert admin_client.get(history_url("catalogue-kind", entry.kind_id)).status_code == 200


def test_history_is_404_without_access(client, admin_access_user, province):
    client.force_login(admin_access_user)
    entry = CatalogueEntry.objects.first()
    assert client.get(history_url("unit", province["noi_vu"].pk)).status_code == 404
    assert client.get(history_url("catalogue-entry", entry.pk)).status_code == 404
    assert client.get(history_url("catalogue-kind", entry.kind_id)).status_code == 404
    assert client.get(history_url("nothing", 1)).status_code == 404


def test_history_is_404_for_a_missing_object(admin_client):
    assert admin_client.get(history_url("unit", 999999)).status_code == 404


def test_account_history_follows_the_unit_scope(client, django_user_model, province):
    manager = django_user_model.objects.create_user(username="qtnv", password="Mk@2026-qtnv")
    manager.user_permissions.add(perm("access_admin", "wagtailadmin"))
    Grant.objects.create(
        user=manager, role=Role.UNIT_ADMIN, unit=province["noi_vu"], starts_on=datetime.date(2025, 1, 1)
    )
    inside = django_user_model.objects.create_user(username="trong", password="x", unit=province["chi_cuc"])
    outside = django_user_model.objects.create_user(username="ngoai", password="x", unit=province["tai_chinh"])
    django_user_model.objects.filter(pk=inside.pk).update(first_name="Lan")
    client.force_login(manager)
    response = client.get(history_url("user", inside.pk))
    assert response.status_code == 200
    assert "— → Lan" in text(response)
    assert "Mk@2026" not in text(response)
    assert client.get(history_url("user", outside.pk)).status_code == 404
    assert client.get(history_url("user", manager.pk)).status_code == 200  # one's own account


# --- the log --------------------------------------------------------------------------------


def test_log_is_404_for_others_and_200_for_a_system_admin(client, admin_access_user, django_user_model, province):
    client.force_login(admin_access_user)
    assert client.get(reverse("portal_audit:log")).status_code == 404
    assert client.get(reverse("portal_audit:export", args=["csv"])).status_code == 404
    sysadmin = django_user_model.objects.create_user(username="htqt", password="Mk@2026-htqt")
    sysadmin.user_permissions.add(perm("access_admin", "wagtailadmin"))
    Grant.objects.create(user=sysadmin, role=Role.SYSTEM_ADMIN, unit=None, starts_on=datetime.date(2025, 1, 1))
    client.force_login(sysadmin)
    response = client.get(reverse("portal_audit:log"))
    assert response.status_code == 200
    assert "Sở Nội vụ" in text(response)


def test_log_lists_row_events_and_sign_in_events(admin_client, admin_user, renamed):
    security_event_record(kind="login_failed", username="khach")
    response = admin_client.get(reverse("portal_audit:log"))
    body = text(response)
    assert "Sở Nội vụ tỉnh Đồng Tháp" in body
    assert "khach" in body
    page = response.context["page"]
    assert page.paginator.count > 50  # creating the province and loading catalogues wrote many rows
    assert len(page.object_list) == 50
    times = [row.time for row in page.object_list]
    assert times == sorted(times, reverse=True)
    assert page.object_list[0].object_label == "khach"


def test_log_filters(admin_client, renamed):
    security_event_record(kind="login_failed", username="khach")
    rows = admin_client.get(log_url(model="unit", action="update")).context["rows"]
    assert rows and all(row.model_key == "unit" and row.action == "update" for row in rows)
    assert any(row.object_label == "Sở Nội vụ tỉnh Đồng Tháp" for row in rows)

    rows = admin_client.get(log_url(q="tỉnh Đồng Tháp", model="unit")).context["page"].paginator.count
    assert rows >= 2  # the root unit's creation and the renamed department

    rows = admin_client.get(log_url(model="security")).context["rows"]
    assert "khach" in [row.object_label for row in rows]
    assert all(row.model_key == "security" for row in rows)
    assert admin_client.get(log_url(action="login_failed", user="khach")).context["page"].paginator.count == 1
    assert admin_client.get(log_url(action="login_failed", user="ai-do")).context["page"].paginator.count == 0

    today = timezone.localdate()
    tomorrow = (today + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert admin_client.get(log_url(date_from=tomorrow)).context["page"].paginator.count == 0
    assert admin_client.get(log_url(date_to=today.strftime("%d/%m/%Y"), model="security")).context["rows"]


def test_log_search_by_request_id_and_user(admin_client, admin_user, province):
    unit = province["tai_chinh"]
    Unit.objects.filter(pk=unit.pk).update(short_name="STC")  # no request context
    entry = CatalogueEntry.objects.filter(kind__code="loai_don_vi", active=True).first()
    response = admin_client.post(
        reverse("portal_catalogues:entry_retire", args=[entry.kind_id, entry.pk]),
        {"retired_on": timezone.localdate().strftime("%d/%m/%Y"), "note": ""},
        HTTP_X_REQUEST_ID="retire-req-0001",
    )
    assert response.status_code == 302
    rows = admin_client.get(log_url(q="retire-req-0001")).context["rows"]
    assert rows and all(row.request_id == "retire-req-0001" for row in rows)
    assert any(row.model_key == "catalogue-entry" and row.object_id == str(entry.pk) for row in rows)
    rows = admin_client.get(log_url(user="quantri", model="catalogue-entry")).context["rows"]
    assert rows and all(row.who == "quantri" for row in rows)


# --- exports --------------------------------------------------------------------------------


def test_csv_export_contains_the_filtered_rows_guarded_against_formulas(admin_client, renamed):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE portal_unit SET name = %s WHERE id = %s", ['=HYPERLINK("x")', renamed.pk])
    response = admin_client.get(reverse("portal_audit:export", args=["csv"]) + "?model=unit&action=update")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(body)))
    assert len(header) == 10
    assert rows and all(row[4] == "Sửa bản ghi" and row[1] == "Đơn vị" for row in rows)
    # newest first: the raw update (its label guarded against formulas), then the command-line rename
    assert rows[0][3] == '\'=HYPERLINK("x")'
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert rows[1][3] == "Sở Nội vụ tỉnh Đồng Tháp"
    assert "Tên: Sở Nội vụ → Sở Nội vụ tỉnh Đồng Tháp" in rows[1][9]
    assert rows[1][5] == "lệnh unit"


def test_xlsx_export_contains_the_rows(admin_client, renamed):
    security_event_record(kind="locked", username="=cmd|' /C calc'!A0")
    response = admin_client.get(reverse("portal_audit:export", args=["xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [[cell for cell in row] for row in workbook.active.iter_rows(values_only=True)]
    flat = [str(cell) for row in values for cell in row if cell is not None]
    assert any("Sở Nội vụ tỉnh Đồng Tháp" in cell for cell in flat)
    assert "'=cmd|' /C calc'!A0" in flat
    assert not any(cell.startswith("=") for cell in flat)
    assert len(values) > 10


def test_unknown_export_format_is_404(admin_client):
    assert admin_client.get(reverse("portal_audit:export", args=["pdf"])).status_code == 404


def test_no_write_methods_on_the_audit_screens(admin_client, renamed):
    assert admin_client.post(reverse("portal_audit:log")).status_code == 405
    assert admin_client.post(history_url("unit", renamed.pk)).status_code == 405


# --- grants, custom fields and the security policy -----------------------------------------------


def test_grant_history_shows_its_revocation_and_is_linked_from_the_account(admin_client, admin_user, province):
    from portal.services.accounts import grant_revoke
    from tests.permissions import make_account

    account = make_account("ls.lan", unit=province["chi_cuc"], role=Role.HR_CLERK)
    grant = Grant.objects.get(user=account)
    grant_revoke(actor=admin_user, grant=grant)
    detail = text(admin_client.get(reverse("portal_accounts:detail", args=[account.pk])))
    assert history_url("grant", grant.pk) in detail
    response = admin_client.get(history_url("grant", grant.pk))
    assert response.status_code == 200
    page = text(response)
    assert str(grant.get_role_display()) in page  # the page names the grant
    assert "— → " in page  # the revocation: revoked_at went from empty to a time
    assert admin_user.username in page


def test_field_and_security_policy_history(admin_client, admin_user):
    from portal.models import SecurityPolicy
    from portal.services.fields.definitions import field_definition_save

    definition = field_definition_save(
        values={"target": "unit", "key": "ma_rieng", "label": "Mã riêng", "field_type": "text"}
    )
    FieldDefinitionModel = type(definition)
    FieldDefinitionModel.objects.filter(pk=definition.pk).update(label="Mã riêng của tỉnh")
    response = admin_client.get(history_url("field", definition.pk))
    assert response.status_code == 200
    assert "Mã riêng → Mã riêng của tỉnh" in text(response)
    assert history_url("field", definition.pk) in text(
        admin_client.get(reverse("portal_fields:edit", args=[definition.pk]))
    )

    policy = SecurityPolicy.load()
    SecurityPolicy.objects.filter(pk=policy.pk).update(lockout_threshold=3)
    response = admin_client.get(history_url("security-policy", policy.pk))
    assert response.status_code == 200
    assert "5 → 3" in text(response)
    edit = admin_client.get(reverse("wagtailsettings:edit", args=["portal", "securitypolicy"]), follow=True)
    assert history_url("security-policy", policy.pk) in text(edit)
