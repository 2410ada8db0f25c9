"""Celery tasks of the records app. Bodies are services; a task only parses its arguments."""

from __future__ import annotations

from celery import shared_task

APPROVAL_ACT_PUBLISH_TASK = "records.approval_act_publish"


@shared_task(name=APPROVAL_ACT_PUBLISH_TASK, acks_late=True)
def approval_act_publish_task(act_id: int) -> int:
    """Publish the listed versions of a signed approval act; returns how many were published.
    Safe to run twice: decided items are not touched again."""
    from records.services.approvals import approval_act_publish

    return approval_act_publish(act_id=act_id).published_count


APPROVAL_WINDOW_OPENED_TASK = "records.approval_window_opened"
APPROVAL_WINDOW_CLOSED_TASK = "records.approval_window_closed"


@shared_task(name=APPROVAL_WINDOW_OPENED_TASK)
def approval_window_opened_task(force: bool = False) -> int:
    """Daily on days 15–31 (beat): on the window's first day, tell the approvers what awaits them."""
    from records.services.approval_notices import approval_window_notify_open

    return approval_window_notify_open(force=force)


@shared_task(name=APPROVAL_WINDOW_CLOSED_TASK)
def approval_window_closed_task(force: bool = False) -> int:
    """Daily on day 1 (beat): the day after the window closed, report the unapproved units."""
    from records.services.approval_notices import approval_window_report_closed

    return approval_window_report_closed(force=force)
