from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Import and export")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from imports.views.exports import export_list_link
        from portal import scoping
        from portal.choices import Role
        from records.extensions import register_list_link

        register_list_link(export_list_link)

        view, change = scoping.VIEW, scoping.CHANGE
        # Import jobs are read and driven by the accounts that keep dossiers in a unit's subtree
        # (``ImportJob.scope``: the job's unit). Whether a job may write into its unit is decided
        # again by the services (CHANGE on the unit's dossiers: a unit administrator reads jobs
        # but cannot import). Approvers, leaders and individuals have no import screens.
        capabilities = {
            Role.SYSTEM_ADMIN: {view, change},
            Role.UNIT_ADMIN: {view, change},
            Role.HR_CLERK: {view, change},
        }
        for label in ("imports.importjob", "imports.importrow"):
            scoping.register_capabilities(label, capabilities)
