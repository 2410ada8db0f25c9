"""Login-policy middleware: forced password change and inactivity expiry.

Placed right after ``AuthenticationMiddleware``. For a signed-in account that must
change its password (temporary password from an administrator, or a password older
than ``SecurityPolicy.password_max_age_days``; see ``password_change_required``),
every page except the change-password page, sign-out, sign-in, static and media
files, the admin's icon sprite and JavaScript catalogue, and the language switch
redirects to the change-password page; the API answers 403 with a JSON message.
An app with an area of its own (the self-service portal) registers its own change page
(``register_password_change_page``): requests inside that area go there instead, and
that page (with the area's sign-in and sign-out) is exempt as well.

The session lives ``SecurityPolicy.session_idle_minutes`` after the last request
(``SESSION_SAVE_EVERY_REQUEST`` renews it on each one); 0 keeps Django's
``SESSION_COOKIE_AGE``. The expiry is set on the way out, so the sign-in request
itself gets it (Wagtail's login view sets its own expiry before).

The two policy values are kept in the session (taken at sign-in, re-read after
``POLICY_REFRESH_SECONDS``), so an ordinary request costs no extra query; an edit
of the policy reaches open sessions within that time and new ones at once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext

from portal.models import SecurityPolicy
from portal.services.passwords import password_change_required

API_PREFIX = "/api/"
CHANGE_URL_NAME = "portal_passwords:change"
EXEMPT_URL_NAMES = (
    CHANGE_URL_NAME,
    "wagtailadmin_logout",
    "wagtailadmin_login",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
)
POLICY_SESSION_KEY = "_portal_policy"
POLICY_REFRESH_SECONDS = 300


@dataclass(frozen=True)
class PasswordChangePage:
    """An app's own change-password page for the paths under ``prefix``."""

    prefix: str | Promise  # a path, or a lazy reverse (resolved only when a request needs it)
    url_name: str
    exempt: tuple[str, ...] = ()


_change_pages: list[PasswordChangePage] = []


def register_password_change_page(*, prefix: str | Promise, url_name: str, exempt: tuple[str, ...] = ()) -> None:
    """Send accounts that must change their password to ``url_name`` (instead of the admin's
    page) when the blocked request is under ``prefix``; ``url_name`` and the URL names in
    ``exempt`` (the area's sign-in and sign-out) stay reachable. Called from an app's
    ``AppConfig.ready``, so that ``portal`` need not know the app (the layer rule)."""
    if all(page.url_name != url_name for page in _change_pages):
        _change_pages.append(PasswordChangePage(prefix=prefix, url_name=url_name, exempt=tuple(exempt)))


def change_url_name_for(path: str) -> str:
    """The change-password page for a request to ``path``: the registered page of the
    longest matching area, else the admin's."""
    matches = [page for page in _change_pages if path.startswith(str(page.prefix))]
    if not matches:
        return CHANGE_URL_NAME
    return max(matches, key=lambda page: len(str(page.prefix))).url_name


def policy_remember(request) -> dict:
    """Read the policy and keep the values the middleware needs in the session."""
    policy = SecurityPolicy.load(request)
    snapshot = {
        "idle_minutes": policy.session_idle_minutes,
        "max_age_days": policy.password_max_age_days,
        "read_at": time.time(),
    }
    if getattr(request, "session", None) is not None:
        request.session[POLICY_SESSION_KEY] = snapshot
    return snapshot


def policy_for(request) -> dict:
    """The session's policy snapshot, re-read when missing or older than POLICY_REFRESH_SECONDS."""
    snapshot = request.session.get(POLICY_SESSION_KEY)
    if not snapshot or time.time() - snapshot.get("read_at", 0) > POLICY_REFRESH_SECONDS:
        snapshot = policy_remember(request)
    return snapshot


class PasswordPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt_paths: tuple[str, ...] | None = None

    def exempt_paths(self) -> tuple[str, ...]:
        # Resolved on first use: the admin URLs (and the hooks that add ours) load lazily.
        if self._exempt_paths is None:
            names = [*EXEMPT_URL_NAMES]
            for page in _change_pages:
                names += [page.url_name, *page.exempt]
            self._exempt_paths = tuple(reverse(name) for name in names)
        return self._exempt_paths

    def exempt_prefixes(self) -> tuple[str, ...]:
        prefixes = [settings.STATIC_URL, settings.MEDIA_URL, "/i18n/"]
        return tuple(prefix if prefix.startswith("/") else f"/{prefix}" for prefix in prefixes if prefix)

    def is_exempt(self, path: str) -> bool:
        return path in self.exempt_paths() or path.startswith(self.exempt_prefixes())

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self.is_exempt(request.path):
            max_age_days = policy_for(request)["max_age_days"]
            if password_change_required(user=user, max_age_days=max_age_days):
                return self.blocked(request)
        response = self.get_response(request)
        self.set_session_expiry(request)
        return response

    def blocked(self, request):
        if request.path.startswith(API_PREFIX):
            return JsonResponse(
                {
                    "detail": gettext("You must change your password before using the system."),
                    "code": "password_change_required",
                    "change_url": reverse(CHANGE_URL_NAME),
                },
                status=403,
            )
        change_url = reverse(change_url_name_for(request.path))
        if request.method == "GET":
            change_url = f"{change_url}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(change_url)

    def set_session_expiry(self, request) -> None:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is None or user is None or not user.is_authenticated:
            return
        minutes = policy_for(request)["idle_minutes"]
        if minutes and session.get("_session_expiry") != minutes * 60:
            session.set_expiry(minutes * 60)
