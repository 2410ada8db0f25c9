"""Admin screens of the résumé (sơ yếu lý lịch): the page, the print view and the PDF of any version.

Access goes through ``records.selectors.access_dossier``: a dossier that is missing or
outside the viewer's scope answers 404 (never 403), and so does a version number the
dossier does not have. Without ``?version=`` the latest version is shown (a note says
when it is not yet approved). Views hold no rules: they parse the request, read the
dossier and the version, and render ``reports.resume`` (HTML) or ``reports.resume_pdf``.
Every version prints the unit it was made in (``reports.resume.version_unit``). The
helpers ``version_resume``, ``version_pdf_response`` and ``version_notes`` also serve the
person's own résumé in the self-service portal (``reports.selfservice``).
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from records.choices import VersionStatus
from records.models import Dossier, DossierVersion
from records.selectors import access_dossier, dossier_versions, version_get
from reports.resume import resume_context, version_unit
from reports.resume_pdf import resume_pdf


def version_resume(*, dossier: Dossier, version: DossierVersion) -> dict:
    """The résumé context of ``version``: its content, its number and the unit it was made in."""
    return resume_context(
        dossier=dossier,
        content=version.content,
        version=version.number,
        unit=version_unit(dossier=dossier, version=version),
    )


def version_pdf_response(*, dossier: Dossier, version: DossierVersion) -> HttpResponse:
    """The résumé of ``version`` as a PDF download, ``SYLL_<personal id>_v<version>.pdf``."""
    pdf = resume_pdf(
        dossier=dossier,
        content=version.content,
        version=version.number,
        unit=version_unit(dossier=dossier, version=version),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"SYLL_{dossier.personal_id}_v{version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def version_notes(*, dossier: Dossier, version: DossierVersion) -> list[str]:
    """What the reader must know about the version shown: not yet approved, or an earlier one."""
    live = dossier.live_version
    if version.status != VersionStatus.PUBLISHED:
        if live:
            return [
                gettext(
                    "Version %(number)s is not yet approved: it is not the official record. "
                    "The approved version is %(live)s."
                )
                % {"number": version.number, "live": live}
            ]
        return [gettext("Version %(number)s is not yet approved.") % {"number": version.number}]
    if version.number != live:
        return [
            gettext("Version %(number)s is an earlier version; the approved version is %(live)s.")
            % {"number": version.number, "live": live}
        ]
    return []


def _requested_version(request, dossier: Dossier) -> DossierVersion:
    """The version asked for by ``?version=N`` (default: the latest); ``Http404`` if there is none."""
    raw = request.GET.get("version", "").strip()
    if raw:
        if not raw.isdigit():
            raise Http404
        number = int(raw)
    else:
        number = dossier.latest_version
    try:
        return version_get(dossier=dossier, number=number)
    except DossierVersion.DoesNotExist:
        raise Http404 from None


class ResumeMixin:
    """Loads the dossier (scoped) and the requested version before the view runs."""

    def dispatch(self, request, *args, **kwargs):
        self.dossier = access_dossier(user=request.user, pk=kwargs["pk"])
        self.version = _requested_version(request, self.dossier)
        return super().dispatch(request, *args, **kwargs)

    def resume(self) -> dict:
        return version_resume(dossier=self.dossier, version=self.version)


class ResumeView(ResumeMixin, WagtailAdminTemplateMixin, TemplateView):
    """The résumé of one version inside the admin, with a version selector and the PDF button."""

    template_name = "reports/resume_admin.html"
    header_icon = "doc-full"
    page_title = _("Résumé")

    def get_page_subtitle(self):
        return str(self.dossier)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": None, "label": self.page_title}]

    def notes(self) -> list[str]:
        return version_notes(dossier=self.dossier, version=self.version)

    def version_options(self) -> list[dict]:
        options = []
        for option in dossier_versions(dossier=self.dossier):
            options.append(
                {
                    "number": option.number,
                    "label": gettext("Version %(number)s – %(status)s – %(date)s")
                    % {
                        "number": option.number,
                        "status": option.get_status_display(),
                        "date": option.created_at.strftime("%d/%m/%Y"),
                    },
                }
            )
        return options

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = f"?version={self.version.number}"
        context.update(
            dossier=self.dossier,
            version=self.version,
            versions=self.version_options(),
            notes=self.notes(),
            resume=self.resume(),
            page_url=reverse("reports_resume:page", args=[self.dossier.pk]),
            pdf_url=reverse("reports_resume:pdf", args=[self.dossier.pk]) + query,
            print_url=reverse("reports_resume:print", args=[self.dossier.pk]) + query,
        )
        return context


class ResumePrintView(ResumeMixin, View):
    """The résumé alone, as a standalone HTML document to print from the browser."""

    def get(self, request, *args, **kwargs):
        return render(request, "reports/resume.html", {"resume": self.resume()})


class ResumePdfView(ResumeMixin, View):
    """The résumé as a PDF download, ``SYLL_<personal id>_v<version>.pdf``."""

    def get(self, request, *args, **kwargs):
        return version_pdf_response(dossier=self.dossier, version=self.version)


def urlpatterns():
    """Routes under the admin (``reports.wagtail_hooks``), namespace ``reports_resume``."""
    return [
        path("ho-so/<int:pk>/so-yeu-ly-lich/", ResumeView.as_view(), name="page"),
        path("ho-so/<int:pk>/so-yeu-ly-lich/ban-in/", ResumePrintView.as_view(), name="print"),
        path("ho-so/<int:pk>/so-yeu-ly-lich.pdf", ResumePdfView.as_view(), name="pdf"),
    ]
