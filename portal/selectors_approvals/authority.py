"""Who may approve a subject: the deciding rule, the approving unit and its approvers.

``ApprovalResolver`` reads the rules, the unit chain and the approvers once and answers for
many subjects (the approval queue asks for hundreds of dossiers at a time); the module-level
functions are the one-subject shortcuts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from portal import scoping
from portal.choices import Role
from portal.models import Grant, Unit
from portal.models.approvals import ApprovalDelegation, ApprovalRule, ApprovingUnitMode


@dataclass(frozen=True)
class Authority:
    """The rule that decides a subject's approval and the unit whose approver approves."""

    rule: ApprovalRule
    unit: Unit

    @property
    def title(self) -> str:
        return self.rule.approver_title


@dataclass(frozen=True)
class Approver:
    """An account that may approve for ``unit``: in its own right, or through ``delegation``."""

    user: object
    unit: Unit
    delegation: ApprovalDelegation | None = None

    @property
    def is_delegate(self) -> bool:
        return self.delegation is not None


def _in_force(day: datetime.date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class ApprovalResolver:
    """Answers approval-authority questions for one day, reading each thing once.

    Rules are read on construction; each unit's chain of ancestors and each approving
    unit's approvers are read the first time they are needed and kept.
    """

    def __init__(self, *, on: datetime.date | None = None):
        self.day = on or timezone.localdate()
        self.rules = list(ApprovalRule.objects.filter(active=True).select_related("unit", "approver_unit"))
        self._chains: dict[int, list[Unit]] = {}
        self._approvers: dict[int, list[Approver]] = {}

    # -- the unit chain ---------------------------------------------------------------------------
    def chain(self, unit: Unit) -> list[Unit]:
        """``unit`` and its ancestors, nearest first, with their unit types."""
        if unit.pk not in self._chains:
            step = Unit.steplen
            paths = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
            by_path = {u.path: u for u in Unit.objects.filter(path__in=paths).select_related("unit_type")}
            self._chains[unit.pk] = [by_path[path] for path in reversed(paths) if path in by_path]
        return self._chains[unit.pk]

    @staticmethod
    def _type_code(unit: Unit) -> str:
        return unit.unit_type.code if unit.unit_type_id else ""

    # -- rules ----------------------------------------------------------------------------------
    def _matches(self, rule: ApprovalRule, subject, chain: list[Unit]) -> bool:
        unit = chain[0]
        if rule.unit is not None and not unit.path.startswith(rule.unit.path):
            return False
        if rule.unit_types and not any(self._type_code(u) in rule.unit_types for u in chain):
            return False
        if rule.personnel_categories and (subject.personnel_category or "") not in rule.personnel_categories:
            return False
        if rule.tier_field:
            value = (getattr(subject, "custom_fields", None) or {}).get(rule.tier_field)
            values = value if isinstance(value, list) else [value]
            if not any(str(v) in rule.tier_values for v in values if v not in (None, "")):
                return False
        return True

    def _approving_unit(self, rule: ApprovalRule, chain: list[Unit]) -> Unit | None:
        if rule.approver_mode == ApprovingUnitMode.FIXED:
            return rule.approver_unit
        for unit in chain:
            if self._type_code(unit) in rule.approver_unit_types:
                return unit
        return None

    def authority(self, subject) -> Authority | None:
        """The first active rule (by priority) that matches ``subject`` and finds an approving
        unit; ``None`` when no rule does (the Sở Nội vụ has to add one)."""
        chain = self.chain(subject.unit)
        for rule in self.rules:
            if not self._matches(rule, subject, chain):
                continue
            unit = self._approving_unit(rule, chain)
            if unit is not None and unit.dissolved_on is None:
                return Authority(rule=rule, unit=unit)
        return None

    # -- approvers ------------------------------------------------------------------------------
    def approvers_of_unit(self, unit: Unit) -> list[Approver]:
        """Holders of an active approver grant on exactly ``unit``, then their delegates in force."""
        if unit.pk not in self._approvers:
            grants = (
                Grant.objects.filter(role=Role.APPROVER, unit=unit, revoked_at__isnull=True, user__is_active=True)
                .filter(_in_force(self.day))
                .select_related("user")
                .order_by("user__username")
            )
            heads = {grant.user_id: grant.user for grant in grants}
            approvers = [Approver(user=user, unit=unit) for user in heads.values()]
            delegations = (
                ApprovalDelegation.objects.filter(
                    unit=unit,
                    delegator_id__in=list(heads),
                    revoked_at__isnull=True,
                    starts_on__lte=self.day,
                    ends_on__gte=self.day,
                    delegate__is_active=True,
                )
                .select_related("delegate", "delegator")
                .order_by("starts_on", "id")
            )
            seen = set(heads)
            for delegation in delegations:
                if delegation.delegate_id not in seen:
                    seen.add(delegation.delegate_id)
                    approvers.append(Approver(user=delegation.delegate, unit=unit, delegation=delegation))
            self._approvers[unit.pk] = approvers
        return self._approvers[unit.pk]

    def approvers(self, subject) -> list[Approver]:
        authority = self.authority(subject)
        return self.approvers_of_unit(authority.unit) if authority else []

    def approver(self, user, subject) -> Approver | None:
        """How ``user`` may approve ``subject`` today (own right or delegation), or ``None``."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        return next((a for a in self.approvers(subject) if a.user.pk == user.pk), None)


def approval_authority(subject, *, on: datetime.date | None = None) -> Authority | None:
    return ApprovalResolver(on=on).authority(subject)


def approvers_for(subject, *, on: datetime.date | None = None) -> list[Approver]:
    """Who may approve ``subject`` on ``on`` (default today): "who may approve this dossier now"."""
    return ApprovalResolver(on=on).approvers(subject)


def approving_units(user, *, on: datetime.date | None = None) -> list[Approver]:
    """The units ``user`` approves for on a day: their own approver grants and delegations in force
    (the delegator still holding the grant). Each as an ``Approver`` (``delegation`` set when delegated)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    day = on or timezone.localdate()
    # Asked by the admin menu on every page: once per request.
    return list(scoping.request_cached(("approving_units", user.pk, day), lambda: _approving_units(user, day)))


def _approving_units(user, day: datetime.date) -> list[Approver]:
    grants = [g for g in scoping.active_grants(user, on=day) if g.role == Role.APPROVER and g.unit_id is not None]
    result = [Approver(user=user, unit=grant.unit) for grant in grants]
    own = {a.unit.pk for a in result}
    delegator_grants = Grant.objects.filter(role=Role.APPROVER, revoked_at__isnull=True).filter(_in_force(day))
    delegations = ApprovalDelegation.objects.filter(
        delegate=user, revoked_at__isnull=True, starts_on__lte=day, ends_on__gte=day, delegator__is_active=True
    ).select_related("unit", "delegator")
    for delegation in delegations:
        if delegation.unit_id in own:
            continue
        if delegator_grants.filter(user_id=delegation.delegator_id, unit_id=delegation.unit_id).exists():
            own.add(delegation.unit_id)
            result.append(Approver(user=user, unit=delegation.unit, delegation=delegation))
    return result


__all__ = [
    "ApprovalResolver",
    "Approver",
    "Authority",
    "approval_authority",
    "approvers_for",
    "approving_units",
]
