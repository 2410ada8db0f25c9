"""Admin hooks of the field catalogue: the "Custom fields" (Trường tùy biến) menu item and URLs."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.views import fields as field_views
from portal.wagtail_hooks.configuration import PermissionMenuItem


@hooks.register("register_admin_urls")
def register_field_urls():
    return field_views.urlpatterns()


@hooks.register("register_admin_menu_item")
def register_fields_menu_item():
    return PermissionMenuItem(
        _("Custom fields"),
        reverse("portal_fields:index"),
        name="custom-fields",
        icon_name="form",
        order=230,
        check=field_views.can_manage_fields,
    )
