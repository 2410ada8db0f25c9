"""Who may open the import and export screens, and their shared mixin."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from imports.selectors import (
    can_use_imports,
)
from portal import scoping
from portal.views import PermissionMixin


def can_view_imports(user) -> bool:
    """Reads import jobs by role (the menu, the history, a job's page)."""
    return can_use_imports(user, scoping.VIEW)


def can_upload(user) -> bool:
    """Drives import jobs and may change dossiers somewhere (a unit administrator reads jobs only)."""
    return can_use_imports(user, scoping.CHANGE) and bool(
        scoping.managed_units(user, scoping.CHANGE, model_label="records.dossier")
    )


def can_export(user) -> bool:
    return can_view_imports(user) and bool(scoping.managed_units(user, scoping.VIEW, model_label="records.dossier"))


class ImportsMixin(PermissionMixin, WagtailAdminTemplateMixin):
    header_icon = "download"
    check = staticmethod(can_view_imports)

    def has_permission(self) -> bool:
        return self.check(self.request.user)

    def imports_breadcrumbs(self, *extra: dict) -> list[dict]:
        return [*self.breadcrumbs_items, {"url": reverse("imports_jobs:history"), "label": _("Import history")}, *extra]
