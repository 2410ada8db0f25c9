"""The URLs of the approval-authority screens, in the ``portal_approvals`` namespace."""

from __future__ import annotations

from django.urls import include, path

from portal.views.approvals.delegations import DelegationCreateView, DelegationIndexView, DelegationRevokeView
from portal.views.approvals.rules import RuleFormView, RuleIndexView, RulesLoadDefaultView
from portal.views.approvals.window import OverrideCreateView, OverrideRevokeView, WindowView


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


__all__ = ["urlpatterns"]
