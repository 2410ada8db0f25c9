"""Certificates and PKCS#12 files: parse, inspect, check fitness for signing.

Everything here is pure (no database). Problems the person uploading a file can fix
raise ``ValidationError`` with a Vietnamese sentence, keyed by ``field`` when the caller
names one.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Key usage bits that allow a document signature (RFC 5280 §4.2.1.3: nonRepudiation is
# now called contentCommitment).
SIGNING_USAGES = ("digital_signature", "non_repudiation")
KEY_USAGE_NAMES = {
    "digital_signature": "digital_signature",
    "content_commitment": "non_repudiation",
    "key_encipherment": "key_encipherment",
    "data_encipherment": "data_encipherment",
    "key_agreement": "key_agreement",
    "key_cert_sign": "key_cert_sign",
    "crl_sign": "crl_sign",
}


def _error(message: str, field_name: str | None):
    return ValidationError({field_name: message} if field_name else message)


def _format_moment(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def key_usage_label(usage: str) -> str:
    """The Vietnamese name of a key usage bit (as shown in the admin and in reports)."""
    labels = {
        "digital_signature": _("digital signature"),
        "non_repudiation": _("non-repudiation"),
        "key_encipherment": _("key encipherment"),
        "data_encipherment": _("data encipherment"),
        "key_agreement": _("key agreement"),
        "key_cert_sign": _("certificate signing"),
        "crl_sign": _("CRL signing"),
    }
    return labels.get(usage, usage)


@dataclass(frozen=True)
class CertificateInfo:
    """What the admin and the verification reports show of a certificate."""

    der: bytes
    subject: str
    common_name: str
    organization: str
    issuer: str
    issuer_common_name: str
    serial_number: str
    fingerprint_sha256: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    key_usage: list[str] = field(default_factory=list)
    is_ca: bool = False

    @property
    def can_sign(self) -> bool:
        """The key usage allows a document signature (no extension at all: any usage)."""
        return not self.key_usage or any(usage in self.key_usage for usage in SIGNING_USAGES)

    def is_valid_at(self, moment: datetime.datetime | None = None) -> bool:
        moment = moment or timezone.now()
        return self.not_before <= moment <= self.not_after

    def key_usage_text(self) -> str:
        return ", ".join(key_usage_label(usage) for usage in self.key_usage) or _("(not restricted)")


def _attribute(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _key_usage(certificate: x509.Certificate) -> list[str]:
    try:
        extension = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return []
    found = []
    for attribute, name in KEY_USAGE_NAMES.items():
        if getattr(extension, attribute):
            found.append(name)
    return found


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def load_certificate(data: bytes, *, field_name: str | None = None) -> x509.Certificate:
    """A certificate from DER or PEM bytes; ``ValidationError`` when the bytes are not one."""
    data = bytes(data or b"")
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise _error(
            _("The file is not an X.509 certificate (a .cer, .crt, .der or .pem file is expected)."), field_name
        ) from None


def certificate_der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def certificate_info(certificate: x509.Certificate | bytes) -> CertificateInfo:
    """Subject, issuer, validity, key usage and SHA-256 fingerprint of a certificate."""
    if isinstance(certificate, bytes | bytearray | memoryview):
        certificate = load_certificate(bytes(certificate))
    der = certificate_der(certificate)
    return CertificateInfo(
        der=der,
        subject=certificate.subject.rfc4514_string(),
        common_name=_attribute(certificate.subject, NameOID.COMMON_NAME),
        organization=_attribute(certificate.subject, NameOID.ORGANIZATION_NAME),
        issuer=certificate.issuer.rfc4514_string(),
        issuer_common_name=_attribute(certificate.issuer, NameOID.COMMON_NAME),
        serial_number=format(certificate.serial_number, "X"),
        fingerprint_sha256=hashlib.sha256(der).hexdigest(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        key_usage=_key_usage(certificate),
        is_ca=_is_ca(certificate),
    )


def check_signing_certificate(
    info: CertificateInfo, *, moment: datetime.datetime | None = None, field_name: str | None = None
) -> None:
    """Refuse a certificate that cannot sign at ``moment`` (default now): expired, not yet
    valid, or without the digitalSignature / nonRepudiation key usage."""
    moment = moment or timezone.now()
    name = info.common_name or info.subject
    if moment > info.not_after:
        raise _error(
            _("The certificate of %(name)s expired on %(date)s; it can no longer sign.")
            % {"name": name, "date": _format_moment(info.not_after)},
            field_name,
        )
    if moment < info.not_before:
        raise _error(
            _("The certificate of %(name)s is not valid before %(date)s.")
            % {"name": name, "date": _format_moment(info.not_before)},
            field_name,
        )
    if not info.can_sign:
        raise _error(
            _(
                "The certificate of %(name)s does not allow signing documents: its key usage (%(usage)s) "
                "has neither digital signature nor non-repudiation."
            )
            % {"name": name, "usage": info.key_usage_text()},
            field_name,
        )


def to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """The ``asn1crypto`` form pyHanko works with."""
    return asn1_x509.Certificate.load(certificate_der(certificate))


def private_key_to_asn1(key) -> asn1_keys.PrivateKeyInfo:
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return asn1_keys.PrivateKeyInfo.load(der)


@dataclass
class Pkcs12Bundle:
    """The key, the certificate and the other certificates of a PKCS#12 file (in memory only)."""

    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: list[x509.Certificate]


def _looks_like_pkcs12(data: bytes) -> bool:
    try:
        asn1_pkcs12.Pfx.load(data)["auth_safe"]["content_type"].native  # noqa: B018 - forces the parse
    except (ValueError, TypeError, KeyError):
        return False
    return True


def load_pkcs12(data: bytes, passphrase: str | None, *, field_name: str | None = None) -> Pkcs12Bundle:
    """Open a PKCS#12 (.p12/.pfx) file.

    Raises ``ValidationError`` when the bytes are not PKCS#12, when the passphrase is
    wrong, or when the file holds no private key or no certificate. (pyHanko's own
    ``SimpleSigner.load_pkcs12`` answers ``None`` on failure; we load with
    ``cryptography`` and build the signer ourselves, so no failure goes unnoticed.)
    """
    data = bytes(data or b"")
    if not _looks_like_pkcs12(data):
        raise _error(_("The file is not a PKCS#12 (.p12 or .pfx) file."), field_name)
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(data, passphrase.encode() if passphrase else None)
    except ValueError:
        raise _error(
            _("The PKCS#12 file cannot be opened: the passphrase is wrong or the file is damaged."),
            field_name,
        ) from None
    if key is None:
        raise _error(_("The PKCS#12 file holds no private key."), field_name)
    if certificate is None:
        raise _error(_("The PKCS#12 file holds no certificate for its key."), field_name)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise _error(_("Only RSA and ECDSA keys are supported for signing."), field_name)
    if key.public_key().public_numbers() != certificate.public_key().public_numbers():
        raise _error(_("The certificate in the PKCS#12 file does not belong to its private key."), field_name)
    return Pkcs12Bundle(key=key, certificate=certificate, chain=list(others or []))


def chain_to_der(chain: Iterable[x509.Certificate]) -> list[bytes]:
    return [certificate_der(cert) for cert in chain]
