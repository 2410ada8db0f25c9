"""Vietnamese-first language selection.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show
the portal in English on any English-configured browser. Here the language is the
one the person chose (the language cookie set by /i18n/setlang/, or their admin
profile, which Wagtail applies itself) and Vietnamese otherwise.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from portal import scoping


class VietnameseFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = dict(settings.LANGUAGES)

    def __call__(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in self.languages:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language() or code)
        return response


class WagtailUserAdminGuard:
    """Wagtail's own user and group screens list every account, unscoped: superusers only.

    Accounts are managed through the scoped "Tài khoản" screens (portal.views.accounts);
    anyone else asking for /admin/users/ or /admin/groups/ gets 404.
    """

    PREFIXES = ("/admin/users/", "/admin/groups/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.PREFIXES) and not getattr(request.user, "is_superuser", False):
            from django.http import Http404

            raise Http404
        return self.get_response(request)


class ScopingCacheMiddleware:
    """Reads the account's grants once per request (``portal.scoping.grant_cache``): the menu, the
    view and its selectors all ask the scoping primitive, and the answer is the same throughout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with scoping.grant_cache():
            return self.get_response(request)
