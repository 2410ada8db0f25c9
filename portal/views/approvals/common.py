"""Who may do what on the approval-authority screens (the menus ask too, before anything is looked
up), the labels of a period's state, and the mixins of every page and of the form pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Media
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal import scoping
from portal.choices import Role
from portal.models import ApprovalDelegation
from portal.selectors_approvals.delegations import delegation_list
from portal.services.approvals import ApprovalPermissionDenied
from portal.views import PermissionMixin, apply_service_errors, forbidden

STATE_LABELS = {
    "in_force": _("In force"),
    "upcoming": _("Upcoming"),
    "ended": _("Ended"),
    "revoked": _("Revoked"),
    "lapsed": _("Lapsed: the delegator no longer holds the approver role"),
}


# -- who may do what (menus and the permission check before anything is looked up) -----------


def can_manage_rules(user) -> bool:
    return scoping.is_system_admin(user)


def can_manage_window(user) -> bool:
    return scoping.is_system_admin(user)


def can_delegate(user) -> bool:
    """Holders of an approver grant and administrators of delegations may open the create page."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if any(grant.role == Role.APPROVER for grant in scoping.active_grants(user)):
        return True
    return bool(scoping.managed_units(user, scoping.MANAGE, "portal.approvaldelegation"))


def can_view_delegations(user) -> bool:
    """Those who may delegate or see delegations by role, and the delegates of some delegation."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if can_delegate(user) or scoping.can(user, scoping.VIEW, ApprovalDelegation):
        return True
    # Asked by the menu on every admin page: one query per request at most.
    if not hasattr(user, "_delegate_of_some"):
        user._delegate_of_some = delegation_list(user=user).exists()
    return user._delegate_of_some


def may_revoke(user, delegation, roots) -> bool:
    """Whether to offer the revoke button (``approval_delegation_revoke`` decides)."""
    return delegation.delegator_id == user.pk or scoping.unit_in_scope(delegation.unit, roots)


def date_text(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


class ApprovalsMixin(PermissionMixin, WagtailAdminTemplateMixin):
    header_icon = "calendar-check"
    section: tuple[str, str] = ("portal_approvals:rules", _("Approval rules"))

    def section_breadcrumbs(self, *extra: dict) -> list[dict]:
        url_name, label = self.section
        return [*self.breadcrumbs_items, {"url": reverse(url_name), "label": label}, *extra]

    def get_breadcrumbs_items(self):
        return self.section_breadcrumbs()


class ApprovalFormMixin(ApprovalsMixin):
    """A form page that calls one service: permission refusals → 403, ``ValidationError`` → fields."""

    template_name = "portal/approvals/form.html"
    submit_label = _("Save")
    error_message = _("Nothing was saved; correct the errors below.")
    question = ""

    def get_breadcrumbs_items(self):
        return self.section_breadcrumbs({"url": None, "label": self.get_page_title()})

    def cancel_url(self) -> str:
        return reverse(self.section[0])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=self.request.get_full_path(),
            submit_button_label=self.submit_label,
            submit_button_active_label=_("Saving…"),
            media=context["form"].media if context.get("form") is not None else Media(),
            cancel_url=self.cancel_url(),
            question=self.question,
        )
        return context

    def form_valid(self, form):
        try:
            return self.perform(form)
        except ApprovalPermissionDenied as exc:
            return forbidden(self.request, str(exc))
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)

    def form_invalid(self, form):
        messages.error(self.request, self.error_message)
        return super().form_invalid(form)

    def perform(self, form):
        raise NotImplementedError


__all__ = [
    "can_delegate",
    "can_manage_rules",
    "can_manage_window",
    "can_view_delegations",
]
