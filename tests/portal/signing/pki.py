"""A throwaway public-key infrastructure for the signing tests, generated with ``cryptography``.

Nothing here is ever written to the repository: keys live in memory (and in the
test's temporary directory when a tool needs a file). RSA 2048 keeps generation fast.

- ``root``: the trusted root CA (uploaded as a ``TrustRoot`` by the tests that need trust);
- ``intermediate``: a CA under the root that issues the signers' certificates;
- ``person``: a leader's personal certificate (digitalSignature + nonRepudiation);
- ``seal``: the agency seal (digitalSignature + nonRepudiation);
- ``expired``, ``not_yet_valid``, ``no_signing_usage`` (keyEncipherment only);
- ``rogue_root`` and ``rogue``: a root nobody trusts and a signer under it;
- ``tsa``: the timestamp authority's certificate (timeStamping, under the root).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DAY = datetime.timedelta(days=1)

SIGNING_USAGE = {"digital_signature": True, "content_commitment": True}
CA_USAGE = {"key_cert_sign": True, "crl_sign": True, "digital_signature": True}
ENCIPHER_ONLY_USAGE = {"key_encipherment": True}
NO_USAGE = {
    "digital_signature": False,
    "content_commitment": False,
    "key_encipherment": False,
    "data_encipherment": False,
    "key_agreement": False,
    "key_cert_sign": False,
    "crl_sign": False,
    "encipher_only": False,
    "decipher_only": False,
}


@dataclass
class Identity:
    """A certificate and its private key (``cryptography`` objects), with handy encodings."""

    name: str
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    issuer: Identity | None = None
    chain: list[x509.Certificate] = field(default_factory=list)

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        """The private key as unencrypted PKCS#8 PEM (what softhsm2-util --import and the reference client read)."""
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    @property
    def chain_der(self) -> list[bytes]:
        return [cert.public_bytes(serialization.Encoding.DER) for cert in self.chain]

    def pkcs12(self, passphrase: str) -> bytes:
        """A passphrase-encrypted PKCS#12 holding the key, the certificate and the issuing chain."""
        return pkcs12.serialize_key_and_certificates(
            name=self.name.encode(),
            key=self.key,
            cert=self.certificate,
            cas=self.chain or None,
            encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
        )


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def issue(
    name: str,
    *,
    common_name: str,
    organization: str,
    issuer: Identity | None,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
    usage: dict[str, bool],
    ca: bool = False,
    extended_usage: list | None = None,
) -> Identity:
    """One certificate; ``issuer`` None makes it self-signed (a root)."""
    key = _key()
    subject = _name(common_name, organization)
    signer_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**{**NO_USAGE, **usage}), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if extended_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended_usage), critical=True)
    certificate = builder.sign(signer_key, hashes.SHA256())
    chain = [] if issuer is None else [issuer.certificate, *issuer.chain]
    return Identity(name=name, certificate=certificate, key=key, issuer=issuer, chain=chain)


@dataclass
class TestPKI:
    root: Identity
    intermediate: Identity
    person: Identity
    seal: Identity
    expired: Identity
    not_yet_valid: Identity
    no_signing_usage: Identity
    rogue_root: Identity
    rogue: Identity
    tsa: Identity
    other_person: Identity

    __test__ = False  # not a test class, whatever its name


def build_pki(now: datetime.datetime | None = None) -> TestPKI:
    """Generate the whole test PKI (about a dozen RSA keys: well under a second or two)."""
    now = now or datetime.datetime.now(datetime.UTC)
    long_ago, far_ahead = now - 365 * DAY, now + 10 * 365 * DAY
    org = "Sở Nội vụ tỉnh Đồng Tháp"
    root = issue(
        "root",
        common_name="CA Gốc Thử nghiệm Hồ sơ CBCCVC",
        organization="Ban Thử nghiệm",
        issuer=None,
        not_before=long_ago,
        not_after=far_ahead,
        usage=CA_USAGE,
        ca=True,
    )
    intermediate = issue(
        "intermediate",
        common_name="CA Trung gian Thử nghiệm",
        organization="Ban Thử nghiệm",
        issuer=root,
        not_before=long_ago,
        not_after=far_ahead,
        usage=CA_USAGE,
        ca=True,
    )

    def leaf(name, common_name, *, organization=org, issuer=intermediate, start=None, end=None, usage=None):
        return issue(
            name,
            common_name=common_name,
            organization=organization,
            issuer=issuer,
            not_before=start or now - 30 * DAY,
            not_after=end or now + 730 * DAY,
            usage=SIGNING_USAGE if usage is None else usage,
        )

    rogue_root = issue(
        "rogue_root",
        common_name="CA Gốc Giả mạo",
        organization="Không rõ",
        issuer=None,
        not_before=long_ago,
        not_after=far_ahead,
        usage=CA_USAGE,
        ca=True,
    )
    return TestPKI(
        root=root,
        intermediate=intermediate,
        person=leaf("person", "Nguyễn Văn An"),
        other_person=leaf("other_person", "Trần Thị Bình"),
        seal=leaf("seal", org),
        expired=leaf("expired", "Lê Văn Hết Hạn", start=now - 730 * DAY, end=now - DAY),
        not_yet_valid=leaf("not_yet_valid", "Phạm Văn Chưa Tới", start=now + DAY, end=now + 730 * DAY),
        no_signing_usage=leaf("no_signing_usage", "Hoàng Văn Mã Hóa", usage=ENCIPHER_ONLY_USAGE),
        rogue_root=rogue_root,
        rogue=leaf("rogue", "Kẻ Mạo Danh", organization="Không rõ", issuer=rogue_root),
        tsa=issue(
            "tsa",
            common_name="Máy chủ Dấu thời gian Thử nghiệm",
            organization="Ban Thử nghiệm",
            issuer=root,
            not_before=long_ago,
            not_after=far_ahead,
            usage={"digital_signature": True},
            extended_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
        ),
    )
