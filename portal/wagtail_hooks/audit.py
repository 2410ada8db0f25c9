"""Admin hooks: the audit trail (object history pages and the system administrators' log)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.scoping import is_system_admin
from portal.views import audit as audit_views
from portal.wagtail_hooks.configuration import PermissionMenuItem


@hooks.register("register_admin_urls")
def register_audit_urls():
    return audit_views.urlpatterns()


@hooks.register("register_admin_menu_item")
def register_audit_log_menu_item():
    return PermissionMenuItem(
        _("Audit log"),
        reverse("portal_audit:log"),
        name="audit-log",
        icon_name="history",
        order=900,
        check=is_system_admin,
    )
