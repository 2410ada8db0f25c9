"""JSON endpoints of an act: signing with the signer's token through the browser (prepare, then
complete: interrupted signing) and the progress of its publication, which the act's page polls."""

from __future__ import annotations

import base64
import binascii
import json
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
from wagtail.admin import messages

from records.selectors_approvals import access_approval_act, approval_act_progress
from records.services.approvals import approval_act_signature_complete, approval_act_signature_prepare
from records.views.approvals.common import NOT_THE_APPROVER, can_read_acts


def json_errors(problems, *, status: int) -> JsonResponse:
    return JsonResponse({"errors": [str(problem) for problem in problems]}, status=status)


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
    "ActProgressView",
    "ActSignCompleteView",
    "ActSignPrepareView",
]
