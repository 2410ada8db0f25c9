"""Admin screens of the personnel records: the clerk's dossier list and export, one dossier with its
versions and comparison, evidence downloads, and the review queue.

Views parse, call one selector or service and render. Every dossier, declaration and
evidence file is looked up through ``portal.scoping`` (``records.selectors``), so what is
out of the viewer's scope answers 404 like what does not exist.
"""

from django.urls import include, path

from records.views.changes import DossierChangeView, DossierStatusView
from records.views.dossiers import (
    DossierCompareView,
    DossierDetailView,
    DossierExportView,
    DossierListView,
    EvidenceDownloadView,
)
from records.views.reviews import ReviewQueueView, ReviewView


def urlpatterns():
    dossiers = [
        path("", DossierListView.as_view(), name="index"),
        path("export/<slug:fmt>/", DossierExportView.as_view(), name="export"),
        path("<int:pk>/", DossierDetailView.as_view(), name="detail"),
        path("<int:pk>/compare/", DossierCompareView.as_view(), name="compare"),
        path("<int:pk>/change/<slug:section>/", DossierChangeView.as_view(), name="change"),
        path("<int:pk>/status/", DossierStatusView.as_view(), name="status"),
        path("<int:pk>/evidence/<int:evidence_pk>/", EvidenceDownloadView.as_view(), name="evidence"),
    ]
    reviews = [
        path("", ReviewQueueView.as_view(), name="queue"),
        path("<int:pk>/", ReviewView.as_view(), name="review"),
    ]
    return [
        path("dossiers/", include((dossiers, "records_dossiers"), namespace="records_dossiers")),
        path("reviews/", include((reviews, "records_reviews"), namespace="records_reviews")),
    ]
