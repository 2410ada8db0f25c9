"""Reads of the rules screen: the rules in the order they are tried, the labels of the codes they
name, and the "who approves?" tester (``approval_check``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from portal.models import Unit
from portal.models.approvals import ApprovalRule
from portal.selectors_approvals.authority import ApprovalResolver, Approver, Authority


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


__all__ = [
    "ApprovalCheck",
    "approval_check",
    "approval_rule_labels",
    "approval_rule_list",
]
