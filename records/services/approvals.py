"""The monthly approval: an approver lists dossiers, signs the manifest once, the listed versions go live.

1. ``approval_act_create``: the approver picks dossiers with accepted changes. Every one
   must be in the approver's scope (``portal.scoping``), approved by them under the approval
   rules today (own right or delegation: ``portal.selectors_approvals.authority``), all for one
   approving unit, and today must be in the approval window or under an override. The act
   lists each dossier's latest version and that version's content hash, and its manifest
   PDF is rendered. Nothing is published yet.
2. The approver signs the manifest: with a server-held credential
   (``approval_act_sign``: PKCS#12 agency seal, PKCS#11 token/HSM) or from outside the
   server (``approval_act_signature_prepare`` → the client signs the digest →
   ``approval_act_signature_complete``). The signature is bound to this act and this
   manifest (the pending state's purpose); the signed PDF is verified (intact, whole
   document, certificate valid, for signing, trusted) before it is kept.
3. ``approval_act_publish`` (``records.services.approval_publish``; a Celery task after commit,
   ``records.tasks``): each listed
   version is published if, and only if, the dossier still stands at that version and the
   version's content still hashes to what was signed; otherwise the item is skipped with
   the reason. Progress is kept on the act. Rerunning it continues where it stopped.

Refusals are ``ValidationError`` with Vietnamese messages naming the dossier, or
``ApprovalActPermissionDenied``; a refused call writes nothing.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import scoping
from portal.selectors_approvals.authority import ApprovalResolver
from portal.services.approvals import approval_window_require
from portal.signing.interrupted import signature_complete, signature_prepare
from portal.signing.verify import pdf_verify
from records.choices import (
    ApprovalActStatus,
    ApprovalItemOutcome,
    DeclarationStatus,
    VersionSource,
    VersionStatus,
)
from records.models import ApprovalAct, ApprovalItem, Declaration, Dossier, DossierVersion
from records.services.approval_manifest import manifest_pdf
from records.services.approval_publish import approval_act_publish
from records.services.content_hash import content_sha256
from records.services.dossiers import person_label
from records.services.versions import version_next

SIGNATURE_FIELD = "PheDuyet"
MAX_DOSSIERS_PER_ACT = 5000


class ApprovalActPermissionDenied(PermissionDenied):
    """The account may not approve these dossiers or act on this approval act."""


def _person(dossier: Dossier) -> str:
    return f"{dossier.full_name} ({dossier.personal_id})"


def _reason(act: ApprovalAct) -> str:
    # Signed into a legal document: Vietnamese whatever the approver's interface language.
    with translation.override("vi"):
        return _("Approval of personnel data for %(month)s") % {"month": f"{act.period:%m/%Y}"}


def _approvable(approver, dossier_ids, day: datetime.date):
    """The chosen dossiers if ``approver`` may approve every one today, all for one approving
    unit; else ``ValidationError`` naming each dossier and the reason. Returns
    ``(dossiers by id in name order, Approver, Authority)``."""
    ids = list(dict.fromkeys(int(pk) for pk in dossier_ids))
    if not ids:
        raise ValidationError(_("Choose at least one dossier to approve."))
    if len(ids) > MAX_DOSSIERS_PER_ACT:
        raise ValidationError(
            _("One act approves at most %(count)s dossiers; split the selection.") % {"count": MAX_DOSSIERS_PER_ACT}
        )
    visible = scoping.restrict(approver, scoping.VIEW, Dossier.objects.filter(pk__in=ids))
    dossiers = {d.pk: d for d in visible.select_related("unit").order_by("name_sort_key", "personal_id")}
    errors: list[str] = []
    missing = [pk for pk in ids if pk not in dossiers]
    if missing:
        errors.append(
            _("%(count)s of the chosen dossiers are not in your scope or do not exist.") % {"count": len(missing)}
        )
    # Dossiers in an act not yet finished: listing or returning them again would race with it.
    listed = dict(
        ApprovalItem.objects.filter(
            dossier_id__in=list(dossiers),
            outcome=ApprovalItemOutcome.LISTED,
            act__status__in=[ApprovalActStatus.AWAITING_SIGNATURE, ApprovalActStatus.PUBLISHING],
        ).values_list("dossier_id", "act_id")
    )
    resolver = ApprovalResolver(on=day)
    capacity = None
    for dossier in dossiers.values():
        if dossier.latest_version <= dossier.live_version:
            errors.append(_("%(person)s: no accepted change awaits approval.") % {"person": _person(dossier)})
            continue
        if dossier.pk in listed:
            message = _("%(person)s is already listed in approval act %(act)s (awaiting the signature or publishing).")
            errors.append(message % {"person": _person(dossier), "act": listed[dossier.pk]})
            continue
        authority = resolver.authority(dossier)
        approver_entry = resolver.approver(approver, dossier)
        if approver_entry is None:
            if authority is None:
                message = _("%(person)s: no approval rule covers this dossier; ask the Sở Nội vụ to add one.")
                errors.append(message % {"person": _person(dossier)})
            else:
                message = _("%(person)s: you may not approve this dossier; it is approved by %(title)s of %(unit)s.")
                errors.append(
                    message
                    % {
                        "person": _person(dossier),
                        "title": authority.title or _("the head"),
                        "unit": authority.unit.name,
                    }
                )
            continue
        if capacity is None:
            capacity = (approver_entry, authority)
        elif capacity[0].unit.pk != approver_entry.unit.pk:
            message = _("%(person)s is approved for %(unit)s, another unit than the rest of the selection (%(first)s).")
            errors.append(
                message % {"person": _person(dossier), "unit": approver_entry.unit.name, "first": capacity[0].unit.name}
            )
    if errors:
        raise ValidationError(errors)
    return dossiers, capacity[0], capacity[1]


def approval_act_create(*, approver, dossier_ids: list[int], on: datetime.date | None = None) -> ApprovalAct:
    """List ``dossier_ids`` for ``approver``'s signature (see the module docstring, step 1).

    Raises ``ValidationError`` naming each dossier that is out of scope, not the approver's
    to approve, without accepted changes, already in an act awaiting signature, or under
    another approving unit; or the window message (``ApprovalOutsideWindow``). Writes
    nothing when it raises.
    """
    day = on or timezone.localdate()
    dossiers, approver_entry, authority = _approvable(approver, dossier_ids, day)
    errors: list[str] = []
    override = approval_window_require(unit=approver_entry.unit, on=day)
    versions = {
        v.dossier_id: v
        for v in DossierVersion.objects.filter(
            dossier_id__in=list(dossiers), number__in={d.latest_version for d in dossiers.values()}
        )
        if v.number == dossiers[v.dossier_id].latest_version
    }
    for dossier in dossiers.values():
        version = versions[dossier.pk]
        if content_sha256(version.content) != version.sha256:
            # The stored content no longer matches its hash: refuse rather than sign it.
            errors.append(
                _("%(person)s: version %(number)s does not match its recorded hash; report this to the administrator.")
                % {"person": _person(dossier), "number": version.number}
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        act = ApprovalAct.objects.create(
            unit=approver_entry.unit,
            period=day.replace(day=1),
            approver=approver,
            approver_name=person_label(approver),
            approver_title=authority.title,
            rule=authority.rule,
            delegation=approver_entry.delegation,
            override=override,
            total=len(dossiers),
            manifest=b"",
            manifest_sha256="",
        )
        ApprovalItem.objects.bulk_create(
            ApprovalItem(
                act=act,
                dossier=dossier,
                version=versions[dossier.pk],
                number=versions[dossier.pk].number,
                sha256=versions[dossier.pk].sha256,
            )
            for dossier in dossiers.values()
        )
        rows = [(d.personal_id, d.full_name, versions[d.pk].number, versions[d.pk].sha256) for d in dossiers.values()]
        act.manifest = manifest_pdf(act=act, rows=rows)
        act.manifest_sha256 = hashlib.sha256(act.manifest).hexdigest()
        act.save(update_fields=["manifest", "manifest_sha256"])
    return act


def approval_return(*, approver, dossier_ids: list[int], reason: str, on: datetime.date | None = None) -> int:
    """Return the accepted changes of the chosen dossiers instead of approving them.

    Same authority checks as ``approval_act_create`` (not the window: returning publishes
    nothing). For each dossier, in one transaction for all: its pending versions are marked
    returned; a new version with the live content is recorded as published (so the next
    change starts again from the approved dossier, and the history says who returned what
    and why); the declarations behind the returned versions show as returned with the
    approver's reason. Returns the number of dossiers.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for returning; the clerk and the person will see it.")})
    day = on or timezone.localdate()
    dossiers, _approver_entry, _authority = _approvable(approver, dossier_ids, day)
    now = timezone.now()
    with translation.override("vi"):  # stored, and read by the clerk and the person
        message = _("Returned by the approver: %(reason)s") % {"reason": reason}
    with transaction.atomic():
        for dossier in dossiers.values():
            dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
            pending = list(
                DossierVersion.objects.filter(
                    dossier=dossier, number__gt=dossier.live_version, status=VersionStatus.PENDING
                ).defer("content")
            )
            sections = list(dict.fromkeys(key for version in pending for key in version.sections))
            DossierVersion.objects.filter(pk__in=[v.pk for v in pending]).update(status=VersionStatus.RETURNED)
            live = DossierVersion.objects.get(dossier=dossier, number=dossier.live_version)
            restored = version_next(
                dossier=dossier,
                content=live.content,
                sections=sections,
                source=VersionSource.RETURN,
                actor=approver,
                reason=message,
            )
            DossierVersion.objects.filter(pk=restored.pk).update(
                status=VersionStatus.PUBLISHED, published_at=now, published_by=approver
            )
            Dossier.objects.filter(pk=dossier.pk).update(live_version=restored.number)
            Declaration.objects.filter(result_version__in=[v.pk for v in pending]).update(
                status=DeclarationStatus.RETURNED, review_reason=message[:1000]
            )
    return len(dossiers)


def _open_act(*, act_id: int, actor) -> ApprovalAct:
    """The act, locked, if ``actor`` is its approver and it still awaits the signature."""
    act = ApprovalAct.objects.select_for_update().filter(pk=act_id).first()
    if act is None or act.approver_id != getattr(actor, "pk", None):
        raise ApprovalActPermissionDenied(_("Only the approver who prepared this act can sign or cancel it."))
    if act.status != ApprovalActStatus.AWAITING_SIGNATURE:
        raise ValidationError(
            _("This act is no longer awaiting a signature (%(status)s).") % {"status": act.get_status_display()}
        )
    return act


def _keep_signed(act: ApprovalAct, signed: bytes, *, backend: str) -> ApprovalAct:
    """Verify ``signed`` (the manifest plus the approver's signature) and keep it; schedule publication."""
    verification = pdf_verify(signed)
    report = verification.report_for(SIGNATURE_FIELD)
    if report is None or not report.ok:
        problems = report.problems if report is not None else verification.problems
        raise ValidationError(
            _("The signed approval act did not verify: %(problems)s.") % {"problems": "; ".join(problems)}
        )
    if not signed.startswith(bytes(act.manifest)):
        # The signature must be an incremental update of exactly the manifest that was prepared.
        raise ValidationError(_("The signed document is not this act's manifest."))
    act.signed_pdf = signed
    act.signed_sha256 = hashlib.sha256(signed).hexdigest()
    act.signing_backend = backend
    act.signature_level = report.level
    act.signer_subject = report.signer_subject[:500]
    act.signed_at = timezone.now()
    act.status = ApprovalActStatus.PUBLISHING
    act.save()
    _schedule_publication(act)
    return act


def _schedule_publication(act: ApprovalAct) -> None:
    from records.tasks import approval_act_publish_task  # tasks import the services

    transaction.on_commit(lambda: approval_act_publish_task.delay(act.pk))


def approval_act_sign(*, act_id: int, actor, signer) -> ApprovalAct:
    """Sign the act's manifest with a server-side ``portal.signing.backends.Signer`` (PKCS#12, PKCS#11)."""
    with transaction.atomic():
        act = _open_act(act_id=act_id, actor=actor)
        signed = signer.sign_pdf(bytes(act.manifest), field_name=SIGNATURE_FIELD, reason=_reason(act))
        return _keep_signed(act, signed, backend=type(signer).__name__)


def approval_act_signature_prepare(*, act_id: int, actor, certificate_der: bytes, chain_der=()):
    """Step one of signing from outside the server: the digest the client must sign.

    Returns the ``PendingSignature`` (its ``digest`` and id go to the client). The pending
    state is bound to this act and its manifest hash."""
    with transaction.atomic():
        act = _open_act(act_id=act_id, actor=actor)
        return signature_prepare(
            pdf=bytes(act.manifest),
            certificate_der=certificate_der,
            chain_der=chain_der,
            purpose=act.purpose,
            field_name=SIGNATURE_FIELD,
            reason=_reason(act),
            role=act.approver_title,
            actor=actor,
        )


def approval_act_signature_complete(*, act_id: int, actor, pending_id, signature) -> ApprovalAct:
    """Step two: embed the client's ``signature``, verify, keep, and schedule publication.

    A signature prepared for another act or document is refused (purpose mismatch), as is a
    replay of a used pending state."""
    with transaction.atomic():
        act = _open_act(act_id=act_id, actor=actor)
        signed = signature_complete(pending_id=pending_id, signature=signature, purpose=act.purpose, actor=actor)
        return _keep_signed(act, signed, backend="external")


def approval_act_cancel(*, act_id: int, actor, reason: str) -> ApprovalAct:
    """Drop an act that was not signed; its dossiers can be listed again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling the act.")})
    with transaction.atomic():
        act = _open_act(act_id=act_id, actor=actor)
        act.status = ApprovalActStatus.CANCELLED
        act.cancelled_reason = reason[:500]
        act.finished_at = timezone.now()
        act.save(update_fields=["status", "cancelled_reason", "finished_at"])
        with translation.override("vi"):
            note = _("The act was cancelled.")
        act.items.update(outcome=ApprovalItemOutcome.SKIPPED, note=note)
    return act


__all__ = [
    "SIGNATURE_FIELD",
    "ApprovalActPermissionDenied",
    "approval_act_cancel",
    "approval_act_create",
    "approval_act_publish",
    "approval_act_sign",
    "approval_act_signature_complete",
    "approval_act_signature_prepare",
    "approval_return",
]
