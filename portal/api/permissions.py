"""Who may use the API: every signed-in account reads, admins write.

The unit tree and the catalogues are configuration readable by every signed-in
account (issue 2). Writes go through the same services as the admin and need a
superuser or the Django model permission the viewset names in ``write_permission``.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadSignedInWriteWithPermission(BasePermission):
    """Reads: any authenticated user. Writes: superuser or ``view.write_permission``.

    Anonymous requests are refused before anything is looked up (403 with session
    authentication, DRF's "not authenticated"); a signed-in user without the write
    permission gets 403 before the object lookup, so missing objects answer 404 only
    to those allowed to change them.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return can_write(user, getattr(view, "write_permission", None))


def can_write(user, permission: str | None) -> bool:
    """True for an active superuser or an account holding ``permission``."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(permission) and user.has_perm(permission)
