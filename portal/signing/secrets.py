"""Secrets of the signing credentials: encryption at rest, passphrases and PINs from the environment.

A stored PKCS#12 file is already protected by its passphrase; it is encrypted once more
(Fernet: AES-128-CBC + HMAC-SHA256) with a key derived by HKDF from ``HOSO_SIGNING_KEY``
when that is set (recommended: the key then differs from ``SECRET_KEY`` and can be kept
in a separate secret store), else from ``SECRET_KEY``. Changing that secret makes stored
files unreadable: they must be uploaded again.

Passphrases and PINs never reach the database: a credential stores the *name* of the
environment variable that holds them, and they are read only at signing time.
"""

from __future__ import annotations

import base64
import os
import re

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ENV_NAME_RE = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")
HKDF_INFO = b"ho-so-cbccvc signing credentials v1"


def _fernet() -> Fernet:
    secret = getattr(settings, "HOSO_SIGNING_KEY", "") or settings.SECRET_KEY
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def secret_encrypt(data: bytes) -> bytes:
    """Encrypt bytes for storage (a Fernet token)."""
    return _fernet().encrypt(bytes(data))


def secret_decrypt(token: bytes) -> bytes:
    """Decrypt what ``secret_encrypt`` stored; ``ValidationError`` when the key changed."""
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken:
        raise ValidationError(
            _(
                "The stored key file cannot be decrypted: HOSO_SIGNING_KEY (or SECRET_KEY) changed since it was "
                "uploaded. Upload the PKCS#12 file again."
            )
        ) from None


def check_env_name(name: str, *, field_name: str) -> str:
    """An environment variable name (``HOSO_SEAL_PASSPHRASE``); ``ValidationError`` otherwise."""
    name = (name or "").strip()
    if not ENV_NAME_RE.match(name):
        raise ValidationError(
            {
                field_name: _(
                    "Enter the name of an environment variable (capital letters, digits and _, "
                    "for example HOSO_SEAL_PASSPHRASE), not the secret itself."
                )
            }
        )
    return name


def env_secret(name: str, *, field_name: str | None = None, what: str = "") -> str:
    """The value of environment variable ``name``; ``ValidationError`` when it is not set."""
    value = os.environ.get(name or "")
    if not value:
        message = _("Environment variable %(name)s is not set on the server; %(what)s cannot be read.") % {
            "name": name or "—",
            "what": what or _("the secret"),
        }
        raise ValidationError({field_name: message} if field_name else message)
    return value
