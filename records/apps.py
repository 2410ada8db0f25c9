from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Personnel records")
    default_auto_field = "django.db.models.BigAutoField"
