"""Admin screens of the unit tree ("Cây đơn vị"): an explorer and one form per tree operation.

The explorer works like Wagtail's page explorer so that it stays fast for a
province of ~4,000 units: a page shows one unit, its direct sub-units (paginated,
sub-unit counts in one query) and its history. Every operation is a form page that
calls one service of ``portal.services.units``.
"""

from __future__ import annotations

from django.urls import include, path

from portal.views.units.actions import (
    CHOOSER_LIMIT,
    UnitActionView,
    UnitCreateView,
    UnitDissolveView,
    UnitEditView,
    UnitMergeView,
    UnitMoveView,
    UnitSplitView,
)
from portal.views.units.common import CHANGE_PERMS, VIEW_PERMS, UnitTreeMixin, can_change_units, can_view_units
from portal.views.units.explorer import (
    UnitCustomFileView,
    UnitDetailView,
    UnitExportView,
    UnitIndexView,
    event_summary,
)

__all__ = [
    "CHANGE_PERMS",
    "CHOOSER_LIMIT",
    "VIEW_PERMS",
    "UnitActionView",
    "UnitCreateView",
    "UnitCustomFileView",
    "UnitDetailView",
    "UnitDissolveView",
    "UnitEditView",
    "UnitExportView",
    "UnitIndexView",
    "UnitMergeView",
    "UnitMoveView",
    "UnitSplitView",
    "UnitTreeMixin",
    "can_change_units",
    "can_view_units",
    "event_summary",
    "unit_urls",
    "urlpatterns",
]


def unit_urls():
    return [
        path("", UnitIndexView.as_view(), name="index"),
        path("add/", UnitCreateView.as_view(), name="add_root"),
        path("<int:pk>/", UnitDetailView.as_view(), name="detail"),
        path("<int:pk>/export/", UnitExportView.as_view(), name="export"),
        path("<int:pk>/files/<slug:key>/", UnitCustomFileView.as_view(), name="custom_file"),
        path("<int:pk>/add/", UnitCreateView.as_view(), name="add_child"),
        path("<int:pk>/edit/", UnitEditView.as_view(), name="edit"),
        path("<int:pk>/move/", UnitMoveView.as_view(), name="move"),
        path("<int:pk>/merge/", UnitMergeView.as_view(), name="merge"),
        path("<int:pk>/split/", UnitSplitView.as_view(), name="split"),
        path("<int:pk>/dissolve/", UnitDissolveView.as_view(), name="dissolve"),
    ]


def urlpatterns():
    return [path("units/", include((unit_urls(), "portal_units"), namespace="portal_units"))]
