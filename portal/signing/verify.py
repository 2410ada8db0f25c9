"""Verification of signed PDFs against the trust roots kept as content.

``pdf_verify`` reports, for every signature of a PDF: who signed, in what role and for
what reason, when (from the timestamp when there is one, else as the signer's computer
claimed), whether the signed bytes are intact, whether the document was changed after
that signature, whether the certificate was valid at that time and allows signing, and
whether it chains to an active ``TrustRoot``. ``ok`` is True only when every signature is
intact, untampered and trusted. Nothing is trusted unless a system administrator
uploaded it: the operating system's trust list is never used.

A signature may legitimately be followed by later signatures (the agency seal after the
leader): those are "form filling" updates covered by the later signature. Anything else
appended after a signature, and anything at all appended after the *last* signature
(other than long-term validation data), is reported as a modification.

Trust decisions come from ``portal.signing.trust``; ``portal.signing.pdfsig`` runs poppler's
``pdfsig`` (an independent implementation) for tests and diagnostics.
"""

from __future__ import annotations

import asyncio
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel

from portal.signing.certificates import SIGNING_USAGES, certificate_info
from portal.signing.trust import trust_anchors, validation_context

SIGNING_KEY_USAGE = KeyUsageConstraints(key_usage=set(SIGNING_USAGES), match_all_key_usages=False)
UNTRUSTED_INDICATIONS = {AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND, AdESIndeterminate.NO_SIGNING_CERTIFICATE_FOUND}
REVOKED_INDICATIONS = {AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE}


def _moment_text(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S") if moment else "—"


@dataclass
class SignatureReport:
    """What one signature of a PDF proves (see the module docstring)."""

    field_name: str
    kind: str = "signature"  # or "document_timestamp"
    signer_name: str = ""
    signer_organization: str = ""
    signer_subject: str = ""
    certificate_fingerprint: str = ""
    reason: str = ""
    location: str = ""
    role: str = ""
    signing_time: datetime.datetime | None = None
    signing_time_source: str = ""  # "timestamp" (proven) or "signer" (claimed by the signer's computer)
    timestamp_time: datetime.datetime | None = None
    timestamp_ok: bool | None = None  # None: no timestamp
    timestamp_trusted: bool | None = None
    level: str = ""  # PAdES baseline level: B-B, B-T, B-LT
    intact: bool = False
    covers_whole_document: bool = False
    modified_after: bool = False
    modification_level: str = ""
    untampered: bool = False
    certificate_valid: bool = False
    key_usage_ok: bool = False
    trusted: bool = False
    chain_valid: bool = False
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # facts worth telling that do not invalidate

    @property
    def ok(self) -> bool:
        return (
            self.intact
            and self.untampered
            and self.trusted
            and self.chain_valid
            and self.certificate_valid
            and self.key_usage_ok
            and self.timestamp_ok is not False
            and not self.problems
        )

    @property
    def summary(self) -> str:
        """One Vietnamese paragraph for the clerk."""
        name = self.signer_name or self.field_name
        if self.ok:
            text = _(
                "The signature of %(name)s is valid: the document is intact, unchanged since signing, and the "
                "certificate was valid at %(time)s and chains to a trusted root."
            ) % {"name": name, "time": _moment_text(self.signing_time)}
            return " ".join([text, *self.notes])
        return _("The signature of %(name)s is NOT valid: %(problems)s.") % {
            "name": name,
            "problems": "; ".join(self.problems),
        }


@dataclass
class PdfVerification:
    """The report of a whole PDF: every signature, and the problems of the document itself."""

    signatures: list[SignatureReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and not self.problems and all(report.ok for report in self.signatures)

    @property
    def messages(self) -> list[str]:
        return [*self.problems, *(report.summary for report in self.signatures)]

    def report_for(self, field_name: str) -> SignatureReport | None:
        return next((report for report in self.signatures if report.field_name == field_name), None)


# --- reading one signature --------------------------------------------------------------------------


def _timestamp_gen_time(signer_info) -> datetime.datetime | None:
    """The time in the signature's timestamp token (unverified; the validation checks the token)."""
    unsigned = signer_info["unsigned_attrs"]
    if not unsigned or unsigned.native is None:
        return None
    for attribute in unsigned:
        if attribute["type"].native == "signature_time_stamp_token":
            token = attribute["values"][0]
            return token["content"]["encap_content_info"]["content"].parsed["gen_time"].native
    return None


def _claimed_role(signer_info) -> str:
    """The role claimed in the CAdES ``signer-attributes-v2`` attribute (see ``backends.role_attribute_spec``)."""
    try:
        for attribute in signer_info["signed_attrs"]:
            if attribute["type"].native != "signer_attributes_v2":
                continue
            for claimed in attribute["values"][0]["claimed_attributes"]:
                if claimed["type"].native != "role":
                    continue
                role_name = claimed["values"][0]["role_name"]
                name = role_name.chosen.native if role_name.name == "directory_name" else role_name.native
                if isinstance(name, dict):
                    return str(name.get("title") or next(iter(name.values()), ""))
                return str(name)
    except (KeyError, ValueError, TypeError, IndexError, AttributeError):
        return ""
    return ""


def _text(sig_object, key: str) -> str:
    value = sig_object.get(key)
    return str(value) if value is not None else ""


def _modification_problem(level) -> str:
    if level is None:
        return _("it cannot be determined whether the document was changed after this signature")
    return _("the document was changed after this signature (content, pages or objects were replaced)")


def _certificate_problems(report: SignatureReport, info, moment) -> None:
    report.certificate_valid = info.is_valid_at(moment)
    report.key_usage_ok = info.can_sign
    if moment > info.not_after:
        report.problems.append(
            _("the certificate had expired (on %(expiry)s) at the signing time %(time)s")
            % {"expiry": _moment_text(info.not_after), "time": _moment_text(moment)}
        )
    elif moment < info.not_before:
        report.problems.append(
            _("the certificate was not yet valid (only from %(start)s) at the signing time %(time)s")
            % {"start": _moment_text(info.not_before), "time": _moment_text(moment)}
        )
    if not info.can_sign:
        report.problems.append(
            _("the certificate does not allow signing documents (key usage: %(usage)s)")
            % {"usage": info.key_usage_text()}
        )


async def _signature_report(embedded, roots, *, is_last: bool, has_dss: bool) -> SignatureReport:
    report = SignatureReport(field_name=str(embedded.field_name))
    signer_info = embedded.signer_info
    info = certificate_info(embedded.signer_cert.dump())
    report.signer_name, report.signer_organization = info.common_name, info.organization
    report.signer_subject, report.certificate_fingerprint = info.subject, info.fingerprint_sha256
    report.reason = _text(embedded.sig_object, "/Reason")
    report.location = _text(embedded.sig_object, "/Location")
    report.role = _claimed_role(signer_info)

    claimed_time = embedded.self_reported_timestamp
    token_time = _timestamp_gen_time(signer_info)
    moment = token_time or claimed_time or timezone.now()
    context = validation_context(roots, moment=moment, other_certs=embedded.other_embedded_certs)
    status = await async_validate_pdf_signature(embedded, context, key_usage_settings=SIGNING_KEY_USAGE)
    ts_status = status.timestamp_validity
    if ts_status is not None:
        report.timestamp_time = ts_status.timestamp
        report.timestamp_ok = bool(ts_status.intact and ts_status.valid)
        report.timestamp_trusted = bool(ts_status.trusted)
        if not report.timestamp_ok:
            report.problems.append(_("the signature's timestamp is damaged"))
    if ts_status is not None and report.timestamp_ok and report.timestamp_trusted:
        report.signing_time, report.signing_time_source = ts_status.timestamp, "timestamp"
    else:
        report.signing_time, report.signing_time_source = claimed_time or moment, "signer"
        if token_time is not None and claimed_time is not None and report.timestamp_ok:
            # The authority is not trusted: its time proves nothing; judge at the claimed time.
            moment = claimed_time
            context = validation_context(roots, moment=moment, other_certs=embedded.other_embedded_certs)
            status = await async_validate_pdf_signature(embedded, context, key_usage_settings=SIGNING_KEY_USAGE)
    report.level = "B-T" if report.timestamp_ok else "B-B"
    if report.timestamp_ok and has_dss:
        report.level = "B-LT"

    report.intact = bool(status.intact and status.valid)
    if not status.intact:
        report.problems.append(_("the signed content was changed after signing (its hash no longer matches)"))
    elif not status.valid:
        report.problems.append(_("the signature value does not match the signer's certificate"))

    coverage, level = status.coverage, status.modification_level
    report.covers_whole_document = coverage == SignatureCoverageLevel.ENTIRE_FILE
    report.modified_after = not report.covers_whole_document
    report.modification_level = level.name if level is not None else ""
    modification = None
    if coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        modification = _("the signature does not cover the document it belongs to")
    elif not report.covers_whole_document:
        allowed = ModificationLevel.LTA_UPDATES if is_last else ModificationLevel.FORM_FILLING
        if level is None or level > allowed or not status.docmdp_ok:
            if is_last and level is not None and level <= ModificationLevel.FORM_FILLING and status.docmdp_ok:
                modification = _("content was appended to the document after the last signature")
            else:
                modification = _modification_problem(level)
    if modification:
        report.problems.append(modification)
    elif report.modified_after and level is not None and level > ModificationLevel.LTA_UPDATES:
        report.notes.append(_("Later signatures were added to the document after this one."))
    elif report.modified_after:
        report.notes.append(
            _("The document was updated after this signature only with validation data or empty signature fields.")
        )
    report.untampered = report.intact and modification is None

    _certificate_problems(report, info, moment)
    indication = status.trust_problem_indic
    report.trusted = bool(roots) and indication not in UNTRUSTED_INDICATIONS and report.intact
    report.chain_valid = indication is None and status.validation_path is not None
    if not roots:
        report.problems.append(_("no trust root is configured, so no certificate can be trusted"))
    elif indication in UNTRUSTED_INDICATIONS:
        report.problems.append(
            _("the certificate (issued by %(issuer)s) does not chain to an active trust root")
            % {"issuer": info.issuer_common_name or info.issuer}
        )
    elif indication in REVOKED_INDICATIONS:
        report.problems.append(_("the certificate or its issuer was revoked"))
    elif not report.chain_valid and report.certificate_valid and report.key_usage_ok and report.intact:
        report.problems.append(
            _("the certificate chain could not be validated (%(reason)s)")
            % {"reason": indication.name if indication is not None else "—"}
        )
    return report


async def _timestamp_report(embedded, roots, *, is_last: bool) -> SignatureReport:
    report = SignatureReport(field_name=str(embedded.field_name), kind="document_timestamp", level="B-LTA")
    status = await async_validate_pdf_timestamp(embedded, validation_context(roots))
    info = certificate_info(embedded.signer_cert.dump())
    report.signer_name, report.signer_subject = info.common_name, info.subject
    report.certificate_fingerprint = info.fingerprint_sha256
    report.signing_time = report.timestamp_time = status.timestamp
    report.signing_time_source = "timestamp"
    report.timestamp_ok, report.timestamp_trusted = bool(status.intact and status.valid), bool(status.trusted)
    report.intact = report.timestamp_ok
    report.covers_whole_document = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    report.modified_after = not report.covers_whole_document
    level = status.modification_level
    report.modification_level = level.name if level is not None else ""
    report.untampered = report.covers_whole_document or (level is not None and level <= ModificationLevel.LTA_UPDATES)
    report.certificate_valid = report.key_usage_ok = True
    report.trusted = report.chain_valid = report.timestamp_trusted
    if not report.intact:
        report.problems.append(_("the document timestamp is damaged"))
    if not report.untampered:
        report.problems.append(_modification_problem(level))
    if not report.trusted:
        report.problems.append(_("the timestamp authority does not chain to an active trust root"))
    return report


async def _verify_signatures(signatures, roots, *, has_dss: bool) -> PdfVerification:
    result = PdfVerification()
    for position, embedded in enumerate(signatures):
        is_last = position == len(signatures) - 1
        try:
            if embedded.sig_object_type == "/DocTimeStamp":
                report = await _timestamp_report(embedded, roots, is_last=is_last)
            else:
                report = await _signature_report(embedded, roots, is_last=is_last, has_dss=has_dss)
        except (PdfError, ValueError, KeyError, TypeError) as exc:
            report = SignatureReport(field_name=str(embedded.field_name))
            report.problems.append(_("the signature cannot be read (%(problem)s)") % {"problem": exc})
        result.signatures.append(report)
    return result


def pdf_verify(pdf: bytes, *, trust_roots: Iterable | None = None) -> PdfVerification:
    """Verify every signature of ``pdf``; never raises for bad input (the report says why).

    ``trust_roots``: ``None`` for the active ``TrustRoot`` rows, or an explicit list of
    certificates (DER bytes, ``cryptography`` / ``asn1crypto`` certificates, ``TrustRoot`` rows).
    """
    pdf = bytes(pdf or b"")
    if not pdf.startswith(b"%PDF-"):
        return PdfVerification(problems=[_("The file is not a PDF document.")])
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = sorted(reader.embedded_signatures, key=lambda embedded: embedded.signed_revision)
        has_dss = "/DSS" in reader.root
    except (PdfError, ValueError, KeyError, TypeError):
        return PdfVerification(problems=[_("The file is damaged: its signatures cannot be read.")])
    if not signatures:
        return PdfVerification(problems=[_("The PDF document carries no digital signature.")])
    roots = trust_anchors(trust_roots)  # read before the event loop: the ORM is synchronous
    return asyncio.run(_verify_signatures(signatures, roots, has_dss=has_dss))
