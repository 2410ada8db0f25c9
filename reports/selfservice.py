"""The person's own résumé in the self-service portal (/ca-nhan/so-yeu-ly-lich…), outside the admin.

The page (the résumé in the portal's look, with the PDF download and the browser's print)
and the PDF. Guarded as every self-service page is (``records.selfservice.SelfMixin``): an
anonymous visitor is sent to the portal's sign-in page, and only the dossier linked to the
signed-in account is ever read (``records.selectors.own_dossier``, through
``portal.scoping``); the URLs carry no id, so there is nobody else's résumé to ask for. An
account without a dossier gets 404.

The version shown is the approved one (the official record); a dossier with no approved
version yet shows its latest version with a note saying so. Rendering is the admin's:
``reports.views.version_resume`` and ``version_pdf_response`` (which records the download,
channel "self-service", in ``reports.models.ResumeExport``).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import include, path, reverse
from django.views import View

from records import selectors
from records.models import DossierVersion
from records.selfservice import SelfMixin
from reports.models import ExportChannel
from reports.views import version_notes, version_pdf_response, version_resume


class OwnResumeMixin(SelfMixin):
    """The signed-in person's dossier (``self.dossier``, set by ``SelfMixin``) and the version to print."""

    def own_version(self) -> DossierVersion:
        """The approved version of the person's dossier, else the latest; ``Http404`` without a dossier."""
        if self.dossier is None:
            raise Http404
        try:
            return selectors.version_get(
                dossier=self.dossier, number=self.dossier.live_version or self.dossier.latest_version
            )
        except DossierVersion.DoesNotExist:
            raise Http404 from None


class OwnResumeView(OwnResumeMixin, View):
    """The person's résumé as a portal page: "Download PDF", "Print", the document."""

    def get(self, request, *args, **kwargs):
        version = self.own_version()
        context = {
            "dossier": self.dossier,
            "resume": version_resume(dossier=self.dossier, version=version),
            "notes": version_notes(dossier=self.dossier, version=version),
            "pending": 0 < self.dossier.live_version < self.dossier.latest_version,
            "pdf_url": reverse("reports_self:resume_pdf"),
        }
        return render(request, "reports/resume_self.html", context)


class OwnResumePdfView(OwnResumeMixin, View):
    """The person's résumé as a PDF download (``SYLL_<personal id>_v<version>.pdf``)."""

    def get(self, request, *args, **kwargs):
        return version_pdf_response(
            dossier=self.dossier, version=self.own_version(), user=request.user, channel=ExportChannel.SELF_SERVICE
        )


def urlpatterns():
    """Routes of the public site (``reports.site_urls``), namespace ``reports_self``."""
    patterns = [
        path("so-yeu-ly-lich/", OwnResumeView.as_view(), name="resume"),
        path("so-yeu-ly-lich.pdf", OwnResumePdfView.as_view(), name="resume_pdf"),
    ]
    return [path("ca-nhan/", include((patterns, "reports_self"), namespace="reports_self"))]
