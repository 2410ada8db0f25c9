"""Interrupted signing: the key stays with the signer (a USB token behind a browser plugin,
a remote signing service); the server prepares, the client signs a digest, the server embeds.

1. ``signature_prepare`` adds an empty PAdES signature to the PDF (as an incremental
   update), computes the CMS signed attributes over the document digest, and stores the
   state as a ``PendingSignature``. The client receives ``pending.id`` and ``pending.digest``
   (hex, ``pending.digest_algorithm``) and signs that digest with its key, exactly as a token
   signs a hash (PKCS#1 v1.5 for RSA, ECDSA for EC keys). ``reference_client`` does the same
   with a local key file.
2. ``signature_complete`` checks the returned signature value against the certificate and
   the prepared digest, builds the CMS (with a timestamp from the authority chosen at
   preparation: PAdES B-T, else B-B), embeds it, verifies the resulting PDF, and marks the
   pending state used. Refused with a Vietnamese ``ValidationError``: an unknown, expired
   or already used request, a purpose other than the prepared one (a signature returned for
   another approval act), a signature made with another key or over another document's
   digest, an unusable certificate. Completing a request someone else prepared raises
   ``SigningPermissionDenied``.

Uses pyHanko's interrupted-signing API (``async_digest_doc_for_signing``, ``ExternalSigner``,
``PdfTBSDocument.finish_signing``).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime
import hashlib
import io

from asn1crypto import cms
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import ExternalSigner, PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import PdfSigner, PdfTBSDocument
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

from portal.models import PendingSignature
from portal.signing import certificates
from portal.signing.backends import (
    DIGEST_ALGORITHM,
    certificate_store,
    pdf_writer,
    resolve_tsa_url,
    role_attribute_spec,
    signature_metadata,
    signing_failure,
    timestamper_for,
)
from portal.signing.certificates import (
    certificate_info,
    check_signing_certificate,
    load_certificate,
    to_asn1,
)
from portal.signing.trust import certificate_chain_check
from portal.signing.verify import pdf_verify

HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
PURPOSE_MAX_LENGTH = PendingSignature._meta.get_field("purpose").max_length


class SigningPermissionDenied(PermissionDenied):
    """The actor may not complete a signature someone else prepared."""


def _placeholder_length(public_key) -> int:
    if isinstance(public_key, rsa.RSAPublicKey):
        return (public_key.key_size + 7) // 8
    # DER ECDSA-Sig-Value: two INTEGERs of up to (size + 1) bytes each, with their headers.
    return 8 + 2 * ((public_key.key_size + 7) // 8 + 1)


async def _prepare(*, pdf, certificate, chain, field_name, reason, location, role, timestamp_url):
    placeholder = ExternalSigner(
        to_asn1(certificate), certificate_store(chain), signature_value=_placeholder_length(certificate.public_key())
    )
    metadata = signature_metadata(field_name=field_name, reason=reason, location=location, role=role)
    pdf_signer = PdfSigner(metadata, signer=placeholder, timestamper=timestamper_for(timestamp_url))
    writer = pdf_writer(pdf, field_name=field_name)
    prepared_digest, _tbs_document, output = await pdf_signer.async_digest_doc_for_signing(writer)
    signed_attributes = await placeholder.signed_attrs(
        prepared_digest.document_digest,
        DIGEST_ALGORITHM,
        attr_settings=PdfCMSSignedAttributes(cades_signed_attrs=role_attribute_spec(role)),
        use_pades=True,
    )
    return prepared_digest, output.getvalue(), signed_attributes.dump()


def signature_prepare(
    *,
    pdf: bytes,
    certificate_der: bytes,
    purpose: str,
    field_name: str,
    reason: str,
    actor,
    location: str = "",
    role: str = "",
    chain_der=(),
    timestamp_url: str | None = None,
    require_trusted: bool = True,
) -> PendingSignature:
    """Prepare ``pdf`` for a signature by the holder of ``certificate_der``; return the pending state.

    ``purpose`` names what is signed (``"approval_act:42"``) and must be given again to
    ``signature_complete``. ``chain_der``: issuing certificates to embed. The certificate must
    be valid now, allow signing and (``require_trusted``) chain to an active trust root.
    ``timestamp_url``: ``None`` for ``HOSO_TSA_URL``, ``""`` for none. The state expires after
    ``HOSO_SIGNING_PENDING_MINUTES``. Raises ``ValidationError`` (Vietnamese) otherwise.
    """
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("Name what is being signed (for example approval_act:42).")})
    if len(purpose) > PURPOSE_MAX_LENGTH:
        raise ValidationError(
            {"purpose": _("The purpose has at most %(count)s characters.") % {"count": PURPOSE_MAX_LENGTH}}
        )
    certificate = load_certificate(bytes(certificate_der), field_name="certificate")
    chain = [load_certificate(bytes(der)) for der in chain_der]
    check_signing_certificate(certificate_info(certificate), field_name="certificate")
    if require_trusted:
        certificate_chain_check(certificate, chain=chain)
    url = resolve_tsa_url(timestamp_url)
    try:
        prepared_digest, prepared_pdf, signed_attributes = asyncio.run(
            _prepare(
                pdf=pdf,
                certificate=certificate,
                chain=chain,
                field_name=field_name,
                reason=reason,
                location=location,
                role=role,
                timestamp_url=url,
            )
        )
    except (SigningError, TimestampRequestError, PdfError) as exc:
        raise signing_failure(exc) from exc
    now = timezone.now()
    return PendingSignature.objects.create(
        purpose=purpose,
        field_name=field_name,
        reason=reason or "",
        prepared_pdf=prepared_pdf,
        document_digest=prepared_digest.document_digest.hex(),
        reserved_start=prepared_digest.reserved_region_start,
        reserved_end=prepared_digest.reserved_region_end,
        signed_attributes=signed_attributes,
        digest=hashlib.new(DIGEST_ALGORITHM, signed_attributes).hexdigest(),
        digest_algorithm=DIGEST_ALGORITHM,
        certificate=certificates.certificate_der(certificate),
        chain=[base64.b64encode(certificates.certificate_der(cert)).decode() for cert in chain],
        timestamp_url=url,
        created_by=actor if getattr(actor, "pk", None) else None,
        expires_at=now + datetime.timedelta(minutes=settings.HOSO_SIGNING_PENDING_MINUTES),
    )


def _signature_bytes(signature: bytes | str) -> bytes:
    if isinstance(signature, str):
        try:
            return base64.b64decode(signature.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({"signature": _("The signature is not valid base64.")}) from None
    return bytes(signature or b"")


def _check_signature_value(pending: PendingSignature, signature: bytes) -> bytes:
    """The signature value in the form CMS needs; refuses one made with another key or over another digest."""
    certificate = load_certificate(bytes(pending.certificate))
    public_key = certificate.public_key()
    data = bytes(pending.signed_attributes)
    algorithm = HASHES[pending.digest_algorithm]()
    name = certificate_info(certificate).common_name
    if not signature:
        raise ValidationError({"signature": _("No signature value was returned by the signer.")})
    if isinstance(public_key, rsa.RSAPublicKey):
        try:
            public_key.verify(signature, data, padding.PKCS1v15(), algorithm)
            return signature
        except (InvalidSignature, ValueError):
            pass
        try:
            public_key.recover_data_from_signature(signature, padding.PKCS1v15(), None)
        except (InvalidSignature, ValueError):
            raise ValidationError(
                {
                    "signature": _(
                        "The signature was not made with the key of %(name)s's certificate: "
                        "check that the right token is plugged in."
                    )
                    % {"name": name}
                }
            ) from None
        raise ValidationError(
            {
                "signature": _(
                    "The signature was made by %(name)s's key but for another document or request: "
                    "it does not match this document's digest and is refused."
                )
                % {"name": name}
            }
        )
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        size = (public_key.key_size + 7) // 8
        if len(signature) == 2 * size and signature[0] != 0x30:  # raw r || s, as PKCS#11 tokens return it
            signature = encode_dss_signature(
                int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
            )
        try:
            public_key.verify(signature, data, ec.ECDSA(algorithm))
            return signature
        except (InvalidSignature, ValueError):
            raise ValidationError(
                {
                    "signature": _(
                        "The signature does not match this document's digest and %(name)s's certificate: "
                        "it was made with another key or for another document."
                    )
                    % {"name": name}
                }
            ) from None
    raise ValidationError({"signature": _("Only RSA and ECDSA keys are supported for signing.")})


def _load_pending(pending_id, *, purpose: str, actor) -> PendingSignature:
    pending = PendingSignature.objects.select_for_update().filter(pk=pending_id).first()
    if pending is None:
        raise ValidationError({"pending_id": _("This signing request does not exist; prepare the document again.")})
    if pending.created_by_id and getattr(actor, "pk", None) not in (None, pending.created_by_id):
        raise SigningPermissionDenied(_("This signing request was prepared for another account."))
    if (purpose or "").strip() != pending.purpose:
        raise ValidationError(
            {
                "purpose": _(
                    "This signature was prepared for %(prepared)s, not for %(purpose)s; it cannot be used here."
                )
                % {"prepared": pending.purpose, "purpose": purpose or "—"}
            }
        )
    if pending.used_at is not None:
        raise ValidationError(
            {"pending_id": _("This signing request was already used; a signature cannot be submitted twice.")}
        )
    if pending.expires_at <= timezone.now():
        raise ValidationError(
            {"pending_id": _("This signing request expired; prepare the document again and sign within the time.")}
        )
    return pending


async def _embed(pending: PendingSignature, signature: bytes) -> bytes:
    certificate = load_certificate(bytes(pending.certificate))
    registry = certificate_store(base64.b64decode(item) for item in pending.chain)
    signer = ExternalSigner(to_asn1(certificate), registry, signature_value=signature)
    signed_attributes = cms.CMSAttributes.load(bytes(pending.signed_attributes))
    signature_cms = await signer.async_sign_prescribed_attributes(
        pending.digest_algorithm, signed_attributes, timestamper=timestamper_for(pending.timestamp_url)
    )
    prepared_digest = PreparedByteRangeDigest(
        document_digest=bytes.fromhex(pending.document_digest),
        reserved_region_start=pending.reserved_start,
        reserved_region_end=pending.reserved_end,
    )
    output = io.BytesIO(bytes(pending.prepared_pdf))
    await PdfTBSDocument.async_finish_signing(output, prepared_digest, signature_cms)
    return output.getvalue()


def signature_complete(
    *, pending_id, signature: bytes | str, purpose: str, actor, require_trusted: bool = True
) -> bytes:
    """Embed the signer's ``signature`` (raw bytes or base64) into the prepared PDF; return the signed PDF.

    One transaction: the pending state is locked, checked (exists, same ``purpose``, not used,
    not expired, prepared for ``actor``), the signature value is checked against the
    certificate and the digest, embedded (timestamped when an authority was chosen), the
    result verified (intact, whole document covered, certificate valid and for signing, and
    with ``require_trusted`` chained to an active trust root), then the state marked used.
    """
    signature = _signature_bytes(signature)
    with transaction.atomic():
        pending = _load_pending(pending_id, purpose=purpose, actor=actor)
        signature = _check_signature_value(pending, signature)
        try:
            signed_pdf = asyncio.run(_embed(pending, signature))
        except (SigningError, TimestampRequestError, PdfError) as exc:
            raise signing_failure(exc) from exc
        verification = pdf_verify(signed_pdf, trust_roots=None if require_trusted else [bytes(pending.certificate)])
        report = verification.report_for(pending.field_name)
        if report is None or not report.ok:
            problems = report.problems if report is not None else verification.problems
            message = _("The signed document did not verify: %(problems)s.") % {"problems": "; ".join(problems)}
            raise ValidationError({"signature": message})
        pending.used_at = timezone.now()
        pending.save(update_fields=["used_at"])
    return signed_pdf


def pending_signatures_purge(*, before: datetime.datetime | None = None) -> int:
    """Delete pending states that expired before ``before`` (default now); return how many.
    Used ones are kept as the record of completed signatures."""
    before = before or timezone.now()
    deleted, _detail = PendingSignature.objects.filter(used_at__isnull=True, expires_at__lt=before).delete()
    return deleted
