"""Admin hooks of bulk import and export: the "Import and export" (Nhập, xuất dữ liệu) submenu,
the screens' URLs and the column mappings' viewset. Each item is shown only to the accounts
that may open its screen (``imports.views.common``, ``imports.viewsets``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from imports.views.common import can_export, can_upload, can_view_imports
from imports.views.urls import urlpatterns
from imports.viewsets import can_manage_mappings, column_mapping_viewset


class CheckedMenuItem(MenuItem):
    """A menu item shown only to accounts that pass ``check(user)``."""

    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check

    def is_shown(self, request):
        return self.check(request.user)


class ImportsSubmenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return can_view_imports(request.user)


@hooks.register("register_admin_urls")
def register_imports_urls():
    return urlpatterns()


@hooks.register("register_admin_viewset")
def register_column_mapping_viewset():
    return column_mapping_viewset


@hooks.register("register_admin_menu_item")
def register_imports_menu_item():
    items = [
        CheckedMenuItem(
            _("Import data"),
            reverse("imports_jobs:upload"),
            name="import-upload",
            icon_name="upload",
            order=10,
            check=can_upload,
        ),
        CheckedMenuItem(
            _("Import history"),
            reverse("imports_jobs:history"),
            name="import-history",
            icon_name="history",
            order=20,
            check=can_view_imports,
        ),
        CheckedMenuItem(
            _("Export data"),
            reverse("imports_exports:export"),
            name="export-data",
            icon_name="download",
            order=30,
            check=can_export,
        ),
        CheckedMenuItem(
            _("Column mappings"),
            reverse("imports_mappings:index"),
            name="import-mappings",
            icon_name="table",
            order=40,
            check=can_manage_mappings,
        ),
    ]
    return ImportsSubmenuItem(_("Import, export"), Menu(items=items), name="imports", icon_name="download", order=180)
