"""The approval rules in the order they are tried, the "who approves?" tester, a rule's form and
loading the shipped rule set: system administrators only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages

from portal.forms.approvals import ApprovalCheckForm, ApprovalRuleForm, LoadDefaultRulesForm
from portal.selectors_approvals.rules import approval_check, approval_rule_labels, approval_rule_list
from portal.services.approvals import approval_rule_save, approval_rules_load_default
from portal.views.approvals.common import ApprovalFormMixin, ApprovalsMixin, can_manage_rules


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
