"""One approval act: its page, its unsigned and signed PDFs, signing it with a credential the
server holds, and cancelling it (the act's approver only)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages

from portal.models import SigningCredentialKind
from portal.signing.backends import signer_for
from portal.signing.selectors import signing_credentials_for
from portal.views import forbidden, paginate
from records.choices import ApprovalActStatus
from records.models import ApprovalAct
from records.selectors_approvals import access_approval_act, approval_act_items, approval_act_progress
from records.services.approvals import approval_act_cancel, approval_act_sign
from records.tables import ApprovalItemTable
from records.views.approvals.common import NOT_THE_APPROVER, ApprovalMixin, error_message

SERVER_KINDS = (SigningCredentialKind.PKCS12, SigningCredentialKind.PKCS11)


def server_credentials(act: ApprovalAct) -> list:
    """Active credentials the server holds that the act's approver may sign with: their own and the
    approving unit's (its seal). Keys that stay with their holder sign through the browser instead."""
    found = []
    for queryset in (signing_credentials_for(user=act.approver), signing_credentials_for(unit=act.unit)):
        found += queryset.filter(kind__in=SERVER_KINDS).defer("pkcs12_encrypted", "certificate")
    return found


class ActMixin(ApprovalMixin):
    """One act, after the permission check, through ``access_approval_act`` (404 out of scope)."""

    def load_objects(self) -> None:
        self.act = access_approval_act(user=self.request.user, pk=self.kwargs["pk"])

    def act_url(self) -> str:
        return reverse("records_approvals:act", args=[self.act.pk])

    def is_approver(self) -> bool:
        return self.act.approver_id == self.request.user.pk


class ApprovalActView(ActMixin, TemplateView):
    template_name = "records/approvals/act.html"
    page_title = _("Approval act")

    def get_page_subtitle(self):
        return gettext("Act no. %(number)s") % {"number": self.act.pk}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("records_approvals:acts"), "label": _("Approval acts")},
            {"url": None, "label": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        act = self.act
        page = paginate(self.request, approval_act_items(act=act))
        can_sign = self.is_approver() and act.status == ApprovalActStatus.AWAITING_SIGNATURE
        publishing = act.status == ApprovalActStatus.PUBLISHING
        context.update(
            act=act,
            table=ApprovalItemTable(page.object_list),
            page=page,
            can_sign=can_sign,
            credentials=server_credentials(act) if can_sign else [],
            signer_url=settings.HOSO_LOCAL_SIGNER_URL,
            progress=approval_act_progress(act=act) if publishing else None,
            not_published=act.total - act.published_count,
            has_signed_pdf=bool(act.signed_sha256),
        )
        return context


def pdf_attachment(data, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class ActManifestView(ActMixin, View):
    """The unsigned manifest, as listed (readers of the act only)."""

    def get(self, request, *args, **kwargs):
        return pdf_attachment(self.act.manifest, f"van-ban-phe-duyet-{self.act.pk}.pdf")


class ActSignedView(ActMixin, View):
    """The signed manifest (404 until the act is signed)."""

    def get(self, request, *args, **kwargs):
        if not self.act.signed_pdf:
            raise Http404
        return pdf_attachment(self.act.signed_pdf, f"van-ban-phe-duyet-{self.act.pk}-da-ky.pdf")


class ActSignView(ActMixin, View):
    """POST ``credential``: sign with a credential the server holds (see ``server_credentials``)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not self.is_approver():
            return forbidden(request, NOT_THE_APPROVER)
        choice = request.POST.get("credential", "")
        credential = next((c for c in server_credentials(self.act) if str(c.pk) == choice), None)
        try:
            if credential is None:
                raise ValidationError(gettext("Choose one of the signing credentials offered."))
            approval_act_sign(act_id=self.act.pk, actor=request.user, signer=signer_for(credential))
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            error_message(request, _("The act was not signed:"), exc.messages)
            return redirect(self.act_url())
        messages.success(request, gettext("The act is signed; its dossiers are being published."))
        return redirect(self.act_url())


class ActCancelView(ActMixin, View):
    """POST ``reason``: drop an act that was not signed."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not self.is_approver():
            return forbidden(request, NOT_THE_APPROVER)
        try:
            approval_act_cancel(act_id=self.act.pk, actor=request.user, reason=request.POST.get("reason", ""))
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            error_message(request, _("The act was not cancelled:"), exc.messages)
            return redirect(self.act_url())
        messages.success(request, gettext("The act is cancelled; its dossiers can be listed again."))
        return redirect(self.act_url())


__all__ = [
    "ActCancelView",
    "ActManifestView",
    "ActSignView",
    "ActSignedView",
    "ApprovalActView",
]
