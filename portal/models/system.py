from django.db import models
from django.utils.translation import gettext_lazy as _


class SystemHeartbeat(models.Model):
    """Last sign of life of a background component (Celery worker, Celery beat).

    Written by the ``portal.tasks.heartbeat`` task, which beat schedules every
    minute; the admin dashboard shows it so an operator sees at a glance whether
    scheduled work is running.
    """

    component = models.CharField(_("component"), max_length=50, unique=True)
    last_seen = models.DateTimeField(_("last seen"))
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("system heartbeat")
        verbose_name_plural = _("system heartbeats")

    def __str__(self) -> str:
        return f"{self.component}: {self.last_seen:%d/%m/%Y %H:%M}"
