"""`manage.py unit ...`: the unit services from the command line."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.choices import UnitEventKind
from portal.models import Unit, UnitEvent

pytestmark = pytest.mark.django_db


def test_create_rename_and_tree(province, capsys):
    call_command(
        "unit",
        "create",
        "--parent",
        "000.00.05.H20",
        "--name",
        "Phòng Cải cách hành chính",
        "--type",
        "PHONG",
        "--effective",
        "01/08/2025",
        "--decision",
        "QĐ 5/QĐ-SNV",
    )
    created = Unit.objects.get(name="Phòng Cải cách hành chính")
    assert created.get_parent() == province["noi_vu"]
    event = created.events.get()
    assert (event.kind, event.effective_on, event.decision_number) == (
        UnitEventKind.CREATED,
        datetime.date(2025, 8, 1),
        "QĐ 5/QĐ-SNV",
    )
    call_command("unit", "rename", f"#{created.pk}", "--name", "Phòng Cải cách hành chính và Chuyển đổi số")
    created.refresh_from_db()
    assert created.name.endswith("Chuyển đổi số")
    assert created.events.filter(kind=UnitEventKind.RENAMED).count() == 1
    capsys.readouterr()
    call_command("unit", "tree", "--root", "000.00.00.H20", "--depth", "2")
    out = capsys.readouterr().out
    assert "000.00.05.H20 Sở Nội vụ (3)" in out
    assert "Phòng Tổ chức biên chế" not in out  # depth 2 stops at the departments


def test_merge_and_dissolve_by_code(province):
    call_command(
        "unit",
        "merge",
        "000.00.07.H20",
        "--into",
        "000.00.05.H20",
        "--decision",
        "QĐ 1/QĐ-UBND",
        "--effective",
        "01/09/2025",
    )
    tai_chinh = Unit.objects.get(pk=province["tai_chinh"].pk)
    assert tai_chinh.dissolved_on == datetime.date(2025, 9, 1) and tai_chinh.successor == province["noi_vu"]
    assert Unit.objects.get(name="Phòng Ngân sách").get_parent() == province["noi_vu"]
    # The dissolved unit's code is free; the reference now finds the dissolved holder.
    with pytest.raises(CommandError, match="giải thể"):
        call_command("unit", "dissolve", "000.00.07.H20", "--decision", "QĐ 2")


def test_errors_are_reported_and_nothing_changes(province):
    before = list(Unit.objects.order_by("path").values_list("pk", "path", "code", "dissolved_on"))
    events = UnitEvent.objects.count()
    with pytest.raises(CommandError, match="trực thuộc"):
        call_command("unit", "move", "000.00.05.H20", "--parent", "000.03.05.H20")
    with pytest.raises(CommandError):
        call_command("unit", "merge", "000.00.05.H20", "--into", "000.00.05.H20", "--decision", "QĐ 3")
    with pytest.raises(CommandError, match="9999"):
        call_command("unit", "dissolve", "9999", "--decision", "QĐ 4")
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command("unit", "dissolve", "000.03.05.H20", "--decision", "QĐ 4", "--effective", "2025/13/45")
    assert list(Unit.objects.order_by("path").values_list("pk", "path", "code", "dissolved_on")) == before
    assert UnitEvent.objects.count() == events
