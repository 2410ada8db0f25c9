"""The monthly approval in the admin: the approver's queue, the approval acts, signing an act and
following its publication.

Who may open what (checked before anything is looked up; anyone else gets the 403 page):

- the queue: accounts that approve for some unit today, in their own right or by delegation
  (``portal.selectors_approvals.approving_units``);
- the acts: those, and the accounts whose role reads approval acts (clerks, administrators,
  leaders; ``scoping.can``). One act is looked up through ``access_approval_act`` (404 when
  missing or out of scope); its PDFs and its progress go to whoever may read it;
- signing and cancelling: the act's approver only (checked here for a clear 403, and again by
  the services, which decide).

An act is signed either with a credential the server holds (the approver's own or the approving
unit's seal: ``signer_for`` → ``approval_act_sign``), or with the signer's token through the
signing service on their computer: the page's script (``records/static/records/approvals.js``)
asks that service (``HOSO_LOCAL_SIGNER_URL``) for the certificate, gets the digest from
``ActSignPrepareView``, has the service sign it and posts the signature to
``ActSignCompleteView`` (interrupted signing). The two JSON endpoints answer errors as
``{"errors": [Vietnamese sentences]}``. Publication runs in Celery; the page polls
``ActProgressView``.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections import Counter
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages as django_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.messages import render as render_message
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal import scoping
from portal.choices import Role
from portal.models import ApprovalWindowPolicy, SigningCredentialKind
from portal.selectors_approvals import approval_override_for, approval_window, approving_units
from portal.signing.backends import signer_for
from portal.signing.selectors import signing_credentials_for
from portal.views import PermissionMixin, forbidden, paginate
from records.choices import ApprovalActStatus
from records.models import ApprovalAct
from records.selectors_approvals import (
    access_approval_act,
    approval_act_items,
    approval_act_list,
    approval_act_progress,
    approval_queue,
)
from records.services.approvals import (
    approval_act_cancel,
    approval_act_create,
    approval_act_sign,
    approval_act_signature_complete,
    approval_act_signature_prepare,
    approval_return,
)
from records.tables import ApprovalActTable, ApprovalItemTable, ApprovalQueueTable

QUEUE_PER_PAGE = 100
SERVER_KINDS = (SigningCredentialKind.PKCS12, SigningCredentialKind.PKCS11)
NOT_THE_APPROVER = _("Only the approver who prepared this act can sign or cancel it.")


# -- who may do what -------------------------------------------------------------------------------


def approvers_today(user) -> list:
    """``approving_units(user)`` for today, read once per request (the menu and the page both ask)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if not hasattr(user, "_approving_units_today"):
        user._approving_units_today = approving_units(user)
    return user._approving_units_today


def can_approve(user) -> bool:
    """Approves for some unit today: an approver grant in force, or a delegation in force."""
    return bool(approvers_today(user))


def may_see_queue_menu(user) -> bool:
    """The menu's question, asked on every admin page, so kept cheap: an approver grant (the grants
    are cached for the request) answers at once; accounts without one cost the delegation lookup.
    Superusers configure rather than approve and are not asked at all (no query on their pages);
    one who also holds an approver grant reaches the queue from the acts page."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
        return False
    if any(grant.role == Role.APPROVER for grant in scoping.active_grants(user)):
        return True
    return can_approve(user)


def can_read_acts(user) -> bool:
    """Reads approval acts by role (clerks, administrators, leaders, approvers), or approves today."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return scoping.can(user, scoping.VIEW, ApprovalAct) or can_approve(user)


def error_message(request, summary, problems) -> None:
    """One admin message: ``summary`` and every problem the service named (one per dossier)."""
    detail = format_html('<ul class="errorlist">{}</ul>', format_html_join("", "<li>{}</li>", ((p,) for p in problems)))
    django_messages.error(request, render_message(summary, None, detail=detail))


def json_errors(problems, *, status: int) -> JsonResponse:
    return JsonResponse({"errors": [str(problem) for problem in problems]}, status=status)


def server_credentials(act: ApprovalAct) -> list:
    """Active credentials the server holds that the act's approver may sign with: their own and the
    approving unit's (its seal). Keys that stay with their holder sign through the browser instead."""
    found = []
    for queryset in (signing_credentials_for(user=act.approver), signing_credentials_for(unit=act.unit)):
        found += queryset.filter(kind__in=SERVER_KINDS).defer("pkcs12_encrypted", "certificate")
    return found


# -- the queue -------------------------------------------------------------------------------------


class ApprovalMixin(PermissionMixin, WagtailAdminTemplateMixin):
    header_icon = "tasks"

    def has_permission(self) -> bool:
        return can_read_acts(self.request.user)


class ApprovalQueueView(ApprovalMixin, TemplateView):
    """GET: the queue of one approving unit. POST ``action=create`` lists the chosen dossiers in a new
    act (→ its page); ``action=return`` returns them with ``reason``. Refusals name each dossier."""

    template_name = "records/approvals/queue.html"
    page_title = _("Dossiers awaiting approval")

    def has_permission(self) -> bool:
        return can_approve(self.request.user)

    def queue(self):
        """(approvers, the chosen one, its entries, entries per unit id) for today."""
        approvers = approvers_today(self.request.user)
        entries = approval_queue(user=self.request.user, on=timezone.localdate())
        counts = Counter(entry.approver.unit.pk for entry in entries)
        wanted = self.request.POST.get("unit") or self.request.GET.get("unit", "")
        chosen = next((a for a in approvers if str(a.unit.pk) == wanted), None)
        chosen = chosen or next((a for a in approvers if counts[a.unit.pk]), approvers[0])
        rows = [entry for entry in entries if entry.approver.unit.pk == chosen.unit.pk]
        return approvers, chosen, rows, counts

    def get_context_data(self, *, selected=(), reason="", **kwargs):
        context = super().get_context_data(**kwargs)
        approvers, chosen, rows, counts = self.queue()
        today = timezone.localdate()
        first, last = approval_window(today)
        in_window = first <= today <= last
        page = paginate(self.request, rows, per_page=QUEUE_PER_PAGE)
        context.update(
            table=ApprovalQueueTable(page.object_list, selected=selected),
            page=page,
            total=len(rows),
            units=[(a.unit.pk, a.unit.name, counts[a.unit.pk], a.unit.pk == chosen.unit.pk) for a in approvers],
            approver=chosen,
            window_first=first,
            window_last=last,
            in_window=in_window,
            override=None if in_window else approval_override_for(chosen.unit, on=today),
            enforced=ApprovalWindowPolicy.load().enforced,
            reason=reason,
            acts_url=reverse("records_approvals:acts"),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        ids = [int(value) for value in request.POST.getlist("dossier") if value.isdigit()]
        if request.POST.get("all") == "1":
            # The whole queue of the unit; an act leaves out what another act already lists.
            rows = self.queue()[2]
            ids = [entry.dossier.pk for entry in rows if action == "return" or entry.open_act is None]
        try:
            if action == "create":
                act = approval_act_create(approver=request.user, dossier_ids=ids)
            elif action == "return":
                count = approval_return(approver=request.user, dossier_ids=ids, reason=reason)
            else:
                raise ValidationError(gettext("Choose what to do with the selected dossiers."))
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            summary = _("No approval act was created:") if action == "create" else _("Nothing was returned:")
            error_message(request, summary, exc.messages)
            return self.render_to_response(self.get_context_data(selected=ids, reason=reason))
        if action == "create":
            text = gettext("Approval act no. %(number)s lists %(count)s dossiers; sign it to publish them.")
            messages.success(request, text % {"number": act.pk, "count": act.total})
            return redirect("records_approvals:act", pk=act.pk)
        messages.success(request, gettext("%(count)s dossiers were returned with your reason.") % {"count": count})
        return redirect(f"{reverse('records_approvals:queue')}?{urlencode({'unit': request.POST.get('unit', '')})}")


# -- the acts --------------------------------------------------------------------------------------


class ApprovalActListView(ApprovalMixin, TemplateView):
    template_name = "records/approvals/acts.html"
    page_title = _("Approval acts")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, approval_act_list(user=self.request.user))
        context.update(
            table=ApprovalActTable(page.object_list),
            page=page,
            can_approve=can_approve(self.request.user),
        )
        return context


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


# -- JSON: the signer's token through the browser, and the progress -------------------------------


class ActJsonMixin:
    """Like ``ActMixin``, answering JSON: 403 without the permission, 404 out of scope."""

    def dispatch(self, request, *args, **kwargs):
        if not can_read_acts(request.user):
            return json_errors([gettext("You do not have permission to do this.")], status=403)
        try:
            self.act = access_approval_act(user=request.user, pk=kwargs["pk"])
        except Http404:
            return json_errors([gettext("This approval act does not exist.")], status=404)
        return super().dispatch(request, *args, **kwargs)


def json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise ValidationError(gettext("The request is not valid JSON."))
    return data


def der_from_base64(value) -> bytes:
    try:
        return base64.b64decode(str(value or "").strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(gettext("The signing service sent a certificate that is not valid base64.")) from None


class SigningEndpoint(ActJsonMixin, View):
    """A POST for the act's approver: the service's refusals become ``{"errors": [...]}``."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if self.act.approver_id != request.user.pk:
            return json_errors([NOT_THE_APPROVER], status=403)
        try:
            return JsonResponse(self.handle(json_body(request)))
        except PermissionDenied as exc:
            return json_errors([exc], status=403)
        except ValidationError as exc:
            return json_errors(exc.messages, status=400)

    def handle(self, data: dict) -> dict:
        raise NotImplementedError


class ActSignPrepareView(SigningEndpoint):
    """``{certificate, chain}`` (base64 DER) → ``{pending_id, digest, digest_algorithm}``."""

    def handle(self, data):
        chain = data.get("chain") or []
        if not isinstance(chain, list):
            raise ValidationError(gettext("The signing service sent a certificate that is not valid base64."))
        pending = approval_act_signature_prepare(
            act_id=self.act.pk,
            actor=self.request.user,
            certificate_der=der_from_base64(data.get("certificate")),
            chain_der=[der_from_base64(item) for item in chain],
        )
        return {"pending_id": str(pending.pk), "digest": pending.digest, "digest_algorithm": pending.digest_algorithm}


class ActSignCompleteView(SigningEndpoint):
    """``{pending_id, signature}`` (base64) → the act signed, its publication scheduled."""

    def handle(self, data):
        try:
            pending_id = uuid.UUID(str(data.get("pending_id") or ""))
        except ValueError:
            raise ValidationError(gettext("This signing request does not exist; prepare the document again.")) from None
        signature = data.get("signature")
        if not isinstance(signature, str):
            raise ValidationError(gettext("No signature value was returned by the signer."))
        act = approval_act_signature_complete(
            act_id=self.act.pk, actor=self.request.user, pending_id=pending_id, signature=signature
        )
        messages.success(self.request, gettext("The act is signed; its dossiers are being published."))
        return {"status": act.status, "redirect": reverse("records_approvals:act", args=[act.pk])}


class ActProgressView(ActJsonMixin, View):
    """GET: what the act's page polls while publishing (``approval_act_progress``)."""

    def get(self, request, *args, **kwargs):
        return JsonResponse(approval_act_progress(act=self.act))


__all__ = [
    "ActCancelView",
    "ActManifestView",
    "ActProgressView",
    "ActSignCompleteView",
    "ActSignPrepareView",
    "ActSignView",
    "ActSignedView",
    "ApprovalActListView",
    "ApprovalActView",
    "ApprovalQueueView",
    "can_approve",
    "can_read_acts",
    "may_see_queue_menu",
]
