"""The approval delegations the account may see, creating one (unit, then the delegation) and
revoking one; the services decide, their refusals becoming the 403 page."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages

from portal import scoping
from portal.forms.approvals import ApprovalDelegationForm, ConfirmForm, DelegationUnitForm
from portal.selectors_approvals.delegations import (
    delegable_units,
    delegate_candidates,
    delegation_list,
    delegations_lapsed,
    delegators_for,
)
from portal.selectors_approvals.window import period_state
from portal.services.approvals import approval_delegation_create, approval_delegation_revoke
from portal.views import paginate
from portal.views.approvals.common import (
    STATE_LABELS,
    ApprovalFormMixin,
    ApprovalsMixin,
    can_delegate,
    can_view_delegations,
    date_text,
    may_revoke,
)


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
