"""Receivers of Django's sign-in signals. They only hand over to the services
(``portal.services.passwords``); imported from ``PortalConfig.ready``."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from portal.security_middleware import policy_remember
from portal.services.passwords import login_failure_record, login_success_record


@receiver(user_login_failed, dispatch_uid="portal_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username") or ""
    if username:
        login_failure_record(username=username, request=request)


@receiver(user_logged_in, dispatch_uid="portal_logged_in")
def on_logged_in(sender, request, user, **kwargs):
    login_success_record(user=user, request=request)
    if request is not None:
        # The session starts with the current policy (expiry, password age): no read per request.
        policy_remember(request)
