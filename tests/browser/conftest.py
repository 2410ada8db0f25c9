"""Browser tests: real headless Chromium (Debian's ``chromium`` package) driven by Playwright's sync API.

Playwright's own browser builds are never downloaded (no ``playwright install``): the browser is
``/usr/bin/chromium``, which ``.ci/run`` installs on a clean CI machine. Locally, without it, the
browser tests are skipped with the reason; under CI (``CI`` set) a missing browser fails them instead,
so that CI can never pass by skipping them.

The site runs in pytest-django's ``live_server`` thread, so these tests use the transactional
database, which is flushed after each of them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from portal.models import CatalogueEntry

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 10_000


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded evidence goes to the test's own directory (the live server thread shares the settings)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def catalogues(transactional_db):
    """The flush after a transactional test also empties the catalogues loaded once for the session."""
    if not CatalogueEntry.objects.exists():
        call_command("load_catalogues", verbosity=0)


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium for one test; each signed-in person gets a context of their own."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (Debian package 'chromium': apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason}", pytrace=False)
        pytest.skip(f"browser test needs real Chromium: {reason}")
    # Playwright's sync API runs an asyncio event loop in this thread, and Django's async-safety
    # check then refuses the ORM calls the test makes in it. Setting DJANGO_ALLOW_ASYNC_UNSAFE is the
    # documented workaround for Playwright with pytest-django; monkeypatch limits it to the browser
    # tests, so the rest of the suite keeps the check.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()
            # While that loop runs, asgiref keeps Django's connections in per-context storage, apart
            # from the thread's own: close the ones opened meanwhile, or they outlive the test and the
            # test database cannot be dropped at the end of the session.
            connections.close_all()


@pytest.fixture
def new_page(browser):
    """``new_page()``: a page in a fresh context (own cookies), Vietnamese locale, bounded waits."""
    contexts = []

    def make():
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
