"""Writes to the approval authorities: rules, delegations, window overrides, the default rule set.

Rules and overrides are the Sở Nội vụ's: only system administrators change them
(``ApprovalPermissionDenied`` otherwise). A delegation is made by the delegating approver
themselves or by an administrator of the unit. Every row is audited by the triggers of
``portal.models.audit``; correctable input raises ``ValidationError`` keyed by field with a
Vietnamese sentence. ``approval_window_require`` is the guard the approval act calls.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import scoping
from portal.choices import FieldTarget, Role
from portal.models import CatalogueEntry, FieldDefinition, Grant, Unit
from portal.models.approvals import (
    ApprovalDelegation,
    ApprovalRule,
    ApprovalWindowOverride,
    ApprovalWindowPolicy,
    ApprovingUnitMode,
)
from portal.selectors_approvals.window import approval_override_for, approval_window
from portal.services.common import format_date
from portal.text import nfc

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "data" / "approval_rules" / "dong_thap_qd37_2024.json"
# An override is an exception, not a second calendar.
OVERRIDE_MAX_DAYS = 31


class ApprovalPermissionDenied(PermissionDenied):
    """The actor may not change approval authorities, delegations or overrides here."""


class ApprovalOutsideWindow(ValidationError):
    """Approval attempted outside the approval window with no override in force."""


def _require_system_admin(actor) -> None:
    if not scoping.is_system_admin(actor):
        raise ApprovalPermissionDenied(_("Only the Sở Nội vụ's system administrators change approval authorities."))


def _codes(kind: str) -> set[str]:
    return set(CatalogueEntry.objects.filter(kind__code=kind).values_list("code", flat=True))


def _code_list(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    return [nfc(str(v)).strip() for v in value if str(v).strip()]


def approval_rule_save(*, actor, values: dict, instance: ApprovalRule | None = None) -> ApprovalRule:
    """Create or change an approval rule (system administrators only).

    Refused, saving nothing, when: the name is empty; a unit-type or personnel-category
    code is not in its catalogue (``loai_don_vi``, ``loai_nhan_su``); a tier field is named
    that is not a dossier custom field, or has no values; a "nearest of type" rule names no
    approving unit type; a fixed rule has no approving unit or a dissolved one.
    """
    _require_system_admin(actor)
    rule = instance or ApprovalRule()
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    def current(name: str, default=None):
        return values[name] if name in values else getattr(rule, name, default)

    rule.name = nfc(current("name", "") or "").strip()
    if not rule.name:
        fail("name", _("Give the rule a name (for example 'Thủ trưởng đơn vị sự nghiệp công lập')."))
    rule.legal_basis = nfc(current("legal_basis", "") or "").strip()
    priority = current("priority", 100)
    try:
        rule.priority = 100 if priority in (None, "") else int(priority)
        if rule.priority < 0:
            raise ValueError
    except (TypeError, ValueError):
        fail("priority", _("The priority is a whole number (0 or more); lower numbers are tried first."))
    rule.active = bool(current("active", True))
    rule.unit = current("unit", None)
    rule.approver_title = nfc(current("approver_title", "") or "").strip()
    rule.note = nfc(current("note", "") or "")
    unit_types = _codes("loai_don_vi")
    for field in ("unit_types", "approver_unit_types"):
        codes = _code_list(current(field, []))
        unknown = [code for code in codes if code not in unit_types]
        if unknown:
            message = _("Unknown unit type code(s): %(codes)s (catalogue loai_don_vi).")
            fail(field, message % {"codes": ", ".join(unknown)})
        setattr(rule, field, codes)
    categories = _code_list(current("personnel_categories", []))
    unknown = [code for code in categories if code not in _codes("loai_nhan_su")]
    if unknown:
        message = _("Unknown personnel category code(s): %(codes)s (catalogue loai_nhan_su).")
        fail("personnel_categories", message % {"codes": ", ".join(unknown)})
    rule.personnel_categories = categories
    rule.tier_field = (current("tier_field", "") or "").strip()
    rule.tier_values = _code_list(current("tier_values", []))
    if rule.tier_field:
        if not FieldDefinition.objects.filter(target=FieldTarget.DOSSIER, key=rule.tier_field).exists():
            fail("tier_field", _("There is no dossier custom field with key '%(key)s'.") % {"key": rule.tier_field})
        if not rule.tier_values:
            fail("tier_values", _("List the management tier values this rule applies to."))
    elif rule.tier_values:
        fail("tier_field", _("Name the custom field that holds the management tier."))
    rule.approver_mode = current("approver_mode", ApprovingUnitMode.NEAREST_OF_TYPE)
    rule.approver_unit = current("approver_unit", None)
    if rule.approver_mode == ApprovingUnitMode.FIXED:
        if rule.approver_unit is None:
            fail("approver_unit", _("Choose the unit whose head approves under this rule."))
        elif rule.approver_unit.dissolved_on is not None:
            fail("approver_unit", _("Unit '%(name)s' is dissolved.") % {"name": rule.approver_unit.name})
    elif rule.approver_mode == ApprovingUnitMode.NEAREST_OF_TYPE:
        if not rule.approver_unit_types:
            fail("approver_unit_types", _("List the unit types whose head approves under this rule."))
    else:
        fail("approver_mode", _("Choose how the approving unit is found."))
    if errors:
        raise ValidationError(errors)
    rule.save()
    return rule


def _find_home_affairs() -> Unit | None:
    """The Sở Nội vụ of the province, by name (the default rule set's fixed approving unit)."""
    candidates = Unit.objects.filter(dissolved_on__isnull=True, unit_type__code="SO", name_folded__contains="noi vu")
    return candidates.order_by("depth", "path").first()


def _tier_field_ensure(key: str, catalogue: str) -> None:
    from portal.models import CatalogueKind
    from portal.services.fields.definitions import field_definition_save

    if FieldDefinition.objects.filter(target=FieldTarget.DOSSIER, key=key).exists():
        return
    if not CatalogueKind.objects.filter(code=catalogue).exists():
        return
    field_definition_save(
        values={
            "target": FieldTarget.DOSSIER,
            "key": key,
            "label": "Diện quản lý",
            "label_en": "Management tier",
            "field_type": "choice",
            "catalogue": catalogue,
            "section": "Thẩm quyền quản lý",
        }
    )


@transaction.atomic
def approval_rules_load_default(*, actor=None, path: Path = DEFAULT_RULES, replace: bool = False) -> list[ApprovalRule]:
    """Load the shipped rule set (Đồng Tháp QĐ 37/2024 Điều 11) as editable rows.

    Does nothing when rules exist, unless ``replace`` (existing rules are then switched off,
    never deleted). Creates the dossier custom field holding the management tier when the
    set needs it. A fixed approving unit named in the file (the Sở Nội vụ) is looked up by
    name; when it is not found the rule is created switched off, with a note saying so.
    ``actor`` None means the system (the demo seed, the migration-time loader).
    """
    if actor is not None:
        _require_system_admin(actor)
    if ApprovalRule.objects.exists():
        if not replace:
            return []
        ApprovalRule.objects.filter(active=True).update(active=False)
    data = json.loads(path.read_text(encoding="utf-8"))
    for field in data.get("tier_fields", []):
        _tier_field_ensure(field["key"], field["catalogue"])
    created = []
    for item in data["rules"]:
        approver_unit = None
        active = True
        note = item.get("note", "")
        if item.get("approver_mode") == ApprovingUnitMode.FIXED:
            approver_unit = _find_home_affairs() if item.get("approver_unit") == "so_noi_vu" else None
            if approver_unit is None:
                active = False
                note = (note + "\n" if note else "") + _(
                    "The approving unit was not found: choose it, then switch the rule on."
                )
        rule = ApprovalRule(
            name=item["name"],
            legal_basis=item.get("legal_basis", ""),
            priority=item.get("priority", 100),
            active=active,
            unit_types=item.get("unit_types", []),
            personnel_categories=item.get("personnel_categories", []),
            tier_field=item.get("tier_field", "")
            if FieldDefinition.objects.filter(key=item.get("tier_field", "")).exists()
            else "",
            tier_values=item.get("tier_values", []),
            approver_mode=item.get("approver_mode", ApprovingUnitMode.NEAREST_OF_TYPE),
            approver_unit_types=item.get("approver_unit_types", []),
            approver_unit=approver_unit,
            approver_title=item.get("approver_title", ""),
            note=note,
        )
        if item.get("tier_field") and not rule.tier_field:
            # Without its tier field the rule would match everyone: keep it off.
            rule.active = False
        rule.save()
        created.append(rule)
    return created


# -- delegations ----------------------------------------------------------------------------------


def _holds_approver_grant(user, unit: Unit, day: datetime.date) -> bool:
    return (
        Grant.objects.filter(user=user, role=Role.APPROVER, unit=unit, revoked_at__isnull=True, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .exists()
    )


def _may_manage_delegations(actor, unit: Unit) -> bool:
    roots = scoping.managed_units(actor, scoping.MANAGE, "portal.approvaldelegation")
    return bool(roots) and scoping.unit_in_scope(unit, roots)


def approval_delegation_create(
    *,
    actor,
    delegator,
    delegate,
    unit: Unit,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
    decision_number: str = "",
) -> ApprovalDelegation:
    """``delegator`` hands the approval of ``unit`` to ``delegate`` from ``starts_on`` to ``ends_on``.

    The actor is the delegator (holding an approver grant on ``unit``) or an administrator
    of ``unit``'s subtree; otherwise ``ApprovalPermissionDenied``. Refused with a message
    when: the delegator holds no approver grant on the unit on the first day; the delegate
    is the delegator, an inactive account or someone outside the unit's subtree; the dates
    are reversed or the start is in the past; the reason is empty; the delegate already
    holds a delegation for the unit overlapping those days.
    """
    if actor.pk != delegator.pk and not _may_manage_delegations(actor, unit):
        raise ApprovalPermissionDenied(
            _("Only the approver of this unit or an administrator of the unit can delegate its approval.")
        )
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if starts_on is None or ends_on is None:
        errors["ends_on"] = _("Give the first and the last day of the delegation.")
    elif ends_on < starts_on:
        errors["ends_on"] = _("The last day (%(end)s) is before the first day (%(start)s).") % {
            "end": format_date(ends_on),
            "start": format_date(starts_on),
        }
    elif starts_on < today:
        errors["starts_on"] = _("A delegation cannot start in the past (%(day)s).") % {"day": format_date(starts_on)}
    if starts_on is not None and not _holds_approver_grant(delegator, unit, max(starts_on, today)):
        errors["delegator"] = _("%(user)s does not hold the approver role of %(unit)s.") % {
            "user": delegator.get_username(),
            "unit": unit.name,
        }
    if delegate.pk == delegator.pk:
        errors["delegate"] = _("An approver cannot delegate to themselves.")
    elif not delegate.is_active:
        errors["delegate"] = _("Account %(user)s is locked or revoked.") % {"user": delegate.get_username()}
    elif delegate.unit is None or not delegate.unit.path.startswith(unit.path):
        # A deputy or the head of the organisation section: someone of the unit, not an outsider.
        errors["delegate"] = _("%(user)s does not work in %(unit)s or a unit under it.") % {
            "user": delegate.get_username(),
            "unit": unit.name,
        }
    reason = nfc(reason or "").strip()
    if not reason:
        errors["reason"] = _("Give the reason for the delegation (for example 'đi công tác từ … đến …').")
    if not errors:
        overlapping = ApprovalDelegation.objects.filter(
            unit=unit, delegate=delegate, revoked_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).first()
        if overlapping is not None:
            errors["starts_on"] = _("%(user)s already holds a delegation for %(unit)s from %(start)s to %(end)s.") % {
                "user": delegate.get_username(),
                "unit": unit.name,
                "start": format_date(overlapping.starts_on),
                "end": format_date(overlapping.ends_on),
            }
    if errors:
        raise ValidationError(errors)
    return ApprovalDelegation.objects.create(
        delegator=delegator,
        delegate=delegate,
        unit=unit,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason[:500],
        decision_number=nfc(decision_number or "").strip()[:100],
        created_by=actor,
    )


def approval_delegation_revoke(*, actor, delegation: ApprovalDelegation) -> ApprovalDelegation:
    """End a delegation now (kept for history): the delegator or an administrator of the unit."""
    if actor.pk != delegation.delegator_id and not _may_manage_delegations(actor, delegation.unit):
        raise ApprovalPermissionDenied(_("Only the delegating approver or an administrator can revoke a delegation."))
    if delegation.revoked_at is None:
        delegation.revoked_at = timezone.now()
        delegation.revoked_by = actor
        delegation.save(update_fields=["revoked_at", "revoked_by"])
    return delegation


# -- the approval window --------------------------------------------------------------------------


def approval_override_grant(
    *, actor, unit: Unit | None, starts_on: datetime.date, ends_on: datetime.date, reason: str
) -> ApprovalWindowOverride:
    """Allow approval outside the window for ``unit``'s subtree (None: every unit) on those days.

    System administrators only. Refused when the reason is empty, the dates are reversed,
    or the period is longer than ``OVERRIDE_MAX_DAYS`` days.
    """
    _require_system_admin(actor)
    errors: dict[str, str] = {}
    reason = nfc(reason or "").strip()
    if not reason:
        errors["reason"] = _("An override needs a reason; it is recorded with every approval made under it.")
    if starts_on is None or ends_on is None:
        errors["ends_on"] = _("Give the first and the last day of the override.")
    elif ends_on < starts_on:
        errors["ends_on"] = _("The last day (%(end)s) is before the first day (%(start)s).") % {
            "end": format_date(ends_on),
            "start": format_date(starts_on),
        }
    elif (ends_on - starts_on).days + 1 > OVERRIDE_MAX_DAYS:
        errors["ends_on"] = _("An override covers at most %(days)s days.") % {"days": OVERRIDE_MAX_DAYS}
    if unit is not None and unit.dissolved_on is not None:
        errors["unit"] = _("Unit '%(name)s' is dissolved.") % {"name": unit.name}
    if errors:
        raise ValidationError(errors)
    return ApprovalWindowOverride.objects.create(
        unit=unit, starts_on=starts_on, ends_on=ends_on, reason=reason[:500], granted_by=actor
    )


def approval_override_revoke(*, actor, override: ApprovalWindowOverride) -> ApprovalWindowOverride:
    """End an override now (kept, with who revoked it, for the record). System administrators only."""
    _require_system_admin(actor)
    if override.revoked_at is None:
        override.revoked_at = timezone.now()
        override.revoked_by = actor
        override.save(update_fields=["revoked_at", "revoked_by"])
    return override


def approval_window_require(*, unit: Unit | None, on: datetime.date | None = None) -> ApprovalWindowOverride | None:
    """Guard of every approval: pass inside the window (returns None), or under an override in
    force for ``unit`` (returns it, to be recorded with the act); else ``ApprovalOutsideWindow``."""
    day = on or timezone.localdate()
    first, last = approval_window(day)
    if first <= day <= last:
        return None
    override = approval_override_for(unit, on=day)
    if override is not None:
        return override
    if not ApprovalWindowPolicy.load().enforced:
        return None
    raise ApprovalOutsideWindow(
        _(
            "Data are approved from %(first)s to %(last)s this month; today is %(today)s. "
            "Approving on another day needs an override from the Sở Nội vụ."
        )
        % {"first": format_date(first), "last": format_date(last), "today": format_date(day)}
    )
