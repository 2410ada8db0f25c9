"""Server-side signers behind one interface: ``Signer.sign_pdf``.

``Pkcs12Signer`` signs with a key from a PKCS#12 file (the agency seal the server holds);
``Pkcs11Signer`` with a key that never leaves a PKCS#11 token or HSM (SoftHSM2 in the
tests). Both produce PAdES signatures: B-T when a timestamp authority is configured
(``HOSO_TSA_URL`` or the ``timestamp_url`` argument), B-B otherwise. Signatures are
plain approval signatures, added as incremental updates, never certifying (no DocMDP
lock): a second signature (the agency seal after the leader) stays possible and covers
the first. A signer whose key stays with its holder (a USB token in the browser) goes
through ``portal.signing.interrupted`` instead.

Problems the caller can act on raise ``ValidationError`` with a Vietnamese sentence.
"""

from __future__ import annotations

import base64
import contextlib
import io
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pkcs11 import Attribute, ObjectClass
from pkcs11 import exceptions as p11_errors
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields as pdf_fields
from pyhanko.sign import signers as hanko_signers
from pyhanko.sign.ades.api import CAdESSignedAttrSpec, SignerAttrSpec
from pyhanko.sign.general import SigningError
from pyhanko.sign.pkcs11 import PKCS11Error, PKCS11Signer, open_pkcs11_session
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from portal.models import SigningCredentialKind
from portal.signing.certificates import (
    CertificateInfo,
    certificate_info,
    check_signing_certificate,
    load_certificate,
    load_pkcs12,
    private_key_to_asn1,
    to_asn1,
)
from portal.signing.secrets import env_secret, secret_decrypt

DIGEST_ALGORITHM = "sha256"
TSA_TIMEOUT_SECONDS = 10


# --- shared pieces (also used by the interrupted flow) ---------------------------------------


def resolve_tsa_url(timestamp_url: str | None) -> str:
    """``None``: the configured authority (``HOSO_TSA_URL``); ``""``: no timestamp (B-B)."""
    if timestamp_url is None:
        return getattr(settings, "HOSO_TSA_URL", "") or ""
    return timestamp_url


def timestamper_for(url: str):
    return RequestsHTTPTimeStamper(url, timeout=TSA_TIMEOUT_SECONDS) if url else None


def role_attribute_spec(role: str) -> CAdESSignedAttrSpec | None:
    """The signer's role ("Giám đốc", "Con dấu cơ quan") as a claimed CAdES signer attribute
    (``signer-attributes-v2``), so that it is signed with the document."""
    role = (role or "").strip()
    if not role:
        return None
    attribute = cms.AttCertAttribute(
        {
            "type": "role",
            "values": [
                cms.RoleSyntax(
                    {"role_name": asn1_x509.GeneralName({"directory_name": asn1_x509.Name.build({"title": role})})}
                )
            ],
        }
    )
    return CAdESSignedAttrSpec(signer_attributes=SignerAttrSpec(claimed_attrs=[attribute], certified_attrs=[]))


def signature_metadata(*, field_name: str, reason: str, location: str = "", role: str = "") -> PdfSignatureMetadata:
    """A PAdES approval signature (never certifying: later signatures stay allowed)."""
    return PdfSignatureMetadata(
        field_name=field_name,
        reason=reason or None,
        location=location or None,
        md_algorithm=DIGEST_ALGORITHM,
        subfilter=pdf_fields.SigSeedSubFilter.PADES,
        certify=False,
        cades_signed_attr_spec=role_attribute_spec(role),
    )


def pdf_writer(pdf: bytes, *, field_name: str) -> IncrementalPdfFileWriter:
    """An incremental writer over ``pdf``; refuses a file that is not a PDF, and a field
    that already holds a signature."""
    if not field_name or "." in field_name:
        raise ValidationError({"field_name": _("Name the signature field (letters and digits, no dots).")})
    pdf = bytes(pdf or b"")
    if not pdf.startswith(b"%PDF-"):
        raise ValidationError({"pdf": _("The file is not a PDF document.")})
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        encrypted = writer.prev.encrypted
        signed = list(pdf_fields.enumerate_sig_fields(writer.prev, filled_status=True, with_name=field_name))
    except (PdfError, ValueError, KeyError, TypeError):
        raise ValidationError({"pdf": _("The PDF document is damaged and cannot be signed.")}) from None
    if encrypted:
        raise ValidationError({"pdf": _("The PDF document is encrypted; it cannot be signed.")})
    if signed:
        raise ValidationError(
            {"field_name": _("The document already carries a signature in field %(field)s.") % {"field": field_name}}
        )
    return writer


def certificate_store(certificates: Iterable) -> SimpleCertificateStore:
    asn1_certs = []
    for cert in certificates:
        if isinstance(cert, bytes | bytearray | memoryview):
            cert = load_certificate(bytes(cert))
        asn1_certs.append(to_asn1(cert) if isinstance(cert, x509.Certificate) else cert)
    return SimpleCertificateStore.from_certs(asn1_certs)


def signing_failure(exc: Exception) -> ValidationError:
    """A pyHanko or timestamp failure as a sentence the clerk can act on."""
    if isinstance(exc, TimestampRequestError):
        return ValidationError(
            _("The timestamp authority did not answer correctly; try again later or check HOSO_TSA_URL.")
        )
    return ValidationError(_("The document could not be signed: %(problem)s") % {"problem": exc})


# --- the interface -----------------------------------------------------------------------------


class Signer(ABC):
    """Signs PDF documents on the server. Subclasses provide the certificate and a pyHanko signer."""

    role: str = ""

    @property
    @abstractmethod
    def certificate(self) -> x509.Certificate: ...

    @property
    def chain(self) -> list[x509.Certificate]:
        return []

    @abstractmethod
    def _pyhanko_signer(self) -> contextlib.AbstractContextManager:
        """A context manager yielding a ``pyhanko.sign.signers.Signer`` (opening a token session if needed)."""

    def certificate_info(self) -> CertificateInfo:
        return certificate_info(self.certificate)

    def sign_pdf(
        self,
        pdf: bytes,
        *,
        field_name: str,
        reason: str,
        location: str = "",
        timestamp_url: str | None = None,
    ) -> bytes:
        """Add a PAdES signature in field ``field_name`` as an incremental update; return the new PDF.

        B-T when a timestamp authority is configured (``timestamp_url``, default
        ``HOSO_TSA_URL``; pass ``""`` to force B-B), B-B otherwise. Refuses (``ValidationError``)
        a certificate that is expired, not yet valid or not for signing, a file that is
        not a PDF, an already signed field, an unreachable timestamp authority.
        """
        check_signing_certificate(self.certificate_info())
        writer = pdf_writer(pdf, field_name=field_name)
        url = resolve_tsa_url(timestamp_url)
        metadata = signature_metadata(field_name=field_name, reason=reason, location=location, role=self.role)
        with self._pyhanko_signer() as hanko_signer:
            pdf_signer = PdfSigner(metadata, signer=hanko_signer, timestamper=timestamper_for(url))
            try:
                output = pdf_signer.sign_pdf(writer)
            except (SigningError, TimestampRequestError, PdfError) as exc:
                raise signing_failure(exc) from exc
        return output.getvalue()


class Pkcs12Signer(Signer):
    """A key and certificate from a PKCS#12 file, held in memory only while signing."""

    def __init__(self, pkcs12: bytes, passphrase: str | None, *, role: str = "", chain: Iterable[bytes] = ()):
        self._bundle = load_pkcs12(pkcs12, passphrase, field_name="pkcs12")
        self._extra_chain = [load_certificate(bytes(der)) for der in chain]
        self.role = role

    @classmethod
    def from_credential(cls, credential) -> Pkcs12Signer:
        """The signer of a stored ``pkcs12`` credential: decrypts the file, reads the passphrase
        from the environment variable the credential names."""
        if not credential.pkcs12_encrypted:
            raise ValidationError(_("Credential '%(label)s' holds no PKCS#12 file.") % {"label": credential.label})
        passphrase = env_secret(credential.passphrase_env, what=_("the passphrase of the PKCS#12 file"))
        return cls(
            secret_decrypt(credential.pkcs12_encrypted),
            passphrase,
            role=credential.signer_role,
            chain=[base64.b64decode(item) for item in credential.chain],
        )

    @property
    def certificate(self) -> x509.Certificate:
        return self._bundle.certificate

    @property
    def chain(self) -> list[x509.Certificate]:
        return [*self._bundle.chain, *self._extra_chain]

    @contextlib.contextmanager
    def _pyhanko_signer(self) -> Iterator:
        yield hanko_signers.SimpleSigner(
            signing_cert=to_asn1(self.certificate),
            signing_key=private_key_to_asn1(self._bundle.key),
            cert_registry=certificate_store(self.chain),
        )


class Pkcs11Signer(Signer):
    """A key on a PKCS#11 token or HSM, used through one session per signature.

    ``certificate``: the signer's certificate (DER, PEM or ``cryptography`` object); when
    omitted it is read from the token (object with label ``cert_label``, default the key label).
    """

    def __init__(
        self,
        *,
        module_path: str,
        token_label: str,
        pin: str | None,
        key_label: str = "",
        key_id: bytes | str | None = None,
        cert_label: str = "",
        certificate=None,
        chain: Iterable = (),
        role: str = "",
    ):
        if not key_label and not key_id:
            raise ValidationError({"pkcs11_key_label": _("Name the key on the token (its label or its id).")})
        self.module_path = module_path
        self.token_label = token_label
        self.pin = pin
        self.key_label = key_label
        self.key_id = bytes.fromhex(key_id) if isinstance(key_id, str) else key_id
        self.cert_label = cert_label or key_label
        self.role = role
        if certificate is not None and not isinstance(certificate, x509.Certificate):
            certificate = load_certificate(bytes(certificate))
        self._certificate = certificate
        self._chain = [load_certificate(bytes(c)) if not isinstance(c, x509.Certificate) else c for c in chain]

    @classmethod
    def from_credential(cls, credential) -> Pkcs11Signer:
        """The signer of a stored ``pkcs11`` credential; the PIN comes from the variable ``pin_env`` names."""
        pin = env_secret(credential.pin_env, what=_("the PIN of the token"))
        return cls(
            module_path=credential.pkcs11_module,
            token_label=credential.pkcs11_token_label,
            pin=pin,
            key_label=credential.pkcs11_key_label,
            key_id=credential.pkcs11_key_id or None,
            certificate=bytes(credential.certificate),
            chain=[base64.b64decode(item) for item in credential.chain],
            role=credential.signer_role,
        )

    @property
    def certificate(self) -> x509.Certificate:
        if self._certificate is None:
            with self._session() as session:
                self._certificate = _token_certificate(session, label=self.cert_label, id_value=self.key_id)
        return self._certificate

    @property
    def chain(self) -> list[x509.Certificate]:
        return list(self._chain)

    @contextlib.contextmanager
    def _session(self) -> Iterator:
        try:
            session = open_pkcs11_session(
                self.module_path, token_criteria=TokenCriteria(label=self.token_label), user_pin=self.pin
            )
        except (p11_errors.PinIncorrect, p11_errors.PinLenRange):
            raise ValidationError(_("The PIN of token %(token)s is wrong.") % {"token": self.token_label}) from None
        except PKCS11Error:
            raise ValidationError(
                _("Token %(token)s was not found: is it plugged in and initialised?") % {"token": self.token_label}
            ) from None
        except (OSError, RuntimeError, p11_errors.PKCS11Error) as exc:
            raise ValidationError(
                _("The PKCS#11 module %(module)s cannot be used: %(problem)s")
                % {"module": self.module_path, "problem": exc.__class__.__name__}
            ) from None
        try:
            yield session
        finally:
            session.close()

    def check_key(self) -> None:
        """Open the token with the PIN and find the key; ``ValidationError`` when that fails."""
        with self._pyhanko_signer():
            pass

    @contextlib.contextmanager
    def _pyhanko_signer(self) -> Iterator:
        certificate = self.certificate
        with self._session() as session:
            signer = PKCS11Signer(
                session,
                signing_cert=to_asn1(certificate),
                ca_chain=[to_asn1(cert) for cert in self.chain],
                key_label=self.key_label or None,
                key_id=self.key_id,
            )
            try:
                signer.signing_cert  # noqa: B018 - loads the key handle now, so a missing key is reported here
            except PKCS11Error:
                raise ValidationError(
                    _("The key %(key)s was not found on token %(token)s.")
                    % {"key": self.key_label or (self.key_id or b"").hex(), "token": self.token_label}
                ) from None
            yield signer


def _token_certificate(session, *, label: str, id_value: bytes | None) -> x509.Certificate:
    query = {Attribute.CLASS: ObjectClass.CERTIFICATE}
    if label:
        query[Attribute.LABEL] = label
    if id_value:
        query[Attribute.ID] = id_value
    found = list(session.get_objects(query))
    if len(found) != 1:
        raise ValidationError(
            _("Exactly one certificate labelled %(label)s is expected on the token; %(count)s found.")
            % {"label": label or "—", "count": len(found)}
        )
    return load_certificate(bytes(found[0][Attribute.VALUE]))


def signer_for(credential) -> Signer:
    """The server-side signer of a stored credential (``pkcs12`` or ``pkcs11``).

    Raises ``ValidationError`` for an inactive credential, for one whose key stays with
    its holder (``external``: use ``signature_prepare`` / ``signature_complete``), and for a
    missing passphrase or PIN variable.
    """
    if not credential.active:
        raise ValidationError(_("Credential '%(label)s' is no longer in use.") % {"label": credential.label})
    if credential.kind == SigningCredentialKind.PKCS12:
        return Pkcs12Signer.from_credential(credential)
    if credential.kind == SigningCredentialKind.PKCS11:
        return Pkcs11Signer.from_credential(credential)
    raise ValidationError(
        _(
            "The key of credential '%(label)s' is held by its owner: it signs through the interrupted flow "
            "(the browser plugin or the reference client), not on the server."
        )
        % {"label": credential.label}
    )
