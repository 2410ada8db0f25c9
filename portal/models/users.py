from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.scoping import ScopeSpec


class User(AbstractUser):
    """An account of the portal.

    Belongs to a unit (where it is managed) and, for a person with a dossier, carries
    the person's 12-digit personal id (the dossier module links on it). What the
    account may do comes from its ``Grant`` rows, read through ``portal.scoping``.
    Login-policy state (forced change, failures, lock) lives here and is written only
    by ``portal.services.accounts`` and ``portal.services.passwords``.
    """

    unit = models.ForeignKey(
        "portal.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="accounts", verbose_name=_("unit")
    )
    personal_id = models.CharField(_("personal identification number"), max_length=12, blank=True, db_index=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    failed_login_count = models.PositiveIntegerField(_("failed logins in a row"), default=0)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lock_reason = models.CharField(_("lock reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope = ScopeSpec(unit_path="unit__path", self_field="pk")

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def get_full_name(self) -> str:
        """The name in Vietnamese order: family and middle names (``last_name``), then the given name."""
        return " ".join(part for part in (self.last_name.strip(), self.first_name.strip()) if part)


class PasswordHistory(models.Model):
    """Hashes of an account's previous passwords (for the no-reuse rule). Never shown."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.created_at:%d/%m/%Y}"
