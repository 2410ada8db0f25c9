"""Reference local signing service: what a USB-token plugin (the VGCA Sign Service pattern) offers
the browser, with a key file instead of a token. For the tests and the demo only.

A real signer installs their token's signing service, which listens on the loopback interface;
the admin page's script (``records/static/records/approvals.js``) asks it for the certificate,
sends it the digest the server prepared (interrupted signing, ``portal.signing.interrupted``)
and posts the signature back to the server. This service answers the same two requests:

- ``GET /certificate`` → ``{"Status": 0, "certificate": base64 DER, "chain": [base64 DER, ...]}``
  (``CertBase64`` repeats the certificate, as the VGCA plugin names it);
- ``POST /sign`` with ``{"digest": hex, "digest_algorithm": "sha256"}`` →
  ``{"Status": 0, "Signature": base64, "CertBase64": ...}``; a refusal answers
  ``{"Status": 1, "Message": ...}`` with HTTP 400.

Every answer carries CORS headers, so that a page of the portal may call it (answers to
preflight requests included). It binds to 127.0.0.1 only and signs whatever digest it is sent,
as a token plugin does after its PIN prompt: never run it with a real key.

From the command line::

    python -m portal.signing.reference_service --key KEY.pem --cert CERT.pem [--chain CHAIN.pem] --port 8987

In a test, ``start_in_thread(SigningIdentity.from_files(key=..., cert=..., chain=...))`` runs it on a
free port and returns a handle with ``url`` and ``stop()``.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import sys
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from portal.signing.reference_client import HASHES, sign_digest

HOST = "127.0.0.1"
DEFAULT_PORT = 8987
MAX_BODY_BYTES = 64 * 1024


@dataclass
class SigningIdentity:
    """The key (PEM) the service signs with, its certificate and the issuing chain (DER)."""

    private_key_pem: bytes
    certificate_der: bytes
    chain_der: list[bytes] = field(default_factory=list)
    password: bytes | None = None

    @classmethod
    def from_pem(
        cls, *, key_pem: bytes, cert_pem: bytes, chain_pem: bytes = b"", password: bytes | None = None
    ) -> SigningIdentity:
        """From PEM texts; ``cert_pem`` may carry the chain after the signer's certificate."""
        certificates = x509.load_pem_x509_certificates(cert_pem)
        if chain_pem.strip():
            certificates += x509.load_pem_x509_certificates(chain_pem)
        # Fail now, not at the first request, when the key cannot be read.
        serialization.load_pem_private_key(key_pem, password=password)
        der = [cert.public_bytes(serialization.Encoding.DER) for cert in certificates]
        return cls(private_key_pem=key_pem, certificate_der=der[0], chain_der=der[1:], password=password)

    @classmethod
    def from_files(cls, *, key, cert, chain=None, password: bytes | None = None) -> SigningIdentity:
        """From PEM files (paths), as the command line gives them."""
        chain_pem = Path(chain).read_bytes() if chain else b""
        return cls.from_pem(
            key_pem=Path(key).read_bytes(), cert_pem=Path(cert).read_bytes(), chain_pem=chain_pem, password=password
        )


def _handler_for(identity: SigningIdentity, allow_origin: str) -> type[BaseHTTPRequestHandler]:
    certificate = base64.b64encode(identity.certificate_der).decode()
    chain = [base64.b64encode(der).decode() for der in identity.chain_der]

    class Handler(BaseHTTPRequestHandler):
        server_version = "HosoReferenceSigner/1.0"

        def log_message(self, format, *args):
            if getattr(self.server, "verbose", False):
                super().log_message(format, *args)

        def _cors(self) -> None:
            self.send_header("Access-Control-Allow-Origin", allow_origin)
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type")
            # Chromium asks before a page reaches the loopback interface (Private Network Access).
            self.send_header("Access-Control-Allow-Private-Network", "true")
            self.send_header("Access-Control-Max-Age", "600")
            if allow_origin != "*":
                self.send_header("Vary", "Origin")

        def _answer(self, status: HTTPStatus, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self._cors()
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _refuse(self, status: HTTPStatus, message: str) -> None:
            self._answer(status, {"Status": 1, "Message": message})

        def do_OPTIONS(self):
            self.send_response(HTTPStatus.NO_CONTENT)
            self._cors()
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            if self.path.split("?", 1)[0].rstrip("/") != "/certificate":
                return self._refuse(HTTPStatus.NOT_FOUND, "unknown path; use GET /certificate or POST /sign")
            return self._answer(
                HTTPStatus.OK, {"Status": 0, "certificate": certificate, "chain": chain, "CertBase64": certificate}
            )

        def do_POST(self):
            if self.path.split("?", 1)[0].rstrip("/") != "/sign":
                return self._refuse(HTTPStatus.NOT_FOUND, "unknown path; use GET /certificate or POST /sign")
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if not 0 < length <= MAX_BODY_BYTES:
                return self._refuse(HTTPStatus.BAD_REQUEST, "send a JSON body {digest, digest_algorithm}")
            try:
                request = json.loads(self.rfile.read(length))
                digest = str(request["digest"]).strip()
                algorithm = str(request.get("digest_algorithm") or "sha256").lower()
            except (ValueError, KeyError, TypeError):
                return self._refuse(HTTPStatus.BAD_REQUEST, "send a JSON body {digest, digest_algorithm}")
            if algorithm not in HASHES:
                return self._refuse(HTTPStatus.BAD_REQUEST, f"unsupported digest algorithm {algorithm!r}")
            try:
                signature = sign_digest(
                    private_key_pem=identity.private_key_pem,
                    digest=digest,
                    algorithm=algorithm,
                    password=identity.password,
                )
            except (ValueError, TypeError, binascii.Error) as exc:
                return self._refuse(HTTPStatus.BAD_REQUEST, str(exc))
            return self._answer(
                HTTPStatus.OK,
                {"Status": 0, "Signature": base64.b64encode(signature).decode(), "CertBase64": certificate},
            )

    return Handler


def make_server(
    identity: SigningIdentity, *, port: int = DEFAULT_PORT, allow_origin: str = "*", verbose: bool = False
) -> ThreadingHTTPServer:
    """A threaded HTTP server on 127.0.0.1:``port`` (0: a free port) answering for ``identity``."""
    server = ThreadingHTTPServer((HOST, port), _handler_for(identity, allow_origin))
    server.daemon_threads = True
    server.verbose = verbose
    return server


@dataclass
class RunningService:
    """A service started by ``start_in_thread``."""

    server: ThreadingHTTPServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def start_in_thread(identity: SigningIdentity, *, port: int = 0, allow_origin: str = "*") -> RunningService:
    """Run the service for ``identity`` in a daemon thread (``port`` 0: a free one); ``stop()`` ends it."""
    server = make_server(identity, port=port, allow_origin=allow_origin)
    thread = threading.Thread(target=server.serve_forever, name="reference-signing-service", daemon=True)
    thread.start()
    return RunningService(server=server, thread=thread)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portal.signing.reference_service",
        description="A local signing service for the demo and the tests (a key file standing in for a USB token).",
    )
    parser.add_argument("--key", required=True, help="private key file (PEM)")
    parser.add_argument("--cert", required=True, help="the signer's certificate (PEM; may be followed by the chain)")
    parser.add_argument("--chain", default="", help="issuing certificates (PEM, one or more)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    parser.add_argument("--allow-origin", default="*", help="the portal's origin allowed to call (default any)")
    parser.add_argument("--password-env", default="", help="environment variable holding the key file's password")
    options = parser.parse_args(argv)
    password = None
    if options.password_env:
        value = os.environ.get(options.password_env)
        if not value:
            parser.error(f"environment variable {options.password_env} is not set")
        password = value.encode()
    try:
        identity = SigningIdentity.from_files(
            key=options.key, cert=options.cert, chain=options.chain, password=password
        )
        server = make_server(identity, port=options.port, allow_origin=options.allow_origin, verbose=True)
    except (OSError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    subject = x509.load_der_x509_certificate(identity.certificate_der).subject.rfc4514_string()
    print(f"Reference signing service for {subject} on http://{HOST}:{server.server_address[1]} (Ctrl+C stops it)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
