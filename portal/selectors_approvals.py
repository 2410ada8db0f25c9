"""Reads of the approval authorities: "who may approve this dossier now", and the window.

``portal`` never imports ``records``: a *subject* is anything with ``unit`` (a ``Unit``),
``personnel_category`` (a ``loai_nhan_su`` code) and ``custom_fields`` (a dict); a dossier
is one. ``ApprovalResolver`` reads the rules, the unit chain and the approvers once and
answers for many subjects (the approval queue asks for hundreds of dossiers at a time);
the module-level functions are the one-subject shortcuts.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Q
from django.utils import timezone

from portal import scoping
from portal.choices import Role
from portal.models import Grant, Unit
from portal.models.approvals import (
    ApprovalDelegation,
    ApprovalRule,
    ApprovalWindowOverride,
    ApprovalWindowPolicy,
    ApprovingUnitMode,
)


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


def delegation_list(*, user):
    """Delegations the user may see: those of their subtrees (administrators, approvers) and
    those made to them (``ScopeSpec.self_field``)."""
    queryset = ApprovalDelegation.objects.select_related("delegator", "delegate", "unit")
    return scoping.restrict(user, scoping.VIEW, queryset)


# -- the approval window ---------------------------------------------------------------------------


def approval_window(day: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The approval window of ``day``'s month: its last ``last_days`` days (first, last)."""
    day = day or timezone.localdate()
    policy = ApprovalWindowPolicy.load()
    last = calendar.monthrange(day.year, day.month)[1]
    days = max(1, min(policy.last_days, last))
    return day.replace(day=last - days + 1), day.replace(day=last)


def in_approval_window(day: datetime.date | None = None) -> bool:
    day = day or timezone.localdate()
    first, last = approval_window(day)
    return first <= day <= last


def approval_override_for(unit: Unit | None, *, on: datetime.date | None = None) -> ApprovalWindowOverride | None:
    """The override in force on ``on`` covering ``unit`` (its own or an ancestor's, or a province-wide one)."""
    day = on or timezone.localdate()
    overrides = ApprovalWindowOverride.objects.filter(
        revoked_at__isnull=True, starts_on__lte=day, ends_on__gte=day
    ).select_related("unit")
    for override in overrides.order_by("-granted_at"):
        if override.unit is None or (unit is not None and unit.path.startswith(override.unit.path)):
            return override
    return None


def user_label(user) -> str:
    """An account as shown in approval screens: full name and user name."""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{full} ({user.get_username()})" if full else user.get_username()


# -- reads of the admin screens (rules, the "who approves?" tester, delegations, overrides) --------


def approval_rule_list():
    """Every rule, in use or not, in the order they are tried, with their units. Configuration:
    the caller (the rules screen) lets only system administrators in."""
    return ApprovalRule.objects.select_related("unit", "approver_unit").order_by("priority", "id")


@dataclass(frozen=True)
class RuleLabels:
    """Labels of the codes the rules name: unit types, personnel categories, tier fields and tiers."""

    unit_types: dict[str, str]
    categories: dict[str, str]
    tier_fields: dict[str, str]
    tiers: dict[str, str]


def approval_rule_labels(rules) -> RuleLabels:
    """The labels of what ``rules`` name (retired entries included), in two queries."""
    from portal.choices import FieldTarget
    from portal.models import CatalogueEntry, FieldDefinition

    keys = {rule.tier_field for rule in rules if rule.tier_field}
    fields = list(FieldDefinition.objects.filter(target=FieldTarget.DOSSIER, key__in=keys).select_related("catalogue"))
    tier_kinds = {field.catalogue.code for field in fields if field.catalogue_id}
    labels: dict[str, dict[str, str]] = {}
    entries = CatalogueEntry.objects.filter(kind__code__in={"loai_don_vi", "loai_nhan_su", *tier_kinds})
    for kind, code, label in entries.order_by("order", "code").values_list("kind__code", "code", "label"):
        labels.setdefault(kind, {}).setdefault(code, label)
    tiers: dict[str, str] = {}
    for kind in sorted(tier_kinds):
        for code, label in labels.get(kind, {}).items():
            tiers.setdefault(code, label)
    return RuleLabels(
        unit_types=labels.get("loai_don_vi", {}),
        categories=labels.get("loai_nhan_su", {}),
        tier_fields={field.key: field.label for field in fields},
        tiers=tiers,
    )


@dataclass(frozen=True)
class ApprovalCheck:
    """The answer of the "who approves?" tester: the deciding rule and unit, and the approvers."""

    authority: Authority | None
    approvers: list[Approver]


def approval_check(
    *, unit: Unit, personnel_category: str, tier: str = "", on: datetime.date | None = None
) -> ApprovalCheck:
    """Who approves a person of ``unit`` and ``personnel_category`` (and management ``tier``, put in
    every tier field the rules read) on ``on``: lets an administrator check the rules without a dossier."""
    resolver = ApprovalResolver(on=on)
    keys = {rule.tier_field for rule in resolver.rules if rule.tier_field}
    subject = SimpleNamespace(
        unit=unit, personnel_category=personnel_category, custom_fields={key: tier for key in keys} if tier else {}
    )
    authority = resolver.authority(subject)
    return ApprovalCheck(authority=authority, approvers=resolver.approvers_of_unit(authority.unit) if authority else [])


def period_state(obj, *, on: datetime.date | None = None) -> str:
    """A delegation's or override's state on a day: ``revoked``, ``ended``, ``upcoming`` or ``in_force``."""
    day = on or timezone.localdate()
    if obj.revoked_at is not None:
        return "revoked"
    if obj.ends_on < day:
        return "ended"
    if obj.starts_on > day:
        return "upcoming"
    return "in_force"


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


def approval_override_list():
    """Every window override, newest first (system administrators' screen)."""
    return ApprovalWindowOverride.objects.select_related("unit", "granted_by", "revoked_by").order_by(
        "-starts_on", "-id"
    )


__all__ = [
    "ApprovalCheck",
    "ApprovalResolver",
    "Approver",
    "Authority",
    "approval_authority",
    "approval_check",
    "approval_override_for",
    "approval_override_list",
    "approval_rule_labels",
    "approval_rule_list",
    "approval_window",
    "approvers_for",
    "approving_units",
    "delegable_units",
    "delegate_candidates",
    "delegation_list",
    "delegations_lapsed",
    "delegators_for",
    "in_approval_window",
    "period_state",
]
