"""Reads of the approval delegations: those an account may see, those that give nothing any more,
and the choices of the delegation form (units, delegators, delegates)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from portal import scoping
from portal.choices import Role
from portal.models import Grant, Unit
from portal.models.approvals import ApprovalDelegation
from portal.selectors_approvals.authority import _in_force


def delegation_list(*, user):
    """Delegations the user may see: those of their subtrees (administrators, approvers) and
    those made to them (``ScopeSpec.self_field``)."""
    queryset = ApprovalDelegation.objects.select_related("delegator", "delegate", "unit")
    return scoping.restrict(user, scoping.VIEW, queryset)


def delegations_lapsed(delegations, *, on: datetime.date | None = None) -> set[int]:
    """Ids of the delegations among ``delegations`` (not revoked, not ended) whose delegator holds no
    approver grant on their unit on ``on``: they give nothing (``ApprovalResolver``). One query."""
    day = on or timezone.localdate()
    current = [d for d in delegations if d.revoked_at is None and d.ends_on >= day]
    if not current:
        return set()
    held = set(
        Grant.objects.filter(
            role=Role.APPROVER,
            revoked_at__isnull=True,
            user_id__in={d.delegator_id for d in current},
            unit_id__in={d.unit_id for d in current},
        )
        .filter(_in_force(day))
        .values_list("user_id", "unit_id")
    )
    return {d.pk for d in current if (d.delegator_id, d.unit_id) not in held}


def _approver_grants(day: datetime.date):
    return Grant.objects.filter(role=Role.APPROVER, revoked_at__isnull=True, unit__isnull=False).filter(_in_force(day))


def delegable_units(user, *, on: datetime.date | None = None) -> list[Unit]:
    """The units whose approval ``user`` may delegate, in tree order: those where they hold an approver
    grant, and, for administrators of delegations, the units of their subtrees that have an approver.
    (Only narrows the choices; ``approval_delegation_create`` checks again.)"""
    from portal import scoping

    day = on or timezone.localdate()
    condition = Q(user=user)
    roots = scoping.managed_units(user, scoping.MANAGE, "portal.approvaldelegation")
    if None in roots:
        condition = Q()
    else:
        for root in roots:
            condition |= Q(unit__path__startswith=root.path)
    unit_ids = _approver_grants(day).filter(condition).values("unit_id")
    return list(Unit.objects.filter(pk__in=unit_ids, dissolved_on__isnull=True).order_by("path"))


def delegators_for(*, user, unit: Unit, on: datetime.date | None = None) -> list:
    """Who ``user`` may choose as the delegating approver of ``unit``: every holder of an approver grant
    on it for an administrator of the unit's delegations, else ``user`` alone (if they hold one)."""
    from portal import scoping

    day = on or timezone.localdate()
    grants = _approver_grants(day).filter(unit=unit, user__is_active=True).select_related("user")
    roots = scoping.managed_units(user, scoping.MANAGE, "portal.approvaldelegation")
    if not scoping.unit_in_scope(unit, roots):
        grants = grants.filter(user=user)
    users = {grant.user_id: grant.user for grant in grants.order_by("user__username")}
    return list(users.values())


def delegate_candidates(*, unit: Unit):
    """Active accounts of ``unit``'s subtree, by user name: whom its approval may be delegated to."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, unit__path__startswith=unit.path)
        .select_related("unit")
        .order_by("username")
    )


__all__ = [
    "delegable_units",
    "delegate_candidates",
    "delegation_list",
    "delegations_lapsed",
    "delegators_for",
]
