"""A throwaway certificate authority for the demo province (``make run``), never for production.

Generated on first use under ``var/demo-signing/`` (mode 0600, never committed): a root CA, a
personal certificate for the demo approver and an agency seal for the demo department, each
with its key. The root is uploaded as a trust root, the approver's certificate registered as an
external credential (the key stays in the reference local signing service, like a USB token)
and the seal as a PKCS#12 credential whose passphrase is in ``HOSO_DEMO_SEAL_PASSPHRASE``
(the launcher sets it from ``var/demo-signing/seal.pass``). Production certificates come from
the Government CA (domain.md §10) and are uploaded by the Sở Nội vụ.
"""

from __future__ import annotations

import datetime
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from portal.runtime import var_dir

SEAL_PASSPHRASE_ENV = "HOSO_DEMO_SEAL_PASSPHRASE"
DIRECTORY = "demo-signing"


@dataclass(frozen=True)
class DemoIdentity:
    certificate_path: Path
    key_path: Path

    @property
    def certificate_der(self) -> bytes:
        pem = self.certificate_path.read_bytes()
        return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)


def directory() -> Path:
    path = var_dir() / DIRECTORY
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o600)


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _issue(common_name, organization, *, issuer=None, issuer_key=None, ca=False):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    subject = _name(common_name, organization)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    return builder.sign(issuer_key or key, hashes.SHA256()), key


def _pem_key(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def demo_pki_ensure(*, person_name: str, organization: str, seal_name: str) -> dict:
    """Create the demo CA and its two certificates once; return their paths (and the seal's .p12)."""
    folder = directory()
    paths = {
        "root": folder / "ca-goc-demo.pem",
        "person_cert": folder / "nguoi-phe-duyet.cert.pem",
        "person_key": folder / "nguoi-phe-duyet.key.pem",
        "seal_p12": folder / "con-dau.p12",
        "seal_pass": folder / "seal.pass",
    }
    if not all(path.exists() for path in paths.values()):
        root, root_key = _issue("CA Gốc Demo Hồ sơ CBCCVC (không dùng thật)", "Hồ sơ CBCCVC – demo", ca=True)
        person, person_key = _issue(person_name, organization, issuer=root, issuer_key=root_key)
        seal, seal_key = _issue(seal_name, organization, issuer=root, issuer_key=root_key)
        passphrase = secrets.token_urlsafe(18)
        _write(paths["root"], root.public_bytes(serialization.Encoding.PEM))
        _write(paths["person_cert"], person.public_bytes(serialization.Encoding.PEM))
        _write(paths["person_key"], _pem_key(person_key))
        _write(
            paths["seal_p12"],
            pkcs12.serialize_key_and_certificates(
                name=b"con-dau",
                key=seal_key,
                cert=seal,
                cas=[root],
                encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
            ),
        )
        _write(paths["seal_pass"], passphrase.encode())
    # The demo's own file is the truth (another demo directory may have set the variable before).
    os.environ[SEAL_PASSPHRASE_ENV] = paths["seal_pass"].read_text().strip()
    return paths
