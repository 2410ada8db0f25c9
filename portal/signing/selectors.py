"""Reads of the signing configuration: trust roots and signing credentials.

Trust roots and credentials are province-wide configuration: the admin screens show them
to system administrators only (``portal.views.signing``); the signing code reads them
without a user (a verification or a signing act has already been authorised by its caller).
"""

from __future__ import annotations

from cryptography import x509
from django.db.models import QuerySet

from portal.models import SigningCredential, TrustRoot
from portal.signing.certificates import load_certificate


def trust_root_list(*, include_inactive: bool = True) -> QuerySet[TrustRoot]:
    """Trust roots by name (without the DER blob)."""
    queryset = TrustRoot.objects.defer("certificate").select_related("uploaded_by")
    return queryset if include_inactive else queryset.filter(active=True)


def active_trust_root_certificates() -> list[x509.Certificate]:
    """The certificates verification trusts: the active trust roots, nothing else."""
    rows = TrustRoot.objects.filter(active=True).values_list("certificate", flat=True)
    return [load_certificate(bytes(der)) for der in rows]


def signing_credential_list(*, include_inactive: bool = True) -> QuerySet[SigningCredential]:
    """Credentials by label, with their owner (the encrypted key file is never loaded)."""
    queryset = SigningCredential.objects.defer("pkcs12_encrypted", "certificate").select_related("unit", "user")
    return queryset if include_inactive else queryset.filter(active=True)


def signing_credentials_for(*, unit=None, user=None) -> QuerySet[SigningCredential]:
    """The active credentials of an agency (its seal) or of a person."""
    queryset = SigningCredential.objects.filter(active=True)
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    if user is not None:
        queryset = queryset.filter(user=user)
    return queryset.order_by("label", "pk")
