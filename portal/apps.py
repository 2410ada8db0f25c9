from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import (
            lookups,  # noqa: F401  (registers field__any_of)
            receivers,  # noqa: F401  (sign-in signal receivers)
        )
        from portal.audit import install as install_audit_context

        install_audit_context()
