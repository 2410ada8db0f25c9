from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal import scoping
        from portal.choices import Role
        from records.extensions import register_dossier_link
        from reports.links import resume_links

        register_dossier_link(resume_links)
        view, change = scoping.VIEW, scoping.CHANGE
        # Résumé exports: "change" is issuing a signed export (HR clerks, unit and system
        # administrators over the dossier's unit); clerks, administrators and approvers read
        # the export records of their subtree. Leaders and individuals read none.
        scoping.register_capabilities(
            "reports.resumeexport",
            {
                Role.SYSTEM_ADMIN: {view, change},
                Role.UNIT_ADMIN: {view, change},
                Role.HR_CLERK: {view, change},
                Role.APPROVER: {view},
            },
        )
