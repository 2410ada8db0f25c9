"""The audit trail records every write with its context (portal/audit.py, portal/models/audit.py):
ORM saves, bulk updates, raw SQL, requests and management commands; event tables are append-only."""

from __future__ import annotations

import pghistory
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from pghistory.models import Events

from portal.audit import _AuditedRequest, request_id_for
from portal.models import CatalogueKind, SecurityEvent, Unit
from portal.selectors_audit import AUDITED, event_row, object_events
from portal.services.audit import security_event_record

pytestmark = pytest.mark.django_db

UnitAudit = AUDITED["unit"].event_model
CatalogueKindAudit = AUDITED["catalogue-kind"].event_model


def last_event(unit: Unit) -> Events:
    return object_events(obj=unit).first()


def test_orm_save_records_before_and_after(province):
    unit = province["noi_vu"]
    unit.short_name = "SNV"
    unit.save()
    event = last_event(unit)
    assert event.pgh_label == "update"
    assert event.pgh_diff["short_name"] == ["", "SNV"]


def test_insert_records_a_snapshot(province):
    event = last_event(province["chi_cuc"])
    assert event.pgh_label == "insert"
    assert event.pgh_data["code"] == "000.03.05.H20"
    assert any(before == "—" and after == "000.03.05.H20" for _, before, after in event_row(event).changes)


def test_bulk_update_is_recorded_per_row(province):
    units = Unit.objects.filter(pk__in=[province["noi_vu"].pk, province["tai_chinh"].pk])
    with pghistory.context(note="bulk"):
        assert units.update(quota_civil_servants=42) == 2
    for unit in (province["noi_vu"], province["tai_chinh"]):
        event = last_event(unit)
        assert event.pgh_diff["quota_civil_servants"] == [0, 42]
        assert event.pgh_context["note"] == "bulk"


def test_raw_sql_update_is_recorded(province):
    unit = province["tai_chinh"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE portal_unit SET short_name = %s WHERE id = %s", ["STC", unit.pk])
    event = last_event(unit)
    assert event.pgh_label == "update"
    assert event.pgh_diff["short_name"] == ["", "STC"]


def test_delete_is_recorded_with_the_last_values(db):
    kind = CatalogueKind.objects.create(code="thu_nghiem", name="Danh mục thử")
    pk = kind.pk
    kind.delete()
    event = Events.objects.across(CatalogueKindAudit).filter(pgh_obj_id=str(pk)).order_by("-pgh_id").first()
    assert event.pgh_label == "delete"
    assert event.pgh_data["name"] == "Danh mục thử"
    row = event_row(event)
    assert row.action == "delete"
    assert any(before == "Danh mục thử" and after == "—" for _, before, after in row.changes)


def test_management_command_carries_the_command_name(province):
    unit = province["noi_vu"]
    call_command("unit", "rename", f"#{unit.pk}", "--name", "Sở Nội vụ tỉnh Đồng Tháp")
    event = last_event(unit)
    assert event.pgh_diff["name"] == ["Sở Nội vụ", "Sở Nội vụ tỉnh Đồng Tháp"]
    assert event.pgh_context["command"] == "unit"
    assert "--action=rename" in event.pgh_context["argv"]
    assert f"--unit=#{unit.pk}" in event.pgh_context["argv"]
    assert "os_user" in event.pgh_context
    assert event_row(event).who == "lệnh unit"


def test_admin_request_carries_user_ip_and_request_id(admin_client, admin_user, province):
    unit = province["noi_vu"]
    response = admin_client.post(
        f"/admin/units/{unit.pk}/edit/",
        {
            "name": "Sở Nội vụ mới",
            "short_name": "",
            "unit_type": unit.unit_type_id,
            "code": unit.code,
            "admin_area_code": "",
            "established_on": "01/07/2025",
            "quota_civil_servants": "0",
            "quota_public_employees": "0",
            "quota_contracts_111": "0",
            "effective_on": "15/08/2025",
            "decision_number": "45/QĐ-UBND",
            "decision_date": "",
            "note": "",
        },
        HTTP_X_REQUEST_ID="req-2026-0001",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["X-Request-ID"] == "req-2026-0001"
    event = last_event(unit)
    assert event.pgh_diff["name"] == ["Sở Nội vụ", "Sở Nội vụ mới"]
    context = event.pgh_context
    assert context["user"] == admin_user.pk
    assert context["username"] == "quantri"
    assert context["ip"] == "10.1.2.3"
    assert context["request_id"] == "req-2026-0001"
    assert context["method"] == "POST"
    assert context["url"] == f"/admin/units/{unit.pk}/edit/"
    row = event_row(event)
    assert (row.who, row.ip, row.request_id) == ("quantri", "10.1.2.3", "req-2026-0001")


def test_user_set_by_the_view_layer_updates_the_context(rf, admin_user):
    """DRF's basic authentication sets ``request.user`` inside the view, after the middleware."""
    request = rf.post("/api/v1/units/1/")
    request.__class__ = _AuditedRequest
    with pghistory.context(user=None, username="") as context:
        request.user = admin_user
        assert context.metadata["user"] == admin_user.pk
        assert context.metadata["username"] == "quantri"


def test_request_id_round_trips_or_is_generated(client):
    response = client.get("/admin/login/", HTTP_X_REQUEST_ID="abc-12345678")
    assert response["X-Request-ID"] == "abc-12345678"
    generated = client.get("/admin/login/", HTTP_X_REQUEST_ID="bad id; drop table")["X-Request-ID"]
    assert len(generated) == 32 and generated != "bad id; drop table"
    int(generated, 16)


def test_request_id_validation(rf):
    assert request_id_for(rf.get("/", HTTP_X_REQUEST_ID="0123456789abcdef")) == "0123456789abcdef"
    assert request_id_for(rf.get("/", HTTP_X_REQUEST_ID="x" * 65)) != "x" * 65
    assert len(request_id_for(rf.get("/"))) == 32


@pytest.mark.parametrize("statement", ["UPDATE {table} SET pgh_label = 'x'", "DELETE FROM {table}"])
def test_event_tables_refuse_update_and_delete(province, statement):
    assert UnitAudit.objects.exists()
    with (
        pytest.raises(DatabaseError, match="pgtrigger: Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=UnitAudit._meta.db_table))
    assert UnitAudit.objects.filter(pgh_label="x").count() == 0
    assert UnitAudit.objects.exists()


@pytest.mark.parametrize("statement", ["UPDATE {table} SET username = 'x'", "DELETE FROM {table}"])
def test_security_events_refuse_update_and_delete(admin_user, statement):
    security_event_record(kind="login", user=admin_user)
    with (
        pytest.raises(DatabaseError, match="pgtrigger: Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=SecurityEvent._meta.db_table))
    assert SecurityEvent.objects.get().username == "quantri"


def test_celery_task_runs_inside_a_context_naming_the_task(province):
    from portal.audit import task_context_enter, task_context_exit

    class Task:
        name = "portal.tasks.example"

    unit = province["noi_vu"]
    task_context_enter(task_id="t-1", task=Task())
    try:
        Unit.objects.filter(pk=unit.pk).update(short_name="TASK")
    finally:
        task_context_exit(task_id="t-1")
    context = last_event(unit).pgh_context
    assert (context["task"], context["task_id"]) == ("portal.tasks.example", "t-1")
    assert event_row(last_event(unit)).who == "tác vụ portal.tasks.example"
