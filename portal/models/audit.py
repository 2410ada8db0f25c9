"""Audit trail: who changed what, when, from where, before and after.

Row-level history comes from django-pghistory: PostgreSQL triggers snapshot every
insert, update and delete of the tracked models, so bulk updates, raw SQL, the
command line and treebeard's path rewrites are caught as well as ``save()``. Each
event points at a context row (user, request id, IP, URL or command) set by
``portal.audit`` for the request or command. Event tables are append-only:
triggers refuse UPDATE and DELETE, and the application never edits them.

Logins, failed logins, lockouts and password resets are ``SecurityEvent`` rows.
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models.accounts import Grant, SecurityPolicy
from portal.models.approvals import ApprovalDelegation, ApprovalRule, ApprovalWindowOverride, ApprovalWindowPolicy
from portal.models.catalogues import CatalogueEntry, CatalogueKind
from portal.models.fields import FieldDefinition
from portal.models.units import Unit
from portal.models.users import User


def _track(model, name: str, exclude: list[str] | None = None) -> None:
    """Register triggers and an append-only event model ``portal.<name>`` (look it up with apps.get_model)."""
    # Fresh tracker instances per model: a tracker binds to the model it is first used on.
    pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        model_name=name,
        exclude=exclude or [],
        append_only=True,
        obj_field=pghistory.ObjForeignKey(related_name="audit_events", related_query_name="audit_events"),
    )(model)


_track(Unit, "UnitAudit", ["name_folded", "updated_at"])
_track(CatalogueKind, "CatalogueKindAudit", ["updated_at"])
_track(CatalogueEntry, "CatalogueEntryAudit", ["label_folded", "updated_at"])
_track(User, "UserAudit", ["password", "last_login"])
_track(Grant, "GrantAudit")
_track(FieldDefinition, "FieldDefinitionAudit", ["updated_at"])
_track(SecurityPolicy, "SecurityPolicyAudit")
_track(ApprovalRule, "ApprovalRuleAudit", ["updated_at"])
_track(ApprovalDelegation, "ApprovalDelegationAudit")
_track(ApprovalWindowPolicy, "ApprovalWindowPolicyAudit")
_track(ApprovalWindowOverride, "ApprovalWindowOverrideAudit")


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Signed out")
    LOCKED = "locked", _("Account locked")
    UNLOCKED = "unlocked", _("Account unlocked")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset by an administrator")


class SecurityEvent(models.Model):
    """A sign-in related event. Append-only (a trigger refuses UPDATE and DELETE)."""

    kind = models.CharField(_("event"), max_length=30, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        triggers = [pgtrigger.Protect(name="security_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.username}"


__all__ = ["SecurityEvent", "SecurityEventKind"]
