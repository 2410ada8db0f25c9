"""Writes to the audit trail that triggers cannot see: sign-in events."""

from __future__ import annotations

from portal.models.audit import SecurityEvent


def client_ip(request) -> str | None:
    """The client's address (the first X-Forwarded-For hop behind a trusted proxy, else REMOTE_ADDR)."""
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    address = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")
    return address or None


def security_event_record(
    *, kind: str, user=None, username: str = "", actor=None, request=None, detail: dict | None = None
) -> SecurityEvent:
    """Append one sign-in related event (login, failure, lock, unlock, password change or reset)."""
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if getattr(user, "pk", None) else None,
        username=username or (user.get_username() if user is not None else ""),
        actor=actor if getattr(actor, "pk", None) else None,
        ip=client_ip(request),
        request_id=getattr(request, "request_id", "") if request is not None else "",
        detail=detail or {},
    )
