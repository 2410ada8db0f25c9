"""Admin screens of the personnel records: the clerk's dossier list and export, one dossier with its
versions and comparison, evidence downloads, the review queue, and the monthly approval (queue, acts, signing).

Views parse, call one selector or service and render. Every dossier, declaration and
evidence file is looked up through ``portal.scoping`` (``records.selectors``), so what is
out of the viewer's scope answers 404 like what does not exist.
"""

from django.urls import include, path

from records.views.approvals.acts import ActCancelView, ActManifestView, ActSignedView, ActSignView, ApprovalActView
from records.views.approvals.queue import ApprovalActListView, ApprovalQueueView
from records.views.approvals.signing import ActProgressView, ActSignCompleteView, ActSignPrepareView
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
    approvals = [
        path("", ApprovalQueueView.as_view(), name="queue"),
        path("acts/", ApprovalActListView.as_view(), name="acts"),
        path("acts/<int:pk>/", ApprovalActView.as_view(), name="act"),
        path("acts/<int:pk>/manifest/", ActManifestView.as_view(), name="act_manifest"),
        path("acts/<int:pk>/signed/", ActSignedView.as_view(), name="act_signed"),
        path("acts/<int:pk>/sign/", ActSignView.as_view(), name="act_sign"),
        path("acts/<int:pk>/sign/prepare/", ActSignPrepareView.as_view(), name="act_sign_prepare"),
        path("acts/<int:pk>/sign/complete/", ActSignCompleteView.as_view(), name="act_sign_complete"),
        path("acts/<int:pk>/cancel/", ActCancelView.as_view(), name="act_cancel"),
        path("acts/<int:pk>/progress/", ActProgressView.as_view(), name="act_progress"),
    ]
    return [
        path("dossiers/", include((dossiers, "records_dossiers"), namespace="records_dossiers")),
        path("reviews/", include((reviews, "records_reviews"), namespace="records_reviews")),
        path("monthly-approval/", include((approvals, "records_approvals"), namespace="records_approvals")),
    ]
