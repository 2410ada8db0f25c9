"""Reference client of the interrupted flow: signs a digest with a local private key, the way
a USB-token plugin signs the hash the server sent (PKCS#1 v1.5 for RSA keys, ECDSA for EC keys).

Used by the tests and the demo; a real signer uses their token. As a function::

    signature = sign_digest(private_key_pem=pem, digest=pending.digest)

From the command line (prints the signature in base64)::

    python -m portal.signing.reference_client --key KEY.pem --digest HEX [--algorithm sha256]

``--password-env NAME`` names an environment variable holding the key file's password.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


def sign_digest(
    *, private_key_pem: bytes, digest: bytes | str, algorithm: str = "sha256", password: bytes | None = None
) -> bytes:
    """The raw signature of ``digest`` (bytes, or hex) with the PEM private key; no hashing is redone."""
    if algorithm not in HASHES:
        raise ValueError(f"unsupported digest algorithm {algorithm!r} (use one of {', '.join(HASHES)})")
    digest_bytes = bytes.fromhex(digest) if isinstance(digest, str) else bytes(digest)
    hash_algorithm = HASHES[algorithm]()
    if len(digest_bytes) != hash_algorithm.digest_size:
        raise ValueError(f"a {algorithm} digest has {hash_algorithm.digest_size} bytes, not {len(digest_bytes)}")
    key = serialization.load_pem_private_key(private_key_pem, password=password)
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(digest_bytes, padding.PKCS1v15(), Prehashed(hash_algorithm))
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(digest_bytes, ec.ECDSA(Prehashed(hash_algorithm)))
    raise ValueError("only RSA and EC keys are supported")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portal.signing.reference_client",
        description="Sign a digest prepared by the server (interrupted signing) with a local private key.",
    )
    parser.add_argument("--key", required=True, help="private key file (PEM, PKCS#8 or traditional)")
    parser.add_argument("--digest", required=True, help="the digest to sign, in hexadecimal")
    parser.add_argument("--algorithm", default="sha256", choices=sorted(HASHES))
    parser.add_argument("--password-env", default="", help="environment variable holding the key file's password")
    options = parser.parse_args(argv)
    password = None
    if options.password_env:
        value = os.environ.get(options.password_env)
        if not value:
            parser.error(f"environment variable {options.password_env} is not set")
        password = value.encode()
    try:
        with open(options.key, "rb") as handle:
            pem = handle.read()
        signature = sign_digest(
            private_key_pem=pem, digest=options.digest.strip(), algorithm=options.algorithm, password=password
        )
    except (OSError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(base64.b64encode(signature).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
