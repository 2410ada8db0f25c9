"""Fixtures of the signing tests: a generated PKI, a timestamp authority over HTTP, a SoftHSM2 token.

Nothing is committed: keys are generated per session. Tools from Debian packages
(``pdfsig`` from poppler-utils, ``softhsm2-util`` from softhsm2, ``pkcs11-tool`` from opensc)
are required; without them the tests that need them are skipped with the package's name,
except under CI (``CI`` set) where a missing tool fails them, so CI cannot pass by skipping.
"""

from __future__ import annotations

import http.server
import io
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import tsp
from django.utils import translation
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from portal.signing.certificates import private_key_to_asn1, to_asn1
from portal.signing.pdfsig import pdfsig_signatures
from tests.portal.signing.pki import build_pki

SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN_LABEL = "hoso-test"
TOKEN_PIN = "246810"
TOKEN_SO_PIN = "13579111"


def need_tool(executable: str, package: str) -> str:
    """The tool's path; skip (fail under CI) when the Debian package is missing."""
    path = shutil.which(executable)
    if path is None:
        reason = f"{executable} is missing (Debian package '{package}': apt-get install -y {package})"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the signing tests: {reason}", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture(autouse=True)
def vietnamese():
    """Messages are asserted in Vietnamese, as the clerk reads them."""
    with translation.override("vi"):
        yield


@pytest.fixture(scope="session")
def pki():
    return build_pki()


def make_pdf(text: str = "Bien ban phe duyet thang 11/2026") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)  # text visible: tests flip its bytes
    page.setTitle("Bien ban phe duyet")
    page.drawString(72, 760, text)
    page.drawString(72, 740, "Don vi: So Noi vu tinh Dong Thap")
    page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(scope="session")
def sample_pdf() -> bytes:
    return make_pdf()


# --- timestamp authority --------------------------------------------------------------------------


class _TimestampHandler(http.server.BaseHTTPRequestHandler):
    stamper: DummyTimeStamper
    requests_served = 0

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        request = tsp.TimeStampReq.load(self.rfile.read(length))
        body = self.stamper.request_tsa_response(request).dump()
        type(self).requests_served += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@dataclass
class TimestampAuthority:
    url: str
    handler: type[_TimestampHandler]

    @property
    def requests_served(self) -> int:
        return self.handler.requests_served


@pytest.fixture(scope="session")
def tsa(pki):
    """An RFC 3161 timestamp authority on 127.0.0.1 (pyHanko's DummyTimeStamper, RSA, under the test root)."""
    handler = type("TimestampHandler", (_TimestampHandler,), {})
    handler.stamper = DummyTimeStamper(
        tsa_cert=to_asn1(pki.tsa.certificate),
        tsa_key=private_key_to_asn1(pki.tsa.key),
        certs_to_embed=SimpleCertificateStore.from_certs([to_asn1(pki.root.certificate)]),
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield TimestampAuthority(url=f"http://127.0.0.1:{server.server_port}/", handler=handler)
    finally:
        server.shutdown()
        server.server_close()


# --- trust ----------------------------------------------------------------------------------------


@pytest.fixture
def trusted_root(db, pki):
    """The test root CA uploaded as the one active trust root."""
    from portal.services.signing import trust_root_upload

    return trust_root_upload(actor=None, certificate=pki.root.pem, name="CA gốc thử nghiệm")


# --- pdfsig ---------------------------------------------------------------------------------------


@pytest.fixture
def pdfsig():
    """``pdfsig_signatures`` once poppler-utils is known to be installed."""
    need_tool("pdfsig", "poppler-utils")
    return pdfsig_signatures


# --- SoftHSM2 token -------------------------------------------------------------------------------


@dataclass
class Token:
    module: str
    label: str
    pin: str
    conf: Path


@pytest.fixture(scope="session")
def softhsm_token(pki, tmp_path_factory):
    """A SoftHSM2 token in a temporary directory holding the seal's key (label/id ``seal``/``01``)
    and certificate; ``SOFTHSM2_CONF`` points at it for the whole session."""
    softhsm_util = need_tool("softhsm2-util", "softhsm2")
    pkcs11_tool = need_tool("pkcs11-tool", "opensc")
    if not SOFTHSM_MODULE.exists():
        pytest.skip(f"{SOFTHSM_MODULE} is missing (Debian package 'softhsm2')")
    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    key_file, cert_file = root / "seal-key.pem", root / "seal-cert.der"
    key_file.write_bytes(pki.seal.key_pem)
    cert_file.write_bytes(pki.seal.der)

    def run(*command):
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "SOFTHSM2_CONF": str(conf)})

    run(softhsm_util, "--init-token", "--free", "--label", TOKEN_LABEL, "--pin", TOKEN_PIN, "--so-pin", TOKEN_SO_PIN)
    # softhsm2-util --import reads PKCS#8 PEM; the certificate is written with pkcs11-tool (opensc).
    run(
        softhsm_util,
        "--import",
        str(key_file),
        "--token",
        TOKEN_LABEL,
        "--label",
        "seal",
        "--id",
        "01",
        "--pin",
        TOKEN_PIN,
    )
    run(
        pkcs11_tool,
        "--module",
        str(SOFTHSM_MODULE),
        "--token-label",
        TOKEN_LABEL,
        "--login",
        "--pin",
        TOKEN_PIN,
        "--write-object",
        str(cert_file),
        "--type",
        "cert",
        "--label",
        "seal",
        "--id",
        "01",
    )
    key_file.unlink()  # the key now lives only in the token
    try:
        yield Token(module=str(SOFTHSM_MODULE), label=TOKEN_LABEL, pin=TOKEN_PIN, conf=conf)
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous
