"""The account's notifications in the admin: the list, and marking them read."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal.selectors_notifications import notification_list
from portal.services.notifications import notification_mark_read
from portal.views import paginate

app_name = "portal_notifications"


class NotificationListView(WagtailAdminTemplateMixin, TemplateView):
    """Every signed-in staff account sees its own notifications, unread first marked."""

    template_name = "portal/notifications/index.html"
    page_title = _("Notifications")
    header_icon = "mail"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = paginate(self.request, notification_list(user=self.request.user))
        return context


class NotificationReadView(View):
    """POST: mark one (``pk``) or all of the account's unread notifications read."""

    def post(self, request, pk=None):
        if pk is not None and not notification_list(user=request.user).filter(pk=pk).exists():
            raise Http404  # someone else's, or none: the same answer
        notification_mark_read(user=request.user, pks=[pk] if pk is not None else None)
        return redirect("portal_notifications:index")


def urlpatterns():
    return [
        path("thong-bao/", NotificationListView.as_view(), name="index"),
        path("thong-bao/da-doc/", NotificationReadView.as_view(), name="read_all"),
        path("thong-bao/<int:pk>/da-doc/", NotificationReadView.as_view(), name="read"),
    ]
