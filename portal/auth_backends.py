"""Authentication backend: Django's model backend that also refuses locked accounts.

A locked account (``User.locked_at`` set, after too many failed sign-ins or by an
administrator) cannot sign in even with the right password, and an existing
session of it stops working (``get_user`` uses the same check). The refusal goes
through Django's ``user_login_failed`` signal like any other failure; the login
form then tells the person to contact their administrator.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class PolicyModelBackend(ModelBackend):
    """``ModelBackend`` + "locked accounts cannot authenticate"."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "locked_at", None) is None
