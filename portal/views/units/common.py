"""Permissions and breadcrumbs shared by the unit-tree screens."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal.models import Unit
from portal.views import has_any_perm

VIEW_PERMS = ("portal.view_unit", "portal.change_unit")
CHANGE_PERMS = ("portal.change_unit",)


def can_view_units(user) -> bool:
    return has_any_perm(user, *VIEW_PERMS)


def can_change_units(user) -> bool:
    return has_any_perm(user, *CHANGE_PERMS)


class UnitTreeMixin(WagtailAdminTemplateMixin):
    header_icon = "site"

    def tree_breadcrumbs(self, unit: Unit | None = None, *, ancestors=None, current: bool = True) -> list[dict]:
        items = [*self.breadcrumbs_items, {"url": reverse("portal_units:index"), "label": _("Unit tree")}]
        if unit is not None:
            for ancestor in unit.get_ancestors() if ancestors is None else ancestors:
                items.append({"url": reverse("portal_units:detail", args=[ancestor.pk]), "label": ancestor.name})
            items.append({"url": reverse("portal_units:detail", args=[unit.pk]), "label": unit.name})
        return items
