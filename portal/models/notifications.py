"""Notifications to accounts: shown in the admin, and sent by email when the account has an address."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.scoping import ScopeSpec


class Notification(models.Model):
    """One message to one account (the approval window opened, the month closed with
    unapproved changes…). ``key`` makes a scheduled notice idempotent: the same key is never
    sent twice to the same account. Written only by ``portal.services.notifications``."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=50)
    key = models.CharField(max_length=100)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    # Everyone reads only their own notifications.
    scope = ScopeSpec(unit_path=None, self_field="recipient")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title
