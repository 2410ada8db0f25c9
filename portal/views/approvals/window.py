"""This month's approval window, its policy (a Wagtail setting) and the overrides: granting and
revoking one. System administrators only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages

from portal.forms.approvals import ApprovalOverrideForm, ConfirmForm
from portal.models import ApprovalWindowPolicy
from portal.selectors_approvals.window import approval_override_list, approval_window, period_state
from portal.services.approvals import approval_override_grant, approval_override_revoke
from portal.views import paginate
from portal.views.approvals.common import STATE_LABELS, ApprovalFormMixin, ApprovalsMixin, can_manage_window, date_text


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
