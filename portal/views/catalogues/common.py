"""Permissions, breadcrumbs and object lookup shared by the catalogue screens."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal.models import CatalogueKind
from portal.selectors import catalogue_entries
from portal.views import PermissionMixin, has_any_perm

KIND_ADD = ("portal.add_cataloguekind",)
KIND_CHANGE = ("portal.change_cataloguekind",)
ENTRY_ADD = ("portal.add_catalogueentry",)
ENTRY_CHANGE = ("portal.change_catalogueentry",)
ENTRY_DELETE = ("portal.delete_catalogueentry",)
VIEW_PERMS = ("portal.view_cataloguekind", "portal.view_catalogueentry", *KIND_CHANGE, *ENTRY_CHANGE)


def can_view_catalogues(user) -> bool:
    return has_any_perm(user, *VIEW_PERMS)


def catalogue_permissions(user) -> dict[str, bool]:
    return {
        "can_add_kind": has_any_perm(user, *KIND_ADD),
        "can_change_kind": has_any_perm(user, *KIND_CHANGE),
        "can_add_entry": has_any_perm(user, *ENTRY_ADD),
        "can_change_entry": has_any_perm(user, *ENTRY_CHANGE),
        "can_delete_entry": has_any_perm(user, *ENTRY_DELETE),
        "can_import": has_any_perm(user, *ENTRY_ADD) and has_any_perm(user, *ENTRY_CHANGE),
    }


class CatalogueMixin(WagtailAdminTemplateMixin):
    header_icon = "list-ul"

    def catalogue_breadcrumbs(self, kind: CatalogueKind | None = None, *extra: dict) -> list[dict]:
        items = [*self.breadcrumbs_items, {"url": reverse("portal_catalogues:index"), "label": _("Catalogues")}]
        if kind is not None:
            items.append({"url": reverse("portal_catalogues:kind", args=[kind.pk]), "label": kind.name})
        return [*items, *extra]


class AddOrChangePermissionMixin:
    """One view adds (no ``pk`` in the URL) or changes an object: each needs its own permission."""

    add_permissions: tuple[str, ...] = ()
    change_permissions: tuple[str, ...] = ()

    def has_permission(self):
        return has_any_perm(
            self.request.user, *(self.change_permissions if "pk" in self.kwargs else self.add_permissions)
        )


class KindObjectMixin(PermissionMixin, CatalogueMixin):
    def load_objects(self):
        self.kind = get_object_or_404(CatalogueKind, pk=self.kwargs["kind_id"])
        if "pk" in self.kwargs:
            self.entry = get_object_or_404(
                catalogue_entries(kind=self.kind, include_retired=True), pk=self.kwargs["pk"]
            )

    def kind_url(self) -> str:
        return reverse("portal_catalogues:kind", args=[self.kind.pk])
