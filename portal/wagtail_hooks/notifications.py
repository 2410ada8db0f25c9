"""Admin hooks of notifications: the URLs, the "Notifications" menu item, the dashboard panel of unread ones."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from portal.selectors_notifications import notification_list
from portal.views import notifications as notification_views

DASHBOARD_LIMIT = 5


@hooks.register("register_admin_urls")
def register_notification_urls():
    return [
        path(
            "",
            include(
                (notification_views.urlpatterns(), notification_views.app_name),
                namespace=notification_views.app_name,
            ),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_notifications_menu_item():
    return MenuItem(
        _("Notifications"), reverse("portal_notifications:index"), name="notifications", icon_name="mail", order=900
    )


class UnreadNotificationsPanel(Component):
    """Dashboard panel: the account's unread notifications (the newest few)."""

    name = "portal_unread_notifications"
    template_name = "portal/home/notifications.html"
    order = 10

    def __init__(self, notifications, total):
        self.notifications = notifications
        self.total = total

    def get_context_data(self, parent_context):
        return {"notifications": self.notifications, "total": self.total}


@hooks.register("construct_homepage_panels")
def add_unread_notifications_panel(request, panels):
    unread = notification_list(user=request.user, unread_only=True)
    items = list(unread[: DASHBOARD_LIMIT + 1])
    if items:
        total = len(items) if len(items) <= DASHBOARD_LIMIT else unread.count()
        panels.append(UnreadNotificationsPanel(items[:DASHBOARD_LIMIT], total))
