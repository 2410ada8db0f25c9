"""Résumé exports: every PDF handed out is recorded; a signed one carries two verified signatures.

``resume_export_unsigned``: the résumé of any version the reader may see (the admin's and
the self-service portal's "Download PDF", ``manage.py export_resume`` without ``--sign``),
rendered and recorded.

``resume_export_signed``: the résumé of the dossier's **approved** version, as an electronic
document with the legal value of the paper original (Đồng Tháp QĐ 37/2024 Điều 11–13):

1. the exporting account may read the dossier and holds the HR clerk, unit administrator or
   system administrator role over its unit (``reports.selectors.can_export_signed``);
2. the version is the approved (live) one, and its stored content still hashes to its
   recorded SHA-256;
3. the authorized person's credential is one of ``person_credentials_for`` (the exporter's
   own, or that of an approver of the dossier's unit or an ancestor); the agency seal is one
   of ``seal_credentials_for`` (the dossier's unit or an ancestor); both held by the server
   (PKCS#12 or PKCS#11: signing with a USB token from the browser is not offered yet);
4. the person signs first (field ``NguoiCoThamQuyen``), then the agency seals (field
   ``DauCoQuan``); each signature is an incremental update, so the seal covers the first;
   PAdES B-T when a timestamp authority is configured (``HOSO_TSA_URL``), B-B otherwise;
5. the result is verified (``portal.signing.verify.pdf_verify`` against the active trust
   roots): both signatures intact, untampered, valid certificates allowing signing,
   trusted; the seal covers the whole file;
6. only then is the export recorded (``ResumeExport``, one row written by one INSERT).

Refusals raise ``ValidationError`` (keyed ``version``, ``person_signer``, ``seal_signer`` when
the problem is one of them) with a Vietnamese sentence, or ``ResumeExportDenied``; a refused
export records nothing. ``user=None`` is the system itself (the command line without
``--as``): no permission check, recorded without an account.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from portal import scoping
from portal.models import SigningCredential
from portal.signing.backends import signer_for
from portal.signing.verify import PdfVerification, SignatureReport, pdf_verify
from records.choices import VersionStatus
from records.models import Dossier, DossierVersion
from records.services.content_hash import content_sha256
from reports.models import ExportChannel, ResumeExport
from reports.resume import version_unit
from reports.resume_pdf import resume_pdf
from reports.selectors import SERVER_SIDE_KINDS, can_export_signed, person_credentials_for, seal_credentials_for

PERSON_FIELD = "NguoiCoThamQuyen"
SEAL_FIELD = "DauCoQuan"
PERSON_REASON = "Xác nhận sơ yếu lý lịch"
SEAL_REASON = "Đóng dấu cơ quan"


class ResumeExportDenied(PermissionDenied):
    """The account may not export (or sign) the résumé of this dossier."""


def _actor_name(user) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username())[:200]


def _require_readable(user, dossier: Dossier) -> None:
    if user is None:
        return
    if not scoping.restrict(user, scoping.VIEW, Dossier.objects.filter(pk=dossier.pk)).exists():
        raise ResumeExportDenied(_("You may not read this dossier."))


def _render(dossier: Dossier, version: DossierVersion) -> bytes:
    return resume_pdf(
        dossier=dossier,
        content=version.content,
        version=version.number,
        unit=version_unit(dossier=dossier, version=version),
    )


def _record(
    *,
    user,
    dossier: Dossier,
    version: DossierVersion,
    pdf: bytes,
    channel: str,
    signatures: list[dict] | None = None,
    person: SigningCredential | None = None,
    seal: SigningCredential | None = None,
) -> ResumeExport:
    # One INSERT, atomic by itself: nothing else is written with it.
    return ResumeExport.objects.create(
        dossier=dossier,
        version=version,
        version_number=version.number,
        content_sha256=version.sha256,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        pdf_size=len(pdf),
        signed=bool(signatures),
        signatures=signatures or [],
        person_credential=person,
        seal_credential=seal,
        channel=channel,
        exported_by=user if getattr(user, "pk", None) else None,
        exported_by_name=_actor_name(user),
    )


def resume_export_unsigned(
    *, user, dossier: Dossier, version: DossierVersion, channel: str = ExportChannel.ADMIN
) -> tuple[bytes, ResumeExport]:
    """The résumé PDF of ``version`` (any version of ``dossier``), recorded as an unsigned export.

    Needs VIEW on the dossier (``ResumeExportDenied`` otherwise); the caller shows a version
    that is not approved with the note saying so (``reports.views.version_notes``)."""
    _require_readable(user, dossier)
    if version.dossier_id != dossier.pk:
        raise ValidationError({"version": _("This version belongs to another dossier.")})
    pdf = _render(dossier, version)
    return pdf, _record(user=user, dossier=dossier, version=version, pdf=pdf, channel=channel)


# --- signed ------------------------------------------------------------------------------------


def _approved_version(dossier: Dossier, number: int | None) -> DossierVersion:
    """The approved (live) version of ``dossier``; ``number`` must be that one if given."""
    live = Dossier.objects.values_list("live_version", flat=True).get(pk=dossier.pk)
    if not live:
        raise ValidationError(
            {
                "version": _(
                    "Dossier %(id)s has no approved version yet: only an approved résumé can be exported "
                    "with digital signatures."
                )
                % {"id": dossier.personal_id}
            }
        )
    if number is not None and number != live:
        version = dossier.versions.filter(number=number).only("status").first()
        if version is None:
            message = _("Dossier %(id)s has no version %(number)s.")
        elif version.status != VersionStatus.PUBLISHED:
            message = _(
                "Version %(number)s is not yet approved: only the approved version (version %(live)s) can be "
                "exported with digital signatures."
            )
        else:
            message = _(
                "Version %(number)s is no longer the official record: only the approved version "
                "(version %(live)s) can be exported with digital signatures."
            )
        raise ValidationError({"version": message % {"id": dossier.personal_id, "number": number, "live": live}})
    version = dossier.versions.get(number=live)
    if content_sha256(version.content) != version.sha256:
        raise ValidationError(
            {
                "version": _(
                    "The stored content of version %(number)s no longer matches its SHA-256: it cannot be "
                    "exported. Report this to the system administrator."
                )
                % {"number": live}
            }
        )
    return version


def _usable(credential: SigningCredential, allowed, key: str, *, seal: bool) -> None:
    """Refuse (keyed ``key``) a credential outside ``allowed``, with the reason the clerk can act on."""
    label = credential.label
    if not credential.active:
        raise ValidationError({key: _("Credential '%(label)s' is no longer in use.") % {"label": label}})
    if credential.kind not in SERVER_SIDE_KINDS:
        raise ValidationError(
            {
                key: _(
                    "The key of credential '%(label)s' is held by its owner; signing a résumé with a token from "
                    "the browser is not available yet. Use a credential held by the server (PKCS#12 or PKCS#11)."
                )
                % {"label": label}
            }
        )
    if seal and credential.unit_id is None:
        raise ValidationError({key: _("Credential '%(label)s' is a person's, not an agency seal.") % {"label": label}})
    if not seal and credential.user_id is None:
        raise ValidationError(
            {key: _("Credential '%(label)s' is an agency seal, not an authorized person's.") % {"label": label}}
        )
    if not allowed.filter(pk=credential.pk).exists():
        if seal:
            message = _("The seal '%(label)s' belongs to an agency that does not manage this dossier's unit.")
        else:
            message = _(
                "Credential '%(label)s' is neither yours nor that of an approver (head) of this dossier's unit "
                "or of a unit above it."
            )
        raise ValidationError({key: message % {"label": label}})


def _sign(credential: SigningCredential, pdf: bytes, *, key: str, field_name: str, reason: str, location: str) -> bytes:
    try:
        return signer_for(credential).sign_pdf(pdf, field_name=field_name, reason=reason, location=location)
    except ValidationError as exc:
        raise ValidationError({key: exc.messages}) from exc


def _signature_problems(verification: PdfVerification) -> list[str]:
    problems = list(verification.problems)
    for field_name in (PERSON_FIELD, SEAL_FIELD):
        report = verification.report_for(field_name)
        if report is None:
            problems.append(_("the signature %(field)s is missing") % {"field": field_name})
        elif not report.ok:
            problems.extend(report.problems or [report.summary])
    seal = verification.report_for(SEAL_FIELD)
    if seal is not None and seal.ok and not seal.covers_whole_document:
        problems.append(_("the agency seal does not cover the whole document"))
    if len(verification.signatures) != 2:
        problems.append(_("the document carries %(count)s signatures, not 2") % {"count": len(verification.signatures)})
    return problems


def _signature_entry(report: SignatureReport, credential: SigningCredential) -> dict:
    return {
        "field": report.field_name,
        "signer_name": report.signer_name,
        "role": report.role,
        "level": report.level,
        "signing_time": report.signing_time.isoformat() if report.signing_time else None,
        "credential_id": credential.pk,
        "credential_label": credential.label,
        "certificate_fingerprint": report.certificate_fingerprint,
    }


def resume_export_signed(
    *,
    user,
    dossier: Dossier,
    person_signer: SigningCredential,
    seal_signer: SigningCredential,
    version: int | None = None,
    channel: str = ExportChannel.ADMIN,
) -> tuple[bytes, ResumeExport]:
    """The résumé PDF of the approved version of ``dossier``, signed by the authorized person
    (``person_signer``) and sealed by the agency (``seal_signer``), verified, recorded.

    ``version``: a version number to insist on (refused unless it is the approved one).
    Steps and refusals: see the module docstring."""
    # 1. Permission.
    if user is not None:
        _require_readable(user, dossier)
        if not can_export_signed(user, dossier):
            raise ResumeExportDenied(
                _(
                    "Only the HR clerk, the unit administrator or the system administrator responsible for this "
                    "dossier's unit can export its résumé with digital signatures."
                )
            )
    # 2. The approved version, intact.
    approved = _approved_version(dossier, version)
    # 3. The credentials.
    _usable(person_signer, person_credentials_for(user=user, dossier=dossier), "person_signer", seal=False)
    _usable(seal_signer, seal_credentials_for(dossier=dossier), "seal_signer", seal=True)
    # 4. Render, the person signs, the agency seals.
    location = seal_signer.unit.name if seal_signer.unit_id else ""
    pdf = _render(dossier, approved)
    by_person = _sign(
        person_signer, pdf, key="person_signer", field_name=PERSON_FIELD, reason=PERSON_REASON, location=location
    )
    sealed = _sign(
        seal_signer, by_person, key="seal_signer", field_name=SEAL_FIELD, reason=SEAL_REASON, location=location
    )
    # 5. Both signatures must verify, the seal over the person's signature.
    verification = pdf_verify(sealed)
    problems = _signature_problems(verification)
    if not (sealed.startswith(by_person) and by_person.startswith(pdf)):
        problems.append(_("the signatures were not added as incremental updates of the résumé"))
    if problems:
        raise ValidationError(
            _("The signed résumé did not verify, so it was not issued: %(problems)s.")
            % {"problems": "; ".join(problems)}
        )
    signatures = [
        _signature_entry(verification.report_for(PERSON_FIELD), person_signer),
        _signature_entry(verification.report_for(SEAL_FIELD), seal_signer),
    ]
    # 6. Record.
    export = _record(
        user=user,
        dossier=dossier,
        version=approved,
        pdf=sealed,
        channel=channel,
        signatures=signatures,
        person=person_signer,
        seal=seal_signer,
    )
    return sealed, export
