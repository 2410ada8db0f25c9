from django.apps import AppConfig
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Personnel records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal import scoping
        from portal.choices import Role
        from portal.demo import register_seed_step
        from portal.extensions import register_unit_column, register_unit_panel
        from portal.security_middleware import register_password_change_page
        from portal.services.units import register_unit_member_handler
        from records.demo import seed_people
        from records.panels import unit_dossier_columns, unit_dossiers_panel
        from records.services.members import DossierMembers

        view, change = scoping.VIEW, scoping.CHANGE
        # Leaders read aggregates and dashboards, not individual dossiers.
        dossier_capabilities = {
            Role.SYSTEM_ADMIN: {view, change},
            Role.UNIT_ADMIN: {view},
            Role.HR_CLERK: {view, change},
            Role.APPROVER: {view},
            Role.INDIVIDUAL: {view},
        }
        for label in ("records.dossier", "records.dossierversion", "records.declaration", "records.evidence"):
            scoping.register_capabilities(label, dossier_capabilities)
        register_unit_member_handler(DossierMembers())
        register_seed_step("people", seed_people)
        register_unit_panel(unit_dossiers_panel)
        register_unit_column(unit_dossier_columns)
        # A person who must change their password stays in the self-service look to do it.
        register_password_change_page(
            prefix=reverse_lazy("records_self:home"),
            url_name="records_self:password",
            exempt=("records_self:login", "records_self:logout"),
        )
