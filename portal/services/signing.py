"""Write services of the signing configuration: trust roots and signing credentials.

Only system administrators (``scoping.is_system_admin``) upload trust roots and register
credentials; ``actor=None`` is the system itself (a management command or a test).
Every service is one transaction, validates everything first and raises
``ValidationError`` keyed by field with a Vietnamese sentence (not a certificate, expired,
no signing key usage, wrong passphrase, environment variable missing...), or
``SigningConfigurationDenied`` for an actor who is not a system administrator. The audit
trail is written by the pghistory triggers on ``TrustRoot`` and ``SigningCredential``
(``portal.models.signing``), inside the request's or command's audit context.
"""

from __future__ import annotations

import base64

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import SigningCredential, SigningCredentialKind, TrustRoot, Unit
from portal.scoping import is_system_admin
from portal.signing.backends import Pkcs11Signer
from portal.signing.certificates import (
    CertificateInfo,
    certificate_der,
    certificate_info,
    check_signing_certificate,
    load_certificate,
    load_pkcs12,
)
from portal.signing.secrets import check_env_name, env_secret, secret_encrypt
from portal.text import nfc

MAX_FILE_BYTES = 1024 * 1024


class SigningConfigurationDenied(PermissionDenied):
    """Only system administrators manage trust roots and signing credentials."""


def _require_system_admin(actor) -> None:
    if actor is not None and not is_system_admin(actor):
        raise SigningConfigurationDenied(_("Only system administrators manage trust roots and signing credentials."))


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _check_size(data: bytes, field_name: str) -> bytes:
    data = bytes(data or b"")
    if not data:
        raise ValidationError({field_name: _("Choose the file to upload.")})
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError({field_name: _("The file is larger than 1 MB; a certificate file is much smaller.")})
    return data


def _certificate_values(info: CertificateInfo) -> dict:
    return {
        "certificate": info.der,
        "subject": info.subject[:500],
        "common_name": info.common_name[:300],
        "organization": info.organization[:300],
        "issuer": info.issuer[:500],
        "serial_number": info.serial_number[:100],
        "fingerprint_sha256": info.fingerprint_sha256,
        "not_before": info.not_before,
        "not_after": info.not_after,
        "key_usage": info.key_usage,
    }


# --- trust roots -------------------------------------------------------------------------------


def trust_root_upload(*, actor, certificate: bytes, name: str = "") -> TrustRoot:
    """Add a CA certificate (DER or PEM) to the trust roots, active at once.

    Refuses a file that is not a certificate, a certificate that is not a CA's, an expired
    one, and one already uploaded (same SHA-256 fingerprint). ``name`` defaults to the
    certificate's common name.
    """
    _require_system_admin(actor)
    data = _check_size(certificate, "certificate")
    info = certificate_info(load_certificate(data, field_name="certificate"))
    if not info.is_ca:
        raise ValidationError(
            {
                "certificate": _(
                    "%(name)s is not a certification authority's certificate; upload the CA's (root) certificate, "
                    "not a signer's."
                )
                % {"name": info.common_name or info.subject}
            }
        )
    if not info.is_valid_at():
        raise ValidationError(
            {
                "certificate": _("The certificate of %(name)s is not valid now (valid from %(start)s to %(end)s).")
                % {
                    "name": info.common_name or info.subject,
                    "start": info.not_before.strftime("%d/%m/%Y"),
                    "end": info.not_after.strftime("%d/%m/%Y"),
                }
            }
        )
    name = nfc(name) or info.common_name or info.subject
    with transaction.atomic():
        existing = TrustRoot.objects.filter(fingerprint_sha256=info.fingerprint_sha256).first()
        if existing is not None:
            raise ValidationError(
                {"certificate": _("This certificate is already a trust root ('%(name)s').") % {"name": existing.name}}
            )
        return TrustRoot.objects.create(name=name[:200], uploaded_by=_actor(actor), **_certificate_values(info))


def trust_root_set_active(*, actor, trust_root: TrustRoot, active: bool) -> TrustRoot:
    """Trust (``active``) or stop trusting a root; the row stays for the record."""
    _require_system_admin(actor)
    with transaction.atomic():
        trust_root = TrustRoot.objects.select_for_update().get(pk=trust_root.pk)
        if trust_root.active != active:
            trust_root.active = active
            trust_root.save(update_fields=["active"])
    return trust_root


# --- credentials -------------------------------------------------------------------------------


def _owner(unit: Unit | None, user) -> None:
    if (unit is None) == (user is None):
        raise ValidationError(
            {"unit": _("A credential belongs either to an agency (its seal) or to one person; choose exactly one.")}
        )
    if unit is not None and unit.dissolved_on is not None:
        raise ValidationError({"unit": _("Unit '%(name)s' is dissolved.") % {"name": unit.name}})


def _chain_values(chain) -> list[str]:
    return [base64.b64encode(certificate_der(cert)).decode() for cert in chain]


def signing_credential_register(
    *,
    actor,
    kind: str,
    label: str,
    signer_role: str,
    unit: Unit | None = None,
    user=None,
    certificate: bytes | None = None,
    pkcs12: bytes | None = None,
    passphrase_env: str = "",
    pkcs11_module: str = "",
    pkcs11_token_label: str = "",
    pkcs11_key_label: str = "",
    pkcs11_key_id: str = "",
    pin_env: str = "",
    chain: list[bytes] | None = None,
    check_token: bool = True,
) -> SigningCredential:
    """Register what a signer uses, after checking it works.

    - ``pkcs12``: the .p12 file and the *name* of the environment variable holding its
      passphrase; the file is opened with that passphrase (wrong passphrase, variable not
      set, no key → refused) and stored Fernet-encrypted.
    - ``pkcs11``: module path, token label, key label or id, the *name* of the PIN variable,
      and the certificate (DER or PEM; read from the token when omitted). With
      ``check_token`` the token is opened with the PIN and the key looked up.
    - ``external``: only the certificate; the key stays with its holder (interrupted flow).

    For every kind the certificate must be valid now and allow signing (digitalSignature or
    nonRepudiation). Exactly one owner: ``unit`` (agency seal) or ``user`` (a person).
    """
    _require_system_admin(actor)
    label, signer_role = nfc(label), nfc(signer_role)
    if kind not in SigningCredentialKind.values:
        raise ValidationError({"kind": _("Choose how the key is held.")})
    if not label:
        raise ValidationError({"label": _("Give the credential a label.")})
    if not signer_role:
        raise ValidationError({"signer_role": _("Enter the signer's role (for example Giám đốc, Con dấu cơ quan).")})
    _owner(unit, user)
    extra_chain = [load_certificate(_check_size(der, "chain"), field_name="chain") for der in chain or []]
    values: dict = {}
    if kind == SigningCredentialKind.PKCS12:
        data = _check_size(pkcs12, "pkcs12")
        values["passphrase_env"] = check_env_name(passphrase_env, field_name="passphrase_env")
        passphrase = env_secret(
            values["passphrase_env"], field_name="passphrase_env", what=_("the passphrase of the PKCS#12 file")
        )
        bundle = load_pkcs12(data, passphrase, field_name="pkcs12")
        cert, extra_chain = bundle.certificate, [*bundle.chain, *extra_chain]
        values["pkcs12_encrypted"] = secret_encrypt(data)
    elif kind == SigningCredentialKind.PKCS11:
        values["pin_env"] = check_env_name(pin_env, field_name="pin_env")
        values.update(
            pkcs11_module=(pkcs11_module or "").strip(),
            pkcs11_token_label=(pkcs11_token_label or "").strip(),
            pkcs11_key_label=(pkcs11_key_label or "").strip(),
            pkcs11_key_id=(pkcs11_key_id or "").strip().lower(),
        )
        if not values["pkcs11_module"]:
            raise ValidationError({"pkcs11_module": _("Enter the path of the PKCS#11 module (.so).")})
        if not values["pkcs11_token_label"]:
            raise ValidationError({"pkcs11_token_label": _("Enter the label of the token.")})
        _check_key_id(values["pkcs11_key_id"])
        token_signer = Pkcs11Signer(
            module_path=values["pkcs11_module"],
            token_label=values["pkcs11_token_label"],
            pin=env_secret(values["pin_env"], field_name="pin_env", what=_("the PIN of the token"))
            if check_token or not certificate
            else None,
            key_label=values["pkcs11_key_label"],
            key_id=values["pkcs11_key_id"] or None,
            certificate=load_certificate(_check_size(certificate, "certificate"), field_name="certificate")
            if certificate
            else None,
        )
        cert = token_signer.certificate
        if check_token:
            token_signer.check_key()
    else:
        cert = load_certificate(_check_size(certificate, "certificate"), field_name="certificate")
    info = certificate_info(cert)
    field_name = "pkcs12" if kind == SigningCredentialKind.PKCS12 else "certificate"
    check_signing_certificate(info, field_name=field_name)
    with transaction.atomic():
        return SigningCredential.objects.create(
            kind=kind,
            label=label[:200],
            signer_role=signer_role[:200],
            unit=unit,
            user=user,
            chain=_chain_values(extra_chain),
            created_by=_actor(actor),
            **_certificate_values(info),
            **values,
        )


def _check_key_id(key_id: str) -> None:
    if key_id:
        try:
            bytes.fromhex(key_id)
        except ValueError:
            message = _("The key id is written in hexadecimal (for example 01).")
            raise ValidationError({"pkcs11_key_id": message}) from None


def signing_credential_set_active(*, actor, credential: SigningCredential, active: bool) -> SigningCredential:
    """Put a credential in use or out of use (it is never deleted: signed documents name it)."""
    _require_system_admin(actor)
    with transaction.atomic():
        credential = SigningCredential.objects.select_for_update().get(pk=credential.pk)
        if credential.active != active:
            credential.active = active
            credential.save(update_fields=["active", "updated_at"])
    return credential
