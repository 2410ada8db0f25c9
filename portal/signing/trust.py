"""Trust: which certificates verification trusts, and whether a certificate chains to one.

Nothing is trusted unless a system administrator uploaded it as an active ``TrustRoot``:
the operating system's trust list is never used, and nothing is fetched from the network
(closed government networks); revocation is checked when the document carries the data.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from asn1crypto import x509 as asn1_x509
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from portal.signing.certificates import certificate_info, load_certificate, to_asn1
from portal.signing.selectors import active_trust_root_certificates


def trust_anchors(trust_roots) -> list[asn1_x509.Certificate]:
    """``None``: the active ``TrustRoot`` rows; else certificates (DER bytes, ``cryptography``
    or ``asn1crypto`` objects, or ``TrustRoot`` rows)."""
    if trust_roots is None:
        trust_roots = active_trust_root_certificates()
    roots = []
    for root in trust_roots:
        if hasattr(root, "certificate") and hasattr(root, "fingerprint_sha256"):
            root = bytes(root.certificate)
        roots.append(_asn1(root))
    return roots


def validation_context(roots: list[asn1_x509.Certificate], *, moment=None, other_certs=()) -> ValidationContext:
    """Trust only ``roots``; no network fetching (closed networks); revocation checked when
    the document carries the data (soft-fail otherwise)."""
    return ValidationContext(
        trust_roots=roots,
        other_certs=list(other_certs),
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment,
    )


def certificate_chain_check(
    certificate, *, chain: Iterable = (), trust_roots: Iterable | None = None, moment=None
) -> None:
    """Refuse (``ValidationError``) a certificate that does not chain, through ``chain``, to an
    active trust root (or one of ``trust_roots``), or whose chain is invalid at ``moment``."""
    roots = trust_anchors(trust_roots)
    certificate = _asn1(certificate)
    intermediates = [_asn1(cert) for cert in chain]
    info = certificate_info(certificate.dump())
    if not roots:
        raise ValidationError(_("No trust root is configured: a system administrator must upload the CA certificate."))
    validator = CertificateValidator(
        certificate,
        intermediate_certs=intermediates,
        validation_context=validation_context(roots, moment=moment, other_certs=intermediates),
    )
    try:
        asyncio.run(validator.async_validate_path())
    except PathBuildingError:
        raise ValidationError(
            _("The certificate of %(name)s (issued by %(issuer)s) does not chain to an active trust root.")
            % {"name": info.common_name or info.subject, "issuer": info.issuer_common_name or info.issuer}
        ) from None
    except PathValidationError as exc:
        raise ValidationError(
            _("The certificate chain of %(name)s is not valid: %(problem)s")
            % {"name": info.common_name or info.subject, "problem": exc}
        ) from None


def _asn1(value) -> asn1_x509.Certificate:
    """An ``asn1crypto`` certificate from DER bytes, a ``cryptography`` or an ``asn1crypto`` certificate."""
    if isinstance(value, asn1_x509.Certificate):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        value = load_certificate(bytes(value))
    return to_asn1(value)
