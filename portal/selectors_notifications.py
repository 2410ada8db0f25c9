"""Reads of notifications: an account's own, through the scoping primitive."""

from __future__ import annotations

from django.db.models import QuerySet

from portal import scoping
from portal.models.notifications import Notification


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s own notifications, newest first (a superuser's inbox is also just their own)."""
    qs = scoping.restrict(user, scoping.VIEW, Notification.objects.all())
    if getattr(user, "pk", None) is None:
        return qs.none()
    qs = qs.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs
