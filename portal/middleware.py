"""Vietnamese-first language selection.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show
the portal in English on any English-configured browser. Here the language is the
one the person chose (the language cookie set by /i18n/setlang/, or their admin
profile, which Wagtail applies itself) and Vietnamese otherwise.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


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
