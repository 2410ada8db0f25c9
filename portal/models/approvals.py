"""Approval authorities, delegations and the approval window, all kept as content.

The regulations name who approves each person's data every month (Đồng Tháp QĐ 37/2024
Điều 11, Kon Tum Điều 8, Phú Yên Điều 6): the head of the department for its civil
servants, the head of a public-service unit for its public employees, the chairman of the
commune People's Committee for the commune, the director of the Sở Nội vụ for those under
the Provincial Party Standing Committee's management. Provinces word this differently and
change it, so the Sở Nội vụ keeps it as rows, not code:

- ``ApprovalRule``: *which dossiers* (a unit subtree, unit types, personnel categories, a
  management tier read from a custom field) are approved by *the approver of which unit*
  (the dossier's nearest unit of given types, or a fixed unit). The first matching rule by
  ``priority`` decides; ``portal.selectors_approvals.authority`` answers "who may approve this now".
- ``ApprovalDelegation``: an approver hands the approval of one unit to a deputy or the
  head of the organisation section for a period (ủy quyền).
- ``ApprovalWindowPolicy``: the approval window (default the last 5 days of each month).
- ``ApprovalWindowOverride``: a system administrator's permission, with a reason, to
  approve outside the window (for one unit's subtree or everywhere, for some days).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting

from portal.scoping import ScopeSpec


class ApprovingUnitMode(models.TextChoices):
    NEAREST_OF_TYPE = "nearest_of_type", _("The nearest unit of the chosen types (the dossier's unit or above it)")
    FIXED = "fixed", _("A fixed unit")


class ApprovalRule(models.Model):
    """One line of the approval-authority table.

    A rule *matches* a dossier when every condition that is set holds: the dossier's unit
    lies in ``unit``'s subtree; the dossier's unit, or one of its ancestors, is of one of
    ``unit_types`` (codes of catalogue ``loai_don_vi``); its personnel category is one of
    ``personnel_categories`` (catalogue ``loai_nhan_su``); and, when ``tier_field`` is set,
    the dossier's custom field ``tier_field`` holds one of ``tier_values``. The approving
    unit is then the nearest unit (the dossier's own or an ancestor) whose type is in
    ``approver_unit_types``, or ``approver_unit`` for ``FIXED`` rules; the approvers are the
    accounts holding an active approver grant on exactly that unit, and their delegates.
    Rules are tried by ascending ``priority``; inactive rules are ignored.
    """

    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    priority = models.PositiveIntegerField(_("priority (lower is tried first)"), default=100)
    active = models.BooleanField(_("in use"), default=True)
    unit = models.ForeignKey(
        "portal.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("within the subtree of"),
        help_text=_("Empty: the whole province."),
    )
    unit_types = models.JSONField(
        _("unit types"),
        default=list,
        blank=True,
        help_text=_("Codes of catalogue loai_don_vi; the dossier's unit or one above it must be of one. Empty: any."),
    )
    personnel_categories = models.JSONField(
        _("personnel categories"), default=list, blank=True, help_text=_("Codes of catalogue loai_nhan_su; empty: all.")
    )
    tier_field = models.CharField(
        _("management tier: custom field"),
        max_length=64,
        blank=True,
        help_text=_("Key of a dossier custom field holding the management tier; empty: any tier."),
    )
    tier_values = models.JSONField(_("management tier: values"), default=list, blank=True)
    approver_mode = models.CharField(
        _("approving unit"), max_length=20, choices=ApprovingUnitMode.choices, default=ApprovingUnitMode.NEAREST_OF_TYPE
    )
    approver_unit_types = models.JSONField(
        _("approving unit types"), default=list, blank=True, help_text=_("Codes of catalogue loai_don_vi.")
    )
    approver_unit = models.ForeignKey(
        "portal.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fixed approving unit"),
    )
    approver_title = models.CharField(
        _("approver's title"), max_length=200, blank=True, help_text=_("As printed on the approval act.")
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")

    def __str__(self) -> str:
        return self.name


class ApprovalDelegation(models.Model):
    """An approver's delegation (ủy quyền) of the approval of ``unit`` to ``delegate``.

    In force from ``starts_on`` to ``ends_on`` (inclusive) unless revoked, and only while
    the delegator still holds an approver grant on ``unit``. Written only by
    ``portal.services.approvals``.
    """

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("delegating approver")
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("delegate")
    )
    unit = models.ForeignKey(
        "portal.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("approving unit")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (inclusive)"))
    decision_number = models.CharField(_("delegation document number"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # The delegate sees the delegations made to them, wherever the unit is.
    scope = ScopeSpec(unit_path="unit__path", self_field="delegate")

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("approval delegation")
        verbose_name_plural = _("approval delegations")
        indexes = [models.Index(fields=["delegate", "starts_on", "ends_on"], name="delegation_delegate")]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.unit})"


class ApprovalWindowPolicy(BaseGenericSetting):
    """When approval is allowed without an override: the last ``last_days`` days of each month."""

    last_days = models.PositiveSmallIntegerField(
        _("approval window: the last days of each month"),
        default=5,
        help_text=_("Đồng Tháp QĐ 37/2024 Điều 12: the last 5 days of each month."),
    )
    enforced = models.BooleanField(
        _("refuse approval outside the window"),
        default=True,
        help_text=_("Off: approval is allowed on any day (outside approvals are still recorded)."),
    )

    class Meta:
        verbose_name = _("approval window")


class ApprovalWindowOverride(models.Model):
    """A system administrator's permission to approve outside the window.

    Covers ``unit``'s subtree (empty: every unit) from ``starts_on`` to ``ends_on``
    inclusive, unless revoked. The reason is required; every approval act made under it
    records it. Written only by ``portal.services.approvals``.
    """

    unit = models.ForeignKey(
        "portal.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit (and the units under it)"),
        help_text=_("Empty: every unit."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (inclusive)"))
    reason = models.CharField(_("reason"), max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("approval window override")
        verbose_name_plural = _("approval window overrides")

    def __str__(self) -> str:
        return self.reason
