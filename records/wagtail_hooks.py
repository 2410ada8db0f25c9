"""Admin hooks of the records: the dossier list, the review queue and the monthly approval in the menu."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from records import views
from records.views.approvals.common import can_read_acts, may_see_queue_menu
from records.views.common import can_list_dossiers, can_review


class DossiersMenuItem(MenuItem):
    def is_shown(self, request):
        return can_list_dossiers(request.user)


class ReviewsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_review(request.user)


@hooks.register("register_admin_urls")
def register_records_urls():
    return views.urlpatterns()


@hooks.register("register_admin_menu_item")
def register_dossiers_menu_item():
    return DossiersMenuItem(
        _("Dossiers"), reverse("records_dossiers:index"), name="dossiers", icon_name="folder-open-inverse", order=150
    )


@hooks.register("register_admin_menu_item")
def register_reviews_menu_item():
    return ReviewsMenuItem(
        _("Declarations to review"), reverse("records_reviews:queue"), name="reviews", icon_name="tasks", order=160
    )


class ApprovalQueueMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_queue_menu(request.user)


class ApprovalActsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_read_acts(request.user)


class ApprovalSubmenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return may_see_queue_menu(request.user) or can_read_acts(request.user)


@hooks.register("register_admin_menu_item")
def register_approval_menu_item():
    items = [
        ApprovalQueueMenuItem(
            _("Dossiers awaiting approval"),
            reverse("records_approvals:queue"),
            name="approval-queue",
            icon_name="tasks",
            order=10,
        ),
        ApprovalActsMenuItem(
            _("Approval acts"), reverse("records_approvals:acts"), name="approval-acts", icon_name="doc-full", order=20
        ),
    ]
    return ApprovalSubmenuItem(
        _("Monthly approval"), Menu(items=items), name="monthly-approval", icon_name="success", order=170
    )
