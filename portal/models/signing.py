"""Signing primitives kept as content: trust roots, signing credentials, interrupted signatures.

- ``TrustRoot``: a CA certificate the Sở Nội vụ uploaded. Verification trusts only the
  active ones (``portal.signing.verify``); nothing is trusted by default, not even the
  operating system's list.
- ``SigningCredential``: what a server-side signer uses: a PKCS#12 file (the agency seal),
  a key on a PKCS#11 token or HSM, or a certificate whose key stays with its holder
  (``external``: signed through the interrupted flow). Secrets never sit here in clear:
  the PKCS#12 blob is itself passphrase-encrypted and additionally encrypted at rest
  (Fernet, ``portal.signing.secrets``); passphrases and PINs stay in the environment and
  only the *name* of their variable is stored.
- ``PendingSignature``: the state of an interrupted signing act between "here is the
  digest" and "here is the signature"; used at most once, before it expires.

All three are written only by ``portal.services.signing`` and ``portal.signing.interrupted``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models.audit import _track


class SigningCredentialKind(models.TextChoices):
    PKCS12 = "pkcs12", _("PKCS#12 file held by the server")
    PKCS11 = "pkcs11", _("PKCS#11 token or HSM")
    EXTERNAL = "external", _("Held by the signer (interrupted signing)")


class CertificateFields(models.Model):
    """The certificate (DER) and what the admin lists show of it, extracted by the service on save."""

    certificate = models.BinaryField(_("certificate (DER)"))
    subject = models.CharField(_("subject"), max_length=500)
    common_name = models.CharField(_("common name"), max_length=300, blank=True)
    organization = models.CharField(_("organization"), max_length=300, blank=True)
    issuer = models.CharField(_("issuer"), max_length=500)
    serial_number = models.CharField(_("serial number"), max_length=100)
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    key_usage = models.JSONField(_("key usage"), default=list, blank=True)

    class Meta:
        abstract = True

    def is_valid_at(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.not_before <= moment <= self.not_after


class TrustRoot(CertificateFields):
    """A CA certificate trusted for verification (the government root CA, the province's CA...).

    Invariants: one row per certificate (``fingerprint_sha256`` unique); the certificate
    is a CA certificate. Only active rows are trusted. Rows are deactivated, not deleted,
    so that past verifications stay explainable.
    """

    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("trusted"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("trust root")
        verbose_name_plural = _("trust roots")
        constraints = [models.UniqueConstraint(fields=["fingerprint_sha256"], name="trust_root_fingerprint_unique")]

    def __str__(self) -> str:
        return self.name


class SigningCredential(CertificateFields):
    """What a signer uses: an agency seal (``unit``) or a person's certificate (``user``).

    Invariants (kept by ``portal.services.signing``): exactly one owner; the certificate
    allows signing (digitalSignature or nonRepudiation); for ``pkcs12`` the blob is the
    Fernet-encrypted, passphrase-protected PKCS#12 and ``passphrase_env`` names the
    environment variable holding the passphrase; for ``pkcs11`` the module, token and key
    are named and ``pin_env`` names the variable holding the PIN. No passphrase, PIN or
    unencrypted key is ever stored.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=SigningCredentialKind.choices)
    label = models.CharField(_("label"), max_length=200)
    unit = models.ForeignKey(
        "portal.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_credentials",
        verbose_name=_("agency (seal)"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_credentials",
        verbose_name=_("person"),
    )
    signer_role = models.CharField(
        _("signer role"), max_length=200, help_text=_("For example Giám đốc, Con dấu cơ quan.")
    )
    chain = models.JSONField(_("issuing certificates (base64 DER)"), default=list, blank=True)
    pkcs12_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    passphrase_env = models.CharField(_("passphrase environment variable"), max_length=100, blank=True)
    pkcs11_module = models.CharField(_("PKCS#11 module"), max_length=500, blank=True)
    pkcs11_token_label = models.CharField(_("token label"), max_length=100, blank=True)
    pkcs11_key_label = models.CharField(_("key label"), max_length=100, blank=True)
    pkcs11_key_id = models.CharField(_("key id (hex)"), max_length=100, blank=True)
    pin_env = models.CharField(_("PIN environment variable"), max_length=100, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["label", "pk"]
        verbose_name = _("signing credential")
        verbose_name_plural = _("signing credentials")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, user__isnull=True) | Q(unit__isnull=True, user__isnull=False),
                name="signing_credential_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.label


class PendingSignature(models.Model):
    """An interrupted signing act waiting for the signer's signature value.

    ``prepared_pdf`` is the document with the signature placeholder; the client signs
    ``digest`` (the ``digest_algorithm`` hash of ``signed_attributes``, which carry the
    document's ``document_digest``). ``purpose`` names what is signed ("approval_act:42")
    and must be repeated on completion. One-time use: ``used_at`` is set by the completion
    that embeds a signature; expired or used rows are refused.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(_("purpose"), max_length=200, db_index=True)
    field_name = models.CharField(_("signature field"), max_length=100)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    prepared_pdf = models.BinaryField(editable=False)
    document_digest = models.CharField(max_length=128)
    reserved_start = models.PositiveBigIntegerField()
    reserved_end = models.PositiveBigIntegerField()
    signed_attributes = models.BinaryField(editable=False)
    digest = models.CharField(_("digest to sign (hex)"), max_length=128)
    digest_algorithm = models.CharField(_("digest algorithm"), max_length=20, default="sha256")
    certificate = models.BinaryField(_("signer certificate (DER)"))
    chain = models.JSONField(default=list, blank=True)
    timestamp_url = models.CharField(_("timestamp authority"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pending signature")
        verbose_name_plural = _("pending signatures")

    def __str__(self) -> str:
        return f"{self.purpose} ({self.pk})"


# Audit trail (pghistory triggers, as for the other configuration models); blobs stay out of it.
_track(TrustRoot, "TrustRootAudit", ["certificate"])
_track(SigningCredential, "SigningCredentialAudit", ["certificate", "pkcs12_encrypted", "updated_at"])
_track(PendingSignature, "PendingSignatureAudit", ["prepared_pdf", "signed_attributes", "certificate"])

__all__ = ["PendingSignature", "SigningCredential", "SigningCredentialKind", "TrustRoot"]
