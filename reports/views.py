"""Admin screens of the résumé (sơ yếu lý lịch): the page, the print view and the PDF of any version.

Access goes through ``records.selectors.access_dossier``: a dossier that is missing or
outside the viewer's scope answers 404 (never 403), and so does a version number the
dossier does not have. Without ``?version=`` the latest version is shown (a note says
when it is not yet approved). Views hold no rules: they parse the request, read the
dossier and the version, and render ``reports.resume`` (HTML) or ``reports.resume_pdf``.
Every version prints the unit it was made in (``reports.resume.version_unit``). The
helpers ``version_resume``, ``version_pdf_response`` and ``version_notes`` also serve the
person's own résumé in the self-service portal (``reports.selfservice``).

Every PDF handed out is recorded (``reports.services.exports``). Those who may
(``reports.selectors.can_export_signed``) also get the "signed export" form: the approved
version signed by the authorized person and sealed by the agency
(``/admin/ho-so/<pk>/so-yeu-ly-lich/ky-so/``); the résumé page lists the dossier's exports
to those who may read them. The verification page (any PDF → its signatures, and whether
we issued it) is ``VerifyView`` at ``/admin/kiem-tra-chu-ky/``, for every staff account.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal import scoping
from portal.views import apply_service_errors, forbidden
from records.choices import VersionStatus
from records.models import Dossier, DossierVersion
from records.selectors import access_dossier, dossier_versions, version_get
from reports.forms import PdfUploadForm, SignedExportForm
from reports.models import ExportChannel, ResumeExport
from reports.resume import resume_context, version_unit
from reports.selectors import can_export_signed, can_verify_documents, resume_export_list, verification_for
from reports.services.exports import ResumeExportDenied, resume_export_signed, resume_export_unsigned

EXPORTS_SHOWN = 20


def version_resume(*, dossier: Dossier, version: DossierVersion) -> dict:
    """The résumé context of ``version``: its content, its number and the unit it was made in."""
    return resume_context(
        dossier=dossier,
        content=version.content,
        version=version.number,
        unit=version_unit(dossier=dossier, version=version),
    )


def pdf_download(pdf: bytes, filename: str) -> HttpResponse:
    """``pdf`` as a private, never cached attachment named ``filename``."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def version_pdf_response(
    *, dossier: Dossier, version: DossierVersion, user, channel: str = ExportChannel.ADMIN
) -> HttpResponse:
    """The résumé of ``version`` as a PDF download, ``SYLL_<personal id>_v<version>.pdf``,
    recorded as an export by ``user`` (who already passed ``access_dossier``)."""
    try:
        pdf, _export = resume_export_unsigned(user=user, dossier=dossier, version=version, channel=channel)
    except ResumeExportDenied:
        raise Http404 from None
    return pdf_download(pdf, f"SYLL_{dossier.personal_id}_v{version.number}.pdf")


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
        can_sign = can_export_signed(self.request.user, self.dossier)
        context.update(
            dossier=self.dossier,
            version=self.version,
            versions=self.version_options(),
            notes=self.notes(),
            resume=self.resume(),
            page_url=reverse("reports_resume:page", args=[self.dossier.pk]),
            pdf_url=reverse("reports_resume:pdf", args=[self.dossier.pk]) + query,
            print_url=reverse("reports_resume:print", args=[self.dossier.pk]) + query,
            can_sign=can_sign,
            sign_form=SignedExportForm(user=self.request.user, dossier=self.dossier) if can_sign else None,
            sign_url=reverse("reports_resume:sign", args=[self.dossier.pk]),
            exports=self.exports(),
        )
        return context

    def exports(self) -> list[ResumeExport] | None:
        """The dossier's latest exports, for those who read export records (else None: no section)."""
        if not scoping.can(self.request.user, scoping.VIEW, ResumeExport):
            return None
        return list(resume_export_list(user=self.request.user, dossier=self.dossier)[:EXPORTS_SHOWN])


class ResumePrintView(ResumeMixin, View):
    """The résumé alone, as a standalone HTML document to print from the browser."""

    def get(self, request, *args, **kwargs):
        return render(request, "reports/resume.html", {"resume": self.resume()})


class ResumePdfView(ResumeMixin, View):
    """The résumé as a PDF download, ``SYLL_<personal id>_v<version>.pdf``."""

    def get(self, request, *args, **kwargs):
        return version_pdf_response(dossier=self.dossier, version=self.version, user=request.user)


class ResumeSignedExportView(WagtailAdminTemplateMixin, TemplateView):
    """The approved résumé signed by the authorized person and sealed by the agency, as a download
    (``SYLL_<personal id>_v<version>_ky_so.pdf``). GET shows the form; a refused POST shows it
    again with the reason. 404 outside the reader's scope; 403 for a reader who may not sign."""

    template_name = "reports/resume_sign.html"
    header_icon = "key"
    page_title = _("Export with digital signatures")

    def dispatch(self, request, *args, **kwargs):
        self.dossier = access_dossier(user=request.user, pk=kwargs["pk"])
        if not can_export_signed(request.user, self.dossier):
            return forbidden(
                request,
                gettext(
                    "Only the HR clerk, the unit administrator or the system administrator responsible for this "
                    "dossier's unit can export its résumé with digital signatures."
                ),
            )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.dossier)

    def get_breadcrumbs_items(self):
        resume = {"url": reverse("reports_resume:page", args=[self.dossier.pk]), "label": _("Résumé")}
        return [*self.breadcrumbs_items, resume, {"url": None, "label": self.page_title}]

    def form(self, data=None) -> SignedExportForm:
        return SignedExportForm(data, user=self.request.user, dossier=self.dossier)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form())
        context.update(
            dossier=self.dossier,
            action_url=reverse("reports_resume:sign", args=[self.dossier.pk]),
            cancel_url=reverse("reports_resume:page", args=[self.dossier.pk]),
            submit_button_label=_("Sign and download"),
            submit_button_active_label=_("Signing…"),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                pdf, export = resume_export_signed(
                    user=request.user,
                    dossier=self.dossier,
                    person_signer=form.cleaned_data["person_signer"],
                    seal_signer=form.cleaned_data["seal_signer"],
                )
            except ResumeExportDenied as exc:
                return forbidden(request, str(exc))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return pdf_download(pdf, f"SYLL_{self.dossier.personal_id}_v{export.version_number}_ky_so.pdf")
        return self.render_to_response(self.get_context_data(form=form))


class VerifyView(WagtailAdminTemplateMixin, TemplateView):
    """Upload a PDF: every signature's report, the verdict, and whether we issued the document
    (``reports.selectors.verification_for``). Any staff account (``can_verify_documents``)."""

    template_name = "reports/verify.html"
    header_icon = "circle-check"
    page_title = _("Verify digital signatures")

    def dispatch(self, request, *args, **kwargs):
        if not can_verify_documents(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": None, "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", PdfUploadForm())
        context.update(action_url=reverse("reports_verify:verify"))
        return context

    def post(self, request, *args, **kwargs):
        form = PdfUploadForm(request.POST, request.FILES)
        check, file_name = None, ""
        if form.is_valid():
            check = verification_for(user=request.user, pdf=form.cleaned_data["pdf"])
            file_name = form.cleaned_data["file"].name
            form = PdfUploadForm()
        return self.render_to_response(self.get_context_data(form=form, check=check, file_name=file_name))


def urlpatterns():
    """Routes under the admin (``reports.wagtail_hooks``), namespace ``reports_resume``."""
    return [
        path("ho-so/<int:pk>/so-yeu-ly-lich/", ResumeView.as_view(), name="page"),
        path("ho-so/<int:pk>/so-yeu-ly-lich/ban-in/", ResumePrintView.as_view(), name="print"),
        path("ho-so/<int:pk>/so-yeu-ly-lich.pdf", ResumePdfView.as_view(), name="pdf"),
        path("ho-so/<int:pk>/so-yeu-ly-lich/ky-so/", ResumeSignedExportView.as_view(), name="sign"),
    ]


def verify_urlpatterns():
    """Routes under the admin (``reports.wagtail_hooks``), namespace ``reports_verify``."""
    return [path("kiem-tra-chu-ky/", VerifyView.as_view(), name="verify")]
