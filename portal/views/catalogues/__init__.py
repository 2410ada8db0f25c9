"""Admin screens of the catalogues ("Danh mục"): kinds, entries, retire/reactivate/delete,
xlsx export and import (dry run first, then apply the same file).

Every write goes through ``portal.services.catalogues`` (or ``catalogue_io`` for
workbooks); their Vietnamese ``ValidationError`` messages are shown on the form
fields or as Wagtail messages.
"""

from __future__ import annotations

from django.urls import include, path

from portal.views.catalogues.common import (
    ENTRY_ADD,
    ENTRY_CHANGE,
    ENTRY_DELETE,
    KIND_ADD,
    KIND_CHANGE,
    VIEW_PERMS,
    CatalogueMixin,
    KindObjectMixin,
    can_view_catalogues,
)
from portal.views.catalogues.entries import EntryDeleteView, EntryFormView, EntryReactivateView, EntryRetireView
from portal.views.catalogues.kinds import (
    VERIFICATION_CLASSES,
    VERIFICATION_LABELS,
    KindDetailView,
    KindFormView,
    KindIndexView,
    attribute_rows,
    attribute_text,
)
from portal.views.catalogues.transfer import (
    UPLOAD_MAX_AGE,
    UPLOAD_SESSION_KEY,
    UPLOAD_TOKEN_RE,
    XLSX_CONTENT_TYPE,
    KindExportView,
    KindImportApplyView,
    KindImportView,
)

__all__ = [
    "ENTRY_ADD",
    "ENTRY_CHANGE",
    "ENTRY_DELETE",
    "KIND_ADD",
    "KIND_CHANGE",
    "UPLOAD_MAX_AGE",
    "UPLOAD_SESSION_KEY",
    "UPLOAD_TOKEN_RE",
    "VERIFICATION_CLASSES",
    "VERIFICATION_LABELS",
    "VIEW_PERMS",
    "XLSX_CONTENT_TYPE",
    "CatalogueMixin",
    "EntryDeleteView",
    "EntryFormView",
    "EntryReactivateView",
    "EntryRetireView",
    "KindDetailView",
    "KindExportView",
    "KindFormView",
    "KindImportApplyView",
    "KindImportView",
    "KindIndexView",
    "KindObjectMixin",
    "attribute_rows",
    "attribute_text",
    "can_view_catalogues",
    "catalogue_urls",
    "urlpatterns",
]


def catalogue_urls():
    return [
        path("", KindIndexView.as_view(), name="index"),
        path("new/", KindFormView.as_view(), name="kind_add"),
        path("<int:kind_id>/", KindDetailView.as_view(), name="kind"),
        path("<int:pk>/edit/", KindFormView.as_view(), name="kind_edit"),
        path("<int:kind_id>/export/", KindExportView.as_view(), name="export"),
        path("<int:kind_id>/import/", KindImportView.as_view(), name="import"),
        path("<int:kind_id>/import/apply/", KindImportApplyView.as_view(), name="import_apply"),
        path("<int:kind_id>/entries/add/", EntryFormView.as_view(), name="entry_add"),
        path("<int:kind_id>/entries/<int:pk>/", EntryFormView.as_view(), name="entry_edit"),
        path("<int:kind_id>/entries/<int:pk>/retire/", EntryRetireView.as_view(), name="entry_retire"),
        path("<int:kind_id>/entries/<int:pk>/reactivate/", EntryReactivateView.as_view(), name="entry_reactivate"),
        path("<int:kind_id>/entries/<int:pk>/delete/", EntryDeleteView.as_view(), name="entry_delete"),
    ]


def urlpatterns():
    return [path("catalogues/", include((catalogue_urls(), "portal_catalogues"), namespace="portal_catalogues"))]
