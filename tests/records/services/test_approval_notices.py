"""Scheduled notices of the monthly approval: window opened → approvers; window closed → Sở Nội vụ."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from portal.models import Notification
from portal.services.approvals import approval_delegation_create
from portal.services.system import schedules_ensure_defaults
from records.services.approval_notices import (
    approval_window_notify_open,
    approval_window_report_closed,
    unapproved_by_unit,
)
from tests.records.services.conftest import raise_step, teacher

FIRST_DAY = datetime.date(2026, 12, 27)  # the window of December 2026: 27–31
AFTER = datetime.date(2027, 1, 1)


@pytest.fixture
def mailed(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_approvers_are_told_when_the_window_opens_once(school, teachers, mailed, django_capture_on_commit_callbacks):
    school["principal"].email = "hieutruong@example.vn"
    school["principal"].save()
    assert approval_window_notify_open(on=FIRST_DAY - datetime.timedelta(days=1)) == 0  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert approval_window_notify_open(on=FIRST_DAY) == 1
    notice = Notification.objects.get()
    assert notice.recipient == school["principal"]
    assert notice.title == "Phê duyệt dữ liệu hồ sơ tháng 12/2026: 3 hồ sơ chờ bạn phê duyệt"
    assert "từ 27/12/2026 đến 31/12/2026" in notice.body
    assert [m.to for m in mail.outbox] == [["hieutruong@example.vn"]]
    assert mail.outbox[0].subject == notice.title
    assert Notification.objects.get().emailed_at is not None
    # Running again the same month tells nobody twice.
    assert approval_window_notify_open(on=FIRST_DAY) == 0
    assert Notification.objects.count() == 1


def test_a_delegate_is_told_too(school, teachers):
    approval_delegation_create(
        actor=school["principal"],
        delegator=school["principal"],
        delegate=school["clerk"],
        unit=school["truong"],
        starts_on=datetime.date.today(),
        ends_on=datetime.date.today() + datetime.timedelta(days=60),
        reason="Nghỉ phép dài ngày",
    )
    day = datetime.date.today()
    assert approval_window_notify_open(on=day, force=True) == 2
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"hieutruong", "tccb.truong"}


def test_the_closed_window_report_lists_units_with_unapproved_changes(school, teachers, admin_user):
    elsewhere = teacher(school["other"], "087090000128", "Võ Thị Ửng")
    raise_step(elsewhere, school["clerk_other"], 4)
    assert unapproved_by_unit(on=datetime.date(2026, 12, 31)) == [
        ("Trường THPT Thành phố Cao Lãnh", 3),
        ("Trường THPT Hồng Ngự", 1),
    ]
    assert approval_window_report_closed(on=datetime.date(2026, 12, 31)) == 0  # still open
    assert approval_window_report_closed(on=AFTER) == 1
    notice = Notification.objects.get(recipient=admin_user)
    assert notice.title == "Kết thúc phê duyệt tháng 12/2026: 4 hồ sơ của 2 đơn vị chưa được phê duyệt"
    assert notice.body.splitlines()[1:] == ["- Trường THPT Thành phố Cao Lãnh: 3", "- Trường THPT Hồng Ngự: 1"]
    assert approval_window_report_closed(on=AFTER) == 0


def test_the_schedules_are_editable_content(db):
    from django_celery_beat.models import PeriodicTask

    schedules_ensure_defaults()
    opened = PeriodicTask.objects.get(task="records.approval_window_opened")
    closed = PeriodicTask.objects.get(task="records.approval_window_closed")
    assert (opened.crontab.day_of_month, opened.crontab.hour, str(opened.crontab.timezone)) == (
        "15-31",
        "7",
        "Asia/Ho_Chi_Minh",
    )
    assert closed.crontab.day_of_month == "1"
    opened.enabled = False
    opened.save()
    assert schedules_ensure_defaults() == 0
    assert not PeriodicTask.objects.get(task="records.approval_window_opened").enabled
