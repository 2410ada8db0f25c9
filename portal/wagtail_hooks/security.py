"""Admin hooks: security (the change-password page and its place in the account menu)."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.views import passwords as password_views


@hooks.register("register_admin_urls")
def register_password_urls():
    return [
        path(
            "",
            include((password_views.urlpatterns(), password_views.app_name), namespace=password_views.app_name),
        )
    ]


@hooks.register("register_account_menu_item")
def register_password_menu_item(request):
    return {
        "url": reverse("portal_passwords:change"),
        "label": _("Change password"),
        "help_text": _("Set a new password that follows the province's password policy."),
    }
