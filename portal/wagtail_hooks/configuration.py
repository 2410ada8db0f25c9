"""The platform's place in the Wagtail admin: menu items, URLs, dashboard panel, permissions."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from portal.models import SystemHeartbeat
from portal.selectors import catalogue_kinds, unit_list
from portal.views import catalogues as catalogue_views
from portal.views import units as unit_views

HEARTBEAT_STALE_AFTER = datetime.timedelta(minutes=5)


class PermissionMenuItem(MenuItem):
    """A menu item shown only to accounts that pass ``check(user)``."""

    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check

    def is_shown(self, request):
        return self.check(request.user)


@hooks.register("register_admin_urls")
def register_portal_urls():
    return [*unit_views.urlpatterns(), *catalogue_views.urlpatterns()]


@hooks.register("register_admin_menu_item")
def register_unit_tree_menu_item():
    return PermissionMenuItem(
        _("Unit tree"),
        reverse("portal_units:index"),
        name="unit-tree",
        icon_name="site",
        order=210,
        check=unit_views.can_view_units,
    )


@hooks.register("register_admin_menu_item")
def register_catalogues_menu_item():
    return PermissionMenuItem(
        _("Catalogues"),
        reverse("portal_catalogues:index"),
        name="catalogues",
        icon_name="list-ul",
        order=220,
        check=catalogue_views.can_view_catalogues,
    )


class SystemStatusPanel(Component):
    """Dashboard panel: counts of the configuration and the heartbeats of background workers."""

    name = "portal_system_status"
    template_name = "portal/home/system_status.html"
    order = 50

    def get_context_data(self, parent_context):
        now = timezone.now()
        kinds = list(catalogue_kinds())
        heartbeats = [
            {"beat": beat, "stale": now - beat.last_seen > HEARTBEAT_STALE_AFTER}
            for beat in SystemHeartbeat.objects.order_by("component")
        ]
        return {
            "active_units": unit_list().count(),
            "catalogue_count": len(kinds),
            "entry_count": sum(kind.active_count for kind in kinds),
            "heartbeats": heartbeats,
        }


@hooks.register("construct_homepage_panels")
def add_system_status_panel(request, panels):
    if unit_views.can_view_units(request.user) or catalogue_views.can_view_catalogues(request.user):
        panels.append(SystemStatusPanel())


@hooks.register("register_permissions")
def register_portal_permissions():
    """Let administrators grant the unit-tree and catalogue permissions in Wagtail's group editor."""
    return Permission.objects.filter(
        Q(content_type__app_label="portal", content_type__model__in=["unit", "cataloguekind", "catalogueentry"])
    )


# Not used by the product (yet): kept installed because Wagtail needs them, hidden from the menu.
HIDDEN_MENU_ITEMS = {"images", "documents", "help"}


@hooks.register("construct_main_menu")
def hide_unused_menu_items(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name not in HIDDEN_MENU_ITEMS]


@hooks.register("construct_settings_menu")
def hide_wagtail_user_admin(request, menu_items):
    # Wagtail's user and group screens are unscoped: superusers only (portal.middleware.WagtailUserAdminGuard).
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name not in ("users", "groups")]
