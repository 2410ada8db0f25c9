"""What the catalogue admin tests share: the xlsx content type, readers of kinds and entries,
the screens' URLs, and accounts with admin access only or with read-only catalogue permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, override

from portal.models import CatalogueEntry, CatalogueKind
from tests.permissions import perm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def kind(code: str) -> CatalogueKind:
    return CatalogueKind.objects.get(code=code)


def entry(kind_code: str, code: str) -> CatalogueEntry:
    return CatalogueEntry.objects.get(kind__code=kind_code, code=code)


def text_of(response) -> str:
    return response.content.decode()


def vi(message: str) -> str:
    """A msgid as the Vietnamese admin shows it (English until the catalogue is compiled)."""
    with override("vi"):
        return escape(gettext(message))


@pytest.fixture
def reader(django_user_model):
    """May read catalogues but not change them."""
    user = django_user_model.objects.create_user(username="doc", password="Mk@2026-doc")
    user.user_permissions.add(
        perm("access_admin", "wagtailadmin"), perm("view_cataloguekind"), perm("view_catalogueentry")
    )
    return user


def pages() -> dict[str, str]:
    """Every catalogue screen, on the ethnicity catalogue and its first entry."""
    dan_toc = kind("dan_toc")
    kinh = entry("dan_toc", "01")
    return {
        "index": reverse("portal_catalogues:index"),
        "kind_add": reverse("portal_catalogues:kind_add"),
        "kind": reverse("portal_catalogues:kind", args=[dan_toc.pk]),
        "kind_edit": reverse("portal_catalogues:kind_edit", args=[dan_toc.pk]),
        "entry_add": reverse("portal_catalogues:entry_add", args=[dan_toc.pk]),
        "entry_edit": reverse("portal_catalogues:entry_edit", args=[dan_toc.pk, kinh.pk]),
        "entry_delete": reverse("portal_catalogues:entry_delete", args=[dan_toc.pk, kinh.pk]),
        "import": reverse("portal_catalogues:import", args=[dan_toc.pk]),
        "export": reverse("portal_catalogues:export", args=[dan_toc.pk]),
    }


MISSING = {
    "kind": lambda k, e: reverse("portal_catalogues:kind", args=[999_999]),
    "kind_edit": lambda k, e: reverse("portal_catalogues:kind_edit", args=[999_999]),
    "entry_add": lambda k, e: reverse("portal_catalogues:entry_add", args=[999_999]),
    "entry_edit": lambda k, e: reverse("portal_catalogues:entry_edit", args=[k.pk, 999_999]),
    "entry_edit_other_kind": lambda k, e: reverse("portal_catalogues:entry_edit", args=[kind("ton_giao").pk, e.pk]),
    "entry_delete": lambda k, e: reverse("portal_catalogues:entry_delete", args=[k.pk, 999_999]),
    "import": lambda k, e: reverse("portal_catalogues:import", args=[999_999]),
    "export": lambda k, e: reverse("portal_catalogues:export", args=[999_999]),
}
PAGE_NAMES = ["index", "kind_add", "kind", "kind_edit", "entry_add", "entry_edit", "entry_delete", "import", "export"]
