"""Admin hooks of the reports app: the résumé pages under /admin/ho-so/<pk>/so-yeu-ly-lich…
(with the signed export), and the signature verification page /admin/kiem-tra-chu-ky/ with
its menu item (every staff account)."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.wagtail_hooks.configuration import PermissionMenuItem
from reports import views
from reports.selectors import can_verify_documents


@hooks.register("register_admin_urls")
def register_resume_urls():
    return [
        path("", include((views.urlpatterns(), "reports_resume"), namespace="reports_resume")),
        path("", include((views.verify_urlpatterns(), "reports_verify"), namespace="reports_verify")),
    ]


@hooks.register("register_admin_menu_item")
def register_verify_menu_item():
    return PermissionMenuItem(
        _("Verify signatures"),
        reverse("reports_verify:verify"),
        name="verify-signatures",
        icon_name="circle-check",
        order=250,
        check=can_verify_documents,
    )
