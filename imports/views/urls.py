"""The URLs of the import and export screens (``imports_jobs:``, ``imports_exports:``)."""

from __future__ import annotations

from django.urls import include, path

from imports.views.exports import ExportView, TemplateDownloadView
from imports.views.jobs import (
    CancelView,
    CommitView,
    ErrorFileView,
    HistoryView,
    JobView,
    OriginalFileView,
    ProgressView,
    RecheckView,
    UploadView,
)


def urlpatterns():
    jobs = [
        path("", UploadView.as_view(), name="upload"),
        path("history/", HistoryView.as_view(), name="history"),
        path("<int:pk>/", JobView.as_view(), name="job"),
        path("<int:pk>/progress/", ProgressView.as_view(), name="progress"),
        path("<int:pk>/import/", CommitView.as_view(), name="commit"),
        path("<int:pk>/check/", RecheckView.as_view(), name="recheck"),
        path("<int:pk>/cancel/", CancelView.as_view(), name="cancel"),
        path("<int:pk>/errors/", ErrorFileView.as_view(), name="errors"),
        path("<int:pk>/file/", OriginalFileView.as_view(), name="original"),
    ]
    exports = [
        path("", ExportView.as_view(), name="export"),
        path("templates/<slug:target>/", TemplateDownloadView.as_view(), name="template"),
    ]
    return [
        path("imports/", include((jobs, "imports_jobs"), namespace="imports_jobs")),
        path("exports/", include((exports, "imports_exports"), namespace="imports_exports")),
    ]
