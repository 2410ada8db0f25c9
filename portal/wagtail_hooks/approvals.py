"""Admin hooks of the approval authorities: the "Approval authorities" (Thẩm quyền phê duyệt) menu,
its URLs, and the approval window policy as a Wagtail setting edited by system administrators."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.contrib.settings.registry import register_setting
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from portal.models import ApprovalWindowPolicy
from portal.views.approvals.common import can_manage_rules, can_manage_window, can_view_delegations
from portal.views.approvals.urls import urlpatterns as approval_urlpatterns
from portal.wagtail_hooks.configuration import PermissionMenuItem


class SystemAdminPermissionPolicy(ModelPermissionPolicy):
    """Only system administrators (``is_system_admin``) may change the setting: roles are grants over
    units, not Django groups, so the model permission alone would leave them out."""

    def user_has_permission(self, user, action):
        return can_manage_window(user)

    def user_has_any_permission(self, user, actions):
        return can_manage_window(user)


# Like SecurityPolicy: edited on Wagtail's settings page (``wagtailsettings:edit``), audited by
# portal.models.audit. The policy registered after the setting replaces the default one.
register_setting(ApprovalWindowPolicy, icon="calendar-check")
register_permission_policy(ApprovalWindowPolicy, SystemAdminPermissionPolicy(ApprovalWindowPolicy))


@hooks.register("after_edit_setting")
def back_to_the_approval_window(request, instance):
    # After the policy is saved, show it with this month's window and the overrides.
    if isinstance(instance, ApprovalWindowPolicy):
        return redirect("portal_approvals:window")
    return None


@hooks.register("register_admin_urls")
def register_approval_urls():
    return approval_urlpatterns()


def can_see_menu(user) -> bool:
    return can_manage_rules(user) or can_view_delegations(user)


class ApprovalsSubmenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return can_see_menu(request.user)


@hooks.register("register_admin_menu_item")
def register_approvals_menu_item():
    items = [
        PermissionMenuItem(
            _("Approval rules"),
            reverse("portal_approvals:rules"),
            name="approval-rules",
            icon_name="clipboard-list",
            order=10,
            check=can_manage_rules,
        ),
        PermissionMenuItem(
            _("Approval delegations"),
            reverse("portal_approvals:delegations"),
            name="approval-delegations",
            icon_name="group",
            order=20,
            check=can_view_delegations,
        ),
        PermissionMenuItem(
            _("Approval window"),
            reverse("portal_approvals:window"),
            name="approval-window",
            icon_name="calendar-check",
            order=30,
            check=can_manage_window,
        ),
    ]
    return ApprovalsSubmenuItem(
        _("Approval authorities"), Menu(items=items), name="approval-authorities", icon_name="calendar-check", order=235
    )
