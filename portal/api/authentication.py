"""HTTP Basic authentication under the login policy.

Session requests are checked by ``portal.security_middleware.PasswordPolicyMiddleware``
before any view runs. A request authenticated by HTTP Basic becomes a user only inside
DRF, after the middleware, so the same rule is applied here: an account that must change
its password (temporary password, or older than the policy's maximum age) gets 403 with
the same JSON body, ``code: password_change_required``. Wrong passwords and locked
accounts are handled by the authentication backends (counted, logged, locked).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.authentication import BasicScheme
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication

from portal.models import SecurityPolicy
from portal.security_middleware import CHANGE_URL_NAME
from portal.services.passwords import password_change_required


class PasswordChangeRequired(exceptions.PermissionDenied):
    default_code = "password_change_required"

    def __init__(self):
        super().__init__(detail=gettext("You must change your password before using the system."))
        # DRF renders ``detail`` only; the change URL travels in the body like the middleware's.
        self.detail = {
            "detail": self.detail,
            "code": self.default_code,
            "change_url": reverse(CHANGE_URL_NAME),
        }


class PolicyBasicAuthentication(BasicAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user, _auth = result
            max_age_days = SecurityPolicy.load(request._request).password_max_age_days
            if password_change_required(user=user, max_age_days=max_age_days):
                raise PasswordChangeRequired()
        return result


class PolicyBasicScheme(BasicScheme):
    """OpenAPI: the same "basicAuth" security scheme as DRF's BasicAuthentication."""

    target_class = PolicyBasicAuthentication
