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
        from portal.services.system import DefaultSchedule, register_default_schedule
        from portal.services.units.common import register_unit_member_handler
        from records.demo import seed_people
        from records.demo.approvals import seed_approvals
        from records.panels import unit_dossier_columns, unit_dossiers_panel
        from records.services.members import DossierMembers
        from records.tasks import APPROVAL_WINDOW_CLOSED_TASK, APPROVAL_WINDOW_OPENED_TASK

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
        # Approval acts: the approver works on them (through their own acts, ``self_field``);
        # clerks and administrators of the unit read them.
        scoping.register_capabilities(
            "records.approvalact",
            {
                Role.SYSTEM_ADMIN: {view},
                Role.UNIT_ADMIN: {view},
                Role.HR_CLERK: {view},
                Role.APPROVER: {view, change},
                Role.LEADER: {view},
            },
        )
        scoping.register_capabilities("records.approvalitem", dossier_capabilities)
        register_unit_member_handler(DossierMembers())
        # The approval window is content (last N days): check daily over the days it can start on.
        register_default_schedule(
            DefaultSchedule(
                name="Thông báo mở thời gian phê duyệt dữ liệu hồ sơ",
                task=APPROVAL_WINDOW_OPENED_TASK,
                crontab={"minute": "0", "hour": "7", "day_of_month": "15-31", "month_of_year": "*", "day_of_week": "*"},
                description="Ngày đầu của thời gian phê duyệt: báo cho người phê duyệt số hồ sơ chờ phê duyệt.",
            )
        )
        register_default_schedule(
            DefaultSchedule(
                name="Báo cáo đơn vị chưa phê duyệt dữ liệu hồ sơ",
                task=APPROVAL_WINDOW_CLOSED_TASK,
                crontab={"minute": "0", "hour": "7", "day_of_month": "1", "month_of_year": "*", "day_of_week": "*"},
                description=(
                    "Ngày sau khi hết thời gian phê duyệt: gửi Sở Nội vụ danh sách đơn vị còn thay đổi chưa phê duyệt."
                ),
            )
        )
        register_seed_step("people", seed_people)
        register_seed_step("approvals", seed_approvals)
        register_unit_panel(unit_dossiers_panel)
        register_unit_column(unit_dossier_columns)
        # A person who must change their password stays in the self-service look to do it.
        register_password_change_page(
            prefix=reverse_lazy("records_self:home"),
            url_name="records_self:password",
            exempt=("records_self:login", "records_self:logout"),
        )
