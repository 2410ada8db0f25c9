"""Sending notifications: a row per recipient (shown in the admin) and an email where there is an address."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.db import transaction
from django.utils import timezone

from portal.models.notifications import Notification

logger = logging.getLogger(__name__)


def notification_send(
    *, recipients, kind: str, key: str, title: str, body: str, url: str = "", email: bool = True
) -> list[Notification]:
    """Notify each of ``recipients`` once per ``key`` (recipients who already have it are skipped).

    The rows are written in one transaction; the emails go after the commit through one
    connection of ``EMAIL_BACKEND`` (console in development). A failed email is logged and
    leaves ``emailed_at`` empty; the notification itself stays. Returns the new rows.
    """
    recipients = [user for user in dict.fromkeys(recipients) if user is not None and user.is_active]
    if not recipients:
        return []
    with transaction.atomic():
        already = set(
            Notification.objects.filter(key=key, recipient__in=recipients).values_list("recipient_id", flat=True)
        )
        created = Notification.objects.bulk_create(
            Notification(recipient=user, kind=kind, key=key, title=title[:300], body=body, url=url[:500])
            for user in recipients
            if user.pk not in already
        )
        if email and created:
            transaction.on_commit(lambda: _email([n.pk for n in created]))
    return created


def _email(ids: list[int]) -> None:
    notifications = list(Notification.objects.filter(pk__in=ids).select_related("recipient"))
    messages = []
    for notification in notifications:
        address = notification.recipient.email
        if not address:
            continue
        body = notification.body + (
            f"\n\n{settings.WAGTAILADMIN_BASE_URL}{notification.url}" if notification.url else ""
        )
        messages.append((notification, EmailMessage(notification.title, body, to=[address])))
    if not messages:
        return
    try:
        with get_connection() as connection:
            connection.send_messages([message for _, message in messages])
    except OSError:
        logger.exception("notification emails could not be sent")
        return
    Notification.objects.filter(pk__in=[n.pk for n, _ in messages]).update(emailed_at=timezone.now())


def notification_mark_read(*, user, pks: list[int] | None = None) -> int:
    """Mark ``user``'s notifications (all unread, or those of ``pks``) as read; returns how many."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pks is not None:
        qs = qs.filter(pk__in=pks)
    return qs.update(read_at=timezone.now())
