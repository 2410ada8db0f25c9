from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from portal.choices import Role
from portal.panels import AuditTrailPanel
from portal.scoping import ScopeSpec


class Grant(models.Model):
    """A role held over a unit subtree, from a date until an optional end date.

    ``unit`` is the root of the subtree the role covers (None: the whole province,
    only for system administrators). Grants are revoked, never deleted. Written
    only by ``portal.services.accounts`` (which enforces "never grant more than you
    hold, and only inside your subtree"); read by ``portal.scoping``.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "portal.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="grants", verbose_name=_("unit")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on (inclusive)"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope = ScopeSpec(unit_path="unit__path", self_field="user")

    class Meta:
        ordering = ["user_id", "role", "id"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="grant_valid_period"
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(role=Role.SYSTEM_ADMIN), name="grant_unit_required"
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id else _("whole province")
        return f"{self.get_role_display()} – {where}"


@register_setting(icon="lock")
class SecurityPolicy(BaseGenericSetting):
    """Password and login policy (Đồng Tháp QĐ 37/2024 Điều 10; Kon Tum Điều 15), edited as content."""

    password_min_length = models.PositiveSmallIntegerField(_("minimum password length"), default=8)
    password_max_age_days = models.PositiveSmallIntegerField(
        _("password maximum age (days)"), default=90, help_text=_("0: passwords do not expire.")
    )
    password_history_count = models.PositiveSmallIntegerField(_("previous passwords that cannot be reused"), default=5)
    lockout_threshold = models.PositiveSmallIntegerField(_("failed logins before the account is locked"), default=5)
    session_idle_minutes = models.PositiveSmallIntegerField(_("session expiry after inactivity (minutes)"), default=30)

    panels = [
        AuditTrailPanel("security-policy"),
        FieldPanel("password_min_length"),
        FieldPanel("password_max_age_days"),
        FieldPanel("password_history_count"),
        FieldPanel("lockout_threshold"),
        FieldPanel("session_idle_minutes"),
    ]

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policy")
