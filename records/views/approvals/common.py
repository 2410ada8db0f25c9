"""Who may do what on the monthly-approval screens (the admin menu asks too), the admin message
that lists a service's refusals, and the mixin of every page."""

from __future__ import annotations

from django.contrib import messages as django_messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.messages import render as render_message
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal import scoping
from portal.choices import Role
from portal.selectors_approvals.authority import approving_units
from portal.views import PermissionMixin
from records.models import ApprovalAct

NOT_THE_APPROVER = _("Only the approver who prepared this act can sign or cancel it.")


# -- who may do what -------------------------------------------------------------------------------


def approvers_today(user) -> list:
    """``approving_units(user)`` for today, read once per request (the menu and the page both ask)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if not hasattr(user, "_approving_units_today"):
        user._approving_units_today = approving_units(user)
    return user._approving_units_today


def can_approve(user) -> bool:
    """Approves for some unit today: an approver grant in force, or a delegation in force."""
    return bool(approvers_today(user))


def may_see_queue_menu(user) -> bool:
    """The menu's question, asked on every admin page, so kept cheap: an approver grant (the grants
    are cached for the request) answers at once; accounts without one cost the delegation lookup.
    Superusers configure rather than approve and are not asked at all (no query on their pages);
    one who also holds an approver grant reaches the queue from the acts page."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
        return False
    if any(grant.role == Role.APPROVER for grant in scoping.active_grants(user)):
        return True
    return can_approve(user)


def can_read_acts(user) -> bool:
    """Reads approval acts by role (clerks, administrators, leaders, approvers), or approves today."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return scoping.can(user, scoping.VIEW, ApprovalAct) or can_approve(user)


def error_message(request, summary, problems) -> None:
    """One admin message: ``summary`` and every problem the service named (one per dossier)."""
    detail = format_html('<ul class="errorlist">{}</ul>', format_html_join("", "<li>{}</li>", ((p,) for p in problems)))
    django_messages.error(request, render_message(summary, None, detail=detail))


class ApprovalMixin(PermissionMixin, WagtailAdminTemplateMixin):
    header_icon = "tasks"

    def has_permission(self) -> bool:
        return can_read_acts(self.request.user)


__all__ = [
    "can_approve",
    "can_read_acts",
    "may_see_queue_menu",
]
