"""Admin screens of the approval authorities ("Thẩm quyền phê duyệt"): rules, delegations, the window.

- Rules and the approval window (with its overrides) are the Sở Nội vụ's configuration:
  system administrators only (``is_system_admin``); anyone else gets the 403 page before
  anything is looked up. The rules page carries the "who approves?" tester.
- Delegations: the list comes from ``delegation_list`` (administrators and approvers see
  their subtrees, a delegate those made to them); a delegation outside it answers 404. Anyone
  holding an approver grant or managing delegations may open the create page; the service
  decides the rest, its ``ApprovalPermissionDenied`` becoming the 403 page with its message.

Writes call one service of ``portal.services.approvals``; its ``ValidationError`` goes on the
form's fields. The window policy itself (last N days, enforced) is a Wagtail setting edited on
Wagtail's settings page (``portal.wagtail_hooks.approvals`` registers it, for system
administrators).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Media
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal import scoping
from portal.choices import Role
from portal.forms.approvals import (
    ApprovalCheckForm,
    ApprovalDelegationForm,
    ApprovalOverrideForm,
    ApprovalRuleForm,
    ConfirmForm,
    DelegationUnitForm,
    LoadDefaultRulesForm,
)
from portal.models import ApprovalDelegation, ApprovalWindowPolicy
from portal.selectors_approvals import (
    approval_check,
    approval_override_list,
    approval_rule_labels,
    approval_rule_list,
    approval_window,
    delegable_units,
    delegate_candidates,
    delegation_list,
    delegations_lapsed,
    delegators_for,
    period_state,
)
from portal.services.approvals import (
    ApprovalPermissionDenied,
    approval_delegation_create,
    approval_delegation_revoke,
    approval_override_grant,
    approval_override_revoke,
    approval_rule_save,
    approval_rules_load_default,
)
from portal.views import PermissionMixin, apply_service_errors, forbidden, paginate

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


# -- rules --------------------------------------------------------------------------------------


class RulesMixin(ApprovalsMixin):
    header_icon = "clipboard-list"

    def has_permission(self) -> bool:
        return can_manage_rules(self.request.user)


class RuleIndexView(RulesMixin, TemplateView):
    """The rules in the order they are tried, and the "who approves?" tester (``?unit=&category=&tier=``)."""

    template_name = "portal/approvals/rules.html"
    page_title = _("Approval rules")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rules = list(approval_rule_list())
        labels = approval_rule_labels(rules)

        def named(codes, known):
            return [known.get(code, code) for code in codes]

        rows = [
            {
                "rule": rule,
                "unit_types": named(rule.unit_types, labels.unit_types),
                "categories": named(rule.personnel_categories, labels.categories),
                "tier_field": labels.tier_fields.get(rule.tier_field, rule.tier_field),
                "tiers": named(rule.tier_values, labels.tiers),
                "approver_unit_types": named(rule.approver_unit_types, labels.unit_types),
            }
            for rule in rules
        ]
        asked = "unit" in self.request.GET
        check_form = ApprovalCheckForm(self.request.GET if asked else None, tiers=labels.tiers)
        check = None
        if asked and check_form.is_valid():
            data = check_form.cleaned_data
            check = approval_check(unit=data["unit"], personnel_category=data["category"], tier=data["tier"] or "")
        context.update(rows=rows, check_form=check_form, check=check, asked=asked, today=timezone.localdate())
        return context


class RuleFormView(RulesMixin, ApprovalFormMixin, FormView):
    """Create a rule (no ``pk``) or change one."""

    template_name = "portal/approvals/rule_form.html"
    form_class = ApprovalRuleForm
    error_message = _("The rule was not saved; correct the errors below.")

    def load_objects(self):
        self.rule = get_object_or_404(approval_rule_list(), pk=self.kwargs["pk"]) if "pk" in self.kwargs else None

    def get_page_title(self):
        return _("Edit approval rule") if self.rule else _("New approval rule")

    def get_page_subtitle(self):
        return self.rule.name if self.rule else ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rule": self.rule}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "rule": self.rule}

    def perform(self, form):
        rule = approval_rule_save(actor=self.request.user, values=form.values(), instance=self.rule)
        messages.success(self.request, gettext("Approval rule '%(name)s' was saved.") % {"name": rule.name})
        return redirect("portal_approvals:rules")


class RulesLoadDefaultView(RulesMixin, ApprovalFormMixin, FormView):
    """Confirmation (GET) and loading (POST) of the shipped rule set."""

    form_class = LoadDefaultRulesForm
    page_title = _("Load the default rule set (QĐ 37/2024 Đồng Tháp)")
    submit_label = _("Load the default rule set")
    question = _(
        "The approval rules of Đồng Tháp QĐ 37/2024 Điều 11 will be added as rules you can edit. "
        "When rules already exist, nothing is loaded unless you choose to replace them."
    )

    def perform(self, form):
        created = approval_rules_load_default(actor=self.request.user, replace=form.cleaned_data["replace"])
        if not created:
            messages.warning(
                self.request,
                gettext(
                    "Rules already exist, so nothing was loaded. "
                    "Tick 'Replace the current rules' to load the default set."
                ),
            )
            return redirect("portal_approvals:rules")
        messages.success(self.request, gettext("Default rules loaded: %(count)s.") % {"count": len(created)})
        for rule in created:
            if not rule.active:
                messages.warning(
                    self.request,
                    gettext("Rule '%(name)s' is switched off: %(note)s") % {"name": rule.name, "note": rule.note},
                )
        return redirect("portal_approvals:rules")


# -- delegations --------------------------------------------------------------------------------


class DelegationsMixin(ApprovalsMixin):
    header_icon = "group"
    section = ("portal_approvals:delegations", _("Approval delegations"))

    def has_permission(self) -> bool:
        return can_view_delegations(self.request.user)


class DelegationIndexView(DelegationsMixin, TemplateView):
    template_name = "portal/approvals/delegations.html"
    page_title = _("Approval delegations")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        page = paginate(self.request, delegation_list(user=user))
        lapsed = delegations_lapsed(page.object_list, on=today)
        roots = scoping.managed_units(user, scoping.MANAGE, "portal.approvaldelegation")
        rows = []
        for delegation in page.object_list:
            state = period_state(delegation, on=today)
            if delegation.pk in lapsed:
                state = "lapsed"
            rows.append(
                {
                    "delegation": delegation,
                    "state": state,
                    "state_label": STATE_LABELS[state],
                    "can_revoke": state in ("in_force", "upcoming", "lapsed") and may_revoke(user, delegation, roots),
                }
            )
        context.update(page=page, rows=rows, can_delegate=can_delegate(user))
        return context


class DelegationCreateView(DelegationsMixin, ApprovalFormMixin, FormView):
    """Step one (``?unit=`` missing and several units possible): choose the unit; then the delegation."""

    template_name = "portal/approvals/delegation_form.html"
    form_class = ApprovalDelegationForm
    page_title = _("New delegation")
    submit_label = _("Create the delegation")
    error_message = _("The delegation was not created; correct the errors below.")

    def has_permission(self) -> bool:
        return can_delegate(self.request.user)

    def load_objects(self):
        self.units = delegable_units(self.request.user)
        chosen = self.request.GET.get("unit", "")
        self.unit = next((unit for unit in self.units if str(unit.pk) == chosen), None)
        if self.unit is None and len(self.units) == 1:
            self.unit = self.units[0]

    def get(self, request, *args, **kwargs):
        return self.choose_unit() if self.unit is None else super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.choose_unit() if self.unit is None else super().post(request, *args, **kwargs)

    def choose_unit(self):
        """Step one: the units whose approval the account may delegate (none: say so)."""
        context = self.get_context_data(form=None, unit_form=DelegationUnitForm(units=self.units), units=self.units)
        return TemplateResponse(self.request, "portal/approvals/delegation_unit.html", context)

    def get_initial(self):
        user = self.request.user
        return {"starts_on": timezone.localdate(), "delegator": user.pk}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "delegators": delegators_for(user=self.request.user, unit=self.unit),
            "delegates": delegate_candidates(unit=self.unit),
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "unit": self.unit, "several_units": len(self.units) > 1}

    def perform(self, form):
        data = form.cleaned_data
        delegation = approval_delegation_create(
            actor=self.request.user,
            delegator=data["delegator"],
            delegate=data["delegate"],
            unit=self.unit,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            reason=data["reason"],
            decision_number=data["decision_number"],
        )
        messages.success(
            self.request,
            gettext("%(delegate)s approves for %(unit)s from %(start)s to %(end)s.")
            % {
                "delegate": delegation.delegate.get_username(),
                "unit": delegation.unit.name,
                "start": date_text(delegation.starts_on),
                "end": date_text(delegation.ends_on),
            },
        )
        return redirect("portal_approvals:delegations")


class DelegationRevokeView(DelegationsMixin, ApprovalFormMixin, FormView):
    """Confirmation (GET) and revocation (POST) of a delegation the account can see (else 404)."""

    form_class = ConfirmForm
    page_title = _("Revoke delegation")
    submit_label = _("Revoke delegation")

    def load_objects(self):
        self.delegation = get_object_or_404(delegation_list(user=self.request.user), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.delegation)

    def get_context_data(self, **kwargs):
        delegation = self.delegation
        question = gettext("%(delegate)s will no longer approve for %(unit)s (delegated by %(delegator)s).") % {
            "delegate": delegation.delegate.get_username(),
            "unit": delegation.unit.name,
            "delegator": delegation.delegator.get_username(),
        }
        return {**super().get_context_data(**kwargs), "question": question}

    def perform(self, form):
        approval_delegation_revoke(actor=self.request.user, delegation=self.delegation)
        messages.success(self.request, gettext("The delegation was revoked."))
        return redirect("portal_approvals:delegations")


# -- the approval window ------------------------------------------------------------------------


class WindowMixin(ApprovalsMixin):
    header_icon = "calendar-check"
    section = ("portal_approvals:window", _("Approval window"))

    def has_permission(self) -> bool:
        return can_manage_window(self.request.user)


class WindowView(WindowMixin, TemplateView):
    """This month's window, the policy (edited as a Wagtail setting) and the overrides."""

    template_name = "portal/approvals/window.html"
    page_title = _("Approval window")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        first, last = approval_window(today)
        policy = ApprovalWindowPolicy.load(request_or_site=self.request)
        page = paginate(self.request, approval_override_list())
        rows = []
        for override in page.object_list:
            state = period_state(override, on=today)
            rows.append({"override": override, "state": state, "state_label": STATE_LABELS[state]})
        context.update(
            window_text=gettext("Approval window this month: from %(first)s to %(last)s.")
            % {"first": date_text(first), "last": date_text(last)},
            in_window=first <= today <= last,
            policy=policy,
            policy_url=reverse("wagtailsettings:edit", args=["portal", "approvalwindowpolicy", policy.pk]),
            page=page,
            rows=rows,
        )
        return context


class OverrideCreateView(WindowMixin, ApprovalFormMixin, FormView):
    form_class = ApprovalOverrideForm
    page_title = _("Allow approval outside the window")
    submit_label = _("Allow")
    error_message = _("The permission was not granted; correct the errors below.")

    def get_initial(self):
        today = timezone.localdate()
        return {"starts_on": today, "ends_on": today}

    def perform(self, form):
        data = form.cleaned_data
        override = approval_override_grant(
            actor=self.request.user,
            unit=data["unit"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            reason=data["reason"],
        )
        messages.success(
            self.request,
            gettext("Approval is allowed from %(start)s to %(end)s for %(where)s.")
            % {
                "start": date_text(override.starts_on),
                "end": date_text(override.ends_on),
                "where": override.unit.name if override.unit else gettext("every unit"),
            },
        )
        return redirect("portal_approvals:window")


class OverrideRevokeView(WindowMixin, ApprovalFormMixin, FormView):
    form_class = ConfirmForm
    page_title = _("Revoke the permission")
    submit_label = _("Revoke")

    def load_objects(self):
        self.override = get_object_or_404(approval_override_list(), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.override.reason

    def get_context_data(self, **kwargs):
        override = self.override
        question = gettext("Approval outside the window from %(start)s to %(end)s for %(where)s will be refused.") % {
            "start": date_text(override.starts_on),
            "end": date_text(override.ends_on),
            "where": override.unit.name if override.unit else gettext("every unit"),
        }
        return {**super().get_context_data(**kwargs), "question": question}

    def perform(self, form):
        approval_override_revoke(actor=self.request.user, override=self.override)
        messages.success(self.request, gettext("The permission was revoked."))
        return redirect("portal_approvals:window")


def approval_urls():
    return [
        path("rules/", RuleIndexView.as_view(), name="rules"),
        path("rules/add/", RuleFormView.as_view(), name="rule_add"),
        path("rules/<int:pk>/", RuleFormView.as_view(), name="rule_edit"),
        path("rules/load-default/", RulesLoadDefaultView.as_view(), name="rules_load_default"),
        path("delegations/", DelegationIndexView.as_view(), name="delegations"),
        path("delegations/add/", DelegationCreateView.as_view(), name="delegation_add"),
        path("delegations/<int:pk>/revoke/", DelegationRevokeView.as_view(), name="delegation_revoke"),
        path("window/", WindowView.as_view(), name="window"),
        path("window/overrides/add/", OverrideCreateView.as_view(), name="override_add"),
        path("window/overrides/<int:pk>/revoke/", OverrideRevokeView.as_view(), name="override_revoke"),
    ]


def urlpatterns():
    return [path("approvals/", include((approval_urls(), "portal_approvals"), namespace="portal_approvals"))]


__all__ = [
    "can_delegate",
    "can_manage_rules",
    "can_manage_window",
    "can_view_delegations",
    "urlpatterns",
]
