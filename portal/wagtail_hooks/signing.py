"""Admin hooks of the signing configuration: the "Digital signatures" menu (trust roots, credentials)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from portal.views import signing as signing_views
from portal.wagtail_hooks.configuration import PermissionMenuItem


@hooks.register("register_admin_urls")
def register_signing_urls():
    return signing_views.urlpatterns()


class SigningSubmenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return signing_views.can_manage_signing(request.user)


@hooks.register("register_admin_menu_item")
def register_signing_menu_item():
    items = [
        PermissionMenuItem(
            _("Trust roots"),
            reverse("portal_signing:trust_roots"),
            name="trust-roots",
            icon_name="lock",
            order=10,
            check=signing_views.can_manage_signing,
        ),
        PermissionMenuItem(
            _("Signing credentials"),
            reverse("portal_signing:credentials"),
            name="signing-credentials",
            icon_name="key",
            order=20,
            check=signing_views.can_manage_signing,
        ),
    ]
    return SigningSubmenuItem(
        _("Digital signatures"), Menu(items=items), name="digital-signatures", icon_name="key", order=240
    )
